"""Rich renderables for ``fit``: a memory bar, and one row per quantization."""

from __future__ import annotations

from itertools import chain

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from llmguide.cli.fmt import gib, run_heading, tokens
from llmguide.units import fmt_gib_or_mib

LEVEL = {
    "comfortable": ("fits on GPU", "green"),
    "tight": ("fits, tight", "yellow"),
    "split": ("GPU+CPU split", "yellow"),
    "expert_offload": ("experts in RAM", "yellow"),
    "cpu": ("CPU only", "yellow"),
    "none": ("does not fit", "red"),
    "unchecked": ("not checked", "dim"),
}


def render_fit(ref, hw, results, width: int = 100, runtime: str = "llama.cpp") -> Group:
    head = Text()
    head.append(f"{ref.id}", style="bold")
    params = ref.params
    head.append(f"  {params.label} parameters")
    model_max = f" (model max {tokens(ref.max_context)})" if ref.max_context else ""
    head.append(f", {ref.arch.layers} layers, context {tokens(results[0].context)}{model_max}\n")
    if params.explanation:
        head.append(params.explanation + "\n", style="dim")
    head.append("Hardware: ", style="bold").append(hw.describe() + (f" ({hw.source})" if hw.known else ""))
    parts: list = [head, Text(""), _table(ref, results)]
    if hw.known and results[0].backend == "llama.cpp":
        parts += [Text(""), _bar(results[0], hw, width)]
    if results[0].backend == "vllm":
        parts.append(Text("vLLM: Seqs = sequences of this context that fit at once in the KV pool left after weights, "
                          "activations and CUDA graphs (gpu_memory_utilization 0.9).", style="dim"))
    moe = [_expert_note(ref, r) for r in results if r.placement is not None and r.placement.mode == "expert_offload"]
    if moe:
        parts.append(Text("Experts in RAM: every layer on the GPU except the routed experts of the first N layers.\n"
                          + "\n".join(moe), style="dim"))
    resident = [_resident_note(r) for r in results if r.placement is not None and r.placement.mode == "cpu"]
    if resident:
        parts.append(Text("\n".join(resident), style="dim"))
    notes = sorted({b for r in results for b in r.basis if b.startswith(("speed:", "warning:", "media:", "suggest:"))})
    if notes:
        parts.append(Text("\n".join(notes), style="dim"))
    if not hw.known:
        parts.append(Text("Pass --gpu NAME or --vram/--ram (GB) to check the fit and estimate speed.", style="dim"))
    run = _run_line(ref, results, runtime)
    if run is not None:
        parts += [Text(""), run]
    return Group(*parts)


def _run_line(ref, results, runtime: str):
    """How to get and run the best quantization that fits (comfortably, when one does)."""
    from llmguide.deploy.run import for_estimate

    fitting = [r for r in results if r.backend == "llama.cpp" and r.fits]
    if not fitting:
        return None
    order = [*reversed([r for r in fitting if r.fit_level == "comfortable"]), *reversed(fitting)]  # best first
    first = (order[0], for_estimate(ref, order[0]))
    runs = chain([first], ((r, for_estimate(ref, r)) for r in order[1:]))
    # The best that fits among the files a repository is recorded to hold; else the best that fits.
    r, run = next(((r, c) for r, c in runs if c.llama_cpp and c.instead is None), first)
    command = run.get(runtime)
    lines = [run_heading(f"{r.quant} ", runtime)]
    if command:
        lines.append(Text(f"  {command}", no_wrap=True, overflow="ignore"))
    lines += [Text(f"  {n}", style="dim") for n in (run.notes_for(runtime) or ([] if command else [run.why_none(runtime)]))]
    return Group(*lines)


def _resident_note(r) -> str:
    """What a CPU-only run keeps resident, beside the buffers it reserves."""
    m = r.memory
    repack = f", {fmt_gib_or_mib(m.repack)} of it a repacked copy of weights (mmap)" if m.repack and m.mmap else ""
    return (f"{r.quant} on the CPU: about {gib(m.resident)} resident while answering (weights, KV cache, "
            f"the prompt's buffers, {fmt_gib_or_mib(m.process)} for llama.cpp itself{repack}).")


def _expert_note(ref, r) -> str:
    p = r.placement
    return (f"{r.quant}: llama-server {p.flags(ref.arch)}: {gib(p.gpu_bytes)} on the GPU, "
            f"{gib(p.cpu_expert_bytes)} of experts in RAM ({p.cpu_moe_layers} of {ref.arch.layers} layers)")


