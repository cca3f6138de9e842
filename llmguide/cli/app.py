"""The ``llmguide`` command: the typer app and the one error boundary.

The boundary lives in the app's group class, so it applies however the app is run (the console
script, ``python -m llmguide``, or typer's CliRunner in tests). Every ``LLMGuideError`` and every
usage error typer raises ends there as one line on stderr (plus a hint) and an exit code: 1 for
user or data errors, 2 for usage errors. ``LLMGUIDE_DEBUG=1`` re-raises instead, for developers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from llmguide import __version__
from llmguide.cli import (
    cmd_bench, cmd_catalog, cmd_compare, cmd_deploy, cmd_explain, cmd_faq, cmd_fit, cmd_hardware, cmd_list,
    cmd_recommend, cmd_show, cmd_why_not,
)
from llmguide.cli.clickcompat import Abort, ClickException, NoArgsIsHelpError, UsageError
from llmguide.errors import LLMGuideError


class GuardedGroup(TyperGroup):
    """A typer group whose ``main`` is the error boundary."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]  # keyword wins, as intended
        except Exception as exc:  # noqa: BLE001 - this is the boundary
            code = _handle(exc)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _handle(exc: BaseException) -> int:
    """Print one line for ``exc`` and return the exit code."""
    if os.environ.get("LLMGUIDE_DEBUG") == "1" and not isinstance(exc, NoArgsIsHelpError):
        raise exc
    if isinstance(exc, LLMGuideError):
        return _fail(exc.message, exc.hint, exc.exit_code)
    if isinstance(exc, NoArgsIsHelpError):  # bare 'llmguide': typer has printed the help already
        return 2
    if isinstance(exc, UsageError):
        cmd = exc.ctx.command_path if exc.ctx else "llmguide"
        return _fail(exc.format_message(), f"Try '{cmd} --help'.", 2)
    if isinstance(exc, ClickException):
        return _fail(exc.format_message(), None, exc.exit_code)
    if isinstance(exc, (Abort, KeyboardInterrupt)):
        return _fail("Interrupted.", None, 130)
    return _fail(
        f"internal error: {type(exc).__name__}: {exc}",
        "This is a bug in llmguide; please report it with the command you ran (LLMGUIDE_DEBUG=1 shows the traceback).",
        1,
    )


def _fail(message: str, hint: str | None, code: int) -> int:
    from rich.markup import escape

    from llmguide.cli.console import err

    console = err()
    console.print(f"[bold red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    if hint:
        console.print(hint, markup=False, highlight=False, soft_wrap=True)
    return code


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


for module in (cmd_show, cmd_compare, cmd_list, cmd_recommend, cmd_why_not, cmd_fit, cmd_deploy, cmd_bench, cmd_hardware,
               cmd_explain, cmd_faq, cmd_catalog):
    module.register(app)


def main() -> None:
    """Entry point of the ``llmguide`` script and ``python -m llmguide``."""
    app(prog_name="llmguide")  # a closed pipe ('llmguide list | head') ends quietly, as click does
