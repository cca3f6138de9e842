"""The weight tensors of an architecture, named as in GGUF files.

Each tensor is described by its row length ``ne0`` (the input dimension, which decides whether a
quantization block fits a row) and its number of rows; a stack of experts counts all of its rows.
This listing is what the weight and file-size estimates sum over, and what the parameter count
comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from llmguide.model.architecture import Architecture, need


@dataclass(frozen=True)
class Tensor:
    name: str  # GGUF base name without the 'blk.N.' prefix, e.g. 'attn_v', 'ffn_down_exps'
    layer: int | None  # None for tensors outside the repeating blocks
    ne0: int
    rows: int

    @property
    def elements(self) -> int:
        return self.ne0 * self.rows

    @property
    def is_matrix(self) -> bool:
        return self.rows > 1


@lru_cache(maxsize=256)
def tensors(arch: Architecture) -> tuple[Tensor, ...]:
    """Every weight tensor, in file order (cached: architectures are immutable)."""
    h = arch.hidden_size
    out = [Tensor("token_embd", None, h, arch.vocab_size)]
    if arch.per_layer_embedding_dim:
        out += per_layer_inputs(arch)
    kinds = arch.kinds
    for i in range(arch.layers):
        kind = kinds[i]
        out += _norms(arch, i, kind)
        if kind in "ASPXH":
            out += _attention(arch, i)
        if kind in "MP":
            out += _mamba2(arch, i)
        elif kind == "L":
            out += _gated_deltanet(arch, i)
        elif kind == "C":
            out += _short_conv(arch, i)
        if arch.index_heads and (kind == "X" or (kind == "A" and arch.is_mla)):
            out += _indexer(arch, i)
        if kind in "XH":
            out += _compressor(arch, i)
        if arch.has_ffn(i):
            out += _ffn(arch, i)
        if arch.per_layer_embedding_dim:
            out += _per_layer_block(arch, i)
    out.append(Tensor("output_norm", None, h, 1))
    if arch.layer_norm_bias:
        out.append(Tensor("output_norm.bias", None, h, 1))
    if not arch.tied_embeddings:
        out.append(Tensor("output", None, h, arch.vocab_size))
    return tuple(out)


def _norms(arch: Architecture, i: int, kind: str) -> list[Tensor]:
    h = arch.hidden_size
    if arch.separate_ffn_blocks:  # Nemotron-H: one norm per block
        names = ["attn_norm"]
    else:
        names = ["attn_norm", "ffn_norm"] + [f"post_norm_{k}" for k in range(arch.extra_norms)]
    out = [Tensor(n, i, h, 1) for n in names]
    if arch.layer_norm_bias:
        out += [Tensor(n + ".bias", i, h, 1) for n in names]
    if arch.qk_norm and kind in "ASPXH":
        out += [Tensor("attn_q_norm", i, arch.head_dim, 1), Tensor("attn_k_norm", i, arch.head_dim, 1)]
    return out


def _attention(arch: Architecture, i: int) -> list[Tensor]:
    h, q, kv = arch.hidden_size, arch.q_width, arch.kv_width
    if arch.is_mla:
        return _mla(arch, i)
    if arch.shared_kv:
        return _latent_mqa(arch, i)
    if arch.fused_qkv:
        out = [Tensor("attn_qkv", i, h, q + 2 * kv)]
    else:
        gate = 2 if arch.attention_output_gate else 1  # the query projection also yields the output gate
        out = [Tensor("attn_q", i, h, q * gate), Tensor("attn_k", i, h, kv), Tensor("attn_v", i, h, kv)]
    out.append(Tensor("attn_output", i, q, h))
    if arch.attention_bias:
        out += [Tensor("attn_qkv.bias", i, q + 2 * kv, 1), Tensor("attn_output.bias", i, h, 1)]
    if arch.attention_sinks:
        out.append(Tensor("attn_sinks", i, arch.attention_heads, 1))
    return out


def _mla(arch: Architecture, i: int) -> list[Tensor]:
    """DeepSeek multi-head latent attention, as llama.cpp stores it."""
    h, n = arch.hidden_size, arch.attention_heads
    rope, nope = need(arch.qk_rope_head_dim, "qk_rope_head_dim"), need(arch.qk_nope_head_dim, "qk_nope_head_dim")
    v, kv_rank = need(arch.v_head_dim, "v_head_dim"), need(arch.kv_lora_rank, "kv_lora_rank")
    out: list[Tensor] = []
    if arch.q_lora_rank:
        out += [
            Tensor("attn_q_a", i, h, arch.q_lora_rank),
            Tensor("attn_q_a_norm", i, arch.q_lora_rank, 1),
            Tensor("attn_q_b", i, arch.q_lora_rank, n * (nope + rope)),
        ]
    else:
        out.append(Tensor("attn_q", i, h, n * (nope + rope)))
    out += [
        Tensor("attn_kv_a_mqa", i, h, kv_rank + rope),
        Tensor("attn_kv_a_norm", i, kv_rank, 1),
        Tensor("attn_kv_b", i, kv_rank, n * (nope + v)),
        Tensor("attn_output", i, n * v, h),
    ]
    return out


def _latent_mqa(arch: Architecture, i: int) -> list[Tensor]:
    """DeepSeek V4: low-rank queries, one latent head that serves as key and value, and a grouped
    low-rank output projection (each of ``o_groups`` groups of heads maps to ``o_lora_rank``)."""
    h, q = arch.hidden_size, arch.q_width
    out: list[Tensor] = []
    if arch.q_lora_rank:
        out += [Tensor("attn_q_a", i, h, arch.q_lora_rank), Tensor("attn_q_a_norm", i, arch.q_lora_rank, 1),
                Tensor("attn_q_b", i, arch.q_lora_rank, q)]
    else:
        out.append(Tensor("attn_q", i, h, q))
    out += [Tensor("attn_kv", i, h, arch.kv_width), Tensor("attn_kv_norm", i, arch.kv_width, 1)]
    if arch.o_lora_rank:
        groups = arch.o_groups or 1
        out += [Tensor("attn_output_a", i, q // groups, arch.o_lora_rank * groups),
                Tensor("attn_output_b", i, arch.o_lora_rank * groups, h)]
    else:
        out.append(Tensor("attn_output", i, q, h))
    return out


def _compressor(arch: Architecture, i: int) -> list[Tensor]:
    """DeepSeek V4's KV compressor of an X or H layer: a projection to the latent and its gate."""
    h, kv = arch.hidden_size, arch.kv_width
    return [Tensor("attn_cmp_kv", i, h, 2 * kv), Tensor("attn_cmp_gate", i, h, 2 * kv), Tensor("attn_cmp_norm", i, kv, 1)]


