"""``Architecture``: the numbers that decide how much memory a model needs and how fast it runs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TypeVar

from llmguide.catalog.schema import ArchitectureFacts, memoized_hash

N = TypeVar("N", int, float)


@memoized_hash  # it keys the estimator's caches: some seventy fields, hashed once per object
@dataclass(frozen=True)
class Architecture:
    """A decoder-only transformer, dense or mixture-of-experts.

    Attention is grouped-query attention in general: ``kv_heads`` KV heads, each shared by
    ``attention_heads // kv_heads`` query heads (equal counts = classic multi-head attention, one KV
    head = multi-query). ``intermediate_size`` is the dense FFN width; ``moe_intermediate_size`` the
    width of each routed expert (defaults to ``intermediate_size``). DeepSeek-style models keep the
    first ``dense_layers`` layers dense and add ``shared_experts`` always-on experts; multi-head
    latent attention (MLA) is described by the ``*_lora_rank`` and ``qk_*`` head sizes.

    Hybrid models give each layer a kind (``kinds``: attention, sliding window, Gated DeltaNet,
    Mamba2, parallel attention + Mamba2, short convolution, DeepSeek V4's compressed attention, or
    an FFN-only block) with the sizes that kind needs (``ssm_*``, ``linear_*``, ``short_conv_kernel``,
    ``index_*``, ``*_compression``); ``model/tensors.py`` lists each kind's tensors and
    ``estimate/kv_cache.py`` its cache or state.
    """

    layers: int
    hidden_size: int
    intermediate_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    tied_embeddings: bool = False
    experts: int | None = None
    experts_per_token: int | None = None
    sliding_window: int | None = None
    sliding_window_layers: int = 0
    # Shape details that config.json and GGUF headers carry (defaults: a Llama-style model).
    arch: str = "llama"  # the runtime's name for the family (llama.cpp quantizes Falcon differently)
    gated_mlp: bool = True  # SwiGLU/GeGLU: gate, up and down; False: up and down only
    attention_bias: bool = False  # q/k/v (and output, for some) projections have biases
    mlp_bias: bool = False
    layer_norm_bias: bool = False  # LayerNorm (weight and bias) instead of RMSNorm
    qk_norm: bool = False  # per-head norms on queries and keys (Qwen3, Gemma 3)
    extra_norms: int = 0  # norms per layer beyond the usual two (Gemma 2/3 have four in all)
    fused_qkv: bool = False  # GGUF stores one attn_qkv tensor (Phi-3, Falcon)
    fused_gate_up: bool = False  # GGUF stores gate and up as one ffn_up tensor (Phi-3)
    moe_intermediate_size: int | None = None
    shared_experts: int = 0
    shared_expert_intermediate_size: int | None = None
    dense_layers: int = 0  # leading layers with a dense FFN in an MoE model
    q_lora_rank: int | None = None  # MLA (DeepSeek V2/V3)
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    qk_nope_head_dim: int | None = None
    v_head_dim: int | None = None
    attention_sinks: bool = False  # gpt-oss: one learned sink logit per head
    linear_attention_layers: int = 0  # hybrid models: layers with a recurrent state instead of a KV cache
    attention_output_gate: bool = False  # Qwen3-Next/3.5: the query projection also yields a sigmoid gate
    shared_expert_gate: bool = False  # Qwen2-MoE/Qwen3-Next: a sigmoid gate (hidden -> 1) on the shared expert
    layer_pattern: str | None = None  # one kind per layer, see catalog ArchitectureFacts.layer_pattern
    ssm_heads: int | None = None
    ssm_head_dim: int | None = None
    ssm_state_size: int | None = None
    ssm_groups: int = 1
    ssm_conv_kernel: int = 4
    linear_key_heads: int | None = None
    linear_value_heads: int | None = None
    linear_key_head_dim: int | None = None
    linear_value_head_dim: int | None = None
    linear_conv_kernel: int = 4
    short_conv_kernel: int | None = None
    index_heads: int | None = None
    index_head_dim: int | None = None
    index_topk: int | None = None
    csa_compression: int | None = None
    hca_compression: int | None = None
    o_lora_rank: int | None = None
    o_groups: int | None = None
    shared_kv: bool = False  # one latent serves as key and value (DeepSeek V4)
    per_layer_embedding_dim: int | None = None
    per_layer_vocab_size: int | None = None
    kv_shared_layers: int = 0
    encoder_params_b: float | None = None  # vision/audio encoders (llama.cpp's mmproj file)

    @staticmethod
    def from_facts(facts: ArchitectureFacts) -> Architecture:
        """From a catalog entry: its numbers, plus what its model type implies (as for config.json).
        Worked out once per entry object (the catalog cache makes equal entries one object)."""
        return _from_facts(facts)

    @cached_property
    def kinds(self) -> str:
        """One character per layer (see ``layer_pattern``); derived from the counts when the model
        has no pattern: linear-attention layers three of every four (Qwen3-Next style, the full
        attention layer last), sliding-window layers first in each group (Gemma style)."""
        return _kinds(self)

    def kind_count(self, chars: str) -> int:
        return sum(self.kinds.count(c) for c in chars)

    def ordinal(self, i: int, what: str) -> tuple[int, int]:
        """(position of layer ``i`` among the layers with attention or with an FFN, how many there
        are): the counters llama.cpp's quantizer rules use. Plain models: (i, layers)."""
        table = self._ordinals[0 if what == "attn" else 1]
        return table[i] if i < len(table) else (i, self.layers)

    @cached_property
    def _ordinals(self) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
        kinds = self.kinds
        attn = [i for i, k in enumerate(kinds) if k in "ASPXH"]
        ffn = [i for i in range(self.layers) if self.has_ffn(i)]

        def table(members: list[int]) -> tuple[tuple[int, int], ...]:
            inside, out, seen = set(members), [], 0
            for i in range(self.layers):
                out.append((seen, max(1, len(members))))
                seen += i in inside
            return tuple(out)

        return table(attn), table(ffn)

    def describe_layers(self) -> str:
        """The layer kinds in words: ``'12 full attention + 36 Gated DeltaNet'``."""
        names = {"A": "full attention", "S": "sliding-window attention", "L": "Gated DeltaNet (linear attention)",
                 "M": "Mamba2", "P": "attention + Mamba2 in parallel", "C": "short convolution",
                 "X": "compressed sparse attention", "H": "heavily compressed attention", "-": "MLP-only", "E": "MoE-only"}
        kinds = self.kinds
        parts = [f"{kinds.count(k)} {names[k]}" for k in "ASPXHLMC-E" if k in kinds]
        if self.kv_shared_layers:
            parts.append(f"last {self.kv_shared_layers} reuse earlier layers' KV cache")
        if self.per_layer_embedding_dim:
            parts.append(f"per-layer embeddings of {self.per_layer_embedding_dim} (kept in system RAM by llama.cpp)")
        return " + ".join(parts[:1] + [p for p in parts[1:]]) if parts else ""

    @property
    def separate_ffn_blocks(self) -> bool:
        """Nemotron-H style: mixers and FFNs are separate blocks of the pattern."""
        return self.layer_pattern is not None and ("-" in self.layer_pattern or "E" in self.layer_pattern)

    def has_ffn(self, i: int) -> bool:
        k = self.kinds[i]
        return k in "-E" or not self.separate_ffn_blocks

    def moe_at(self, i: int) -> bool:
        """Whether layer ``i``'s FFN is a mixture of experts."""
        if not self.is_moe:
            return False
        if self.separate_ffn_blocks:
            return self.kinds[i] == "E"
        return i >= self.dense_layers

    @property
    def linear_dims(self) -> tuple[int, int, int, int]:
        """Gated DeltaNet (key heads, value heads, key dim, value dim); a layer counted without its
        own sizes is taken as one head per attention head of ``head_dim``."""
        h, d = self.attention_heads, self.head_dim
        return (self.linear_key_heads or h, self.linear_value_heads or h,
                self.linear_key_head_dim or d, self.linear_value_head_dim or d)

    @property
    def ssm_inner(self) -> int:
        return (self.ssm_heads or 0) * (self.ssm_head_dim or 0)

    @property
    def is_moe(self) -> bool:
        return self.experts is not None

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank is not None

    @property
    def expert_width(self) -> int:
        return self.moe_intermediate_size or self.intermediate_size

    @property
    def q_width(self) -> int:
        return self.attention_heads * self.head_dim

    @property
    def kv_width(self) -> int:
        return self.kv_heads * self.head_dim

    @property
    def moe_layers(self) -> int:
        return sum(1 for i in range(self.layers) if self.moe_at(i))

    @property
    def attention_layers(self) -> int:
        """Layers with attention (a KV cache of some kind)."""
        return self.kind_count("ASPXH")


