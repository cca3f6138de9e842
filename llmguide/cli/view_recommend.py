"""Rich renderables for ``recommend``: the ranked table and, with --explain, every verdict."""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from llmguide.catalog.languages import language_name
from llmguide.deploy.run import for_pick
from llmguide.cli.fmt import gib, run_heading, tokens
from llmguide.hardware.profile import CPU_BANDWIDTH_ASSUMPTION
from llmguide.rules.engine import Ranked, Recommendation
from llmguide.rules.registry import RULES

WHERE = {"gpu": "GPU", "cpu": "CPU", "split": "GPU+CPU", "expert_offload": "GPU, experts in RAM"}
WIDE = 110  # below this many columns the reasons go in a list under the table


def render_recommendation(rec: Recommendation, explain: bool, width: int = 120, runtime: str = "llama.cpp") -> Group:
    req, hw = rec.request, rec.hardware
    langs = ", ".join(language_name(c) for c in req.languages) or "any"
    head = Text()
    head.append("Task: ", style="bold").append(f"{req.task.name} ({req.task_id})   ")
    head.append("Context: ", style="bold").append(f"{tokens(req.context)} tokens{'' if req.context_given else ' (default)'}   ")
    head.append("Languages: ", style="bold").append(langs + "\n")
    limits = _limits(req)
    if limits:
        head.append("Limits: ", style="bold").append(limits + "\n")
    head.append("Hardware: ", style="bold").append(f"{hw.describe()}" + (f" ({hw.source})" if hw.known else ""))
    parts: list = [head, Text("")]
    if not rec.eligible:
        parts.append(Text("No model in the catalog meets these constraints.", style="bold yellow"))
    else:
        wide = width >= WIDE
        parts.append(_table(rec, wide))
        ram_side = any(r.candidate.fit and r.candidate.fit.placement and r.candidate.fit.placement.mode in ("cpu", "split", "expert_offload")
                       for r in rec.top)
        if ram_side and hw.cpu_bandwidth is None:
            parts.append(Text(f"Speeds from system RAM assume {CPU_BANDWIDTH_ASSUMPTION}; "
                              "pass --cpu-bandwidth GB/s for yours.", style="dim"))
        parts.append(Text(
            "Memory: weights + KV cache + buffers (+ the vision encoder when images are asked for; llama.cpp). "
            "tok/s: generation speed (on a GPU it needs --gpu or --bandwidth). "
            "* = quality estimated (no evidence of its own for the task).", style="dim"))
        if not wide:
            parts += [Text(""), _why_list(rec)]
        parts += [Text(""), _run_block(rec, runtime)]
    if explain:
        for r in rec.top:
            parts += [Text(""), _explain(r)]
    parts += [Text(""), _rejected(rec, explain)]
    return Group(*parts)


def _run_block(rec: Recommendation, runtime: str) -> Group:
    """One get-and-run command per pick, for the chosen runtime. Commands are never wrapped, so
    they can be copied whole (the command prints with crop=False)."""
    lines: list = [run_heading("", runtime)]
    notes: dict[str, None] = {}
    for r in rec.top:
        c, fit = r.candidate, r.fit
        run = for_pick(c.variant, c.arch, fit.estimate.quant, rec.request.context, fit.placement, rec.installed)
        command = run.get(runtime)
        if command:
            lines.append(Text.assemble((f"  {r.rank}  ", "bold"), command, no_wrap=True, overflow="ignore"))
            if run.note:
                lines.append(Text(f"     {run.note}", style="dim"))
            if run.ollama_note and runtime == "ollama":
                notes[run.ollama_note] = None
        else:
            lines.append(Text.assemble((f"  {r.rank}  ", "bold"), (run.why_none(runtime), "dim")))
    lines += [Text(f"  {n}", style="dim") for n in notes]
    return Group(*lines)


def _limits(req) -> str:
    """The optional constraints the user asked for, in their own words."""
    parts = []
    if req.license:
        parts.append(f"license {req.license}")
    if req.min_speed:
        parts.append(f"at least {req.min_speed:g} tok/s")
    if req.max_ttft:
        parts.append(f"first token within {req.max_ttft:g} s ({req.prompt_tokens}-token prompt)")
    if req.modalities:
        parts.append("input " + " + ".join(req.modalities))
    return ", ".join(parts)


def _why(rec: Recommendation, r: Ranked) -> str:
    why = next(s.reason for s in r.scores if s.code == "S1")
    spec = [s for s in r.candidate.variant.specialties if s in rec.request.task.prefers_specialties]
    return why + (f" · {'/'.join(spec)} model" if spec else "")


def _why_list(rec: Recommendation) -> Text:
    text = Text()
    for r in rec.top:
        text.append(f"{r.rank}. ", style="bold").append(f"{r.candidate.variant.id}: ", style="bold")
        text.append(_why(rec, r) + "\n")
    text.rstrip()
    return text


