"""Read the headers of a model folder's ``*.safetensors`` files: exact tensor shapes, dtypes, bytes.

A safetensors file starts with an 8-byte little-endian length and a JSON header naming every
tensor's dtype, shape and byte range; only that header is read, never the weights. The header
length is checked before reading, so a hostile or truncated file gives a clear error instead of a
huge read.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

from llmguide.errors import LLMGuideError

MAX_HEADER_BYTES = 100 << 20  # real headers are a few MB at most


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
    total = layers = experts = 0
    dtypes: dict[str, int] = {}
    for path in paths:
        for name, meta in _header(path).items():
            if name == "__metadata__" or not isinstance(meta, dict):
                continue
            try:
                start, end = meta["data_offsets"]
                size = int(end) - int(start)
                dtype = str(meta["dtype"])
            except (KeyError, TypeError, ValueError):
                raise LLMGuideError(f"{path}: tensor '{name}' has no valid dtype/data_offsets in its header") from None
            if size < 0:
                raise LLMGuideError(f"{path}: tensor '{name}' has a negative size")
            total += size
            dtypes[dtype] = dtypes.get(dtype, 0) + size
            if any(f".{k}." in name for k in ("layers", "h", "blocks")):
                layers += size
            if ".experts." in name:
                experts += size
    return SafetensorsInfo(len(paths), total, layers, dtypes, experts)


def _header(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise LLMGuideError(f"{path}: too short to be a safetensors file")
            (length,) = struct.unpack("<Q", head)
            if length > MAX_HEADER_BYTES or length > path.stat().st_size - 8:
                raise LLMGuideError(f"{path}: header length {length} is impossible for this file (truncated or not safetensors)")
            data = fh.read(length)
    except OSError as exc:
        raise LLMGuideError(f"{path}: cannot read: {exc}") from None
    try:
        header = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise LLMGuideError(f"{path}: the safetensors header is not valid JSON") from None
    if not isinstance(header, dict):
        raise LLMGuideError(f"{path}: the safetensors header is not a JSON object")
    return header
