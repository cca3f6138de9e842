"""Weight formats of GPU runtimes (vLLM, transformers): bits per weight of the linear layers.

Quantized checkpoints keep the token embeddings, norms and (usually) the output head in 16-bit
and store each linear layer's weights in fewer bits plus scales:

- FP8: 8 bits per weight plus one FP32 scale per output row.
- AWQ and GPTQ (4-bit, group size 128): 4 bits per weight plus an FP16 scale and a packed 4-bit
  zero point per 128 weights.
- bitsandbytes NF4 with double quantization: 4 bits plus an 8-bit scale per 64 weights and an FP32
  second-level scale per 256 blocks; LLM.int8: 8 bits plus an FP32 scale per row.

A checkpoint the developer ships in low bit (``NATIVE``) is priced per tensor as shipped: the
tensors its format covers (the routed experts, or every linear layer) at the format's bits, the
rest in BF16. INT4 carries one BF16 scale per group; FP8 one FP32 scale per 128x128 block (DeepSeek);
MXFP4 one 8-bit scale per 32 weights; NVFP4 one FP8 scale per 16 weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.model.architecture import Architecture
from llmguide.model.tensors import tensors


@dataclass(frozen=True)
class GpuFormat:
    name: str
    bits: float  # per weight of a quantized linear layer, scales included
    per_row_bits: float = 0.0  # extra bits per output row (row-wise scales)
    quantizes_output: bool = False
    scope: str = "linear"  # which tensors the format covers: every linear layer, or the routed experts only


GPU_FORMATS: dict[str, GpuFormat] = {
    "BF16": GpuFormat("BF16", 16),
    "FP16": GpuFormat("FP16", 16),
    "FP8": GpuFormat("FP8", 8, per_row_bits=32),
    "AWQ": GpuFormat("AWQ", 4 + (16 + 4) / 128),
    "GPTQ": GpuFormat("GPTQ", 4 + (16 + 4) / 128),
    "BNB-NF4": GpuFormat("BNB-NF4", 4 + 8 / 64 + 32 / (64 * 256)),
    "BNB-INT8": GpuFormat("BNB-INT8", 8, per_row_bits=32),
}


NATIVE = "NATIVE"  # the format name of a checkpoint served as shipped


def native_format(fmt: str, applies_to: str, group_size: int | None = None) -> GpuFormat:
    """The ``GpuFormat`` of a low-bit release (see the module docstring)."""
    bits = {"int4": 4 + 16 / (group_size or 32), "fp8": 8 + 32 / (128 * 128), "mxfp4": 4 + 8 / 32, "nvfp4": 4 + 8 / 16}[fmt]
    return GpuFormat(NATIVE, bits, scope=applies_to)


def gpu_weight_bytes(arch: Architecture, fmt: GpuFormat) -> int:
    """Bytes of all weights in a GPU runtime's format (16-bit for what the format does not quantize)."""
    total = 0.0
    for t in tensors(arch):
        quantized = t.is_matrix and "." not in t.name and t.name not in UNQUANTIZED and (
            t.name != "output" or fmt.quantizes_output
        ) and (fmt.scope != "routed-experts" or "_exps" in t.name)
        if quantized:
            total += t.elements * fmt.bits / 8 + t.rows * fmt.per_row_bits / 8
        else:
            total += t.elements * 2  # embeddings, router, norms and biases stay 16-bit
    return int(total)


UNQUANTIZED = frozenset({"token_embd", "per_layer_token_embd", "ffn_gate_inp", "ssm_conv1d", "shortconv_conv", "ssm_a", "ssm_d"})
