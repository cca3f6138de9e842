"""Read a catalog file's text with bounded work: plain files only, and only up to a size limit.

A FIFO, a device or a folder given where a catalog file belongs is refused before it is opened
(reading a FIFO would wait for a writer forever, a device would never end), and a file larger than
the limit is refused before it is read. Every failure is a ``CatalogError`` naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from llmguide.errors import CatalogError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _limit(size: int) -> str:
    return f"{size:,} bytes ({size / (1 << 20):g} MiB)"


def _reason(exc: OSError) -> str:
    from llmguide.model.files import os_problem  # the words every reader of the program uses

    return os_problem(exc)


def _not_plain(path: Path, mode: int) -> CatalogError:
    what = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file")
    return CatalogError(str(path), [f"cannot read file: it is {what}; a catalog file must be a plain file"])


def read_bytes(path: Path, max_bytes: int, kind: str = "catalog") -> bytes:
    """The content of ``path``, a regular file of at most ``max_bytes`` bytes."""
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = _reason(exc) if isinstance(exc, OSError) else "the path contains a NUL character"
        raise CatalogError(str(path), [f"cannot read file: {reason}"]) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_plain(path, st.st_mode)
    if st.st_size > max_bytes:
        raise CatalogError(str(path), [f"file is {st.st_size:,} bytes; {kind} files are at most {_limit(max_bytes)}"])
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it does
        # not wait for a writer; fstat below then refuses it.
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise CatalogError(str(path), [f"cannot read file: {_reason(exc)}"]) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_plain(path, st.st_mode)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:  # read at most one byte past the limit, should the file be growing
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise CatalogError(str(path), [f"cannot read file: {_reason(exc)}"]) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise CatalogError(str(path), [f"file is over {_limit(max_bytes)}, the most {kind} files may have"])
    return b"".join(chunks)


def read_text(path: Path, max_bytes: int, kind: str = "catalog") -> str:
    """The UTF-8 text of ``path`` (see ``read_bytes``); a byte that is not UTF-8 is reported by line."""
    data = read_bytes(path, max_bytes, kind)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(str(path), [f"line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); save the file as UTF-8"]) from None
