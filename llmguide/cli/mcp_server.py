"""``llmguide mcp``: seven commands as tools of a Model Context Protocol server, over stdio.

Each tool is its command. The tool's arguments are made from the command's own options (the long
option in snake_case, the same type, default and help), so they cannot drift apart; options that
only shape the text output (``--explain``, ``--runtime``, ``--sources``, ``--markdown``,
``--max-users``, ``--max-context``) are left out. A call runs the command in-process with
``--json`` and returns what it printed, so a result is exactly the command's documented JSON
(docs/json.md), given both as structured content and as a text block. Errors come back as tool errors holding the message and
hint the command line would print; the server keeps serving.

The MCP SDK (``pip install 'llmguide[mcp]'``) is imported only when the server is built, so this
module imports without it. docs/mcp.md describes the tools and how clients register the server.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import re
import sys
import threading
from dataclasses import dataclass
from types import GenericAlias
from typing import Any

from llmguide import __version__
from llmguide.cli.console import drop_notes
from llmguide.errors import LLMGuideError

INSTALL = "pip install 'llmguide[mcp]'"

# The tools, each with the options of its command that only change the text output (left out;
# a name a command does not have is ignored).
TOOLS: dict[str, tuple[str, ...]] = {
    "recommend": ("explain", "runtime"),
    "fit": ("runtime",),
    "show": ("sources",),
    "compare": (),
    "deploy": ("max_users", "max_context"),
    "hardware": (),
    "explain": ("markdown",),
}

INSTRUCTIONS = (
    "llmguide advises which open LLM to pick for a task and whether and how it runs on given hardware. "
    "Each tool is an llmguide command and returns that command's --json output. Memory sizes are in GB; "
    "without gpu, vram or ram, recommend, fit and deploy plan for the machine this server runs on. "
    "Names are forgiving: an unknown one is answered with 'Did you mean: ...'."
)

# JSON types of the command line's value types (click's names; SIZE is "GB", TOKENS "tokens").
_TYPES: dict[str, type] = {"text": str, "str": str, "integer": int, "int": int, "tokens": int, "float": float, "GB": float,
                           "boolean": bool}
_OPTION = re.compile(r"(?<!llama\.cpp's )--[a-z][a-z0-9-]*")  # llama.cpp's own flags keep their names

# Commands read process-wide state (stdout, the catalog cache): the SDK runs each call on a worker
# thread, so calls take turns.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Arg:
    """One argument of a tool: the command-line parameter it fills."""

    name: str  # the long option in snake_case (--n-gpu-layers: n_gpu_layers), or the positional's name
    param: Any  # the click parameter
    kind: type  # str, int, float or bool; a repeatable option or a variadic argument takes a list of it
    many: bool
    required: bool
    default: Any
    description: str


@dataclass(frozen=True)
class ToolSpec:
    """A tool: the command it runs, what it says it does, and its arguments."""

    name: str
    command: Any  # the click command
    description: str
    args: tuple[Arg, ...]


def tool_specs() -> list[ToolSpec]:
    """The tools, read from the commands of ``llmguide.cli.app``."""
    import typer.main

    from llmguide.cli.app import app

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]  # a group
    return [_spec(name, commands[name], skip) for name, skip in TOOLS.items()]


def _spec(name: str, command: Any, skip: tuple[str, ...]) -> ToolSpec:
    params = [p for p in command.params if p.name not in skip and p.name != "as_json"]
    words = {opt: _arg_name(p) for p in params for opt in p.opts if opt.startswith("--")}
    args = tuple(_arg(p, words) for p in params)
    paragraphs = [p for p in (command.help or "").split("\n\n") if not p.lstrip().startswith("Examples")]
    description = _words(" ".join(" ".join(paragraphs).split()), words)
    if "gpu" in words.values() and "detected" not in description:
        description += " Without gpu, vram or ram, the machine the server runs on is detected and planned for."
    return ToolSpec(name, command, description, args)


def _arg_name(param: Any) -> str:
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return longs[0][2:].replace("-", "_") if longs else param.name


def _arg(param: Any, words: dict[str, str]) -> Arg:
    flag = bool(getattr(param, "is_flag", False))
    kind = bool if flag else _TYPES.get(param.type.name)
    if kind is None:
        raise TypeError(f"llmguide mcp: no JSON type for the {param.type.name!r} values of {param.name}")
    many = bool(getattr(param, "multiple", False)) or param.nargs == -1
    default = param.default if not callable(param.default) else None
    if many and default is not None:
        default = list(default)
    return Arg(_arg_name(param), param, kind, many, bool(param.required), default,
               _words(" ".join((getattr(param, "help", None) or "").split()), words))


def _words(text: str, words: dict[str, str]) -> str:
    """``text`` with the tool's own options (``--vram``) named as its arguments (``vram``)."""
    return _OPTION.sub(lambda m: words.get(m.group(), m.group()), text)


