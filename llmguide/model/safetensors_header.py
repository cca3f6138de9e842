"""Read the headers of a model folder's ``*.safetensors`` files: exact tensor shapes, dtypes, bytes.

A safetensors file starts with an 8-byte little-endian length and a JSON header naming every
tensor's dtype, shape and byte range; only that header is read, never the weights. Only a regular
file is opened (a FIFO never blocks); the header length is checked against the file and capped
before reading, its JSON parsed strictly (no NaN, no 400-digit numbers), and every tensor's dtype,
shape and byte range checked against each other and the file, so a hostile or truncated file gives
a clear error naming it instead of a huge read or a negative size. The same checks read a header
on the Hugging Face Hub, through range requests (``llmguide.model.hub``).
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from llmguide.errors import LLMGuideError
from llmguide.model.files import clean_text, open_regular, os_problem, parse_json, shown_path
from llmguide.model.limits import shown

# The format allows 100 MB; real headers are a few MB at most (some 100 bytes per tensor, and no
# shard holds 300,000 tensors), and parsing a hostile 100 MB header would take seconds.
MAX_HEADER_BYTES = 32 << 20
# Bits per element of each dtype the format defines (safetensors 0.6).
DTYPE_BITS = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8,
              "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32,
              "C64": 64, "F64": 64, "I64": 64, "U64": 64}
MAX_DIMS = 16  # real tensors have at most 5


@dataclass(frozen=True)
class SafetensorsInfo:
    files: int
    tensor_bytes: int  # all tensors, exact
    layer_bytes: int  # tensors inside the repeating blocks ('.layers.N.' / '.h.N.' / '.blocks.N.')
    dtype_bytes: dict[str, int]  # dtype -> bytes (F16, BF16, F8_E4M3, I32 for packed GPTQ/AWQ, U8 for bitsandbytes)
    expert_bytes: int  # routed-expert tensors ('.experts.')

    @property
    def main_dtype(self) -> str:
        return max(self.dtype_bytes, key=lambda k: self.dtype_bytes[k]) if self.dtype_bytes else "unknown"


def read_folder(folder: Path) -> SafetensorsInfo | None:
    """Headers of every ``*.safetensors`` in ``folder``; None when there are none."""
    paths = sorted(folder.glob("*.safetensors"))
    if not paths:
        return None
    return summarize([(shown_path(path), *_header(path)) for path in paths])


def summarize(headers: list[tuple[str, dict, int]]) -> SafetensorsInfo:
    """One model's weights from the headers of its files, each ``(name shown in errors, header,
    data bytes after the header)``; every tensor is checked (``_tensor``) as it is counted."""
    total = layers = experts = 0
    dtypes: dict[str, int] = {}
    for where, header, data_bytes in headers:
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            dtype, size = _tensor(where, name, meta, data_bytes)
            total += size
            dtypes[dtype] = dtypes.get(dtype, 0) + size
            if any(f".{k}." in name for k in ("layers", "h", "blocks")):
                layers += size
            if ".experts." in name:
                experts += size
    return SafetensorsInfo(len(headers), total, layers, dtypes, experts)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _tensor(file: str, name: str, meta: object, data_bytes: int) -> tuple[str, int]:
    """One header entry checked: (dtype, bytes). Its dtype is one the format defines, its shape
    non-negative whole numbers, its byte range inside the file's data and as long as the shape
    and dtype make it."""
    where = f"{file}: tensor '{clean_text(name, 120)}'"
    if not isinstance(meta, dict):
        raise LLMGuideError(f"{where}: expected an object with dtype, shape and data_offsets, not {shown(meta)}")
    dtype, shape, offsets = meta.get("dtype"), meta.get("shape"), meta.get("data_offsets")
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        raise LLMGuideError(f"{where}: dtype {shown(dtype)} is not a safetensors dtype ({', '.join(DTYPE_BITS)})")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(_count(d) for d in shape):
        raise LLMGuideError(f"{where}: shape must be a list of at most {MAX_DIMS} non-negative whole numbers")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_count(x) for x in offsets):
        raise LLMGuideError(f"{where}: data_offsets must be two non-negative whole numbers")
    start, end = offsets
    if start > end or end > data_bytes:
        raise LLMGuideError(f"{where}: data_offsets {shown(start)}..{shown(end)} lie outside the file's {data_bytes:,} data bytes")
    elements = 1
    for d in shape:
        elements *= d
    if elements * DTYPE_BITS[dtype] != 8 * (end - start):
        raise LLMGuideError(f"{where}: {dtype} of shape {shape} is not the {end - start:,} bytes its data_offsets give")
    return dtype, end - start


def _header(path: Path) -> tuple[dict, int]:
    """The header of one file and the number of data bytes after it."""
    with open_regular(path, "a safetensors file", sys.maxsize) as fh:
        try:
            size = fh.seek(0, 2)
            fh.seek(0)
            return parse_header(fh, size, shown_path(path))
        except OSError as exc:
            raise LLMGuideError(f"{shown_path(path)}: cannot read: {os_problem(exc)}") from None


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


def parse_header(fh: Readable, size: int, where: str) -> tuple[dict, int]:
    """The header of a safetensors file open as ``fh`` (``size`` bytes long, read from its start;
    a local file or ``llmguide.model.hub_range.RangeFile``) and the number of data bytes after
    it; ``where`` names it in errors."""
    head = fh.read(8)
    if len(head) < 8:
        raise LLMGuideError(f"{where}: too short to be a safetensors file")
    (length,) = struct.unpack("<Q", head)
    if length > MAX_HEADER_BYTES or length > size - 8:
        raise LLMGuideError(f"{where}: header length {length} is impossible for this file (truncated or not safetensors)")
    data = fh.read(length)
    if len(data) < length:
        raise LLMGuideError(f"{where}: the file ends inside its header (truncated)")
    header = parse_json(data, f"{where}: the safetensors header", max_depth=None)
    if not isinstance(header, dict):
        raise LLMGuideError(f"{where}: the safetensors header is not a JSON object")
    return header, size - 8 - length
