"""``llmguide hardware``: what this machine has, and the memory llmguide will plan with."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def hardware(
    cpu_only: bool = common.CPU_ONLY_OPTION,
    headroom: Optional[str] = common.HEADROOM_OPTION,
    measure_bandwidth: bool = typer.Option(False, "--measure-bandwidth", help="Measure this machine's RAM read bandwidth (about a second, 256 MiB) and keep it for its CPU speeds."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Detect the CPU, RAM and GPUs (NVIDIA, AMD, Intel, Apple silicon), with how each was found."""
    from llmguide.hardware import detect
    from llmguide.hardware.resolve import parse_headroom, to_hardware

    cat = common.catalog()
    machine = detect.detect_machine()
    hw, notes = to_hardware(machine, cat.hardware, cpu_only, parse_headroom(headroom))
    if measure_bandwidth:
        from llmguide.hardware.membw import measure_and_store

        measure_and_store(hw.machine or "unknown machine")
        hw, notes = to_hardware(machine, cat.hardware, cpu_only, parse_headroom(headroom))
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import machine_dict

        emit_json(machine_dict(machine, hw, notes, cat.hardware))
        return
    from llmguide.cli.console import note, out
    from llmguide.cli.view_hardware import render_machine

    for line in machine.warnings:
        note(line)
    out().print(render_machine(machine, hw, notes, cat.hardware))


def register(app: typer.Typer) -> None:
    app.command("hardware")(hardware)
