"""The attention KV cache: what every generated token leaves behind in memory.

Per layer it holds a key and a value vector per KV head for every cached token:
``2 x kv_heads x head_dim x tokens x bytes per element``. Grouped-query attention shrinks it by
``attention_heads / kv_heads``, which is why the KV cache is computed from the architecture and
never guessed from the parameter count. Layers with a sliding window keep at most ``window`` tokens.
"""

from __future__ import annotations

from llmguide.model.architecture import Architecture

# Bytes per cached element: llama.cpp's cache types (q8_0/q4_0 are 32-element blocks) and vLLM's fp8.
KV_TYPE_BYTES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "f32": 4.0, "q8_0": 34 / 32, "q4_0": 18 / 32, "fp8": 1.0}


def kv_elements_per_token_layer(arch: Architecture) -> int:
    """Cached elements per token in one attention layer.

    Multi-head latent attention (DeepSeek V2/V3) caches one compressed latent plus the rotary key,
    shared by all heads (``kv_lora_rank + qk_rope_head_dim``); llama.cpp reads V out of the same
    latent. Otherwise a key and a value per KV head."""
    if arch.is_mla:
        return arch.kv_lora_rank + (arch.qk_rope_head_dim or 0)
    return 2 * arch.kv_width


# llama.cpp rounds its context up to a multiple of 256 cells and gives sliding-window layers their
# own cache of ``window + n_ubatch`` cells (also rounded), so one micro-batch fits beside a full window.
LLAMA_CPP_CELL_PAD = 256


def _pad(n: int, to: int) -> int:
    return -(-n // to) * to


def llamacpp_cells(arch: Architecture, context: int, n_ubatch: int, sequences: int = 1) -> tuple[int, int]:
    """(cells of a full-attention layer, cells of a sliding-window layer) as llama.cpp allocates
    them for ``sequences`` sequences of ``context`` tokens in one (unified) cache."""
    full = _pad(context * sequences, LLAMA_CPP_CELL_PAD)
    if not arch.sliding_window_layers:
        return full, 0
    return full, _pad(min(full, arch.sliding_window * sequences + min(n_ubatch, full)), LLAMA_CPP_CELL_PAD)


def kv_cache_bytes(
    arch: Architecture, context: int, kv_type: str = "f16", sequences: int = 1, *, n_ubatch: int | None = None
) -> int:
    """Bytes of the cache for ``sequences`` parallel sequences of ``context`` tokens each.

    Sliding-window layers keep at most the window; linear-attention layers (hybrid models) keep a
    fixed-size recurrent state instead of a cache. With ``n_ubatch`` (llama.cpp's micro-batch) the
    cells are counted as llama.cpp allocates them (see ``llamacpp_cells``); without, the textbook size."""
    if context <= 0:
        raise ValueError("context must be positive")
    per_token_layer = kv_elements_per_token_layer(arch) * KV_TYPE_BYTES[kv_type]
    windowed = arch.sliding_window_layers
    full = arch.layers - windowed - arch.linear_attention_layers
    if n_ubatch is not None:  # one cache for all sequences
        full_cells, window_cells = llamacpp_cells(arch, context, n_ubatch, sequences)
    else:
        full_cells = context * sequences
        window_cells = min(context, arch.sliding_window or context) * sequences
    tokens = full * full_cells
    if windowed:
        tokens += windowed * window_cells
    state = arch.linear_attention_layers * arch.attention_heads * arch.head_dim * arch.head_dim * 4  # fp32
    return int(per_token_layer * tokens + state * sequences)
