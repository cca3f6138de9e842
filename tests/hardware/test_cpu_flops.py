"""FP32 FLOPs per cycle by instruction set and core: AMD before Zen 5 runs AVX-512 on 256-bit units."""

from __future__ import annotations

import pytest

from llmguide.hardware.detect import cpu_isa, flops_per_cycle


@pytest.mark.parametrize("vendor, family, flags, expected", [
    ("AuthenticAMD", 25, "fpu avx2 avx512f", 32),  # Zen 4: AVX-512 double-pumped
    ("AuthenticAMD", 26, "fpu avx2 avx512f", 64),  # Zen 5: full-width units
    ("GenuineIntel", 6, "fpu avx2 avx512f", 64),
    ("AuthenticAMD", 23, "fpu avx2", 32),
    ("GenuineIntel", 6, "fpu avx2", 32),
])
def test_flops_per_cycle_follow_the_cores_units(tmp_path, vendor, family, flags, expected):
    info = tmp_path / "cpuinfo"
    info.write_text(f"vendor_id\t: {vendor}\ncpu family\t: {family}\nflags\t\t: {flags}\n")
    isa = cpu_isa("Linux", info)
    assert flops_per_cycle(isa, info) == expected


def test_an_unreadable_cpuinfo_keeps_the_instruction_sets_figure(tmp_path):
    assert flops_per_cycle("avx512", tmp_path / "missing") == 64
    assert flops_per_cycle("neon-dotprod", tmp_path / "missing") == 16
