"""Model files built byte by byte (stdlib only), for the tests and the fuzz benchmark.

GGUF: value type codes, strings, key/value pairs, tensor infos laid out at 32-byte aligned offsets,
the header around them, and a Llama's tensor list. Safetensors: a header for given tensors."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from pathlib import Path

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
ALIGNMENT = 32


def s(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def kv(key: str, vtype: int, payload: bytes) -> bytes:
    return s(key) + struct.pack("<I", vtype) + payload


def kv_u32(key: str, value: int) -> bytes:
    return kv(key, UINT32, struct.pack("<I", value))


def kv_str(key: str, value: str | bytes) -> bytes:
    return kv(key, STRING, s(value))


def kv_strings(key: str, items: Iterable[str | bytes]) -> bytes:
    items = list(items)
    return kv(key, ARRAY, struct.pack("<IQ", STRING, len(items)) + b"".join(s(x) for x in items))


def tensor_info(name: str, dims: Iterable[int], ggml_type: int, offset: int) -> bytes:
    dims = list(dims)
    return s(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", ggml_type, offset)


def tensor_infos(listing: Iterable[tuple[str, Iterable[int], int, int]]) -> tuple[bytes, int]:
    """The infos of (name, dims, type number, data bytes) tensors laid out one after the other at
    aligned offsets, and the size of the data they make."""
    infos, offset = [], 0
    for name, dims, ggml_type, nbytes in listing:
        infos.append(tensor_info(name, dims, ggml_type, offset))
        offset += -(-nbytes // ALIGNMENT) * ALIGNMENT
    return b"".join(infos), offset


def header(kvs: list[bytes], infos: bytes, tensor_count: int, *, version: int = 3, kv_count: int | None = None) -> bytes:
    """``GGUF``, the version and counts, the key/value pairs and tensor infos, padded to the alignment."""
    head = b"GGUF" + struct.pack("<IQQ", version, tensor_count, len(kvs) if kv_count is None else kv_count) + b"".join(kvs) + infos
    return head + b"\0" * (-len(head) % ALIGNMENT)


def llama_tensors(layers: int, hidden: int, heads: int, kv_heads: int, ffn: int, vocab: int) -> list[tuple[str, tuple[int, int]]]:
    """A Llama's matrices as llama.cpp names them, token embedding first (no norms, no output head)."""
    kvd = hidden // heads * kv_heads
    tensors = [("token_embd.weight", (hidden, vocab))]
    for i in range(layers):
        tensors += [(f"blk.{i}.attn_q.weight", (hidden, hidden)), (f"blk.{i}.attn_k.weight", (hidden, kvd)),
                    (f"blk.{i}.attn_v.weight", (hidden, kvd)), (f"blk.{i}.attn_output.weight", (hidden, hidden)),
                    (f"blk.{i}.ffn_gate.weight", (hidden, ffn)), (f"blk.{i}.ffn_up.weight", (hidden, ffn)),
                    (f"blk.{i}.ffn_down.weight", (ffn, hidden))]
    return tensors


SAFETENSORS_DTYPE_BYTES = {"F16": 2, "BF16": 2, "F32": 4, "I32": 4, "U8": 1, "F8_E4M3": 1}


def safetensors_head(tensors: dict[str, tuple[str, list[int]]]) -> tuple[bytes, int]:
    """A safetensors header for ``tensors`` (name -> dtype, shape) and the file's full size."""
    meta: dict = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = SAFETENSORS_DTYPE_BYTES[dtype]
        for d in shape:
            n *= d
        meta[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(meta).encode()
    return struct.pack("<Q", len(blob)) + blob, 8 + len(blob) + offset


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]]) -> int:
    """A safetensors file of ``tensors`` with zeros for data; the bytes of that data."""
    head, size = safetensors_head(tensors)
    path.write_bytes(head + b"\0" * (size - len(head)))
    return size - len(head)