def _indexer(arch: Architecture, i: int) -> list[Tensor]:
    """DeepSeek sparse attention's lightning indexer: per-head queries (from the query latent when
    there is one), one shared key, and a weight per head."""
    h, n, d = arch.hidden_size, need(arch.index_heads, "index_heads"), need(arch.index_head_dim, "index_head_dim")
    q_in = arch.q_lora_rank or h
    return [Tensor("indexer_attn_q_b", i, q_in, n * d), Tensor("indexer_attn_k", i, h, d),
            Tensor("indexer_k_norm", i, d, 1), Tensor("indexer_k_norm.bias", i, d, 1), Tensor("indexer_proj", i, h, n)]


def _mamba2(arch: Architecture, i: int) -> list[Tensor]:
    """A Mamba2 mixer as llama.cpp stores it: one input projection to x, z, B, C and dt, a
    depthwise causal convolution over x, B and C, per-head decay, skip and step bias, a grouped
    norm, and the output projection."""
    h, d, n = arch.hidden_size, arch.ssm_inner, need(arch.ssm_heads, "ssm_heads")
    bc = 2 * arch.ssm_groups * need(arch.ssm_state_size, "ssm_state_size")
    return [Tensor("ssm_in", i, h, 2 * d + bc + n), Tensor("ssm_conv1d", i, arch.ssm_conv_kernel, d + bc),
            Tensor("ssm_conv1d.bias", i, d + bc, 1), Tensor("ssm_dt.bias", i, n, 1), Tensor("ssm_a", i, n, 1),
            Tensor("ssm_d", i, n, 1), Tensor("ssm_norm", i, d, 1), Tensor("ssm_out", i, d, h)]


def _gated_deltanet(arch: Architecture, i: int) -> list[Tensor]:
    """A Gated DeltaNet layer (Qwen3-Next, Qwen3.5): fused q/k/v projection, the output gate z,
    per-head beta and alpha, a causal convolution over q, k and v, decay and step bias, a norm
    over each value head, and the output projection."""
    h = arch.hidden_size
    kh, vh, kd, vd = arch.linear_dims
    key, value = kh * kd, vh * vd
    return [Tensor("attn_qkv", i, h, 2 * key + value), Tensor("attn_gate", i, h, value),
            Tensor("ssm_beta_alpha", i, h, 2 * vh), Tensor("ssm_conv1d", i, arch.linear_conv_kernel, 2 * key + value),
            Tensor("ssm_dt.bias", i, vh, 1), Tensor("ssm_a", i, vh, 1), Tensor("ssm_norm", i, vd, 1),
            Tensor("ssm_out", i, value, h)]


