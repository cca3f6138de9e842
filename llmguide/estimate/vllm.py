"""vLLM's memory model: a budget, weights, a profiled activation peak, CUDA graphs, then KV blocks.

vLLM claims ``gpu_memory_utilization`` (default 0.9) of each GPU's total memory. From that budget
it subtracts the weights (split over ``tensor_parallel`` GPUs), the activation peak of a profiling
run over ``max_num_batched_tokens`` tokens, CUDA graph memory and other non-torch allocations, and
fills the rest with KV-cache blocks of 16 tokens. How many sequences run at once at a given context
follows from that block pool. First-order model: the activation peak and graph memory are
estimates, stated as such in every answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.estimate.gpu_formats import GpuFormat, gpu_weight_bytes
from llmguide.estimate.kv_cache import KV_TYPE_BYTES, cache_layout, kv_elements_per_token_layer
from llmguide.model.architecture import Architecture
from llmguide.units import GIB

GPU_MEMORY_UTILIZATION = 0.9
MAX_NUM_BATCHED_TOKENS = 8192
MAX_NUM_SEQS = 256
BLOCK_TOKENS = 16
CUDA_GRAPHS_BYTES = GIB // 2  # captured graphs for batch sizes up to max_num_seqs (typical 0.3-1 GiB)
NON_TORCH_BYTES = 400 << 20  # CUDA context, cuBLAS/NCCL workspaces


@dataclass(frozen=True)
class VllmMemory:
    budget: int  # per GPU
    weights: int  # per GPU
    activation: int
    graphs: int
    kv_pool: int  # per GPU, bytes left for KV blocks (may be negative: does not fit)
    kv_tokens: int  # tokens the pool holds (per sequence slot, all layers)
    concurrent_sequences: int  # at the requested context, capped at max_num_seqs
    assumptions: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return self.concurrent_sequences >= 1


def vllm_memory(
    arch: Architecture, fmt: GpuFormat, vram_per_gpu: int, context: int, *,
    tensor_parallel: int = 1, pipeline_parallel: int = 1, kv_type: str = "f16",
    utilization: float = GPU_MEMORY_UTILIZATION,
) -> VllmMemory:
    """Per-GPU memory with the model over ``tensor_parallel`` GPUs (every layer split by heads)
    times ``pipeline_parallel`` stages (the layers split in runs, as across nodes)."""
    tp, pp = max(1, tensor_parallel), max(1, pipeline_parallel)
    budget = int(vram_per_gpu * utilization)
    weights = gpu_weight_bytes(arch, fmt) // (tp * pp)
    layers = -(-arch.layers // pp)  # the largest stage
    ffn = arch.intermediate_size * (arch.experts_per_token or 1)
    activation = MAX_NUM_BATCHED_TOKENS * 2 * (4 * arch.hidden_size + 2 * ffn) // tp + MAX_NUM_SEQS * arch.vocab_size * 4
    overhead = CUDA_GRAPHS_BYTES + NON_TORCH_BYTES
    pool = budget - weights - activation - overhead
    # Per token over the context-long layers of the largest stage; windows and recurrent states are
    # a fixed amount per sequence (vLLM's hybrid allocator gives each layer kind its own pool).
    layout = cache_layout(arch)
    heads = 1.0 if arch.is_mla or arch.shared_kv else max(1, arch.kv_heads // tp) / arch.kv_heads
    share = layers / arch.layers * heads
    kv_bytes = KV_TYPE_BYTES.get(kv_type, 2.0)
    per_token = layout.per_token_elements(arch) * kv_bytes * share
    per_sequence = (layout.window * kv_elements_per_token_layer(arch) * kv_bytes * min(context, arch.sliding_window or 0)
                    + layout.state_bytes) * share
    if per_token <= 0:  # no context-long layer at all: only windows and states
        per_token = per_sequence / max(1, context)
        per_sequence = 0
    tokens = int(pool // per_token) // BLOCK_TOKENS * BLOCK_TOKENS if pool > 0 else 0
    per_seq_tokens = context + per_sequence / per_token if per_token else context
    sequences = min(MAX_NUM_SEQS, int(tokens // per_seq_tokens)) if context > 0 else 0
    assumptions = (
        f"vLLM, gpu_memory_utilization {utilization}, tensor parallel {tp}"
        + (f", pipeline parallel {pp}" if pp > 1 else "") + f", {fmt.name} weights",
        f"activation peak for max_num_batched_tokens {MAX_NUM_BATCHED_TOKENS} and {MAX_NUM_SEQS} sampled sequences (estimated)",
        f"CUDA graphs and non-torch memory assumed {(overhead) / GIB:.1f} GiB",
    )
    return VllmMemory(budget, weights, activation, overhead, pool, tokens, sequences, assumptions)
