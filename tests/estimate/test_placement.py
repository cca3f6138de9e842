"""Where an estimate fits: GPU, split with -ngl, CPU, or not at all."""

from __future__ import annotations

from llmguide.estimate.memory import estimate_memory
from llmguide.estimate.placement import place
from llmguide.hardware.profile import Hardware
from llmguide.hardware.flags import from_flags
from llmguide.model import Architecture
from llmguide.units import GIB

LLAMA2_13B = Architecture(40, 5120, 13824, 40, 40, 128, 32000)


def est(quant="Q4_K_M", ctx=4096):
    return estimate_memory(LLAMA2_13B, quant, ctx)


def test_fits_on_gpu():
    p = place(LLAMA2_13B, est(), from_flags(24, None))
    assert p.mode == "gpu" and p.gpu_layers == 40 and p.cpu_bytes == 0


def test_split_between_gpu_and_cpu():
    p = place(LLAMA2_13B, est("Q8_0"), from_flags(8, 32))
    assert p.mode == "split"
    assert 0 < p.gpu_layers < 40
    assert p.gpu_bytes <= Hardware(vram=8 * GIB).vram_budget


def test_cpu_only():
    p = place(LLAMA2_13B, est(), from_flags(None, 32))
    assert p.mode == "cpu" and p.gpu_layers == 0


def test_does_not_fit_reports_shortfall():
    e = est("Q8_0")
    p = place(LLAMA2_13B, e, from_flags(8, None))
    assert p.mode == "none"
    assert p.shortfall == e.total - Hardware(vram=8 * GIB).vram_budget


def test_reserves_are_kept_free():
    hw = from_flags(24, 16)
    assert hw.vram_budget == 24 * GIB - int(24 * GIB * 0.05)
    assert hw.ram_budget == 14 * GIB  # 2 GiB floor beats 10% of 16 GiB
