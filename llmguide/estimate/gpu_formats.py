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
from llmguide.estimate.gguf_rules import KEPT_F32
from llmguide.model.tensors import INPUT_TABLES, active_parameter_count, parameter_count, tensors


@dataclass(frozen=True)
class GpuFormat:
    name: str
    bits: float  # per weight of a quantized linear layer, scales included
    per_row_bits: float = 0.0  # extra bits per output row (row-wise scales)
    quantizes_output: bool = False
    scope: str = "linear"  # which tensors the format covers: every linear layer, or the routed experts only
    rest_bits: float = 16.0  # the other linear layers, when the format covers the routed experts only
    label: str = ""  # in words, for a release as shipped: "INT4 routed experts, BF16 elsewhere"

    @property
    def speed_label(self) -> str:
        """The GGUF preset whose block kind stands for this format's decode efficiency."""
        return "F16" if self.bits > 9 else ("Q8_0" if self.bits > 6 else "Q4_K_M")


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


FP8_BLOCK_BITS = 8 + 32 / (128 * 128)


def native_format(fmt: str, applies_to: str, group_size: int | None = None, rest: str = "bf16") -> GpuFormat:
    """The ``GpuFormat`` of a low-bit release (see the module docstring)."""
    bits = {"int4": 4 + 16 / (group_size or 32), "fp8": FP8_BLOCK_BITS, "mxfp4": 4 + 8 / 32, "nvfp4": 4 + 8 / 16}[fmt]
    covered = "routed experts" if applies_to == "routed-experts" else "linear layers"
    label = f"{fmt.upper()} {covered}" + (f", {rest.upper()} elsewhere" if applies_to == "routed-experts" else "")
    return GpuFormat(NATIVE, bits, scope=applies_to, rest_bits=FP8_BLOCK_BITS if rest == "fp8" else 16.0, label=label)


def gpu_weight_bytes(arch: Architecture, fmt: GpuFormat) -> int:
    """Bytes of all weights in a GPU runtime's format (16-bit for what the format does not quantize)."""
    total = 0.0
    for t in tensors(arch):
        linear = t.is_matrix and "." not in t.name and t.name not in UNQUANTIZED and (
            t.name != "output" or fmt.quantizes_output
        )
        quantized = linear and (fmt.scope != "routed-experts" or "_exps" in t.name)
        if linear and not quantized and fmt.rest_bits < 16:
            total += t.elements * fmt.rest_bits / 8
        elif quantized:
            total += t.elements * fmt.bits / 8 + t.rows * fmt.per_row_bits / 8
        else:
            total += t.elements * 2  # embeddings, router, norms and biases stay 16-bit
    return int(total)


def active_weight_bytes(arch: Architecture, fmt: GpuFormat) -> int:
    """Bytes a decode step reads in ``fmt``: the weights in the share of parameters active per token."""
    return int(gpu_weight_bytes(arch, fmt) * active_parameter_count(arch) / max(1, parameter_count(arch)))


# Tensors no format quantizes: the input lookup tables and what GGUF keeps in F32 too.
UNQUANTIZED = frozenset(INPUT_TABLES) | KEPT_F32
