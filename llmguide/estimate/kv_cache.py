"""The attention KV cache: what every generated token leaves behind in memory.

Per layer it holds a key and a value vector per KV head for every cached token:
``2 x kv_heads x head_dim x tokens x bytes per element``. Grouped-query attention shrinks it by
``attention_heads / kv_heads``, which is why the KV cache is computed from the architecture and
never guessed from the parameter count. Layers with a sliding window keep at most ``window`` tokens;
hybrid models' linear-attention, Mamba2 and convolution layers keep a fixed state instead, and
DeepSeek V4's compressed layers one row per few tokens (``cache_layout``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from llmguide.model.architecture import Architecture, need

# Bytes per cached element: llama.cpp's -ctk/-ctv types (block bytes / 32 elements for the
# quantized ones), and vLLM's fp8.
KV_TYPE_BYTES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "f32": 4.0, "q8_0": 34 / 32, "q4_0": 18 / 32, "q4_1": 20 / 32,
                                   "q5_0": 22 / 32, "q5_1": 24 / 32, "iq4_nl": 18 / 32, "fp8": 1.0}
VLLM_ONLY_KV_TYPES = ("fp8",)
LLAMA_CPP_KV_TYPES = tuple(t for t in KV_TYPE_BYTES if t not in VLLM_ONLY_KV_TYPES)


def kv_elements_per_token_layer(arch: Architecture) -> int:
    """Cached elements per token in one attention layer.

    Multi-head latent attention (DeepSeek V2/V3) caches one compressed latent plus the rotary key,
    shared by all heads (``kv_lora_rank + qk_rope_head_dim``); llama.cpp reads V out of the same
    latent. DeepSeek V4 keeps one latent that serves as key and value. Otherwise a key and a value
    per KV head."""
    if arch.is_mla:
        return need(arch.kv_lora_rank, "kv_lora_rank") + (arch.qk_rope_head_dim or 0)
    if arch.shared_kv:
        return arch.kv_width
    return 2 * arch.kv_width


@dataclass(frozen=True)
class CacheLayout:
    """What a model's layers keep per sequence, by kind (see ``Architecture.kinds``).

    ``full`` layers cache every token; ``window`` layers at most ``arch.sliding_window`` tokens;
    ``compressed`` is the sum over compressed-attention layers of one row per ``ratio`` tokens
    (DeepSeek V4: the X and H layers also keep a window); ``index_full``/``index_compressed`` count
    the sparse-attention indexer's one key per (compressed) token; ``state_bytes`` is the fixed
    recurrent state of linear-attention, Mamba2 and short-convolution layers (FP32, as llama.cpp
    and vLLM keep it), which does not grow with the context."""

    full: int
    window: int
    compressed: float
    index_full: int
    index_compressed: float
    state_bytes: int

    def per_token_elements(self, arch: Architecture) -> float:
        """Cached elements per token over the context-long layers (full and compressed), windows aside."""
        kv = kv_elements_per_token_layer(arch)
        index = arch.index_head_dim or 0
        return (self.full * kv + self.compressed * kv + (self.index_full + self.index_compressed) * index)

    def per_token_bytes(self, arch: Architecture, kv_type: str = "f16") -> float:
        return self.per_token_elements(arch) * KV_TYPE_BYTES[kv_type]


@lru_cache(maxsize=512)
def cache_layout(arch: Architecture) -> CacheLayout:
    kinds = arch.kinds
    owners = len(kinds) - arch.kv_shared_layers  # Gemma 3n: the last layers reuse earlier layers' KV
    full = window = index_full = 0
    compressed = index_compressed = 0.0
    state = 0
    mla_index = arch.index_heads is not None and "X" not in kinds  # V3.2 / GLM-5: an indexer in every attention layer
    for i, k in enumerate(kinds):
        owns_kv = i < owners
        if k in "AP" and owns_kv:
            full += 1
            index_full += mla_index
        elif k == "S" and owns_kv:
            window += 1
        elif k == "X":
            window += 1
            csa = need(arch.csa_compression, "csa_compression")
            compressed += 1 / csa
            index_compressed += 1 / csa if arch.index_head_dim else 0
        elif k == "H":
            window += 1
            compressed += 1 / need(arch.hca_compression, "hca_compression")
        if k in "MP":
            ssm_state = need(arch.ssm_state_size, "ssm_state_size")
            conv = arch.ssm_inner + 2 * arch.ssm_groups * ssm_state
            state += 4 * ((arch.ssm_conv_kernel - 1) * conv + arch.ssm_inner * ssm_state)
        elif k == "L":
            kh, vh, kd, vd = arch.linear_dims
            key, value = kh * kd, vh * vd
            recurrent = vh * kd * vd
            state += 4 * ((arch.linear_conv_kernel - 1) * (2 * key + value) + recurrent)
        elif k == "C":
            state += 4 * (need(arch.short_conv_kernel, "short_conv_kernel") - 1) * arch.hidden_size
    return CacheLayout(full, window, compressed, index_full, index_compressed, state)


def has_full_attention(arch: Architecture) -> bool:
    """Whether some layer attends to the whole context (else every cache is a window or a state)."""
    layout = cache_layout(arch)
    return bool(layout.full or layout.compressed)


# llama.cpp rounds its context up to a multiple of 256 cells and gives sliding-window layers their
# own cache of ``window + n_ubatch`` cells (also rounded), so one micro-batch fits beside a full window.
LLAMA_CPP_CELL_PAD = 256


def _pad(n: int, to: int) -> int:
    return -(-n // to) * to


def llamacpp_cells(arch: Architecture, context: int, n_ubatch: int, sequences: int = 1) -> tuple[int, int]:
    """(cells of a full-attention layer, cells of a sliding-window layer) as llama.cpp allocates
    them for ``sequences`` sequences of ``context`` tokens in one (unified) cache."""
    full = _pad(context * sequences, LLAMA_CPP_CELL_PAD)
    if not cache_layout(arch).window:
        return full, 0
    window = need(arch.sliding_window, "sliding_window")
    return full, _pad(min(full, window * sequences + min(n_ubatch, full)), LLAMA_CPP_CELL_PAD)


def kv_cache_bytes(
    arch: Architecture, context: int, kv_type: str = "f16", sequences: int = 1, *, n_ubatch: int | None = None
) -> int:
    """Bytes of the cache for ``sequences`` parallel sequences of ``context`` tokens each.

    Every layer keeps what its kind needs (``cache_layout``): full-attention layers every token,
    sliding-window layers at most the window, compressed layers one row per ratio tokens, and
    linear-attention, Mamba2 and short-convolution layers a fixed-size state per sequence. With
    ``n_ubatch`` (llama.cpp's micro-batch) the cells are counted as llama.cpp allocates them (see
    ``llamacpp_cells``); without, the textbook size."""
    if context <= 0:
        raise ValueError("context must be positive")
    layout = cache_layout(arch)
    if n_ubatch is not None:  # one cache for all sequences
        full_cells, window_cells = llamacpp_cells(arch, context, n_ubatch, sequences)
    else:
        full_cells = context * sequences
        window_cells = min(context, arch.sliding_window or context) * sequences
    size = layout.per_token_bytes(arch, kv_type) * full_cells
    size += layout.window * kv_elements_per_token_layer(arch) * KV_TYPE_BYTES[kv_type] * window_cells
    return int(size + layout.state_bytes * sequences)
