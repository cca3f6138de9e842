"""Where a model goes on given hardware: all on the GPU, routed experts in system RAM, split by
layers between GPU and CPU, or CPU only.

llama.cpp offloads whole layers (``-ngl N``): each offloaded layer takes its weights and its share
of the KV cache to the GPU, together with the compute buffer; the token embeddings stay in system
RAM, and the output head moves to the GPU only when every layer does. Whatever runs on the CPU
also needs the llama.cpp process and its work buffer in system RAM (``MemoryEstimate.cpu_extra``).
Per-layer embedding tables (Gemma 3n) are inputs too: they stay in system RAM (``host_only``).

A mixture-of-experts model has a better option than the layer split: keep every layer on the GPU
(``-ngl 99``) but leave the routed experts of the first N layers in system RAM (``--n-cpu-moe N``;
``--cpu-moe`` for all of them). Attention, shared experts, dense layers and the KV cache, which
every token reads in full, stay on the fast memory; the CPU reads only the few experts a token is
routed to. ``place`` picks the smallest N that lets the rest fit the GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from llmguide.estimate.memory import MemoryEstimate
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture, need

Mode = Literal["gpu", "expert_offload", "split", "cpu", "none"]


def cpu_moe_flag(layers: int, arch: Architecture) -> str:
    """llama.cpp's option that keeps the routed experts of the first ``layers`` layers in RAM."""
    return "--cpu-moe" if layers >= arch.layers else f"--n-cpu-moe {layers}"


@dataclass(frozen=True)
class Placement:
    mode: Mode
    gpu_layers: int  # the -ngl value to pass to llama.cpp
    gpu_bytes: int
    cpu_bytes: int
    shortfall: int  # bytes missing when mode == 'none'
    cpu_moe_layers: int = 0  # the --n-cpu-moe value: layers whose routed experts stay in system RAM
    cpu_expert_bytes: int = 0  # bytes of those experts

    @property
    def fits(self) -> bool:
        return self.mode != "none"

    def experts_read(self, arch: Architecture) -> tuple[int, int]:
        """(bytes of routed experts a token reads from RAM, MoE layers handed to the CPU)."""
        if not self.cpu_expert_bytes:
            return 0, 0
        moved = sum(1 for i in range(min(self.cpu_moe_layers, arch.layers)) if arch.moe_at(i))
        return int(self.cpu_expert_bytes * need(arch.experts_per_token, "experts_per_token") / need(arch.experts, "experts")), moved

    def flags(self, arch: Architecture) -> str:
        """The llama.cpp options that make this placement (``-ngl 99 --n-cpu-moe 28``)."""
        if self.mode == "cpu":
            return "-ngl 0"
        if self.mode == "expert_offload":
            return f"-ngl 99 {cpu_moe_flag(self.cpu_moe_layers, arch)}"
        if self.mode == "split":
            return f"-ngl {self.gpu_layers}"
        return "-ngl 99" if self.mode == "gpu" else ""

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "gpu_layers": self.gpu_layers,
            "cpu_moe_layers": self.cpu_moe_layers,
            "gpu_bytes": self.gpu_bytes,
            "cpu_bytes": self.cpu_bytes,
            "cpu_expert_bytes": self.cpu_expert_bytes,
            "shortfall_bytes": self.shortfall,
        }


def all_on_gpu(est: MemoryEstimate, hw: Hardware) -> int:
    """Bytes on the GPU(s) with every layer there: all but the host-only tables, and one more set
    of buffers for each extra card of a layer split."""
    return est.total - est.host_only + (hw.gpu_count - 1) * est.compute


def place(arch: Architecture, est: MemoryEstimate, hw: Hardware) -> Placement:
    """The best placement that fits: all on the GPU, else experts in RAM (MoE), else the layer
    split, else the CPU alone; or 'none' with the shortfall."""
    vram, ram = hw.vram_budget, hw.ram_budget
    total = est.total
    host = est.host_only
    gpu_total = all_on_gpu(est, hw)
    if vram and gpu_total <= vram and (not host or host + est.cpu_extra <= ram or not ram):
        return Placement("gpu", arch.layers, gpu_total, host, 0)
    if vram and ram:
        moe = expert_offload(arch, est, hw)
        if moe is not None:
            return moe
        return layer_split(arch, est, hw)
    if ram and not vram and total + est.cpu_extra <= ram:
        return Placement("cpu", 0, 0, total + est.cpu_extra, 0)
    return Placement("none", 0, 0, 0, (gpu_total if vram else total + est.cpu_extra) - max(vram, ram))


