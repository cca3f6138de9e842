"""What detection found: the machine and each accelerator, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Accelerator:
    vendor: str  # nvidia | amd | intel | apple
    name: str  # as the driver reports it
    memory_total: int | None  # bytes; for unified memory, the shared pool
    memory_free: int | None
    method: str  # NVML | nvidia-smi | rocm-smi | sysfs | sysctl
    driver: str | None = None
    compute_capability: str | None = None
    integrated: bool = False  # shares system RAM and is weaker than any discrete card
    unified: bool = False  # one memory pool for CPU and GPU (Apple silicon, Ryzen AI Max, GB10)
    gpu_cores: int | None = None
    working_set_limit: int | None = None  # bytes the GPU may wire (Apple iogpu.wired_limit_mb)


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cpu_cores: int | None
    ram_total: int | None
    ram_available: int | None
    accelerators: tuple[Accelerator, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    cpu_isa: str | None = None  # avx512 | avx2 | neon-i8mm | neon-dotprod | none; None = unknown
    cpu_flops: float | None = None  # FP32 FMA peak of all cores, FLOP/s
