"""Rich renderable for ``bench``: measured against estimated, and what was stored."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text


def render_bench(report, hw) -> Group:
    head = Text()
    head.append(report.model.id, style="bold").append(f"  {report.quant}, {report.placement}")
    if report.placement == "split":
        head.append(f" ({report.gpu_layers} of {report.model.arch.layers} layers on the GPU)")
    head.append("\nMachine: ", style="bold").append(hw.machine or "unknown")
    head.append(f"\nRuntime: {report.measured.runtime}")
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("Test", "Measured", "Estimated", "Measured / estimated"):
        t.add_column(col, justify="left" if col == "Test" else "right")
    m, cal = report.measured, report.calibration
    t.add_row(f"prompt, {report.prompt_tokens} tokens", f"{m.prefill_tokens_per_s:.1f} tok/s",
              f"{report.estimated_prefill:.1f} tok/s" if report.estimated_prefill else "—",
              f"{cal.prefill_factor:.2f}" if cal.prefill_factor else "—")
    t.add_row(f"generation, {report.gen_tokens} tokens", f"{m.decode_tokens_per_s:.1f} tok/s",
              f"{report.estimated_decode:.1f} tok/s", f"{cal.decode_factor:.2f}")
    if report.saved_to:
        tail = Text(f"Calibration stored in {report.saved_to}: fit and recommend on this machine now use it "
                    f"for {report.placement} placements and say so.", style="dim")
    else:
        tail = Text("Calibration not stored (--no-save).", style="dim")
    return Group(head, Text(""), t, tail)
