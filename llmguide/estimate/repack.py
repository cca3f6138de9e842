"""Weights llama.cpp's CPU backend rearranges into an interleaved copy (its "CPU_REPACK" buffer).

For a matrix multiplication on the CPU, llama.cpp stores some block types in an interleaved layout
its fastest kernels read: which types depends on the instruction set the CPU backend was built for
(ggml-cpu/repack.cpp). Only weights used in products are repacked (never the token embedding,
which is looked up row by row), and only when their row count is a multiple of the interleave.

The repacked copy has the same size as the original. Without mmap the file is read straight into
it, so nothing is added. With mmap the original pages were read to make the copy and stay mapped,
so resident memory is the file plus the repacked copy (the extra pages are clean file cache the
system may reclaim under pressure, which is why they are reported, not required, for a fit).
"""

from __future__ import annotations

from collections.abc import Iterable

from llmguide.estimate.ggml_types import tensor_bytes
from llmguide.estimate.gguf_rules import Preset, tensor_type
from llmguide.estimate import prices
from llmguide.estimate.weights import as_preset, tensor_groups
from llmguide.model.architecture import Architecture

# CPU instruction set -> block type -> interleave (rows must be a multiple of it).
_ARM = {"Q4_0": 4, "Q4_K": 8, "Q5_K": 8, "Q6_K": 8, "IQ4_NL": 4, "MXFP4": 4, "Q8_0": 4}
REPACKED: dict[str, dict[str, int]] = {
    "avx2": {"Q4_0": 8, "Q4_K": 8, "IQ4_NL": 8, "MXFP4": 8},
    "avx512": {"Q4_0": 8, "Q4_K": 8, "IQ4_NL": 8, "MXFP4": 8, "Q2_K": 8},
    "neon-dotprod": _ARM,
    "neon-i8mm": _ARM,
    "none": {},
}


def repacked(matrices: Iterable[tuple[str, int, int]], isa: str) -> int:
    """Bytes repacked of ``matrices`` given as (GGML type, rows per matrix, bytes)."""
    rules = REPACKED[isa]
    return sum(size for ggml_type, rows, size in matrices if ggml_type in rules and rows % rules[ggml_type] == 0)


def preset_matrices(arch: Architecture, quant: Preset | str) -> list[tuple[str, int, int]]:
    """The product weights of ``arch`` under a GGUF preset, as ``repacked`` takes them."""
    p = as_preset(quant)
    out = []
    for t, count in tensor_groups(arch):
        if t.name == "token_embd" or not t.is_matrix or "." in t.name:
            continue
        kind = tensor_type(p, t, arch)
        rows = t.rows // arch.experts if "_exps" in t.name and arch.experts else t.rows
        out.append((kind, rows, tensor_bytes(kind, t.elements, t.ne0) * count))
    return out


def preset_repacked(arch: Architecture, quant: str, isa: str) -> int:
    """Bytes repacked of ``arch`` under a GGUF preset on a CPU with ``isa``, kept between runs
    (estimate/prices.py: a ranking prints the memory of its picks without walking their tensors)."""
    return prices.kept(prices.REPACKED, arch, (as_preset(quant), isa), lambda a, key: repacked(preset_matrices(a, key[0]), key[1]))
