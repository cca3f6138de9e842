"""Which block type llama.cpp's quantizer gives each tensor, for each GGUF preset.

A preset such as Q4_K_M is not one type: llama-quantize (``src/llama-quant.cpp``,
``llama_tensor_get_type``) keeps the output head at Q6_K, gives more bits to the attention V and
FFN down projections of some layers, keeps norms and the MoE router unquantized, and falls back to
another type when a row does not divide into blocks. Pricing each tensor at its real type is what
makes file sizes come out right (docs/accuracy.md). The rules follow llama.cpp's source as of
2026 (commit 0c1e57098); where files people download were made by older versions, the docstring
of the rule says so.

Also modelled: uploader variants that override the embedding and output types (bartowski's
``_L``/``_XL``: Q8_0 for both), and the importance matrix (``imatrix``), which changes a few
choices and which most uploaders of 2024-2026 use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from llmguide.estimate.ggml_types import BLOCKS
from llmguide.model.architecture import Architecture
from llmguide.model.tensors import Tensor

# Preset -> the type most tensors get (llama_ftype_get_default_type).
DEFAULT_TYPE: dict[str, str] = {
    "F32": "F32", "F16": "F16", "BF16": "BF16",
    "Q8_0": "Q8_0", "Q4_0": "Q4_0", "Q4_1": "Q4_1", "Q5_0": "Q5_0", "Q5_1": "Q5_1",
    "Q2_K": "Q2_K", "Q2_K_S": "Q2_K", "Q3_K_S": "Q3_K", "Q3_K_M": "Q3_K", "Q3_K_L": "Q3_K",
    "Q4_K_S": "Q4_K", "Q4_K_M": "Q4_K", "Q5_K_S": "Q5_K", "Q5_K_M": "Q5_K", "Q6_K": "Q6_K",
    "IQ1_S": "IQ1_S", "IQ1_M": "IQ1_M", "IQ2_XXS": "IQ2_XXS", "IQ2_XS": "IQ2_XS", "IQ2_S": "IQ2_XS",
    "IQ2_M": "IQ2_S", "IQ3_XXS": "IQ3_XXS", "IQ3_XS": "IQ3_S", "IQ3_S": "IQ3_S", "IQ3_M": "IQ3_S",
    "IQ4_NL": "IQ4_NL", "IQ4_XS": "IQ4_XS", "MXFP4_MOE": "MXFP4",
    # ARM/AVX repacked Q4_0 layouts: the same blocks, so the same bytes.
    "Q4_0_4_4": "Q4_0", "Q4_0_4_8": "Q4_0", "Q4_0_8_8": "Q4_0",
}
UNQUANTIZED = {"F32", "F16", "BF16"}
IQ_LOW = {"IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ1_S", "IQ1_M"}

# When a row length is not a multiple of a type's block (tensor_type_fallback).
FALLBACK = {
    "Q2_K": "Q4_0", "Q3_K": "Q4_0", "Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0",
    **{t: "IQ4_NL" for t in ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_XS")},
}


@dataclass(frozen=True)
class Preset:
    """A GGUF preset as an uploader applies it: llama.cpp's ftype, plus overrides."""

    ftype: str
    imatrix: bool = True
    embed_output_type: str | None = None  # bartowski _L/_XL: token_embd and output at Q8_0

    @property
    def name(self) -> str:
        return self.ftype + ("_L" if self.embed_output_type else "")


@lru_cache(maxsize=512)  # a handful of names, asked for at every step of every model ranked
def parse_preset(name: str, imatrix: bool = True) -> Preset | None:
    """``'Q4_K_M'``, ``'Q4_K_L'`` (Q4_K_M with Q8_0 embeddings/output), ``'Q3_K_XL'``; None if unknown."""
    if name in DEFAULT_TYPE:
        return Preset(name, imatrix)
    for suffix, base_suffix in (("_XL", "_L"), ("_L", "_M")):
        if name.endswith(suffix):
            base = name[: -len(suffix)] + base_suffix
            if base in DEFAULT_TYPE:
                return Preset(base, imatrix, "Q8_0")
    if name.endswith("_L"):  # Q2_K_L, Q6_K_L: presets without an _M flavour
        base = name[:-2]
        if base in DEFAULT_TYPE:
            return Preset(base, imatrix, "Q8_0")
    return None