def command_line(spec: ToolSpec, values: dict[str, Any]) -> list[str]:
    """The arguments ``llmguide COMMAND`` is run with for a tool call's ``values`` (``--json`` first,
    options as ``--name=value`` so a value may start with a dash, positionals after ``--``)."""
    options, positionals = ["--json"], []
    for arg in spec.args:
        value = values.get(arg.name)
        if value is None or value == arg.default:
            continue
        if arg.param.param_type_name == "argument":
            positionals += [str(v) for v in value] if arg.many else [str(value)]
        elif arg.kind is bool:
            options.append(arg.param.opts[0] if value else arg.param.secondary_opts[0])
        else:
            option = next(opt for opt in arg.param.opts if opt.startswith("--"))
            options += [f"{option}={v}" for v in (value if arg.many else [value])]
    return options + ["--"] + positionals


def run(spec: ToolSpec, values: dict[str, Any]) -> tuple[bool, str]:
    """Run the tool's command in-process: ``(True, the JSON it printed)`` or ``(False, its error)``."""
    argv = command_line(spec, values)
    buffer = io.StringIO()
    with _LOCK:
        try:
            with contextlib.redirect_stdout(buffer):
                spec.command.main(args=argv, prog_name=f"llmguide {spec.name}", standalone_mode=False)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - every failure is the caller's answer, not the server's end
            drop_notes()  # the failed call's notes: its error is its answer (and the next call's notes are its own)
            return False, _words(error_text(exc), {opt: a.name for a in spec.args for opt in a.param.opts if opt.startswith("--")})
    return True, buffer.getvalue()


def error_text(exc: BaseException) -> str:
    """The message (and hint) the command line prints for ``exc``, without its "Error:"."""
    from llmguide.cli.clickcompat import Abort, ClickException

    if isinstance(exc, LLMGuideError):
        return "\n".join(line for line in (exc.message, exc.hint) if line)
    if isinstance(exc, ClickException):
        return exc.format_message()
    if isinstance(exc, Abort):
        return "Interrupted."
    if isinstance(exc, OSError):
        return f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc.strerror or exc)
    if os.environ.get("LLMGUIDE_DEBUG") == "1":  # the traceback for developers, on stderr (never on the protocol)
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    return f"internal error: {type(exc).__name__}: {exc}"


def _signature(spec: ToolSpec, result_type: Any) -> inspect.Signature:
    """The Python signature the SDK makes the tool's input schema from."""
    from typing import Annotated

    from pydantic import Field

    params = []
    for arg in spec.args:
        kind: Any = GenericAlias(list, (arg.kind,)) if arg.many else arg.kind  # list[str], for a repeatable option
        if not arg.required and arg.default is None:
            kind = kind | None
        params.append(inspect.Parameter(arg.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=inspect.Parameter.empty if arg.required else arg.default,
                                        annotation=Annotated[kind, Field(description=arg.description)]))
    return inspect.Signature(params, return_annotation=result_type)


def build_server() -> Any:
    """The MCP server with the seven tools (raises ImportError without the mcp package)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.tools import Tool
    from mcp.types import ToolAnnotations

    from llmguide.catalog import cache

    cache.FREEZE = False  # commands run in this process for as long as it serves (common.settle)
    tools = []
    for spec in tool_specs():
        writes = spec.name == "hardware"  # measure_bandwidth keeps its measurement
        tool = Tool.from_function(_tool_function(spec), name=spec.name, title=f"llmguide {spec.name}", description=spec.description,
                                  annotations=ToolAnnotations(read_only_hint=not writes, destructive_hint=False, idempotent_hint=True,
                                                              open_world_hint=False))
        # An argument the tool does not have is refused, as the command line refuses an unknown
        # option: ignored, a misspelt "vram_gb" would silently plan for the detected machine.
        strict: Any = type(tool.fn_metadata.arg_model.__name__, (tool.fn_metadata.arg_model,), {"model_config": {"extra": "forbid"}})
        tool.fn_metadata.arg_model = strict
        tool.parameters = strict.model_json_schema(by_alias=True)
        tools.append(tool)
    return MCPServer("llmguide", title="llmguide", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING", tools=tools)


def _tool_function(spec: ToolSpec) -> Any:
    """The function the SDK calls for the tool: the command's JSON as structured content and as
    text, or its error as a tool error."""
    from mcp.types import CallToolResult, TextContent

    def call(**values: Any) -> CallToolResult:
        ok, text = run(spec, values)
        if not ok:
            return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
        try:
            data = json.loads(text)
        except ValueError:
            return CallToolResult(content=[TextContent(type="text", text=f"internal error: llmguide {spec.name} printed no JSON")],
                                  is_error=True)
        return CallToolResult(content=[TextContent(type="text", text=text.strip())],
                              structured_content=data if isinstance(data, dict) else None)

    call.__name__ = spec.name
    call.__signature__ = _signature(spec, CallToolResult)  # type: ignore[attr-defined]
    call.__annotations__ = {"return": CallToolResult}
    return call


def serve() -> None:
    """Serve the tools over stdin and stdout until the client closes them."""
    try:
        import mcp  # noqa: F401
    except ImportError:
        raise LLMGuideError(f"llmguide mcp needs the mcp package: {INSTALL}") from None
    try:
        server = build_server()
    except ImportError as exc:  # mcp 1.x: the server class had another name
        raise LLMGuideError(f"llmguide mcp needs the mcp package 2.0 or later ({exc}): pip install -U 'llmguide[mcp]'") from None
    server.run("stdio")