def _table(rec: Recommendation, wide: bool) -> Table:
    t = Table(title_justify="left", box=box.SIMPLE_HEAD)
    t.add_column("#", justify="right")
    t.add_column("Model", no_wrap=True)
    t.add_column("Quant")
    t.add_column("Memory", justify="right")
    t.add_column("Runs on")
    t.add_column("tok/s", justify="right")
    t.add_column("Score", justify="right")
    if wide:
        t.add_column("Why", overflow="fold", ratio=1)
    for r in rec.top:
        c, fit = r.candidate, r.fit
        est, p = fit.estimate, fit.placement
        where = "not checked" if p is None else WHERE[p.mode] + (f" ({p.gpu_layers}/{c.arch.layers} layers)" if p.mode == "split" else
                                                       f" ({p.cpu_moe_layers}/{c.arch.layers})" if p.mode == "expert_offload" else "")
        score = f"{r.score:.1f}" + ("*" if r.estimated else "")
        tps = f"{fit.speed.decode_tokens_per_s:.0f}" if fit.speed else "—"
        row = [str(r.rank), c.variant.id, est.quant, gib(est.total), where, tps, score]
        t.add_row(*row, *([_why(rec, r)] if wide else []))
    return t


def _explain(r: Ranked) -> Table:
    c = r.candidate
    t = Table(title=f"#{r.rank} {c.variant.name} — score {r.score:.1f}", title_justify="left", show_header=False, box=None)
    t.add_column(style="dim")
    t.add_column()
    t.add_column(overflow="fold")
    for v in r.verdicts:
        t.add_row(v.code, Text("pass", style="green"), v.reason)
    for s in r.scores:
        t.add_row(s.code, f"{s.points:+.1f}", s.reason + (" (estimated)" if s.estimated else ""))
    for line in evidence_lines(c.quality):
        t.add_row("", "evidence", line)
    t.add_row("", "memory", memory_line(r.fit.estimate, r.fit.placement))
    return t


def memory_line(e, p) -> str:
    """The sum behind the Memory column, and where it goes when not all on one side."""
    parts = f"weights {gib(e.weights)} + KV cache {gib(e.kv_cache)} + buffers {gib(e.compute)}"
    if e.encoder:
        parts += f" + vision/audio encoder {gib(e.encoder)}"
    line = f"{parts} = {gib(e.total)}"
    if p is not None and p.mode in ("gpu", "expert_offload", "split") and p.cpu_bytes:
        line += f" ({gib(p.gpu_bytes)} on the GPU, {gib(p.cpu_bytes)} in system RAM)"
    return line


def evidence_lines(q) -> list[str]:
    """Each score a task-quality judgement used: benchmark, version, mode, evaluator, date, and what
    it is worth on the task's scale."""
    if q is None:
        return []
    lines = []
    for u in q.used:
        e = u.row
        flag = f", {e.status}" if e.status else ""
        lines.append(f"{e.benchmark} ({e.version}) {e.score:g}: {e.mode_label}, {e.evaluator}, {e.source_date or 'undated'}{flag}"
                     f" -> {u.points:.0f} ± {u.se_points:.0f} points")
    if q.note:
        lines.append(q.note)
    lines.append(f"confidence {q.confidence} ({q.basis} evidence" + (f", ladder rung {q.rung + 1}" if q.rung is not None else "") + ")")
    return lines


def _rejected(rec: Recommendation, explain: bool) -> Text:
    text = Text()
    if not rec.rejected:
        return text
    binding = Counter(RULES[j.failed[0].code].name for j in rec.rejected)
    summary = ", ".join(f"{n} by {name}" for name, n in binding.most_common())
    text.append(f"{len(rec.rejected)} model(s) ruled out ({summary}).", style="dim")
    if explain or not rec.eligible:  # everything, the closest memory misses first
        shown = sorted(rec.rejected, key=lambda j: (j.failed[0].code != "H5", j.candidate.smallest.total))
    else:
        misses = [j for j in rec.rejected if j.failed[0].code == "H5"]
        shown = sorted(misses, key=lambda j: j.candidate.smallest.total)[:6]
    if shown and not explain:
        text.append(" Closest misses:" if rec.eligible else " Why:", style="dim")
    groups: dict[tuple, list[str]] = {}
    for j in shown:  # variants that fail for the same reason (same architecture) share one line
        v = j.failed[0]
        groups.setdefault((v.reason, v.would_fit_with), []).append(j.candidate.variant.id)
    for (reason, hint), ids in groups.items():
        text.append(f"\n  ✗ {', '.join(ids)}: ", style="red")
        text.append(reason)
        if hint:
            text.append(f" ({hint})", style="dim")
    if not explain:
        text.append("\nUse --explain to see every verdict.", style="dim")
    return text


def render_why_not(rec: Recommendation, ranked, rejected) -> Group:
    parts: list = []
    if ranked is not None:
        c = ranked.candidate
        parts.append(Text(f"{c.variant.id} is eligible: rank {ranked.rank} of {len(rec.ranked)}, score {ranked.score:.1f}.", style="bold green"))
        if rec.ranked and ranked.rank > 1:
            best = rec.ranked[0]
            parts.append(Text(f"Ranked above it: {best.candidate.variant.id} (score {best.score:.1f}); see --explain in recommend.", style="dim"))
        parts += [Text(""), _explain(ranked)]
        return Group(*parts)
    c = rejected.candidate
    parts.append(Text(f"{c.variant.id} is not recommended:", style="bold red"))
    t = Table(show_header=False, box=None)
    t.add_column(style="dim")
    t.add_column()
    t.add_column(overflow="fold")
    for v in rejected.verdicts:
        mark = Text("pass", style="green") if v.passed else Text("fail", style="red")
        t.add_row(v.code, mark, v.reason + (f" — {v.would_fit_with}" if v.would_fit_with and not v.passed else ""))
    parts.append(t)
    return Group(*parts)
