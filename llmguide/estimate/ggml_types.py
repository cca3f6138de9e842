"""Storage of each GGML tensor type: elements per block and bytes per block.

From the block structs in ggml's ``ggml-common.h`` (e.g. Q4_K: 256 weights in 144 bytes =
4.5 bits per weight). Exact, so file sizes computed from them are exact up to metadata.
"""

from __future__ import annotations

# type: (elements per block, bytes per block)
BLOCKS: dict[str, tuple[int, int]] = {
    "F32": (1, 4),
    "F16": (1, 2),
    "BF16": (1, 2),
    "Q4_0": (32, 18),
    "Q4_1": (32, 20),
    "Q5_0": (32, 22),
    "Q5_1": (32, 24),
    "Q8_0": (32, 34),
    "Q2_K": (256, 84),
    "Q3_K": (256, 110),
    "Q4_K": (256, 144),
    "Q5_K": (256, 176),
    "Q6_K": (256, 210),
    "Q8_K": (256, 292),
    "IQ1_S": (256, 50),
    "IQ1_M": (256, 56),
    "IQ2_XXS": (256, 66),
    "IQ2_XS": (256, 74),
    "IQ2_S": (256, 82),
    "IQ3_XXS": (256, 98),
    "IQ3_S": (256, 110),
    "IQ4_NL": (32, 18),
    "IQ4_XS": (256, 136),
    "MXFP4": (32, 17),
    # Types that llama.cpp's quantizer does not pick but a file can still hold.
    "Q8_1": (32, 36),
    "TQ1_0": (256, 54),
    "TQ2_0": (256, 66),
    "NVFP4": (64, 36),
    "Q1_0": (128, 18),
    "I8": (1, 1),
    "I16": (1, 2),
    "I32": (1, 4),
    "I64": (1, 8),
    "F64": (1, 8),
}

# The id a GGUF tensor table stores for each type (``enum ggml_type`` in ggml.h). Ids 4, 5, 31-33
# and 36-38 belonged to types that ggml has since removed; a file holding them cannot be loaded.
TYPE_IDS: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
    10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K",
    16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS",
    24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 30: "BF16",
    34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4", 40: "NVFP4", 41: "Q1_0",
}


def bits_per_weight(ggml_type: str) -> float:
    elems, size = BLOCKS[ggml_type]
    return size * 8 / elems


def tensor_bytes(ggml_type: str, elements: int, ne0: int) -> int:
    """Bytes of a tensor whose rows are ``ne0`` long (each row is a whole number of blocks)."""
    elems, size = BLOCKS[ggml_type]
    if ne0 % elems:
        raise ValueError(f"a row of {ne0} does not divide into {ggml_type} blocks of {elems}")
    return elements // elems * size
