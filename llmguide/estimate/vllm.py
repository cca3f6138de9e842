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
from llmguide.estimate.kv_cache import KV_TYPE_BYTES, kv_elements_per_token_layer
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
    kv_heads_per_gpu = max(1, arch.kv_heads // tp)
    per_token = 2 * kv_heads_per_gpu * arch.head_dim * KV_TYPE_BYTES.get(kv_type, 2.0) * layers
    if arch.is_mla:  # MLA caches the compressed latent and the rope key, shared by all heads
        per_token = kv_elements_per_token_layer(arch) * KV_TYPE_BYTES.get(kv_type, 2.0) * layers
    tokens = int(pool // per_token) // BLOCK_TOKENS * BLOCK_TOKENS if pool > 0 else 0
    sequences = min(MAX_NUM_SEQS, tokens // context) if context > 0 else 0
    assumptions = (
        f"vLLM, gpu_memory_utilization {utilization}, tensor parallel {tp}"
        + (f", pipeline parallel {pp}" if pp > 1 else "") + f", {fmt.name} weights",
        f"activation peak for max_num_batched_tokens {MAX_NUM_BATCHED_TOKENS} and {MAX_NUM_SEQS} sampled sequences (estimated)",
        f"CUDA graphs and non-torch memory assumed {(overhead) / GIB:.1f} GiB",
    )
    return VllmMemory(budget, weights, activation, overhead, pool, tokens, sequences, assumptions)
