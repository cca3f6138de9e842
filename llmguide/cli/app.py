"""The ``llmguide`` command: the typer app and the one error boundary.

The boundary lives in the app's group class, so it applies however the app is run (the console
script, ``python -m llmguide``, or typer's CliRunner in tests). Every ``LLMGuideError`` and every
usage error typer raises ends there as one line on stderr (plus a hint) and an exit code: 1 for
user or data errors, 2 for usage errors. ``LLMGUIDE_DEBUG=1`` re-raises instead, for developers.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from llmguide import __version__
from llmguide.cli.clickcompat import Abort, ClickException, NoArgsIsHelpError, UsageError
from llmguide.errors import LLMGuideError

MIN_COLUMNS = 40  # the narrowest width llmguide lays tables out for

# Each command and the module under llmguide/cli whose ``register(app)`` adds it, in the order help
# lists them. A command's module is imported, and its options built, when it is looked up: a run
# of `list` does not load what `fit` or `show` need, and help, which lists them all, loads all.
COMMANDS = {
    "show": "cmd_show", "compare": "cmd_compare", "list": "cmd_list", "recommend": "cmd_recommend",
    "why-not": "cmd_why_not", "fit": "cmd_fit", "installed": "cmd_installed", "deploy": "cmd_deploy",
    "bench": "cmd_bench", "hardware": "cmd_hardware", "explain": "cmd_explain", "faq": "cmd_faq",
    "mcp": "cmd_mcp", "catalog": "cmd_catalog",
}


class _Commands(MutableMapping[str, Any]):
    """The app's click commands by name (``COMMANDS``), each made the first time it is looked up,
    after any added the usual way (``app.command()``)."""

    def __init__(self, made: MutableMapping[str, Any]) -> None:
        self._made: dict[str, Any] = dict(made)

    def __contains__(self, name: object) -> bool:  # without making it
        return name in COMMANDS or name in self._made

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            if name not in COMMANDS:
                raise KeyError(name)
            one = typer.Typer(add_completion=False)
            one.callback()(_nothing)  # a group, so that a command and a group of commands (catalog) come out alike
            importlib.import_module(f"llmguide.cli.{COMMANDS[name]}").register(one)
            self._made[name] = typer.main.get_command(one).commands[name]  # type: ignore[attr-defined]  # a group
        return self._made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("llmguide's commands are fixed")

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMANDS), **self._made})

    def __len__(self) -> int:
        return len({**dict.fromkeys(COMMANDS), **self._made})


def _nothing() -> None:
    pass


class GuardedGroup(TyperGroup):
    """A typer group whose ``main`` is the error boundary, and whose commands are made as they are
    looked up (``COMMANDS``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        from llmguide.cli.console import ascii_fallback, write_notes

        from llmguide.estimate import prices
        from llmguide.quality import kept

        _usable_columns()
        ascii_fallback()
        _warnings_as_notes()
        prices.enable()  # weight prices kept between runs (estimate/prices.py)
        kept.enable()  # and task quality (quality/kept.py)
        try:
            if sys.stdout is None:  # started with stdout closed ('llmguide list >&-')
                raise OSError(errno.EBADF, "standard output is closed")
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]  # keyword wins, as intended
            write_notes()  # a command that printed no answer (they come before one otherwise)
            sys.stdout.flush()  # a full disk or closed pipe shows here, inside the boundary
            prices.save()
            kept.save()
        except Exception as exc:  # noqa: BLE001 - this is the boundary
            code = _handle(exc, _command(self, args[0] if args else kwargs.get("args", sys.argv[1:])))
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _usable_columns() -> None:
    """COLUMNS=0 (or 3, or 'wide') would have rich print nothing or one letter a line: a width it
    cannot use is raised to 40 columns, or dropped when it is not a number."""
    value = os.environ.get("COLUMNS")
    if value is None:
        return
    try:
        os.environ["COLUMNS"] = str(max(MIN_COLUMNS, min(int(value), 1000)))
    except ValueError:
        del os.environ["COLUMNS"]