@lru_cache(maxsize=4096)
def _from_facts(facts: ArchitectureFacts) -> Architecture:
    """``Architecture.from_facts``, by entry object (catalog entries compare and hash by identity and
    are frozen, so an entry always gives the same architecture)."""
    from llmguide.model.config import runtime_arch, type_defaults

    numbers = facts.numbers()
    model_type = str(numbers.pop("model_type"))
    implied = {k: v for k, v in type_defaults(model_type).items() if k != "tied_embeddings"}
    return intern(Architecture(**{**implied, **numbers, "arch": runtime_arch(model_type)}))


@lru_cache(maxsize=4096)
def intern(arch: Architecture) -> Architecture:
    """One object per distinct architecture: the estimator's caches are keyed by architecture, and
    a key that is the same object is found without comparing seventy fields (fine-tunes of one
    base model share theirs)."""
    return arch


def need(value: N | None, what: str) -> N:
    """A number that is optional in general but required where it is used (a size the layer kind
    being priced needs, a throughput the branch was chosen for): the catalog, the config and GGUF
    readers and the callers check that it is given, so a missing one is a bug, said plainly."""
    if value is None:
        raise ValueError(f"the architecture does not give {what}, which its layer kinds need")
    return value


def _kinds(arch: Architecture) -> str:
    if arch.layer_pattern is not None:
        return arch.layer_pattern
    n = arch.layers
    kinds = ["A"] * n
    linear = arch.linear_attention_layers
    if linear:  # groups of (linear, linear, linear, full): the full-attention layer closes each group
        period = max(2, round(n / max(1, n - linear)))
        idx = [i for i in range(n) if (i + 1) % period][:linear]
        for i in idx:
            kinds[i] = "L"
    windowed = arch.sliding_window_layers
    if windowed:
        full = n - windowed
        spacing = n / full if full else float(n + 1)
        free = [i for i in range(n) if kinds[i] == "A"]
        globals_ = {min(n - 1, int((j + 1) * spacing) - 1) for j in range(full)} if full else set()
        for i in free:
            if windowed and i not in globals_:
                kinds[i] = "S"
                windowed -= 1
    return "".join(kinds)
