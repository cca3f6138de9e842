"""``Hardware``: the memory a plan may use, how fast it is, and where those numbers came from.

Memory is kept free for everything else on the machine: on a GPU the driver, CUDA/Metal context
and display take some VRAM; in RAM the operating system and other programs need room. On Apple
silicon the GPU may only use the Metal working-set limit, about two thirds of unified memory up to
36 GB and three quarters above, not all of it; on Linux unified-memory machines (DGX Spark, AMD
Ryzen AI Max and other APUs) it may use all of it but the RAM reserve. The reserves are stated in
every answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from llmguide.catalog.schema import memoized_hash
from llmguide.units import GIB, fmt_gib

VRAM_RESERVE_MIN = GIB // 2
VRAM_RESERVE_SHARE = 0.05
RAM_RESERVE_MIN = 2 * GIB
RAM_RESERVE_SHARE = 0.10
# A memory system sustains a share of its theoretical peak (transfers x bus width x channels) in
# streaming reads (70-85% per catalog/hardware/cpu.yaml's sources): refresh, bank conflicts and page
# misses take the rest. Measured examples:
# Intel mlc 225-250 GB/s on 8-channel DDR5-4800 (307 peak), likwid 500 GB/s on 12-channel
# DDR5-6000 (576), 60 GB/s on a dual-channel DDR5 desktop rated 64 (benchmarks/data/speeds_offload.csv).
# The CPU speed constants are relative to measured bandwidth, so a peak figure is scaled by this.
DRAM_SUSTAINED_SHARE = 0.8
# Assumed when no CPU memory bandwidth is known: DDR5-5600 in two channels (89.6 GB/s peak), as sustained.
CPU_BANDWIDTH_PEAK_DEFAULT = 89.6e9
CPU_BANDWIDTH_DEFAULT = CPU_BANDWIDTH_PEAK_DEFAULT * DRAM_SUSTAINED_SHARE
CPU_BANDWIDTH_ASSUMPTION = (f"{CPU_BANDWIDTH_DEFAULT / 1e9:.0f} GB/s (DDR5-5600 in two channels: {CPU_BANDWIDTH_PEAK_DEFAULT / 1e9:.1f} GB/s "
                            f"peak, {DRAM_SUSTAINED_SHARE:.0%} of it sustained)")
# FP32 multiply-adds per cycle per core, by the instruction set llama.cpp's kernels use: two
# 256-bit FMA units (AVX2) = 2 x 8 x 2 FLOPs; AVX-512 doubles the width (not on AMD before Zen 5:
# detect.flops_per_cycle); NEON has 128-bit units.
FLOPS_PER_CYCLE = {"avx512": 64, "avx2": 32, "neon-i8mm": 16, "neon-dotprod": 16, "none": 8}
# Assumed when the CPU was not detected: 8 cores at 3.5 GHz with AVX2.
CPU_FLOPS_DEFAULT = 8 * 3.5e9 * FLOPS_PER_CYCLE["avx2"]


@memoized_hash  # it keys the ladder's caches, looked up for every step of every model
@dataclass(frozen=True)
class Hardware:
    """A machine: GPU memory per card and card count, system RAM, bandwidths; None = not given."""

    vram: int | None = None  # per GPU, bytes
    ram: int | None = None
    source: str = "given"
    gpu_name: str | None = None
    gpu_family: str | None = None  # nvidia | amd | intel | apple
    gpu_count: int = 1
    gpu_bandwidth: float | None = None  # bytes/s per GPU
    gpu_flops: float | None = None  # dense FP16 FLOP/s per GPU
    unified: bool = False  # GPU and CPU share one memory pool (Apple silicon, Strix Halo, GB10)
    cpu_bandwidth: float | None = None  # bytes/s
    vram_free: int | None = None  # per card, when detected: other programs' use is not ours to plan with
    ram_available: int | None = None  # when detected: what the system can give without swapping
    working_set_limit: int | None = None  # unified memory the GPU may use, when the system says
    headroom_bytes: int | None = None  # --headroom GB: kept free on each card and in RAM
    headroom_share: float | None = None  # --headroom N%
    machine: str | None = None  # fingerprint of the detected machine (CPU model + GPUs): keys calibrations
    cpu_isa: str | None = None  # the CPU's instruction set as llama.cpp uses it (avx2, avx512, neon-...); None = not known
    cpu_flops: float | None = None  # FP32 FMA peak of the CPU cores, FLOP/s (detected); None = assumed

    @property
    def known(self) -> bool:
        return self.vram is not None or self.ram is not None

    @property
    def total_vram(self) -> int:
        return (self.vram or 0) * self.gpu_count

    def _reserve(self, size: int, floor: int, share: float) -> int:
        if self.headroom_bytes is not None:
            return self.headroom_bytes
        if self.headroom_share is not None:
            return int(size * self.headroom_share)
        return max(floor, int(size * share))

    @cached_property  # asked for at every step of every model ranked; the hardware is frozen
    def vram_budget(self) -> int:
        """GPU memory a model may use, over all cards."""
        if self.unified:
            if not self.ram:
                return 0
            if self.working_set_limit:
                return min(self.working_set_limit, self.ram)
            if self.gpu_family not in (None, "apple"):
                # Linux on DGX Spark (GB10) and AMD APUs: the GPU maps system memory as it needs it
                # (CUDA unified memory; amdgpu GTT once its TTM limit is raised from the kernel's
                # default of half the RAM), so it may use all but what the system keeps, as in RAM.
                return max(0, self.ram - self._reserve(self.ram, RAM_RESERVE_MIN, RAM_RESERVE_SHARE))
            share = 0.75 if self.ram > 36 * GIB else 2 / 3
            return int(self.ram * share)
        if not self.vram:
            return 0
        per_card = max(0, self.vram - self._reserve(self.vram, VRAM_RESERVE_MIN, VRAM_RESERVE_SHARE))
        if self.vram_free is not None:
            per_card = min(per_card, self.vram_free)
        return per_card * self.gpu_count

    @cached_property
    def ram_budget(self) -> int:
        if not self.ram or self.unified:
            return 0  # with unified memory the GPU budget is the pool
        budget = max(0, self.ram - self._reserve(self.ram, RAM_RESERVE_MIN, RAM_RESERVE_SHARE))
        return min(budget, self.ram_available) if self.ram_available is not None else budget

    @property
    def cpu_bandwidth_or_default(self) -> float:
        return self.cpu_bandwidth or CPU_BANDWIDTH_DEFAULT

    @property
    def cpu_flops_or_default(self) -> float:
        return self.cpu_flops or CPU_FLOPS_DEFAULT

    def _rule(self, floor: int, share: float) -> str:
        if self.headroom_bytes is not None:
            return f"{self.headroom_bytes} bytes (--headroom)"
        if self.headroom_share is not None:
            return f"{self.headroom_share:.0%} (--headroom)"
        return f"max({floor} bytes, {share:.0%})"

    def describe(self) -> str:
        parts = []
        if self.gpu_name:
            count = f"{self.gpu_count}x " if self.gpu_count > 1 else ""
            parts.append(f"{count}{self.gpu_name}")
        if self.unified and self.ram is not None:
            parts.append(f"{fmt_gib(self.ram)} unified memory ({fmt_gib(self.vram_budget)} usable by the GPU)")
        elif self.vram is not None:
            count = f"{self.gpu_count}x " if self.gpu_count > 1 and not self.gpu_name else ""
            each = " each" if self.gpu_count > 1 else ""
            parts.append(f"{count}{fmt_gib(self.vram)} VRAM{each} ({fmt_gib(self.vram_budget)} usable)")
        if self.ram is not None and not self.unified:
            parts.append(f"{fmt_gib(self.ram)} RAM ({fmt_gib(self.ram_budget)} usable)")
        return ", ".join(parts) if parts else "not given"

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "gpu": self.gpu_name,
            "gpu_family": self.gpu_family,
            "gpu_count": self.gpu_count,
            "vram_bytes": self.vram,
            "ram_bytes": self.ram,
            "unified_memory": self.unified,
            "vram_budget_bytes": self.vram_budget if (self.vram is not None or self.unified) else None,
            "ram_budget_bytes": self.ram_budget if self.ram is not None else None,
            "gpu_bandwidth_bytes_per_s": self.gpu_bandwidth,
            "gpu_fp16_flops": self.gpu_flops,
            "cpu_bandwidth_bytes_per_s": self.cpu_bandwidth_or_default,
            "cpu_bandwidth_assumed": self.cpu_bandwidth is None,
            "cpu_isa": self.cpu_isa,
            "cpu_flops": self.cpu_flops_or_default,
            "cpu_flops_assumed": self.cpu_flops is None,
            "machine": self.machine,
            "vram_free_bytes": self.vram_free,
            "reserve_rule": {
                "vram": self._rule(VRAM_RESERVE_MIN, VRAM_RESERVE_SHARE) + " per card",
                "ram": self._rule(RAM_RESERVE_MIN, RAM_RESERVE_SHARE),
                "unified": ("GPU working set (Apple's Metal limit): 2/3 of memory up to 36 GiB, 3/4 above; on Linux "
                            "(DGX Spark, AMD APUs) all of it less the RAM reserve"),
            },
        }
