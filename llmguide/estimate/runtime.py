"""Buffers llama.cpp allocates beyond weights and KV cache, and what a CPU run keeps resident.

llama.cpp reserves one *compute buffer* for the largest graph it will run: a micro-batch of
``n_ubatch`` (default 512) tokens that all want logits. The graph allocator reuses memory as
tensors die, so the buffer is the peak of the live tensors, not their sum; three moments compete:

* the output: the logits of the micro-batch (``n_ubatch x vocab x 4`` bytes) and the normed
  hidden states that feed them. With flash attention this is nearly always the peak, so the
  buffer does not grow with the context;
* attention without flash attention: the score matrix of every head against every cached token
  (``heads x n_kv x n_ubatch x 4`` bytes) plus its mask, beside the layer's activations. It grows
  with the context and takes over at long contexts;
* the feed-forward block: its widened activations (for an MoE, those of every chosen expert).

An *output buffer* holds the logits of the last token of each sequence. On the CPU, a product with
an F16 operand converts the other operand in a separate work buffer: without flash attention that
is the softmaxed scores, ``heads x n_kv x n_ubatch x 2`` bytes, outside the logged buffers.

A CPU run also keeps the runtime itself resident (code, the vocabulary's tables, thread stacks):
``process_bytes``, measured with llama.cpp's tools on the random-weight models of
benchmarks/llamacpp (docs/accuracy.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.estimate.kv_cache import has_full_attention, llamacpp_cells
from llmguide.model.architecture import Architecture

N_UBATCH = 512
F32 = 4
F16 = 2
MIB = 1 << 20
# Resident memory of a llama.cpp process beyond its buffers: the program, its libraries and thread
# state, plus the vocabulary's tables (each token's text, score and attributes, the text-to-id map
# and the token-to-piece cache: about 144 bytes a token). Measured on five vocabularies from 32K to
# 262K tokens (benchmarks/llamacpp): 23 MiB for TinyLlama, 54 MiB for Gemma 3.
PROCESS_BASE_BYTES = int(18.5 * MIB)
PROCESS_BYTES_PER_TOKEN = 144


def process_bytes(arch: Architecture) -> int:
    return PROCESS_BASE_BYTES + PROCESS_BYTES_PER_TOKEN * arch.vocab_size


@dataclass(frozen=True)
class LlamaCppRun:
    """How llama.cpp is run: the switches that change its memory."""

    flash_attention: bool = True
    mmap: bool = True
    n_ubatch: int = N_UBATCH

    def describe(self) -> str:
        return f"flash attention {'on' if self.flash_attention else 'off'}, {'mmap' if self.mmap else 'no mmap'}"


def _layer_activations(arch: Architecture, tokens: int) -> int:
    """A layer's live activations around attention: the residual stream and its normed copy, the
    input embeddings, Q, K, V and the attention output, in F32."""
    return tokens * F32 * (4 * arch.hidden_size + arch.q_width + 2 * arch.kv_width)


def _phases(arch: Architecture, n_kv: int, window_kv: int, tokens: int, outputs: int, flash_attention: bool) -> int:
    output = outputs * arch.vocab_size * F32 + 2 * tokens * arch.hidden_size * F32
    kv = max(n_kv, window_kv)
    if flash_attention:
        attention = kv * tokens * F16 + _layer_activations(arch, tokens)  # the F16 mask
    else:
        attention = (arch.attention_heads + 1) * kv * tokens * F32 + _layer_activations(arch, tokens)
    ffn_width = arch.expert_width * (arch.experts_per_token or 0) if arch.is_moe else arch.intermediate_size
    ffn = tokens * F32 * (3 * arch.hidden_size + 2 * ffn_width + (arch.experts or 0))
    return max(output, attention, ffn)


def _scores_copy(arch: Architecture, full: int, window: int, tokens: int, flash_attention: bool) -> int:
    """The CPU work buffer's F16 copy of the softmaxed scores (flash attention off)."""
    return 0 if flash_attention else arch.attention_heads * max(full, window) * tokens * F16


def compute_buffer_bytes(arch: Architecture, context: int, flash_attention: bool = True, n_ubatch: int = N_UBATCH) -> int:
    """The compute buffer llama.cpp reserves: a full micro-batch, every token wanting logits,
    attending to the whole (padded) cache. ``context`` counts every sequence's tokens."""
    ub = min(n_ubatch, context)
    full, window = llamacpp_cells(arch, context, ub)
    n_kv = full if has_full_attention(arch) else 0
    return _phases(arch, n_kv, window, ub, ub, flash_attention)


def compute_touched_bytes(arch: Architecture, prompt_tokens: int, flash_attention: bool = True, n_ubatch: int = N_UBATCH) -> int:
    """The part of the compute and work buffers a prompt of ``prompt_tokens`` really writes (one
    output: only the last token's logits), i.e. what it adds to resident memory on the CPU."""
    tokens = max(1, min(prompt_tokens, n_ubatch))
    full, window = llamacpp_cells(arch, tokens, tokens)
    return _phases(arch, full, window, tokens, 1, flash_attention) + _scores_copy(arch, full, window, tokens, flash_attention)


def work_buffer_bytes(arch: Architecture, context: int, flash_attention: bool = True, n_ubatch: int = N_UBATCH) -> int:
    """The CPU backend's work buffer: without flash attention, the F16 copy of the scores that
    multiplies the F16 values. Small otherwise (counted in ``process_bytes``)."""
    ub = min(n_ubatch, context)
    full, window = llamacpp_cells(arch, context, ub)
    return _scores_copy(arch, full, window, ub, flash_attention)


def output_buffer_bytes(arch: Architecture, sequences: int = 1) -> int:
    return arch.vocab_size * F32 * sequences
