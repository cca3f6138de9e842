"""Multi-part GGUF files (llama.cpp's ``gguf-split``): ``NAME-00001-of-00003.gguf`` and its siblings.

The first part's header holds the model's metadata, with ``split.count`` (how many parts) and
``split.no`` (0 for the first); every part holds its own share of the tensors, and may hold none
(``--no-tensor-first-split``). A split model is read as the first part's metadata with the tensor
tables of all its parts, each read through its header only (``llmguide.model.gguf_header``), and
its size on disk is the sum of the parts'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from llmguide.errors import LLMGuideError

if TYPE_CHECKING:
    from llmguide.model.gguf_header import GGUFHeader

# llama.cpp names part i (from 1) of n "PREFIX-%05d-of-%05d.gguf" (llama_split_path).
SPLIT_NAME = re.compile(r"^(?P<prefix>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)
MAX_PARTS = 1000  # the largest published splits have a few dozen parts; a header saying more is refused


def split_name(name: str) -> tuple[str, int, int] | None:
    """(prefix, part number counted from 1, number of parts) of a split file's name, or None."""
    m = SPLIT_NAME.match(name)
    if not m:
        return None
    no, count = int(m.group("no")), int(m.group("count"))
    return (m.group("prefix"), no, count) if 1 <= no <= count else None


def part_name(prefix: str, no: int, count: int) -> str:
    """The file name of part ``no`` (from 1) of ``count``."""
    return f"{prefix}-{no:05d}-of-{count:05d}.gguf"


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def other_parts(label: str, first_name: str, fields: dict, first_tensors: int,
                open_part: Callable[[str, int, int], tuple[GGUFHeader, str]]) -> tuple[list, int]:
    """The tensors (as ``(name, type, shape, bytes)``) of parts 2 to n of the split model whose
    first part is the file ``first_name`` (shown as ``label``; header metadata ``fields``,
    ``first_tensors`` tensors of its own), and the bytes of those parts. ``open_part(name, i, n)``
    reads part ``i`` of ``n``, a file of that name beside the first (here or on the Hub), as its
    header and how to show it, or raises the error that says it is missing. Every problem (a part
    missing, one from another split, a tensor count that does not add up) is an ``LLMGuideError``
    that names the part."""
    count, no = _whole(fields.get("split.count")), _whole(fields.get("split.no"))
    if count is None or not 1 < count <= MAX_PARTS:
        raise LLMGuideError(f"{label}: split.count {fields.get('split.count')!r} is not a number of parts from 2 to {MAX_PARTS}")
    parsed = split_name(first_name)
    if no not in (None, 0) or (parsed is not None and parsed[1] != 1):
        raise LLMGuideError(f"{label}: this is part {(no or 0) + 1} of a split model; read its first part "
                            f"(…-00001-of-{count:05d}.gguf)")
    if parsed is None or parsed[2] != count:
        raise LLMGuideError(f"{label}: the header says the model is split in {count} parts, but the file name does not "
                            f"end in -00001-of-{count:05d}.gguf, so its other parts cannot be found")
    tensors: list = []
    total = 0
    for i in range(2, count + 1):
        header, shown = open_part(part_name(parsed[0], i, count), i, count)
        part_no, part_count = _whole(header.fields.get("split.no")), _whole(header.fields.get("split.count"))
        if part_no != i - 1 or part_count != count:
            said = "no part number" if part_no is None else f"part {part_no + 1} of {part_count}"
            raise LLMGuideError(f"{shown}: its header says {said}, not part {i} of {count}")
        tensors += tensor_rows(header)
        total += header.file_bytes
    expected = _whole(fields.get("split.tensors.count"))
    if expected is not None and expected != first_tensors + len(tensors):
        raise LLMGuideError(f"{label}: split.tensors.count is {expected}, but the {count} parts hold "
                            f"{first_tensors + len(tensors)} tensors")
    return tensors, total


def local_parts(first: Path) -> Callable[[str, int, int], tuple[GGUFHeader, str]]:
    """``other_parts``' opener for a split model on this machine: each part beside ``first``."""
    from llmguide.model.gguf_header import read_header

    def open_part(name: str, i: int, count: int) -> tuple[GGUFHeader, str]:
        path = first.with_name(name)
        if not path.exists():
            raise LLMGuideError(f"{first}: part {i} of {count} ({name}) is missing (download not finished?)")
        return read_header(path), str(path)

    return open_part


def tensor_rows(header: GGUFHeader) -> list:
    """A header's tensor table as ``(name, GGML type, shape, bytes)``."""
    return [(t.name, t.ggml_type, list(t.shape), t.n_bytes) for t in header.tensors]
