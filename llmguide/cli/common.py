"""Pieces several commands share: the catalog (loaded once per process) and common options."""

from __future__ import annotations

from functools import lru_cache

import typer

from llmguide.catalog.loader import Catalog, load_catalog
from llmguide.cli.clickcompat import ParamType
from llmguide.hardware.spec import HardwareSpec


EXTRA_CATALOGS: list = []  # --catalog PATH options of the current invocation


@lru_cache(maxsize=8)
def _catalog(extra: tuple, env: str, user_dir: str) -> Catalog:
    """Cached per set of overlays (``env`` and ``user_dir`` are part of the key; they are read inside)."""
    from llmguide.catalog.overlay import apply_overlays, overlay_paths

    import gc

    # The catalog lives as long as the process and holds no cycles: the collector need not scan it
    # while it is built, and the script freezes it after (settle), as it freezes what it reads from
    # the cache as it reads it (cache.FREEZE: a cached catalog is read as it is used).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return apply_overlays(lambda: load_catalog(use_cache=True), overlay_paths(list(extra)), use_cache=True)
    finally:
        settle()
        if collecting:
            gc.enable()


def settle() -> None:
    """In the llmguide script, what a command has built lives until it has been shown and the
    process ends: the cyclic collector need not scan it again (ranking thousands of variants leaves
    millions of objects, and rescanning them cost more than writing the answer). A process that
    goes on (the MCP server, a program or test that runs commands) keeps collecting: the one flag
    for both is ``cache.FREEZE``, which only the script sets."""
    import gc

    from llmguide.catalog import cache

    if cache.FREEZE:
        gc.freeze()


def catalog() -> Catalog:
    """The shipped catalog with the user's catalogs on top (see llmguide/catalog/overlay.py)."""
    import os

    from llmguide.catalog import overlay

    user = overlay.user_catalog_dir()
    try:
        state = f"{user}:{user.is_dir()}"
    except OSError:  # unreadable: overlay_paths says so
        state = f"{user}:unreadable"
    return _catalog(tuple(EXTRA_CATALOGS), os.environ.get("LLMGUIDE_CATALOG", ""), state)


