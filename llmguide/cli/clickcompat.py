"""The click exception classes, wherever this typer keeps them.

Typer 0.29 and later vendor click as ``typer._click``; earlier releases use the ``click`` package.
The error boundary needs the classes to turn usage errors into one line, and the option types
(sizes, token counts) subclass ``ParamType``, so they are found here once.
"""

from __future__ import annotations

try:  # typer >= 0.29
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer._click.types import ParamType
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover - older typer with click as a dependency
    # (click may also be installed beside a newer typer, by mcp's uvicorn: mypy then sees two classes, hence 'assignment')
    from click.exceptions import Abort, ClickException, NoArgsIsHelpError, UsageError  # type: ignore[no-redef, assignment, unused-ignore]
    from click.types import ParamType  # type: ignore[no-redef, assignment, unused-ignore]

__all__ = ["Abort", "ClickException", "NoArgsIsHelpError", "ParamType", "UsageError"]