def use_more_bits(i: int, n: int) -> bool:
    """llama.cpp's choice of layers that get more bits: the first and last eighth, and every third between."""
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def tensor_type(preset: Preset | str, t: Tensor, arch: Architecture) -> str:
    """The GGML type llama-quantize stores tensor ``t`` in under ``preset``."""
    p = preset if isinstance(preset, Preset) else Preset(preset)
    if not t.is_matrix or "." in t.name or t.name.endswith("_norm") or t.name in KEPT_F32:
        return "F32"  # vectors, biases, norms, the MoE router and convolution kernels are never quantized
    if p.embed_output_type and t.name in ("token_embd", "output"):
        return _fit_row(p.embed_output_type, t.ne0)
    if arch.arch == "gpt-oss" and "_exps" in t.name:
        return "MXFP4"  # released in MXFP4; converters and uploaders keep the experts so in every preset
    if p.ftype in UNQUANTIZED:
        return DEFAULT_TYPE[p.ftype]
    return _fit_row(_rule(p, t, arch), t.ne0)


# Small 2-D tensors llama.cpp's converter and quantizer keep in F32.
KEPT_F32 = frozenset({"ffn_gate_inp", "ssm_conv1d", "shortconv_conv", "ssm_a", "ssm_d"})


def _category(t: Tensor, arch: Architecture) -> str:
    n = t.name
    if n == "output" or (n == "token_embd" and arch.tied_embeddings):
        return "output"
    if n in ("token_embd", "per_layer_token_embd"):
        return "token_embd"
    if n == "attn_qkv" and t.layer is not None and arch.kinds[t.layer] == "L":
        return "other"  # a Gated DeltaNet projection, not attention
    if n in ("attn_qkv", "attn_kv_b", "attn_v"):
        return "attn_v"
    if n in ("attn_k", "attn_q", "attn_output"):
        return n
    for prefix in ("ffn_up", "ffn_gate", "ffn_down"):
        if n.startswith(prefix):
            return prefix
    return "other"


