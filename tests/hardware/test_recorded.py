"""Probe parsers against outputs recorded on real machines (tests/data/probes, sources in its README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmguide.hardware.detect_amd import parse_rocm_smi, probe_sysfs
from llmguide.hardware.detect_apple import parse_gpu_cores, probe_apple
from llmguide.hardware.detect_nvidia import parse_nvidia_smi
from llmguide.hardware.resolve import to_hardware
from llmguide.hardware.accelerators import Machine
from llmguide.hardware.probe import ProbeFailure

PROBES = Path(__file__).resolve().parents[1] / "data" / "probes"
MIB, GIB = 1 << 20, 1 << 30


def read(name: str) -> str:
    return (PROBES / name).read_text()


def test_nvidia_smi_single_gpu_with_units():
    (gpu,) = parse_nvidia_smi(read("nvidia-smi-single_q-allfields_f-csv_rtx4080super.csv"))
    assert gpu.name == "NVIDIA GeForce RTX 4080 SUPER"
    assert gpu.memory_total == 16376 * MIB and gpu.memory_free == 15348 * MIB
    assert gpu.driver == "595.71.05" and gpu.compute_capability == "8.9"


@pytest.mark.parametrize("name", ["nvidia-smi-single_q-allfields_f-csv_h100.csv", "nvidia-smi-single_q-allfields_f-csv_rtx2080super-windows.csv"])
def test_nvidia_smi_other_single_gpus(name):
    (gpu,) = parse_nvidia_smi(read(name))
    assert gpu.memory_total and gpu.memory_total > 7 * GIB and gpu.driver


def test_nvidia_smi_two_gpus_without_memory_columns():
    gpus = parse_nvidia_smi(read("nvidia-smi-multi_q-compute_cap.compute_mode.driver_version.name.index_f-csv.csv"))
    assert [g.name for g in gpus] == ["NVIDIA TITAN V", "NVIDIA RTX 5880 Ada Generation"]
    assert [g.compute_capability for g in gpus] == ["7.0", "8.9"]
    assert all(g.memory_total is None for g in gpus)


def test_gb10_reports_no_memory():
    (gpu,) = parse_nvidia_smi("name, " + read("nvidia-smi-gb10_q-memory.free.memory.total.memory.used_f-csv.csv").replace("\n", "\nNVIDIA GB10, ", 1))
    assert gpu.memory_total is None and gpu.memory_free is None


def test_headerless_output_is_refused_clearly():
    with pytest.raises(ProbeFailure, match="header"):
        parse_nvidia_smi(read("nvidia-smi-multi_q-gpu_name.memory.free_f-csv.noheader.nounits.csv"))


def test_rocm_smi_json_rx7900xt():
    (gpu,) = parse_rocm_smi(read("rocm-smi-showproductname-showuse-showmeminfo-vram-json_rx7900xt.json"))
    assert gpu.name == "Radeon RX 7900 XT" and gpu.memory_total == 21458059264
    assert gpu.memory_free == 21458059264 - 27856896 and not gpu.integrated


def test_rocm_smi_json_without_memory():
    (gpu,) = parse_rocm_smi(read("rocm-smi-showproductname-json_mi250x.json"))
    assert gpu.name.startswith("AMD INSTINCT MI200") and gpu.memory_total is None


def _sysfs_tree(tmp_path: Path, name: str) -> Path:
    """Rebuild a sysfs tree from a 'path -> value' recording (repeated paths are lines of one file)."""
    files: dict[str, list[str]] = {}
    for line in read(name).splitlines():
        m = re.match(r"^(/sys/\S+) -> ?(.*)$", line)
        if m:
            files.setdefault(m.group(1), []).append(m.group(2))
    for path, lines in files.items():
        target = tmp_path / path.removeprefix("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n")
    return tmp_path / "sys"


def test_sysfs_discrete_radeon(tmp_path):
    (gpu,) = probe_sysfs(_sysfs_tree(tmp_path, "sysfs-amdgpu_rx6900xt.txt"))
    assert gpu.vendor == "amd" and gpu.memory_total == 17163091968 and not gpu.integrated
    assert gpu.memory_free == 17163091968 - 668274688


@pytest.mark.parametrize("name", ["sysfs-amdgpu_phoenix-apu.txt", "sysfs-amdgpu_strixpoint-apu.txt"])
def test_sysfs_apu_carve_out_is_integrated(tmp_path, name):
    (gpu,) = probe_sysfs(_sysfs_tree(tmp_path, name))
    assert gpu.integrated


def test_sysfs_intel_arc_is_discrete_and_named(tmp_path, catalog):
    (gpu,) = probe_sysfs(_sysfs_tree(tmp_path, "sysfs-intel-xe_arc-b580.txt"))
    assert gpu.name == "Intel Arc B580" and not gpu.integrated and gpu.memory_total is None
    hw, notes = to_hardware(Machine("CPU", 8, 32 * GIB, 30 * GIB, (gpu,)), catalog.hardware)
    assert hw.vram == 12 * GIB and any("preset" in n for n in notes)


def test_sysfs_intel_igpu(tmp_path):
    (gpu,) = probe_sysfs(_sysfs_tree(tmp_path, "sysfs-intel-xe_tigerlake-igpu.txt"))
    assert gpu.integrated


def test_sysfs_nvidia_card_is_left_to_nvidia_probes(tmp_path):
    assert probe_sysfs(_sysfs_tree(tmp_path, "sysfs-nvidia_rtx4080.txt")) == []


def _sysctl(name: str):
    values = dict(line.split(": ", 1) for line in read(name).splitlines() if ": " in line)

    def run(args):
        if args[:2] == ["sysctl", "-n"]:
            if args[2] == "hw.memsize":
                return "17179869184\n"
            if args[2] in values:
                return values[args[2]] + "\n"
            raise ProbeFailure(f"sysctl: unknown oid '{args[2]}'")
        if args[0] == "system_profiler":
            return read("apple-system-profiler-SPDisplaysDataType_m3.txt")
        raise ProbeFailure(f"{args[0]} not found")
    return run


def test_apple_m1_from_sysctl():
    (gpu,) = probe_apple(_sysctl("apple-sysctl-machdep.cpu_m1.txt"))
    assert gpu.name == "Apple M1" and gpu.unified and gpu.memory_total == 16 * GIB
    assert gpu.gpu_cores == 10  # from the recorded system_profiler output of an M3 in this fake


def test_apple_generic_brand_string_still_detected():
    (gpu,) = probe_apple(_sysctl("apple-sysctl-A-machdep.cpu_apple-processor.txt"))
    assert gpu.name == "Apple processor" and gpu.unified


def test_gpu_cores_from_system_profiler_text():
    assert parse_gpu_cores(read("apple-system-profiler-SPDisplaysDataType_m3.txt")) == 10
