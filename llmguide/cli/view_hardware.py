"""Rich renderables for ``hardware``: the machine, each accelerator, and the plan."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from llmguide.cli.fmt import gib
from llmguide.errors import UnknownNameError


def render_machine(machine, hw, notes, devices) -> Group:
    from llmguide.hardware.flags import find_device

    head = Text()
    cpu = machine.cpu_model + (f", {machine.cpu_cores} cores" if machine.cpu_cores else "")
    if machine.cpu_isa:
        cpu += f", {machine.cpu_isa.upper() if machine.cpu_isa.startswith('avx') else machine.cpu_isa}"
    if machine.cpu_flops:
        cpu += f" ({machine.cpu_flops / 1e9:.0f} GFLOP/s FP32 peak)"
    head.append("CPU: ", style="bold").append(cpu + "\n")
    ram = f"{gib(machine.ram_total)} total, {gib(machine.ram_available)} available" if machine.ram_total else "unknown"
    head.append("RAM: ", style="bold").append(ram)
    parts: list = [head, Text("")]
    if machine.accelerators:
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("Accelerator", "Memory", "Free", "Bandwidth", "FP16", "Driver", "Found by"):
            t.add_column(col, justify="right" if col in ("Memory", "Free", "Bandwidth", "FP16") else "left")
        for a in machine.accelerators:
            try:
                preset = find_device(devices, a.name)
            except UnknownNameError:
                preset = None
            kind = " (integrated)" if a.integrated else (" (unified memory)" if a.unified else "")
            t.add_row(
                a.name + kind,
                gib(a.memory_total) if a.memory_total else "—",
                gib(a.memory_free) if a.memory_free is not None else "—",
                f"{preset.bandwidth_gbs:g} GB/s" if preset else "—",
                f"{preset.fp16_tflops:g} TFLOPS" if preset and preset.fp16_tflops else "—",
                a.driver or "—",
                a.method,
            )
        parts.append(t)
    else:
        parts.append(Text("No GPU found: plans use the CPU and RAM.", style="yellow"))
    parts += [Text(""), Text("Planning with: ", style="bold") + Text(hw.describe() + f" ({hw.source})")]
    if notes:
        parts.append(Text("\n".join(notes), style="dim"))
    return Group(*parts)
