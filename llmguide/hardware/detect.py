"""Detect this machine: CPU, RAM and accelerators, each probe bounded in time and allowed to fail.

Order: NVIDIA through NVML, then ``nvidia-smi``; AMD through ``rocm-smi``, then sysfs; Intel
through sysfs; Apple silicon through ``sysctl``. A probe that fails adds a warning and the next
one is tried; nothing here raises. ``to_hardware`` turns what was found into the ``Hardware`` a
plan uses: discrete cards of the most capable model (integrated GPUs only when there is no
discrete one), unified-memory chips as one pool, names matched to the catalog's presets.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from llmguide.hardware.accelerators import Accelerator, Machine
from llmguide.hardware.probe import ProbeFailure, run_command
from llmguide.hardware.profile import FLOPS_PER_CYCLE

Runner = Callable[[list[str]], str]


def detect_machine(run: Runner = run_command, sysfs: Path = Path("/sys"), system: str | None = None) -> Machine:
    from llmguide.hardware.detect_amd import probe_rocm_smi, probe_sysfs
    from llmguide.hardware.detect_apple import probe_apple
    from llmguide.hardware.detect_nvidia import probe_nvidia_smi, probe_nvml

    system = system or sys.platform
    warnings: list[str] = []
    found: list[Accelerator] = []

    def attempt(label: str, probe: Callable[[], list[Accelerator]], quiet_if_missing: bool = True) -> bool:
        try:
            accs = probe()
        except ProbeFailure as exc:
            text = str(exc)
            if not (quiet_if_missing and ("not found" in text or "not installed" in text)):
                warnings.append(f"{label}: {text}")
            return False
        except Exception as exc:  # noqa: BLE001 - a probe must never take the command down
            warnings.append(f"{label}: unexpected {type(exc).__name__}: {exc}")
            return False
        found.extend(accs)
        return bool(accs)

    if system == "darwin":
        attempt("Apple GPU", lambda: probe_apple(run), quiet_if_missing=False)
    else:
        if not attempt("NVIDIA (NVML)", probe_nvml):
            attempt("NVIDIA (nvidia-smi)", lambda: probe_nvidia_smi(run))
        if not attempt("AMD (rocm-smi)", lambda: probe_rocm_smi(run)):
            attempt("AMD/Intel (sysfs)", lambda: probe_sysfs(sysfs, ("amd", "intel")))
        else:
            attempt("Intel (sysfs)", lambda: probe_sysfs(sysfs, ("intel",)))

    cpu, cores, total, available = _cpu_and_ram(warnings)
    isa = cpu_isa(system or platform.system())
    clock = cpu_clock_hz()
    flops = cores * clock * flops_per_cycle(isa) if cores and clock and isa else None
    return Machine(cpu, cores, total, available, tuple(found), tuple(warnings), cpu_isa=isa, cpu_flops=flops)


def _cpu_and_ram(warnings: list[str]) -> tuple[str, int | None, int | None, int | None]:
    total: int | None
    available: int | None
    try:
        import psutil

        vm = psutil.virtual_memory()
        total, available = int(vm.total), int(vm.available)
        cores = psutil.cpu_count(logical=False) or psutil.cpu_count()
    except Exception as exc:  # noqa: BLE001
        warnings.append(f"RAM: psutil failed ({exc})")
        total = available = None
        cores = os.cpu_count()
    return _cpu_model(), cores, total, available


def cpu_isa(system: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """The instruction set that decides llama.cpp's CPU kernels and weight repacking, from the
    CPU's feature flags (Linux) or the platform (macOS on Apple silicon has dot-product NEON)."""
    if system == "Darwin":
        return "neon-dotprod" if platform.machine() == "arm64" else "avx2"
    text = _read(cpuinfo)
    if text is None:
        return None
    flags = set()
    for line in text.splitlines():
        if line.lower().startswith(("flags", "features")):
            flags.update(line.split(":", 1)[1].split())
    if "avx512f" in flags:
        return "avx512"
    if "avx2" in flags:
        return "avx2"
    if "i8mm" in flags:
        return "neon-i8mm"
    if "asimddp" in flags:
        return "neon-dotprod"
    return "none" if flags else None


def flops_per_cycle(isa: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> int:
    """FP32 FLOPs a core does per cycle with the instruction set llama.cpp uses. AMD's Zen 4 (and
    Zen 2/3, CPU family 23-25) runs AVX-512 on two 256-bit units, so it does no more than AVX2;
    Zen 5 (family 26) and Intel's AVX-512 cores have 512-bit units."""
    if isa == "avx512":
        text = _read(cpuinfo) or ""
        if "AuthenticAMD" in text:
            family = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("cpu family")), "")
            if family.isdigit() and int(family) < 26:
                return FLOPS_PER_CYCLE["avx2"]
    return FLOPS_PER_CYCLE[isa]


def cpu_clock_hz(cpuinfo: Path = Path("/proc/cpuinfo")) -> float | None:
    """The cores' clock: psutil's maximum where the system reports one, else /proc/cpuinfo's."""
    try:
        import psutil

        freq = psutil.cpu_freq()
        if freq and (freq.max or freq.current):
            return (freq.max or freq.current) * 1e6
    except Exception:  # psutil may fail in containers; the fallback below still works
        pass
    try:
        for line in (_read(cpuinfo) or "").splitlines():
            if line.lower().startswith("cpu mhz"):
                return float(line.split(":", 1)[1]) * 1e6
    except ValueError:
        pass
    return None


def _cpu_model() -> str:
    for line in (_read(Path("/proc/cpuinfo")) or "").splitlines():
        if line.lower().startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


@lru_cache(maxsize=8)
def _read(cpuinfo: Path) -> str | None:
    """The CPU description (``/proc/cpuinfo``), read once for the model, instruction set, clock and
    FLOPs alike; None when there is none (not Linux)."""
    try:
        return cpuinfo.read_text()
    except OSError:
        return None