def _short_conv(arch: Architecture, i: int) -> list[Tensor]:
    """LFM2's gated short convolution: input projection to three streams, a depthwise convolution
    of ``short_conv_kernel`` taps, and the output projection."""
    h = arch.hidden_size
    return [Tensor("shortconv_in_proj", i, h, 3 * h), Tensor("shortconv_conv", i, need(arch.short_conv_kernel, "short_conv_kernel"), h),
            Tensor("shortconv_out_proj", i, h, h)]


def per_layer_inputs(arch: Architecture) -> list[Tensor]:
    """Gemma 3n's per-layer embeddings: a table of per-layer vectors for every token (each row has
    one ``per_layer_embedding_dim`` slice per layer), and the projection of the main embedding."""
    dim = need(arch.per_layer_embedding_dim, "per_layer_embedding_dim")
    width = arch.layers * dim
    rows = arch.per_layer_vocab_size or arch.vocab_size
    return [Tensor("per_layer_token_embd", None, width, rows), Tensor("per_layer_model_proj", None, arch.hidden_size, width),
            Tensor("per_layer_proj_norm", None, dim, 1)]


def _per_layer_block(arch: Architecture, i: int) -> list[Tensor]:
    h, d = arch.hidden_size, need(arch.per_layer_embedding_dim, "per_layer_embedding_dim")
    return [Tensor("per_layer_inp_gate", i, h, d), Tensor("per_layer_proj", i, d, h), Tensor("per_layer_post_norm", i, h, 1)]


def _ffn(arch: Architecture, i: int) -> list[Tensor]:
    h = arch.hidden_size
    if not arch.moe_at(i):
        return _dense_ffn(h, arch.intermediate_size, arch, i, "")
    n, f = need(arch.experts, "experts"), arch.expert_width
    out = [Tensor("ffn_gate_inp", i, h, n)]
    if arch.gated_mlp:
        out.append(Tensor("ffn_gate_exps", i, h, f * n))
    out += [Tensor("ffn_up_exps", i, h, f * n), Tensor("ffn_down_exps", i, f, h * n)]
    if arch.mlp_bias:
        out += [Tensor("ffn_up_exps.bias", i, f * n, 1), Tensor("ffn_down_exps.bias", i, h * n, 1)]
    if arch.shared_experts:
        width = arch.shared_expert_intermediate_size or arch.shared_experts * f
        out += _dense_ffn(h, width, arch, i, "_shexp")
        if arch.shared_expert_gate:
            out.append(Tensor("ffn_gate_inp_shexp", i, h, 1))
    return out


def _dense_ffn(h: int, f: int, arch: Architecture, i: int, suffix: str) -> list[Tensor]:
    if arch.fused_gate_up and not suffix:
        out = [Tensor("ffn_up", i, h, 2 * f)]
    elif arch.gated_mlp:
        out = [Tensor("ffn_gate" + suffix, i, h, f), Tensor("ffn_up" + suffix, i, h, f)]
    else:
        out = [Tensor("ffn_up" + suffix, i, h, f)]
    out.append(Tensor("ffn_down" + suffix, i, f, h))
    if arch.mlp_bias:
        out += [Tensor("ffn_up.bias" + suffix, i, f, 1), Tensor("ffn_down.bias" + suffix, i, h, 1)]
    return out


@lru_cache(maxsize=1024)  # asked at every speed estimate; an architecture lists a thousand tensors
def parameter_count(arch: Architecture) -> int:
    """Total parameters, every expert included."""
    return sum(t.elements for t in tensors(arch))


@lru_cache(maxsize=1024)
def active_parameter_count(arch: Architecture) -> int:
    """Parameters one token passes through: only ``experts_per_token`` of the routed experts."""
    total = 0
    for t in tensors(arch):
        if "_exps" in t.name:
            total += t.elements * need(arch.experts_per_token, "experts_per_token") // need(arch.experts, "experts")
        elif t.name not in INPUT_TABLES:  # an embedding lookup reads one row, not the matrix
            total += t.elements
    return total


# Lookup tables: a token reads one row of each (llama.cpp keeps them in host memory).
INPUT_TABLES = ("token_embd", "per_layer_token_embd")