def place_as(arch: Architecture, est: MemoryEstimate, hw: Hardware, *, gpu_layers: int | None = None,
             cpu_moe_layers: int | None = None) -> Placement:
    """The placement a llama.cpp user asked for (``-ngl N``, ``--n-cpu-moe N`` / ``--cpu-moe``),
    priced as given: 'none' with the shortfall when it does not fit."""
    from llmguide.errors import UsageError

    if cpu_moe_layers is not None:
        if not arch.is_moe:
            raise UsageError("--n-cpu-moe and --cpu-moe move routed experts, and this model has none.", "Use -ngl N to split it by layers.")
        if gpu_layers is not None and gpu_layers < arch.layers:
            raise UsageError("Give --n-cpu-moe with every layer on the GPU (-ngl 99), or -ngl N alone.")
        if not hw.vram_budget:
            raise UsageError("--n-cpu-moe needs a GPU: pass --gpu NAME or --vram GB (and --ram GB).")
        priced = expert_offload(arch, est, hw, cpu_moe_layers)
        if priced is None:  # a mixture of experts whose layers list no routed experts
            raise UsageError("--n-cpu-moe: this model's layers have no routed experts to move.", "Use -ngl N to split it by layers.")
        return priced
    if gpu_layers is None:
        return place(arch, est, hw)
    if gpu_layers < 0:
        raise UsageError(f"-ngl must be 0 or more, not {gpu_layers}.")
    if gpu_layers == 0:
        need = est.total + est.cpu_extra
        ok = hw.ram_budget and need <= hw.ram_budget
        return Placement("cpu", 0, 0, need, 0) if ok else Placement("none", 0, 0, need, need - hw.ram_budget)
    if not hw.vram_budget:
        raise UsageError("-ngl needs a GPU: pass --gpu NAME or --vram GB.")
    if gpu_layers >= arch.layers:
        gpu = all_on_gpu(est, hw)
        if gpu <= hw.vram_budget:
            return Placement("gpu", arch.layers, gpu, est.host_only, 0)
        return Placement("none", arch.layers, gpu, est.host_only, gpu - hw.vram_budget)
    return layer_split(arch, est, hw, gpu_layers)


def layer_split(arch: Architecture, est: MemoryEstimate, hw: Hardware, gpu_layers: int | None = None) -> Placement:
    """``-ngl N``: whole layers on the GPU, the rest (and the token embeddings) in system RAM.
    Without ``gpu_layers``, as many as fit."""
    vram, ram = hw.vram_budget, hw.ram_budget
    total = est.total
    per_layer = (est.repeating + est.kv_cache) / arch.layers
    room = vram - est.compute
    if gpu_layers is None:
        n = max(0, min(arch.layers - 1, int(room // per_layer))) if room > 0 else 0
    else:
        n = max(0, min(arch.layers, gpu_layers))
    gpu = int(n * per_layer + est.compute) if n else 0
    cpu = total - gpu + (est.compute if n else 0) + est.cpu_extra  # the CPU keeps its own compute buffer
    if gpu_layers is not None and gpu > vram:
        return Placement("none", n, gpu, cpu, gpu - vram)
    if cpu <= ram:
        return Placement("split" if n else "cpu", n, gpu, cpu, 0)
    if gpu_layers is not None:  # as given: say what it needs on each side
        return Placement("none", n, gpu, cpu, cpu - ram)
    return Placement("none", 0, 0, 0, cpu - ram)


def expert_offload(arch: Architecture, est: MemoryEstimate, hw: Hardware, cpu_moe_layers: int | None = None) -> Placement | None:
    """``-ngl 99 --n-cpu-moe N``: every layer on the GPU except the routed experts of the first N
    layers. Without ``cpu_moe_layers``, the smallest N whose remainder fits the GPU; None when the
    model has no routed experts or even all of them in RAM leave too much for the GPU."""
    per_layer = est.expert_layers
    if not arch.is_moe or not per_layer:
        return None
    vram, ram = hw.vram_budget, hw.ram_budget
    gpu_all = all_on_gpu(est, hw)
    choices = range(len(per_layer) + 1) if cpu_moe_layers is None else [max(0, min(len(per_layer), cpu_moe_layers))]
    moved = 0
    prefix = [0]
    for b in per_layer:
        moved += b
        prefix.append(moved)
    for n in choices:
        gpu = gpu_all - prefix[n]
        if gpu > vram and cpu_moe_layers is None:
            continue
        cpu = prefix[n] + est.host_only + est.cpu_extra + (est.compute if n else 0)
        if gpu > vram or cpu > ram:
            short = max(gpu - vram, cpu - ram)
            return Placement("none", arch.layers, gpu, cpu, short, n, prefix[n]) if cpu_moe_layers is not None else None
        return Placement("expert_offload" if n else "gpu", arch.layers, gpu, cpu, 0, n, prefix[n])
    return None
