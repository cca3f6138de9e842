"""From what was detected to what is planned with: choices, presets, free memory, headroom."""

from __future__ import annotations

import pytest

from llmguide.errors import UsageError
from llmguide.hardware.accelerators import Accelerator, Machine
from llmguide.hardware.resolve import parse_headroom, resolve, to_hardware
from llmguide.hardware.spec import HardwareSpec

GIB = 1 << 30


def machine(*accs, ram=64 * GIB, available=60 * GIB):
    return Machine("CPU", 8, ram, available, tuple(accs))


def card(name, total, free=None, vendor="nvidia", **kw):
    return Accelerator(vendor, name, total, free if free is not None else total, "nvidia-smi", **kw)


def test_discrete_beats_integrated(catalog):
    igpu = Accelerator("amd", "AMD Radeon 780M", 512 << 20, None, "sysfs", integrated=True)
    hw, notes = to_hardware(machine(igpu, card("NVIDIA GeForce RTX 4090", 24 * GIB)), catalog.hardware)
    assert hw.gpu_name == "NVIDIA GeForce RTX 4090" and hw.gpu_count == 1
    assert any("780M" in n and "integrated" in n for n in notes)


def test_integrated_alone_is_not_a_gpu_plan(catalog):
    igpu = Accelerator("intel", "Intel Arc 140V", None, None, "sysfs", integrated=True)
    hw, _ = to_hardware(machine(igpu), catalog.hardware)
    assert hw.vram is None and hw.ram == 64 * GIB


def test_two_identical_cards_count(catalog):
    hw, _ = to_hardware(machine(card("NVIDIA GeForce RTX 3090", 24 * GIB), card("NVIDIA GeForce RTX 3090", 24 * GIB)), catalog.hardware)
    assert hw.gpu_count == 2 and hw.gpu_bandwidth == 936e9


def test_mixed_cards_plan_with_the_larger_model(catalog):
    hw, notes = to_hardware(machine(card("NVIDIA GeForce RTX 3060 12GB", 12 * GIB), card("NVIDIA GeForce RTX 4090", 24 * GIB)), catalog.hardware)
    assert hw.gpu_name == "NVIDIA GeForce RTX 4090" and hw.gpu_count == 1
    assert any("3060" in n for n in notes)


def test_memory_in_use_is_not_planned_with(catalog):
    hw, notes = to_hardware(machine(card("NVIDIA GeForce RTX 4090", 24 * GIB, free=10 * GIB)), catalog.hardware)
    assert hw.vram_budget == 10 * GIB
    assert any("in use by other programs" in n for n in notes)


def test_apple_unified_memory_is_one_pool(catalog):
    apple = Accelerator("apple", "Apple M2 Max", 64 * GIB, None, "sysctl", unified=True, gpu_cores=38)
    hw, _ = to_hardware(machine(apple, ram=64 * GIB), catalog.hardware)
    assert hw.unified and hw.ram == 64 * GIB and hw.ram_budget == 0
    assert hw.vram_budget == 48 * GIB  # 3/4 above 36 GiB
    limited = Accelerator("apple", "Apple M2 Max", 64 * GIB, None, "sysctl", unified=True, working_set_limit=56 * GIB)
    assert to_hardware(machine(limited), catalog.hardware)[0].vram_budget == 56 * GIB


def test_unknown_card_still_plans_memory(catalog):
    hw, notes = to_hardware(machine(card("NVIDIA Quantum Blaster 9000", 40 * GIB)), catalog.hardware)
    assert hw.vram == 40 * GIB and hw.gpu_bandwidth is None
    assert any("not among the hardware presets" in n for n in notes)


def test_cpu_only_drops_gpus(catalog):
    hw, notes = to_hardware(machine(card("NVIDIA GeForce RTX 4090", 24 * GIB)), catalog.hardware, cpu_only=True)
    assert hw.vram is None and any("--cpu-only" in n for n in notes)


def test_ram_plan_respects_what_is_available(catalog):
    hw, _ = to_hardware(machine(ram=64 * GIB, available=20 * GIB), catalog.hardware)
    assert hw.ram_budget == 20 * GIB


@pytest.mark.parametrize("text, expected", [("2", (2 * GIB, None)), ("1.5GB", (int(1.5 * GIB), None)), ("10%", (None, 0.10))])
def test_headroom(text, expected):
    assert parse_headroom(text) == expected


@pytest.mark.parametrize("text", ["lots", "-2", "95%", "1e9"])
def test_bad_headroom(text):
    with pytest.raises(UsageError):
        parse_headroom(text)


def test_headroom_changes_the_budget(catalog):
    hw, _ = to_hardware(machine(card("NVIDIA GeForce RTX 4090", 24 * GIB)), catalog.hardware, headroom=(2 * GIB, None))
    assert hw.vram_budget == 22 * GIB


def test_gb10_is_planned_as_one_pool(catalog):
    gb10 = Accelerator("nvidia", "NVIDIA GB10", None, None, "nvidia-smi", "580.95.05", "12.1")
    hw, notes = to_hardware(machine(gb10, ram=128 * GIB, available=120 * GIB), catalog.hardware)
    # Linux maps all but the RAM reserve (max(2 GiB, 10%)) for the GPU, not Apple's three quarters
    assert hw.unified and hw.ram == 128 * GIB and abs(hw.vram_budget - 128 * GIB * 0.9) <= 1
    assert hw.gpu_bandwidth == 273e9 and any("shares system memory" in n for n in notes)


# resolve(HardwareSpec): the one path from flags (or detection) to Hardware, for every command and the API.


def test_resolve_from_a_preset_and_sizes(catalog):
    hw, notes = resolve(HardwareSpec(gpu="4090", ram=64, cpu_bandwidth=50, headroom="1"), catalog.hardware)
    assert notes == [] and hw.source == "given"
    assert hw.gpu_name and "4090" in hw.gpu_name and hw.vram == 24 * 1024**3
    assert hw.cpu_bandwidth == 50e9 and hw.headroom_bytes == 1 << 30


def test_resolve_cpu_only_drops_the_gpu(catalog):
    hw, _ = resolve(HardwareSpec(gpu="4090", ram=32, cpu_only=True), catalog.hardware)
    assert hw.vram is None and hw.gpu_name is None and hw.ram == 32 * 1024**3


def test_resolve_without_detection_gives_unknown_hardware(catalog):
    hw, notes = resolve(HardwareSpec(), catalog.hardware, detect=False)
    assert not hw.known and notes == []


@pytest.mark.parametrize("spec, message", [
    (HardwareSpec(vram=24, cpu_bandwidth=-5), "--cpu-bandwidth must be a positive number of GB/s"),
    (HardwareSpec(vram=24, cpu_bandwidth=float("nan")), "--cpu-bandwidth must be a positive number"),
    (HardwareSpec(vram=-1), "--vram must be a positive number"),
    (HardwareSpec(gpu="4090", gpus=0), "--gpus must be at least 1"),
    (HardwareSpec(vram=24, headroom="lots"), "--headroom takes a size"),
])
def test_resolve_checks_each_flag_once(catalog, spec, message):
    with pytest.raises(UsageError, match=message):
        resolve(spec, catalog.hardware)