class _Size(ParamType):
    """A memory size as typed: 24, 24GB, 24G, 24GiB, 512MB, 1.5TB (units.parse_size_gb)."""

    name = "GB"

    def convert(self, value, param, ctx):
        from llmguide.units import parse_size_gb

        if isinstance(value, (int, float)):
            return float(value)
        try:
            return parse_size_gb(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Tokens(ParamType):
    """A token count as typed: 32768, 32k, 128K, 1M (units.parse_tokens)."""

    name = "tokens"

    def convert(self, value, param, ctx):
        from llmguide.units import parse_tokens

        if isinstance(value, int):
            return value
        try:
            return parse_tokens(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def check_runtime(runtime: str) -> str:
    from llmguide.deploy.run import RUNTIMES

    key = runtime.lower().replace("_", "-").replace(" ", "-")
    key = {"llamacpp": "llama.cpp", "llama-cpp": "llama.cpp", "llama-server": "llama.cpp", "lm-studio": "lmstudio",
           "lms": "lmstudio"}.get(key, key)
    if key not in RUNTIMES:
        raise typer.BadParameter(f"use one of {', '.join(RUNTIMES)}, not '{runtime}'", param_hint="--runtime")
    return key


def one_format(as_json: bool, markdown: bool) -> None:
    """--json and --markdown each replace the whole output; asking for both is a usage error."""
    if as_json and markdown:
        from llmguide.errors import UsageError

        raise UsageError("--json and --markdown cannot be used together.", "Pick one: --json for programs, --markdown for documents.")


SIZE = _Size()
TOKENS = _Tokens()
HARDWARE_PANEL = "Hardware (default: this machine, detected)"
JSON_OPTION = typer.Option(False, "--json", help="Print JSON only (shape in docs/json.md).")

# Hardware flags shared by recommend and fit.
GPU_OPTION = typer.Option(None, "--gpu", help="GPU preset, e.g. 4090, 'RTX 3090', '2x RTX 3090', 'M2 Max 38-core'.", rich_help_panel=HARDWARE_PANEL)
GPUS_OPTION = typer.Option(None, "--gpus", help="Number of GPUs.", rich_help_panel=HARDWARE_PANEL)
VRAM_OPTION = typer.Option(None, "--vram", help="GPU memory per card in GB, e.g. 24 or 24GB (overrides the preset).", click_type=SIZE, rich_help_panel=HARDWARE_PANEL)
RAM_OPTION = typer.Option(None, "--ram", help="System RAM in GB (with a GPU: allows GPU+CPU split; unified memory on Apple).", click_type=SIZE, rich_help_panel=HARDWARE_PANEL)
BANDWIDTH_OPTION = typer.Option(None, "--bandwidth", help="GPU memory bandwidth in GB/s (for speed; overrides the preset).", rich_help_panel=HARDWARE_PANEL)
CPU_BANDWIDTH_OPTION = typer.Option(None, "--cpu-bandwidth", help="System RAM bandwidth in GB/s that the CPU reaches (for the speed of layers or experts in RAM; default: 72, DDR5-5600 dual channel at 80% of its 89.6 GB/s peak; `llmguide hardware --measure-bandwidth` measures yours).", rich_help_panel=HARDWARE_PANEL)
CPU_ONLY_OPTION = typer.Option(False, "--cpu-only", help="Plan without any GPU, detected or given.", rich_help_panel=HARDWARE_PANEL)
# What recommend and why-not ask of a model, beyond the hardware. TASK_IDS and TASK_ALIASES are kept in step with
# catalog/tasks.yaml by tests/cli/test_recommend.py (reading the catalog here would slow start-up).
TASK_IDS = "chat, code, reasoning, math, summarization, long-context, multilingual, tool-use, vision"
TASK_ALIASES = ("chat (assistant, chatbot, conversation, general, writing); code (coding, programming, coder, software, "
                "development); reasoning (thinking, logic, reason); math (maths, mathematics); summarization (summarisation, "
                "summarize, summarise, summary, summaries); long-context (rag, retrieval, long-documents, documents, long); "
                "multilingual (translation, translate, languages); tool-use (agents, agent, agentic, tool-calling, "
                "function-calling, tools); vision (image, images, multimodal, vlm)")
TASK_OPTION = typer.Option("chat", "--task", "-t", help=f"What the model is for, with the other words it takes: {TASK_ALIASES}.")
LANG_OPTION = typer.Option(None, "--lang", "-l", help="Language(s) needed: ISO 639-1 codes or names; repeat or comma-separate.")
CONTEXT_OPTION = typer.Option(None, "--context", "-c", click_type=TOKENS, help="Context to plan for, in tokens: 32768, 32k, 1M (default 4096, or the task's minimum).")
LICENSE_OPTION = typer.Option(None, "--license", help="License policy: an SPDX id (Apache-2.0, MIT, ...), 'permissive' or 'commercial'.")
MIN_SPEED_OPTION = typer.Option(None, "--min-speed", help="Minimum generation speed, tokens per second.")
MAX_TTFT_OPTION = typer.Option(None, "--max-ttft", help="Maximum time to the first token, seconds (for a 512-token prompt).")
MODALITY_OPTION = typer.Option(None, "--modality", help="Input the model must take: text, image, audio, video (repeat or comma-separate).")
RUNTIME_OPTION = typer.Option("llama.cpp", "--runtime", help="The runtime to print get-and-run commands for: llama.cpp, ollama or lmstudio (--json gives all three).")
HEADROOM_OPTION = typer.Option(None, "--headroom", help="Memory kept free for the desktop and OS: GB (e.g. 2) or a share (e.g. 10%). Default: max(0.5 GB, 5%) of VRAM, max(2 GB, 10%) of RAM.", rich_help_panel=HARDWARE_PANEL)


def hardware_options(*, headroom: bool = True, gpus_option=None):
    """The hardware flags, declared once: a command that takes them names one parameter,
    ``hardware_spec``, and gets a ``HardwareSpec``; its --help lists --gpu, --gpus, --vram, --ram,
    --bandwidth, --cpu-bandwidth, --cpu-only (and --headroom) in a "Hardware" panel at that place.
    ``gpus_option`` replaces --gpus's declaration (deploy: GPUs per node)."""
    import functools
    import inspect
    from typing import Optional

    flags = [("gpu", Optional[str], GPU_OPTION), ("gpus", Optional[int], gpus_option or GPUS_OPTION),
             ("vram", Optional[float], VRAM_OPTION), ("ram", Optional[float], RAM_OPTION),
             ("bandwidth", Optional[float], BANDWIDTH_OPTION), ("cpu_bandwidth", Optional[float], CPU_BANDWIDTH_OPTION),
             ("cpu_only", bool, CPU_ONLY_OPTION)] + ([("headroom", Optional[str], HEADROOM_OPTION)] if headroom else [])
    names = [name for name, _, _ in flags]

    def decorate(command):
        sig = inspect.signature(command)
        params = []
        for p in sig.parameters.values():
            if p.name == "hardware_spec":
                params += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
                           for name, kind, option in flags]
            else:
                params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        if len(params) == len(sig.parameters):
            raise TypeError(f"{command.__name__} has no hardware_spec parameter")

        @functools.wraps(command)
        def wrapper(**kwargs):
            spec = HardwareSpec(**{name: kwargs.pop(name) for name in names})
            return command(hardware_spec=spec, **kwargs)

        wrapper.__signature__ = sig.replace(parameters=params)
        wrapper.__annotations__ = {**{k: v for k, v in command.__annotations__.items() if k != "hardware_spec"},
                                   **{name: kind for name, kind, _ in flags}}
        return wrapper

    return decorate


def hardware(spec: HardwareSpec | None):
    """The hardware to plan for (``hardware.resolve``): the flags when given, else this machine as
    detected. Detection warnings and notes go to stderr, so --json output stays pure."""
    from llmguide.cli.console import note
    from llmguide.hardware.resolve import resolve

    hw, notes = resolve(spec or HardwareSpec(), catalog().hardware)
    for line in notes:
        note(line)
    return hw
