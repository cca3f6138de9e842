"""Reading and writing files at the edge, with bounded work, and text from them made safe to print.

Only regular files are read (a FIFO or device never blocks), their size is capped before they are
read, JSON is parsed strictly (no NaN, Infinity, 1e400 or 400-digit integers; nesting capped),
and text shown from a file loses its control characters and escape sequences. Files llmguide
writes (calibrations, measurements, generated docs) are written whole or not at all.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import IO

from llmguide.errors import LLMGuideError


# --- Text taken from files --------------------------------------------------------------------

# ANSI escape sequences (CSI and OSC), other C0/C1 controls, bidirectional overrides; compiled
# when first needed.
_CONTROL_PATTERN = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def strip_controls(text: str) -> str:
    """``text`` without escape sequences or control characters, but with its line breaks and tabs
    (for multi-line text: a probe's output, a message)."""
    return _lines().sub("", text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds what ``strip_controls`` removes."""
    return _lines().search(text) is not None


def _lines() -> re.Pattern:
    global _LINES
    if _LINES is None:
        _LINES = re.compile(_CONTROL_PATTERN.replace(r"\x00-\x1f", r"\x00-\x08\x0b-\x1f"))
    return _LINES


_LINES: re.Pattern | None = None


def clean_text(text: str, limit: int = 200) -> str:
    """``text`` without control characters or escape sequences (a name from a file must not
    drive the terminal), valid UTF-8, at most ``limit`` characters."""
    text = re.sub(_CONTROL_PATTERN, "", text[: 4 * limit + 64]).encode("utf-8", "replace").decode("utf-8")  # cut first: bounded work
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"


def shown_path(path: str | Path) -> str:
    """A path as a message shows it: cleaned, and shortened in the middle when very long."""
    text = clean_text(str(path), 10_000)
    return text if len(text) <= 160 else text[:90] + "\u2026" + text[-60:]


# --- Files ------------------------------------------------------------------------------------

_OS_PROBLEMS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the path is too long for this system",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder, not a file",
}


def os_problem(exc: OSError) -> str:
    """An ``OSError`` in words, without repeating the (possibly very long) path."""
    return _OS_PROBLEMS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def open_regular(path: str | Path, what: str, max_bytes: int) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file of at most ``max_bytes``; anything else
    (missing, a FIFO or device that could block, a folder, too large, unreadable) is an
    ``LLMGuideError`` naming it. The type is checked before opening and again on the open file,
    which is opened non-blocking, so nothing swapped in between can block either."""
    where = shown_path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise LLMGuideError(f"{where}: cannot read {what}: {os_problem(exc)}") from None
    except ValueError:  # an embedded NUL character
        raise LLMGuideError(f"{where}: cannot read {what}: the path contains a NUL character") from None
    if not stat.S_ISREG(st.st_mode):
        raise LLMGuideError(f"{where}: {_kind(st.st_mode)}, not a regular file; {what} is read only from a plain file")
    if st.st_size > max_bytes:
        raise LLMGuideError(f"{where}: {st.st_size:,} bytes is too large for {what} (at most {max_bytes:,})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise LLMGuideError(f"{where}: cannot read {what}: {os_problem(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise LLMGuideError(f"{where}: cannot read {what}: {os_problem(exc)}") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise LLMGuideError(f"{where}: {_kind(mode)}, not a regular file; {what} is read only from a plain file")
    return os.fdopen(fd, "rb")


def read_regular(path: str | Path, what: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (see ``open_regular``)."""
    with open_regular(path, what, max_bytes) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise LLMGuideError(f"{shown_path(path)}: cannot read {what}: {os_problem(exc)}") from None
    if len(data) > max_bytes:  # grew since it was measured
        raise LLMGuideError(f"{shown_path(path)}: too large for {what} (at most {max_bytes:,} bytes)")
    return data


MAX_DEPTH = 32  # config.json files nest four or five levels (text_config, rope_scaling, ...)
_MAX_DIGITS = 40  # no number in a model file has more digits (2**64 has 20)


class _Odd:
    """A number JSON parsing turned aside: NaN, Infinity, 1e400 or an integer of many digits."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def parse_json(data: bytes, source: str, max_depth: int | None = MAX_DEPTH) -> object:
    """JSON, strictly: UTF-8, no NaN or Infinity (Python's json accepts them), no number that
    overflows a float, no integer of more than 40 digits, nesting at most ``max_depth`` levels
    (None: unchecked beyond what the parser survives). Problems are ``LLMGuideError`` naming
    ``source`` and, for a number, where it is (``text_config.num_hidden_layers``)."""
    import json  # only when a file is read: commands served from the catalog never parse JSON here

    odd: list[_Odd] = []

    def aside(text: str) -> _Odd:
        odd.append(_Odd(text))
        return odd[-1]

    def parse_float(text: str) -> float | _Odd:
        value = float(text)
        return value if math.isfinite(value) else aside(text)

    def parse_int(text: str) -> int | _Odd:
        return int(text) if len(text) <= _MAX_DIGITS else aside(text)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LLMGuideError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=aside, parse_float=parse_float, parse_int=parse_int)
    except RecursionError:
        raise LLMGuideError(f"{source}: nested too deeply to be a model file") from None
    except json.JSONDecodeError as exc:
        raise LLMGuideError(f"{source}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:
        raise LLMGuideError(f"{source}: not valid JSON ({clean_text(str(exc), 120)})") from None
    if odd or max_depth is not None:
        _walk(value, source, max_depth)
    return value


def _walk(value: object, source: str, max_depth: int | None) -> None:
    """Find the first odd number (and check the depth) without recursion."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        node, where, depth = stack.pop()
        if isinstance(node, _Odd):
            from llmguide.model.limits import HINT

            text = clean_text(node.text, 30)
            kind = "is not a number JSON allows" if node.text.lstrip("-") in ("NaN", "Infinity") else \
                "is not a finite number" if "e" in node.text.lower() or "." in node.text else \
                f"has {len(node.text.lstrip('-'))} digits, more than any real value"
            raise LLMGuideError(f"{source}: {where or '(top level)'}: {text} {kind}", HINT)
        if isinstance(node, (dict, list)):
            if max_depth is not None and depth >= max_depth:
                raise LLMGuideError(f"{source}: {where or '(top level)'}: nested more than {max_depth} levels deep; "
                                    "model files are a few levels deep")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                label = f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{clean_text(key, 60)}" if where else clean_text(key, 60))
                stack.append((child, label, depth + 1))


def read_json(path: str | Path, what: str, max_bytes: int, max_depth: int | None = MAX_DEPTH) -> object:
    """A regular file of at most ``max_bytes`` parsed strictly (see ``parse_json``)."""
    return parse_json(read_regular(path, what, max_bytes), shown_path(path), max_depth)


def write_atomic(path: str | Path, data: str | bytes | list[bytes], prefix: str | None = None) -> None:
    """Write ``data`` (text as UTF-8, bytes, or byte chunks in order) to ``path`` whole or not at
    all: into a temporary file in the same folder (named ``prefix``..., default ``.NAME.``), synced
    to disk, then renamed over ``path``; on any failure (a full disk, Ctrl-C) the temporary file is
    removed and ``path`` keeps what it had."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: a crash leaves the old file or the new, not an empty one
        os.replace(tmp, path)  # readers see the old file or the whole new one, never half
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
