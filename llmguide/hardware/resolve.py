"""The one way to the ``Hardware`` a plan uses: ``resolve(HardwareSpec)``, from what the user gave
(a preset name, sizes, bandwidths) or, when nothing was given, from this machine as detected; and
the headroom rule. Every command and the Python API go through ``resolve``, so each flag is
checked in one place."""

from __future__ import annotations

import re
from dataclasses import replace

from llmguide.errors import UnknownNameError, UsageError
from llmguide.hardware.accelerators import Accelerator, Machine
from llmguide.hardware.presets import Device
from llmguide.hardware.profile import Hardware
from llmguide.hardware.spec import HardwareSpec


def parse_headroom(text: str | None) -> tuple[int | None, float | None]:
    """``'2'``/``'2GB'`` -> (bytes, None); ``'10%'`` -> (None, 0.10). None keeps the defaults."""
    if text is None:
        return None, None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|gb|gib|g)?\s*", text.lower())
    if not m:
        raise UsageError(f"--headroom takes a size in GB or a percentage, like 2 or 10%, not '{text}'.")
    value = float(m.group(1))
    if m.group(2) == "%":
        if value >= 90:
            raise UsageError(f"--headroom {value:g}% would leave almost nothing to plan with.")
        return None, value / 100
    if value > 1 << 20:
        raise UsageError(f"--headroom {value:g} GB is not a plausible size.")
    return int(value * (1 << 30)), None


def choose(accelerators: tuple[Accelerator, ...]) -> list[Accelerator]:
    """The cards to plan with: unified chips first, then discrete cards of the most common model;
    integrated GPUs only when nothing else exists."""
    unified = [a for a in accelerators if a.unified]
    if unified:
        return unified[:1]
    discrete = [a for a in accelerators if not a.integrated]
    if discrete:
        biggest = max(discrete, key=lambda a: (a.memory_total or 0))
        return [a for a in discrete if a.name == biggest.name]
    return []


def to_hardware(machine: Machine, devices: tuple[Device, ...], cpu_only: bool = False,
                headroom: tuple[int | None, float | None] = (None, None)) -> tuple[Hardware, list[str]]:
    """The plan's hardware and notes about how it was chosen."""
    from llmguide.hardware.flags import find_device

    notes: list[str] = []
    cards = [] if cpu_only else choose(machine.accelerators)
    skipped = [a for a in machine.accelerators if a not in cards]
    for a in skipped:
        why = "integrated" if a.integrated else ("--cpu-only" if cpu_only else "a different, smaller model")
        notes.append(f"not planning with {a.name} ({why})")
    from llmguide.estimate.calibration import fingerprint

    fingerprint_ = fingerprint(machine.cpu_model, tuple(a.name for a in cards))
    base = Hardware(ram=machine.ram_total, ram_available=machine.ram_available, source="detected",
                    headroom_bytes=headroom[0], headroom_share=headroom[1], cpu_isa=machine.cpu_isa,
                    cpu_flops=machine.cpu_flops, machine=fingerprint_)
    from llmguide.hardware.membw import stored

    measured = stored(fingerprint_)
    if measured is not None:
        base = replace(base, cpu_bandwidth=measured.gbs * 1e9)
        notes.append(f"RAM bandwidth {measured.describe()}")
    if not cards:
        return base, notes
    first = cards[0]
    preset = None
    try:
        preset = find_device(devices, first.name)
    except UnknownNameError:
        notes.append(f"{first.name} is not among the hardware presets: speed needs --bandwidth")
    if not first.unified and preset is not None and preset.kind == "unified":
        # GB10 (nvidia-smi says [N/A]), Jetson, Ryzen AI Max: the GPU shares the system's memory
        notes.append(f"{first.name} shares system memory: planning with one pool of {(machine.ram_total or 0) / (1 << 30):.1f} GiB")
        first = Accelerator(first.vendor, first.name, machine.ram_total, None, first.method, first.driver,
                            first.compute_capability, unified=True)
    if first.unified:
        limit = first.working_set_limit
        return replace(
            base, ram=first.memory_total, ram_available=None, gpu_name=preset.name if preset else first.name,
            gpu_family=first.vendor, gpu_bandwidth=preset.bandwidth_gbs * 1e9 if preset else None,
            gpu_flops=preset.fp16_tflops * 1e12 if preset and preset.fp16_tflops else None, unified=True,
            working_set_limit=limit,
        ), notes
    total = first.memory_total
    if total is None and preset is not None and preset.memory_gb:
        total = int(preset.memory_gb * (1 << 30))
        notes.append(f"{first.name} does not report its memory here: planning with the preset's {preset.memory_gb:g} GB")
    elif total is None:
        notes.append(f"{first.name} does not report its memory: pass --vram to plan with it")
        return base, notes
    if first.memory_free is not None and first.memory_total:
        in_use = first.memory_total - first.memory_free
        if in_use > (1 << 30):
            notes.append(f"{in_use / (1 << 30):.1f} GiB of {first.name}'s memory is in use by other programs")
    return replace(
        base, vram=total, vram_free=min((a.memory_free for a in cards if a.memory_free is not None), default=None),
        gpu_name=preset.name if preset else first.name, gpu_family=first.vendor, gpu_count=len(cards),
        gpu_bandwidth=preset.bandwidth_gbs * 1e9 if preset else None,
        gpu_flops=preset.fp16_tflops * 1e12 if preset and preset.fp16_tflops else None,
    ), notes


def resolve(spec: HardwareSpec, devices: tuple[Device, ...], *, detect: bool = True) -> tuple[Hardware, list[str]]:
    """The ``Hardware`` to plan with, and notes on how it was found (detection warnings, devices left
    out, presets used). With ``detect=False`` nothing is probed: an empty spec is unknown hardware."""
    from llmguide.hardware.flags import from_flags
    from llmguide.units import check_count, check_positive

    room_bytes, room_share = parse_headroom(spec.headroom)
    notes: list[str] = []
    if spec.given or not detect:
        hw = from_flags(spec.vram, spec.ram, gpu=spec.gpu, gpus=spec.gpus, bandwidth_gbs=spec.bandwidth, devices=devices,
                        notes=notes)
        if spec.cpu_only:
            hw = replace(hw, vram=None, gpu_name=None, gpu_family=None, gpu_count=1, gpu_bandwidth=None,
                         gpu_flops=None, unified=False)
        if spec.headroom is not None:
            hw = replace(hw, headroom_bytes=room_bytes, headroom_share=room_share)
    else:
        from llmguide.hardware import detect as probe

        machine = probe.detect_machine()
        hw, found = to_hardware(machine, devices, spec.cpu_only, (room_bytes, room_share))
        notes = [*machine.warnings, *found]
        if spec.gpus is not None:
            check_count("--gpus", spec.gpus)
        if spec.gpus is not None or spec.bandwidth is not None:  # refine what was detected
            if spec.bandwidth is not None:
                check_positive("--bandwidth", spec.bandwidth, unit="GB/s")
            hw = replace(hw, gpu_count=spec.gpus or hw.gpu_count,
                         gpu_bandwidth=spec.bandwidth * 1e9 if spec.bandwidth else hw.gpu_bandwidth)
    if spec.cpu_bandwidth is not None:
        check_positive("--cpu-bandwidth", spec.cpu_bandwidth, 100_000, "GB/s")
        hw = replace(hw, cpu_bandwidth=spec.cpu_bandwidth * 1e9)
    return hw, notes
