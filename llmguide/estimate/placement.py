"""Where a model goes on given hardware: all on the GPU, split between GPU and CPU, or CPU only.

llama.cpp offloads whole layers (``-ngl N``): each offloaded layer takes its weights and its share
of the KV cache to the GPU, together with the compute buffer; the token embeddings stay in system
RAM, and the output head moves to the GPU only when every layer does. Whatever runs on the CPU
also needs the llama.cpp process and its work buffer in system RAM (``MemoryEstimate.cpu_extra``).
Per-layer embedding tables (Gemma 3n) are inputs too: they stay in system RAM (``host_only``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from llmguide.estimate.memory import MemoryEstimate
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture

Mode = Literal["gpu", "offload", "cpu", "none"]


@dataclass(frozen=True)
class Placement:
    mode: Mode
    gpu_layers: int  # the -ngl value to pass to llama.cpp
    gpu_bytes: int
    cpu_bytes: int
    shortfall: int  # bytes missing when mode == 'none'

    @property
    def fits(self) -> bool:
        return self.mode != "none"

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "gpu_layers": self.gpu_layers,
            "gpu_bytes": self.gpu_bytes,
            "cpu_bytes": self.cpu_bytes,
            "shortfall_bytes": self.shortfall,
        }


def place(arch: Architecture, est: MemoryEstimate, hw: Hardware) -> Placement:
    vram, ram = hw.vram_budget, hw.ram_budget
    total = est.total
    host = est.host_only
    gpu_total = total - host + (hw.gpu_count - 1) * est.compute  # each card of a layer split has its own buffers
    if vram and gpu_total <= vram and (not host or host + est.cpu_extra <= ram or not ram):
        return Placement("gpu", arch.layers, gpu_total, host, 0)
    if vram and ram:
        # Split by layers: everything that repeats per layer, plus the fixed parts on each side.
        per_layer = (est.repeating + est.kv_cache) / arch.layers
        room = vram - est.compute
        n = max(0, min(arch.layers - 1, int(room // per_layer))) if room > 0 else 0
        gpu = int(n * per_layer + est.compute) if n else 0
        cpu = total - gpu + (est.compute if n else 0) + est.cpu_extra  # the CPU keeps its own compute buffer
        if cpu <= ram:
            return Placement("offload" if n else "cpu", n, gpu, cpu, 0)
        return Placement("none", 0, 0, 0, cpu - ram)
    if ram and not vram and total + est.cpu_extra <= ram:
        return Placement("cpu", 0, 0, total + est.cpu_extra, 0)
    return Placement("none", 0, 0, 0, (gpu_total if vram else total + est.cpu_extra) - max(vram, ram))

