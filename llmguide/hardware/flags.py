"""Hardware from command-line flags, validated: sizes are typed in GB (read as GiB, as memory is sold).

``--gpu`` names a preset from ``catalog/hardware`` (``4090``, ``RTX 4090``, ``2x RTX 3090``,
``M2 Max 38-core``); ``--gpus`` multiplies; ``--vram`` overrides the memory per card;
``--bandwidth`` the GPU's memory bandwidth (GB/s); ``--ram`` is system (or unified) memory.
"""

from __future__ import annotations

import difflib
import re

from llmguide.catalog.schema import normalize
from llmguide.errors import UnknownNameError, UsageError
from llmguide.hardware.presets import Device
from llmguide.hardware.profile import DRAM_SUSTAINED_SHARE, Hardware
from llmguide.units import gib_to_bytes

MAX_GB = 1 << 20  # a petabyte-class number is a typo, not a machine


def check_positive(flag: str, value: float | None) -> None:
    if value is None:
        return
    if value != value or value <= 0:  # NaN or not positive
        raise UsageError(f"{flag} must be a positive number, not {value:g}.")
    if value > MAX_GB:
        raise UsageError(f"{flag} {value:g} is not a plausible size.")


def find_device(devices: tuple[Device, ...], name: str) -> Device:
    index: dict[str, Device] = {}
    for dev in devices:
        for n in (dev.id, dev.name, *dev.aliases):
            index.setdefault(normalize(n), dev)
    key = normalize(name)
    if key in index:
        return index[key]
    for prefix in ("nvidia", "geforce", "nvidiageforce", "amd", "radeon", "amdradeon", "intel", "apple"):
        if key.startswith(prefix) and key[len(prefix):] in index:
            return index[key[len(prefix):]]
    close = difflib.get_close_matches(key, list(index), n=8, cutoff=0.6)
    ids = list(dict.fromkeys(index[c].id for c in close))[:3]
    raise UnknownNameError("GPU", name, ids)


def from_flags(
    vram_gb: float | None,
    ram_gb: float | None,
    *,
    gpu: str | None = None,
    gpus: int | None = None,
    bandwidth_gbs: float | None = None,
    devices: tuple[Device, ...] = (),
) -> Hardware:
    for flag, value in (("--vram", vram_gb), ("--ram", ram_gb), ("--bandwidth", bandwidth_gbs)):
        check_positive(flag, value)
    if gpus is not None and gpus < 1:
        raise UsageError(f"--gpus must be at least 1, not {gpus}.")
    count = gpus or 1
    dev = None
    if gpu:
        m = re.match(r"^\s*(\d+)\s*[x×*]\s*(.+)$", gpu)
        if m:
            count = int(m.group(1)) * (gpus or 1)
            gpu = m.group(2)
        if count < 1:
            raise UsageError("The GPU count must be at least 1.")
        dev = find_device(devices, gpu)
    if dev is not None and dev.kind == "cpu":  # a CPU memory setup: its bandwidth, no GPU
        if vram_gb is not None:
            raise UsageError(f"{dev.name} is a CPU memory setup, not a GPU: drop --vram or name a GPU.")
        if ram_gb is None:
            raise UsageError(f"{dev.name} names the memory's speed, not its size: pass --ram with yours.")
        return Hardware(
            ram=gib_to_bytes(ram_gb) if ram_gb is not None else None,
            source="given" if ram_gb is not None else "none",
            cpu_bandwidth=dev.bandwidth_gbs * 1e9 * DRAM_SUSTAINED_SHARE,  # the preset gives the peak
        )
    unified = bool(dev and dev.kind in ("unified", "igpu"))
    if dev is not None and unified and ram_gb is None and vram_gb is None:
        options = ", ".join(f"{o:g}" for o in dev.memory_options_gb) or "several sizes"
        raise UsageError(f"{dev.name} shares system memory (sold with {options} GB): pass --ram with yours.")
    if unified and ram_gb is None:
        ram_gb = vram_gb  # one pool: --vram and --ram mean the same memory
    vram = vram_gb if vram_gb is not None else (dev.memory_gb if dev and not unified else None)
    bw = bandwidth_gbs if bandwidth_gbs is not None else (dev.bandwidth_gbs if dev else None)
    given = any(v is not None for v in (vram_gb, ram_gb, gpu))
    return Hardware(
        vram=gib_to_bytes(vram) if vram is not None and not unified else None,
        ram=gib_to_bytes(ram_gb) if ram_gb is not None else None,
        source="given" if given else "none",
        gpu_name=dev.name if dev else None,
        gpu_family=dev.vendor if dev else None,
        gpu_count=count,
        gpu_bandwidth=bw * 1e9 if bw else None,
        gpu_flops=dev.fp16_tflops * 1e12 if dev and dev.fp16_tflops else None,
        unified=unified,
    )
