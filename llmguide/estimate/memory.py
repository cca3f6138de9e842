"""``estimate_memory``: the memory a model needs at a quantization and context, itemized.

This is the single function every command calls for a memory figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial

from llmguide.units import check_context
from llmguide.errors import UsageError
from llmguide.estimate.gguf_rules import Preset
from llmguide.estimate.kv_cache import KV_TYPE_BYTES, kv_cache_bytes
from llmguide.estimate.runtime import (
    LlamaCppRun, compute_buffer_bytes, compute_touched_bytes, output_buffer_bytes, process_bytes, work_buffer_bytes,
)
from llmguide.estimate.weights import (
    expert_bytes_by_layer, host_table_bytes, known_preset, metadata_bytes, repeating_bytes, weight_bytes,
)
from llmguide.model.architecture import Architecture

DEFAULT_RUN = LlamaCppRun()
CPU_ISAS = ("avx2", "avx512", "neon-dotprod", "neon-i8mm", "none")  # the keys of repack.REPACKED


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a llama.cpp-style runtime needs for one model load (all fields are bytes)."""

    quant: str
    context: int
    weights: int  # the GGUF file: tensors at their real block types plus metadata
    repeating: int  # the part of ``weights`` inside the per-layer blocks
    kv_cache: int
    compute: int  # compute and output buffers (activation peak for GPU runtimes)
    assumptions: tuple[str, ...]
    overhead: int = 0  # runtime memory outside the buffers: CUDA graphs, context, allocator slack
    work: int = 0  # the CPU backend's work buffer (llama.cpp without flash attention)
    process: int = 0  # the runtime process itself, resident in system RAM
    mmap: bool = True
    touched: int = 0  # what a prompt really writes of the compute, output and work buffers
    host_only: int = 0  # weights llama.cpp keeps in system RAM even with every layer offloaded (per-layer embeddings)
    encoder: int = 0  # the mmproj file (vision/audio encoders, F16), loaded when images or audio are given
    # Routed-expert bytes of each layer (MoE), for --n-cpu-moe: priced only when a placement needs them.
    expert_layers_of: Callable[[], tuple[int, ...]] | None = field(default=None, repr=False, compare=False)
    # Prices the weights the CPU keeps a second, interleaved copy of; only called when asked
    # (pricing every tensor's type again would double the cost of ranking the whole catalog).
    repack_of: Callable[[], int] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def expert_layers(self) -> tuple[int, ...]:
        """Bytes of the routed experts in each layer (empty for a dense model)."""
        return self.expert_layers_of() if self.expert_layers_of else ()

    @cached_property
    def repack(self) -> int:
        """Bytes of weights the CPU keeps a second, interleaved copy of (resident with mmap)."""
        return self.repack_of() if self.repack_of else 0

    @property
    def total(self) -> int:
        """What the buffers take: the figure a fit is judged on (the process and the CPU's work
        buffer are added on the side that holds them, see ``placement``)."""
        return self.weights + self.kv_cache + self.compute + self.overhead + self.encoder

    @property
    def cpu_extra(self) -> int:
        """System RAM a llama.cpp run needs beyond its buffers, wherever the layers are."""
        return self.work + self.process

    @property
    def resident(self) -> int:
        """Peak resident memory of a CPU-only run: weights (plus the repacked copy with mmap),
        KV cache (cleared at start, so all resident), what the prompt writes of the compute and
        work buffers, and the process. Reserved but untouched buffer pages cost no RAM."""
        weights = self.weights + (self.repack if self.mmap else 0)
        return weights + self.kv_cache + self.touched + self.process

    def as_dict(self) -> dict:
        return {
            "quant": self.quant,
            "context": self.context,
            "weights_bytes": self.weights,
            "repeating_weights_bytes": self.repeating,
            "kv_cache_bytes": self.kv_cache,
            "compute_bytes": self.compute,
            "overhead_bytes": self.overhead,
            "work_bytes": self.work,
            "process_bytes": self.process,
            "repacked_bytes": self.repack,
            "host_only_bytes": self.host_only,
            "encoder_bytes": self.encoder,
            "total_bytes": self.total,
            "cpu_resident_bytes": self.resident,
            "assumptions": list(self.assumptions),
        }