def _warnings_as_notes() -> None:
    """What the library went without (``LLMGuideWarning``) is shown once as a note on stderr."""
    import warnings

    from llmguide.errors import LLMGuideWarning

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, LLMGuideWarning):
            from llmguide.cli.console import note

            note(str(message))
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("once", LLMGuideWarning)


def _command(group: TyperGroup, args: Any) -> str:
    """'llmguide CMD' for the command the arguments name (for the "Try ... --help" hint)."""
    names = [a for a in (args or []) if isinstance(a, str) and a in group.commands]
    return f"llmguide {names[0]}" if names else "llmguide"


def _handle(exc: BaseException, command: str = "llmguide") -> int:
    """Print one line for ``exc`` and return the exit code."""
    if os.environ.get("LLMGUIDE_DEBUG") == "1" and not isinstance(exc, NoArgsIsHelpError):
        raise exc
    if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS and exc.filename is None:
        return _output_failed(exc)
    if isinstance(exc, LLMGuideError):
        hint = exc.hint or (f"Try '{command} --help'." if exc.exit_code == 2 else None)
        return _fail(exc.message, hint, exc.exit_code)
    if isinstance(exc, NoArgsIsHelpError):  # bare 'llmguide': typer has printed the help already
        return 2
    if isinstance(exc, UsageError):
        cmd = exc.ctx.command_path if exc.ctx else "llmguide"
        return _fail(exc.format_message(), f"Try '{cmd} --help'.", 2)
    if isinstance(exc, ClickException):
        return _fail(exc.format_message(), None, exc.exit_code)
    if isinstance(exc, (Abort, KeyboardInterrupt)):
        return _fail("Interrupted.", None, 130)
    if isinstance(exc, OSError):  # a file the command read or wrote (the readers name their own)
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", None, 1)
    return _fail(
        f"internal error: {type(exc).__name__}: {exc}",
        "This is a bug in llmguide; please report it with the command you ran (LLMGUIDE_DEBUG=1 shows the traceback).",
        1,
    )


def _fail(message: str, hint: str | None, code: int) -> int:
    from rich.text import Text

    from llmguide.cli.console import clean, drop_notes, err

    drop_notes()  # the error is all a failed command says
    console = err()
    try:
        console.print(Text.assemble(("Error:", "bold red"), " ", clean(message)), soft_wrap=True)
        if hint:
            console.print(clean(hint), soft_wrap=True)
    except OSError:  # stderr closed or full too: the exit code is all that is left
        pass
    return code


# Failures to write the answer: stdout closed (EBADF), its reader gone (EPIPE), its disk full
# (ENOSPC, EDQUOT, EFBIG) or failing (EIO). They end with exit code 1: quietly for a closed pipe
# ('llmguide list | head'), with one line on stderr otherwise. (A file the command names has a
# filename on its error, and gets its own message.)
_OUTPUT_ERRNOS = {errno.EPIPE, errno.EBADF, errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _output_failed(exc: OSError) -> int:
    try:  # later flushes (at exit) must not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno()) if sys.stdout is not None else None
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    if exc.errno == errno.EPIPE:
        return 1
    return _fail(f"cannot write the output: {exc.strerror or exc}", None, 1)


app = typer.Typer(
    name="llmguide",
    cls=GuardedGroup,
    help="Which open LLM to pick, and whether and how it runs on your hardware.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llmguide {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    catalog: Optional[list[Path]] = typer.Option(
        None, "--catalog", help="A family file or catalog folder to add to the catalog (repeatable; see docs/catalog-format.md)."
    ),
) -> None:
    """Which open LLM to pick, and whether and how it runs on your hardware.

    Examples:

      llmguide recommend --task code --vram 24

      llmguide compare mixtral llama2

      llmguide show zephyr

      llmguide fit llama-2-13b-chat --gpu 4090
    """
    from llmguide.cli import common

    common.EXTRA_CATALOGS[:] = list(catalog or [])



def main() -> None:
    """Entry point of the ``llmguide`` script and ``python -m llmguide``."""
    from llmguide.catalog import cache

    cache.FREEZE = True  # the process ends with the command: what it reads and builds is frozen (common.settle)
    app(prog_name="llmguide")  # a closed pipe ('llmguide list | head') ends quietly, as click does