def _table(ref, results) -> Table:
    # Weights is the file (GGUF) or checkpoint size; the JSON keeps file_bytes apart.
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    vllm = results[0].backend == "vllm"
    where_col = "Seqs" if vllm else "-ngl"  # vLLM: sequences of this context that run at once
    for col in ("Quant", "Weights", "KV cache", "Buffers", "Total", "Fit", where_col, "tok/s", "TTFT"):
        t.add_column(col, justify="left" if col in ("Quant", "Fit") else "right", no_wrap=col != "Fit")
    for r in results:
        label, style = LEVEL[r.fit_level]
        if vllm:
            ngl = str(r.vllm.concurrent_sequences)
        elif r.backend != "llama.cpp":
            ngl = "—"
        else:
            ngl = "" if r.placement is None or not r.fits else str(r.placement.gpu_layers if r.placement.mode in ("split", "cpu") else 99)
        tps = f"{r.speed.decode_tokens_per_s:.0f}" if r.speed else "—"
        ttft = f"{r.speed.ttft_s:.1f} s" if r.speed and r.speed.ttft_s is not None else "—"
        m = r.memory
        t.add_row(r.quant, gib(m.weights), gib(m.kv_cache), gib(m.compute + m.overhead), gib(m.total),
                  Text(label, style=style), ngl, tps, ttft)
    return t


def _bar(r, hw, width: int) -> Text:
    """The first estimate against the memory it may use: weights | KV | buffers | free."""
    budget = hw.vram_budget + hw.ram_budget
    if budget <= 0:
        return Text()
    cells = max(10, min(50, width - 78))
    m = r.memory
    unchecked = m.host_only if not hw.ram_budget else 0  # per-layer embeddings go to RAM, which was not given
    text = Text(f"{r.quant} in {gib(budget)} usable: ")
    used = 0
    for part, char, style in ((m.weights - unchecked, "█", "cyan"), (m.kv_cache, "▓", "magenta"), (m.compute, "▒", "yellow")):
        n = min(cells - used, round(cells * part / budget))
        text.append(char * n, style=style)
        used += n
    if used < cells:
        text.append("░" * (cells - used), style="dim")
    text.append("  █ weights", style="cyan").append("  ▓ KV cache", style="magenta").append("  ▒ buffers", style="yellow")
    text.append("  ░ free", style="dim")
    if m.total - unchecked > budget:
        text.append(f"  over by {gib(m.total - unchecked - budget)}", style="red")
    if unchecked:
        text.append(f"  (+{gib(unchecked)} of per-layer embeddings in system RAM, not checked: pass --ram)", style="dim")
    return text


def render_family_fit(ff, width: int = 100) -> Group:
    """``fit FAMILY``: one row per variant at its best quantization that runs whole (else its
    smallest), the variant llmguide would pick marked."""
    hw = ff.hardware
    head = Text()
    head.append(f"{ff.family.name}", style="bold").append(f"  {len(ff.reports)} variants\n")
    head.append("Hardware: ", style="bold").append(hw.describe() + (f" ({hw.source})" if hw.known else ""))
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in ("", "Variant", "Kind", "Params", "Quant", "Total", "Fit", "tok/s"):
        t.add_column(col, justify="right" if col in ("Params", "Total", "tok/s") else "left", no_wrap=True)
    for rep in ff.reports:
        r = family_row_estimate(rep)
        label, style = LEVEL[r.fit_level]
        tps = f"{r.speed.decode_tokens_per_s:.0f}" if r.speed else "—"
        mark = "★" if rep.model.id == ff.best else ""
        t.add_row(mark, rep.model.id, rep.model.kind or "", rep.model.params.label, r.quant, gib(r.memory.total),
                  Text(label, style=style), tps)
    parts: list = [head, Text(""), t]
    if ff.best:
        parts.append(Text(f"★ {ff.best}: the largest instruct or chat variant that runs whole here. "
                          f"llmguide fit {ff.best} shows every quantization.", style="dim"))
    elif hw.known:
        parts.append(Text("No variant runs whole here (on the GPU, or all in RAM on a CPU machine).", style="dim"))
    else:
        parts.append(Text("Pass --gpu NAME or --vram/--ram (GB) to check the fit and estimate speed.", style="dim"))
    return Group(*parts)


def family_row_estimate(rep):
    """The estimate a family table shows for one variant: the highest quantization that runs whole,
    else the one that fits at all, else the smallest."""
    whole = [e for e in rep.estimates if e.fits and e.placement is not None and e.placement.mode in ("gpu", "cpu", "expert_offload")]
    fitting = [e for e in rep.estimates if e.fits]
    if whole:
        return max(whole, key=lambda e: e.memory.weights)
    if fitting:
        return max(fitting, key=lambda e: e.memory.weights)
    return min(rep.estimates, key=lambda e: e.memory.total)