def estimate_memory(
    arch: Architecture,
    quant: str | Preset,
    context: int,
    *,
    kv_type: str = "f16",
    sequences: int = 1,
    run: LlamaCppRun = DEFAULT_RUN,
    cpu_isa: str = "avx2",
    prompt_tokens: int = 512,
    measured_weights: tuple[int, int] | None = None,
    matrices: Sequence[tuple[str, int, int]] | None = None,
    encoder: bool = False,
    expert_layers: tuple[int, ...] | None = None,
) -> MemoryEstimate:
    """Memory for ``arch`` stored as GGUF preset ``quant`` with a ``context``-token cache.

    ``measured_weights`` = (file bytes, bytes inside the layer blocks) and ``matrices`` (type, rows,
    bytes of each product weight), when a GGUF header gives them exactly; ``quant`` is then only a
    label. A ``Preset`` instead of a name says how the file was made (e.g. without an importance
    matrix, as llama-quantize does by default). ``encoder``: images or audio will be given, so the
    model's mmproj file is loaded too (``mmproj_bytes``). ``cpu_isa`` decides which weights the CPU repacks (see ``repack``)."""
    if measured_weights is None and isinstance(quant, str) and not known_preset(quant):
        raise UsageError(f"Unknown quantization '{quant}'.")
    check_context(context)
    if kv_type not in KV_TYPE_BYTES:
        raise UsageError(f"Unknown KV cache type '{kv_type}'.", f"Use one of: {', '.join(KV_TYPE_BYTES)}.")
    if cpu_isa not in CPU_ISAS:
        raise UsageError(f"Unknown CPU instruction set '{cpu_isa}'.", f"Use one of: {', '.join(CPU_ISAS)}.")
    kv, compute, work, process, touched, metadata = _context_parts(arch, context, kv_type, sequences, run, prompt_tokens)
    return MemoryEstimate(
        quant=quant if isinstance(quant, str) else quant.name,
        context=context,
        weights=measured_weights[0] if measured_weights else weight_bytes(arch, quant) + metadata,
        repeating=measured_weights[1] if measured_weights else repeating_bytes(arch, quant),
        kv_cache=kv,
        compute=compute,
        assumptions=(f"llama.cpp, {run.describe()}, {kv_type} KV cache, {sequences} sequence(s)",),
        work=work,
        process=process,
        repack_of=partial(_repacked, arch, quant, matrices, cpu_isa, measured_weights is not None),
        mmap=run.mmap,
        touched=touched,
        host_only=_host_only(arch, quant),
        encoder=mmproj_bytes(arch) if encoder else 0,
        expert_layers_of=(lambda: expert_layers) if expert_layers is not None else
        (partial(expert_bytes_by_layer, arch, quant)
         if arch.is_moe and (measured_weights is None or not isinstance(quant, str) or known_preset(quant)) else None),
    )


@lru_cache(maxsize=64)
def _context_parts(arch: Architecture, context: int, kv_type: str, sequences: int, run: LlamaCppRun,
                   prompt_tokens: int) -> tuple[int, int, int, int, int, int]:
    """What does not depend on the quantization: (KV cache, compute + output buffers, work buffer,
    process, touched buffers, GGUF metadata) in bytes. Cached, so pricing one model at every step of
    the quant ladder computes them once."""
    ub = run.n_ubatch
    output = output_buffer_bytes(arch, sequences)
    return (
        kv_cache_bytes(arch, context, kv_type, sequences, n_ubatch=ub),
        compute_buffer_bytes(arch, context * sequences, run.flash_attention, ub) + output,
        work_buffer_bytes(arch, context * sequences, run.flash_attention, ub),
        process_bytes(arch),
        compute_touched_bytes(arch, min(prompt_tokens, context), run.flash_attention, ub) + output,
        metadata_bytes(arch),
    )


def mmproj_bytes(arch: Architecture) -> int:
    """The vision/audio encoder file llama.cpp loads with ``--mmproj`` (F16, as converters write it)."""
    return int((arch.encoder_params_b or 0) * 1e9 * 2)


def _host_only(arch: Architecture, quant: str | Preset) -> int:
    """Per-layer embedding bytes (priced at the preset, or Q8_0 for a file's own label)."""
    if not arch.per_layer_embedding_dim:
        return 0
    return host_table_bytes(arch, quant if not isinstance(quant, str) or known_preset(quant) else "Q8_0")


def _repacked(arch: Architecture, quant, matrices, cpu_isa: str, measured: bool) -> int:
    from llmguide.estimate.repack import preset_repacked, repacked

    if matrices is None:
        return 0 if measured else preset_repacked(arch, quant, cpu_isa)
    return repacked(matrices, cpu_isa)
