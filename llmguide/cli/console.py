"""Consoles for output and errors, made when a command runs (so NO_COLOR, COLUMNS and redirection
in effect at that moment are honoured (the app makes an unusable COLUMNS usable first); rich turns colour off when stdout is not a terminal).

Text printed here may come from data (catalog files, model headers, probe output, what the user
typed), so the consoles never read rich markup in it: styles are given as ``Text`` spans, and
``clean`` removes terminal control codes. A terminal whose encoding is not UTF-8 gets ASCII
stand-ins (see ``ascii_fallback``).
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported when a console is made: --json output never loads it
    from rich.console import Console

_LONG_WORD = re.compile(r"\S{121,}")


def out() -> Console:
    from rich.console import Console

    write_notes()  # the notes come before the answer
    return Console(highlight=False, soft_wrap=False, emoji=False, markup=False)


def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, markup=False)


def clean(text: str) -> str:
    """``text`` as it may reach a terminal: control codes (ANSI escapes, bells, carriage returns)
    removed, and any single word longer than 120 characters shortened around an ellipsis."""
    from llmguide.model.files import strip_controls

    text = strip_controls(text)
    return _LONG_WORD.sub(lambda m: f"{m.group()[:80]}…{m.group()[-20:]} ({len(m.group()):,} characters)", text)


# The running command's notes, held until it answers: an error drops them, so that its one line
# (and hint) is all of stderr, as docs/reliability.md promises ("assuming 32 GB" before "Error:
# Unknown model" would only be in the way).
_HELD: list[str] = []


def note(text: str) -> None:
    """A note on stderr (what llmguide assumed or how it read a name), kept apart from the answer:
    written when the command writes its answer (``out``, ``emit_json``) or ends without one."""
    _HELD.append(clean(text))


def write_notes() -> None:
    """Write the held notes to stderr (a command that works a long while before answering, such
    as ``mcp``, calls this first)."""
    if not _HELD:
        return
    from rich.text import Text

    console = err()
    while _HELD:
        console.print(Text.assemble(("Note:", "yellow"), " ", _HELD.pop(0)))


def drop_notes() -> None:
    """Forget the held notes: the command failed, and its error is all it says."""
    _HELD.clear()


def emit_json(data: object) -> None:
    """Machine output: strict JSON (no NaN or Infinity: a non-finite number becomes null), indented
    by two spaces, and nothing else on stdout; escaped to ASCII when stdout cannot take UTF-8.
    To a UTF-8 stdout the bytes go straight to its buffer (a list of thousands of models is
    megabytes: decoding and encoding them again cost more than writing them)."""
    write_notes()
    stream = sys.stdout
    encoding = _encoding(stream)
    ascii_only = encoding not in _UTF
    buffer = getattr(stream, "buffer", None)
    if buffer is None or os.linesep != "\n" or encoding != "utf-8":  # (ASCII-only stdout included): the text layer
        stream.write(json_text(data, ascii_only=ascii_only) + "\n")
        return
    payload = _orjson(data, newline=True)
    stream.flush()  # what the text layer holds goes first
    buffer.write(payload if payload is not None else (json_text(data) + "\n").encode("utf-8", getattr(stream, "errors", None) or "strict"))


def json_text(data: object, ascii_only: bool = False) -> str:
    """``data`` as strict, indented JSON. orjson writes it (a catalog of thousands of models lists
    in a few milliseconds instead of a fifth of a second); the standard library takes what orjson
    does not: ASCII escapes, integers past 64 bits, keys that are not strings. Both take the same
    values (orjson is told not to write dataclasses or dates, which the standard library refuses)
    and write the same text, except that orjson writes a number's exponent without padding
    (``1e-7``, not ``1e-07``): the same number to any JSON reader."""
    if not ascii_only:
        payload = _orjson(data)
        if payload is not None:
            return payload.decode()
    try:
        return json.dumps(data, indent=2, ensure_ascii=ascii_only, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(data), indent=2, ensure_ascii=ascii_only, allow_nan=False)


def _orjson(data: object, newline: bool = False) -> bytes | None:
    """``data`` as indented UTF-8 JSON by orjson, or None where the standard library must write it."""
    try:
        import orjson
    except ImportError:  # an install without it: the same JSON, written slower
        return None
    options = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    try:
        return orjson.dumps(data, option=options | (orjson.OPT_APPEND_NEWLINE if newline else 0))
    except TypeError:  # orjson.JSONEncodeError
        return None


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


_UTF = ("utf-8", "utf-16", "utf-32", "utf-8-sig")  # the encodings that take any character


def _utf8(stream) -> bool:
    return _encoding(stream) in _UTF


def _encoding(stream) -> str | None:
    """The codec a text stream encodes with, by its canonical name (None: unknown to Python)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    except LookupError:
        return None


# What a non-UTF-8 terminal gets instead of the characters llmguide prints.
_ASCII = {"—": "-", "–": "-", "−": "-", "‑": "-", "…": "...", "★": "*", "✓": "ok", "✗": "x", "×": "x", "·": "-",
          "≤": "<=", "≥": ">=", "≈": "~", "→": "->", "←": "<-", "±": "+/-", "°": " deg", "µ": "u", "’": "'", "‘": "'",
          "“": '"', "”": '"', "•": "*", "█": "#", "▏": "|", "▌": "|", "─": "-", "│": "|", "┃": "|", "━": "=", " ": " "}


def _ascii_stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(_ASCII.get(ch, "?") for ch in bad), error.end


codecs.register_error("llmguide-ascii", _ascii_stand_in)


def ascii_fallback() -> None:
    """On a terminal or pipe whose encoding is not UTF-8 (``PYTHONIOENCODING=ascii``, a Latin-1
    locale), print ASCII stand-ins (``—`` as ``-``, ``★`` as ``*``, anything else as ``?``) instead
    of failing on the first dash."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _utf8(stream) and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="llmguide-ascii")
            except (ValueError, OSError):  # a detached or closed stream: nothing to print on anyway
                pass
