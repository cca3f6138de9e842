"""``HardwareSpec``: the hardware as a user describes it, before ``hardware.resolve`` turns it into
the ``Hardware`` a plan uses. Kept apart (a dataclass and nothing else) so the command line can
build one without importing the presets and detection."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HardwareSpec:
    """The hardware as a user describes it (the CLI's --gpu/--gpus/--vram/--ram/--bandwidth/
    --cpu-bandwidth/--cpu-only/--headroom): sizes in GB, bandwidths in GB/s. Nothing given means
    this machine, detected (or, where detection is not wanted, no hardware: nothing is checked)."""

    gpu: str | None = None
    gpus: int | None = None
    vram: float | None = None
    ram: float | None = None
    bandwidth: float | None = None
    cpu_bandwidth: float | None = None
    cpu_only: bool = False
    headroom: str | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.gpu, self.vram, self.ram))
