"""Errors the library raises, with messages written for the person at the terminal.

Every failure a user can cause (an unknown model name, a malformed catalog file, an impossible
number) is one of these. The CLI's single error boundary turns them into one red line on stderr and
an exit code; nothing else in the code base prints or exits.
"""

from __future__ import annotations


class LLMGuideError(Exception):
    """Base of all user-facing errors. ``exit_code`` 1 = user or data error, 2 = usage error."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


_LISTS = {"model": "'llmguide list' shows every model; a config.json folder or a .gguf path works too.",
          "GPU": "Name it as the vendor does (RTX 4090, 'RX 7900 XTX', 'M2 Max'; docs/hardware.md), or give --vram and --bandwidth."}


class UnknownNameError(LLMGuideError):
    """A model, family, task or quantization name that is not in the catalog."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = f"Did you mean: {', '.join(suggestions)}?" if suggestions else _LISTS.get(kind)
        from llmguide.units import shorten

        super().__init__(f"Unknown {kind} '{shorten(name)}'.", hint)


class CatalogError(LLMGuideError):
    """A catalog file that cannot be read or does not match the schema."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        first = problems[0] if problems else "invalid"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{path}: {first}{more}", "'llmguide catalog validate PATH' lists every problem; the format is in docs/catalog-format.md.")


class LLMGuideWarning(UserWarning):
    """Something llmguide went without and said so (an unreadable config or data folder): the
    answer is still given, from the defaults. The CLI shows these as notes on stderr."""


def warn(message: str) -> None:
    """Tell the user what llmguide went without; the library never prints."""
    import warnings

    warnings.warn(message, LLMGuideWarning, stacklevel=2)


class UsageError(LLMGuideError):
    """Input that can never be valid: negative memory, context 0, an unknown task."""

    exit_code = 2