def _rule(p: Preset, t: Tensor, arch: Architecture) -> str:
    f, new = p.ftype, DEFAULT_TYPE[p.ftype]
    cat = _category(t, arch)
    # llama.cpp counts attn_v and ffn_down tensors, not layers: in a hybrid model the i-th of n.
    i, n = arch.ordinal(t.layer or 0, "attn" if cat == "attn_v" else "ffn")
    gqa = arch.attention_heads // arch.kv_heads
    experts = arch.experts or 0
    falcon = arch.arch == "falcon"

    if cat == "output":
        if f == "MXFP4_MOE" or falcon or t.ne0 % BLOCKS[new][0]:
            return "Q8_0"
        if f in IQ_LOW or f == "IQ3_XXS":
            return "Q5_K"
        return new if new == "Q8_0" else "Q6_K"
    if f == "MXFP4_MOE":
        return "MXFP4" if "_exps" in t.name else "Q8_0"
    if cat == "token_embd":
        if f in ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"):
            return "Q2_K"
        if f in ("IQ2_S", "IQ2_M", "IQ3_XXS"):
            return "IQ3_S"
        return new
    if f in IQ_LOW:
        return _rule_iq_low(f, new, cat, i, n, gqa, experts)
    if cat == "attn_v":
        return _rule_attn_v(p, new, i, n, gqa, arch)
    if cat == "attn_k":
        if experts == 8:
            return "Q8_0"
        return {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(f, new)
    if cat == "attn_q":
        return {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(f, new)
    if cat == "ffn_down":
        return _rule_ffn_down(p, new, i, n, experts, falcon)
    if cat == "attn_output":
        if falcon:
            return "Q4_K" if f == "Q3_K_L" else new
        if experts == 8:
            eight = ("Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS")
            return "Q5_K" if f in eight else new
        return {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}.get(f, new)
    if cat in ("ffn_gate", "ffn_up") and f == "IQ3_XS" and n // 8 <= i < 7 * n // 8:
        return "IQ3_XXS"
    return new


def _rule_attn_v(p: Preset, new: str, i: int, n: int, gqa: int, arch: Architecture) -> str:
    f = p.ftype
    if f == "Q2_K":
        new = "Q4_K" if gqa >= 4 else "Q3_K"
    elif f == "Q2_K_S" and gqa >= 4:
        new = "Q4_K"
    elif f == "IQ3_XXS":
        new = "Q4_K" if gqa >= 4 else ("IQ3_XXS" if p.imatrix else "IQ3_S")
    elif f in ("IQ3_XS", "IQ3_S") and gqa >= 4:
        new = "Q4_K"
    elif f == "IQ3_M":
        new = "Q4_K"
    elif f == "Q3_K_M":
        new = "Q5_K" if i < 2 else "Q4_K"
    elif f == "Q3_K_L":
        new = "Q5_K"
    elif f in ("IQ4_NL", "IQ4_XS") and gqa >= 4:
        new = "Q5_K"
    elif f in ("Q4_K_M", "Q5_K_M") and use_more_bits(i, n):
        new = "Q6_K"
    elif f == "Q4_K_S" and i < 4:
        new = "Q5_K"
    if _is_70b_class(arch) and new in ("Q3_K", "Q4_K"):
        new = "Q5_K"  # 8 query heads share each V head, so V is small: more bits cost little
    if arch.experts == 8:
        new = "Q8_0"
    return new


def _rule_ffn_down(p: Preset, new: str, i: int, n: int, experts: int, falcon: bool) -> str:
    f = p.ftype
    if f == "Q2_K":
        return "Q3_K"
    if f == "Q2_K_S":
        return "Q4_K" if i < n // 8 else new
    if f == "IQ3_XXS" and not p.imatrix:
        return "Q4_K" if i < n // 8 else "Q3_K"
    if f == "Q3_K_M":
        if i < n // 16:
            return "Q5_K"
        return "Q4_K" if not falcon or use_more_bits(i, n) else "Q3_K"
    if f == "IQ3_M" and (i < n // 8 or (experts == 8 and use_more_bits(i, n))):
        return "Q4_K"
    if f == "Q3_K_L":
        return "Q4_K" if falcon else "Q5_K"
    if f == "Q4_K_M":
        if falcon:
            return "Q6_K" if i < n // 16 else ("Q5_K" if use_more_bits(i, n) else "Q4_K")
        return "Q6_K" if use_more_bits(i, n) else new
    if f in ("IQ4_NL", "IQ4_XS") and i < n // 8 and not p.imatrix:
        return "Q5_K"
    if f == "Q5_K_M":
        return "Q6_K" if use_more_bits(i, n) else new
    if f == "Q4_K_S":
        return "Q5_K" if not falcon and i < n // 8 else new
    if f in ("Q4_0", "Q5_0") and p.imatrix and i < n // 8:
        return "Q4_1" if f == "Q4_0" else "Q5_1"
    return new


def _rule_iq_low(f: str, new: str, cat: str, i: int, n: int, gqa: int, experts: int) -> str:
    two_s = f in ("IQ2_S", "IQ2_M")
    if cat == "attn_v":
        if gqa >= 4 or experts >= 4:
            return "Q4_K"
        return "IQ3_S" if two_s else "Q2_K"
    if cat == "attn_k" and experts == 8:
        return "Q4_K"
    if cat == "ffn_down" and i < n // 8:
        return "IQ3_S" if two_s else "Q2_K"
    if cat == "attn_output":
        if experts == 8:
            return "Q5_K"
        if f in ("IQ1_S", "IQ1_M"):
            return "IQ2_XXS"
        if two_s:
            return "IQ3_S"
    return new


def _is_70b_class(arch: Architecture) -> bool:
    """llama.cpp's ``LLM_TYPE_70B``: 80-layer Llama models with grouped KV heads, 80-layer Qwen2."""
    if arch.layers != 80 or arch.is_moe:
        return False
    if arch.arch == "llama":
        return arch.kv_heads != arch.attention_heads
    return arch.arch in ("qwen2", "olmo", "deci")


def _fit_row(ggml_type: str, ne0: int) -> str:
    if ne0 % BLOCKS[ggml_type][0] == 0:
        return ggml_type
    fallback = FALLBACK.get(ggml_type, "F16")
    return fallback if ne0 % BLOCKS[fallback][0] == 0 else "F16"
