"""How much of a model's task quality a GGUF quantization keeps.

Measured data (benchmarks/data/quant_loss.csv, docs/recommend.md "Quantization"):

- llama.cpp's tables give, per preset, the mean KL divergence of the quantized model's next-token
  distribution from the 16-bit model's on Llama-3-8B (catalog/quants.yaml, ``kld``): Q4_K_M 0.028,
  Q3_K_M 0.084, Q2_K 0.33.
- Across sizes, the perplexity ratio at Q2_K falls from 1.147 (LLaMA 7B) to 1.114 (13B) to 1.088
  (Llama 2 70B): loss shrinks about as size^-0.2. At 3-4 bits the ratios of 7B-70B are within noise
  of each other, so the same exponent is used (it changes those small losses little).
- Mixture-of-experts models lose like a dense model of their dense-equivalent size, the geometric
  mean of total and active parameters: Mixtral 8x7B (24.5B equivalent) measured 1.023 at Q4_K_M
  and 1.058 at Q3_K_M, where this rule predicts 1.023 and 1.069; DeepSeek-V3 (157B equivalent)
  keeps 3-4 bits almost losslessly.

The share of quality above the benchmark's floor that is lost is expected to be the KL divergence
scaled to the model's size: Q4_K_M on an 8B model loses 3%, Q3_K_M 8%, Q2_K 33% (on a 70B, 2%, 5%,
22%). This last step, from divergence to benchmark loss, is an assumption: published benchmark runs
of quantized GGUFs are few (one row in our data: Qwen3-4B at 4 bits kept 95% of its MMLU-Pro score
above chance, in line with it), and studies of 2-3-bit quants report losses from about one to three
times the divergence. So, as with evidence, ranking takes the cautious end: it counts twice the
expected loss (``RANKING_FACTOR``). At 4 bits and more that changes little; at 2 bits it is what
keeps a squeezed large model from outranking a smaller one that fits well.
"""

from __future__ import annotations

from functools import lru_cache

from llmguide.catalog.reference import Quant
from llmguide.catalog.schema import Variant
from llmguide.model.architecture import Architecture
from llmguide.model.tensors import tensors

REFERENCE_B = 8.03  # Llama-3-8B, the model llama.cpp's KL divergence table was measured on
SIZE_EXPONENT = 0.2  # loss ~ size^-0.2 (Q2_K perplexity ratios of LLaMA 7B, 13B and Llama 2 70B)
LOSS_PER_KLD = 1.0  # expected share of quality above the floor lost per nat of mean KL divergence
RANKING_FACTOR = 2.0  # the cautious end of that mapping's uncertainty, used for ranking
MAX_LOSS = 0.9


def loss_size(variant: Variant) -> float:
    """The size that decides sensitivity to quantization: dense-equivalent size (the geometric mean
    of total and active parameters) for MoE models."""
    p = variant.params
    return (p.total_b * p.active_b) ** 0.5 if p.active_b else p.total_b


def expected_loss(quant: Quant, variant: Variant, arch: Architecture | None = None) -> float:
    """Expected share (0-1) of the variant's quality above the floor that ``quant`` loses (``arch``:
    the variant's architecture, when the caller has it built)."""
    scale = (loss_size(variant) / REFERENCE_B) ** -SIZE_EXPONENT
    arch = arch or Architecture.from_facts(variant.architecture)
    nq = variant.native_quant
    native = (nq.format, nq.applies_to) if nq is not None and preset_bits(quant.name) >= NATIVE_BITS[nq.format] else None
    requantized = 1.0 - released_share(arch, native)
    return min(MAX_LOSS, LOSS_PER_KLD * quant.kld * scale * requantized)


NATIVE_BITS = {"int4": 4, "mxfp4": 4, "nvfp4": 4, "fp8": 8}


def preset_bits(name: str) -> int:
    """The main bit width a preset's name says: Q4_K_M -> 4, IQ3_XXS -> 3, MXFP4_MOE -> 4, F16 -> 16."""
    upper = name.upper()
    if upper.startswith(("F16", "BF16", "F32")):
        return 16
    digits = [c for c in upper.removeprefix("MXFP").removeprefix("IQ").removeprefix("Q").removeprefix("TQ")[:1] if c.isdigit()]
    return int(digits[0]) if digits else (4 if upper.startswith("MXFP4") else 0)


@lru_cache(maxsize=256)
def released_share(arch: Architecture, native: tuple[str, str] | None = None) -> float:
    """Share of the weights a GGUF preset keeps at the quality they were released at. gpt-oss ships
    its experts in MXFP4 and llama.cpp keeps them so under every preset (estimate/gguf_rules.py);
    a model released in low bit (``native``: format and scope, e.g. Kimi K2-Thinking's INT4 experts)
    loses nothing more on those tensors from a preset of at least as many bits. Published scores
    are those of the low-bit release, so only the rest of its weights lose anything."""
    if arch.arch != "gpt-oss" and native is None:
        return 0.0
    experts_only = arch.arch == "gpt-oss" or (native is not None and native[1] == "routed-experts")
    all_t = tensors(arch)
    kept = sum(t.elements for t in all_t if ("_exps" in t.name if experts_only
                                             else t.is_matrix and t.name not in ("token_embd", "output")))
    return kept / sum(t.elements for t in all_t)


def ranking_loss(expected: float) -> float:
    """The loss ranking counts: the cautious end of an expected loss."""
    return min(MAX_LOSS, RANKING_FACTOR * expected)


def low_bit(quant_name: str) -> bool:
    """2-bit and lower presets: a last resort (picked only when nothing of 3 bits or more is close)."""
    name = quant_name.upper()
    return name.startswith(("Q2", "IQ2", "IQ1", "TQ1", "TQ2"))
