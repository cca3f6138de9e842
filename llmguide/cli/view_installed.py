"""Rich renderables for ``installed``: one row per model found, then its problems and what was searched."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from llmguide.cli.console import clean
from llmguide.cli.fmt import tokens
from llmguide.cli.view_fit import LEVEL
from llmguide.model.installed import text as valid_text
from llmguide.units import fmt_gib_or_mib

STORE_NAMES = {"ollama": "Ollama", "lmstudio": "LM Studio", "hf": "HF cache", "llama.cpp": "llama.cpp", "path": "folder"}


def render_installed(report, width: int = 100) -> Group:
    scan, hw = report.scan, report.hardware
    if not scan.models:
        about = [Text(clean("\n".join(scan.notes)), style="yellow")] if scan.notes else []
        return Group(Text("No models found.", style="bold yellow"), Text(""), _searched(scan, everything=True), *about)
    head = Text()
    head.append(f"{len(scan.models)} model(s) found", style="bold")
    head.append(f", planned with a context of {tokens(report.context)}\n")
    head.append("Hardware: ", style="bold").append(hw.describe() + (f" ({hw.source})" if hw.known else ""))
    parts: list = [head, Text(""), _table(report)]
    problems = [(r.model, p) for r in report.runs for p in r.problems]
    if problems:
        text = Text("Problems:\n", style="bold red")
        for m, p in problems:
            text.append(f"  {clean(m.name)} ({STORE_NAMES[m.store]}): ", style="bold").append(clean(p) + "\n")
        parts.append(text)
    notes = [f"  {clean(m.name)}: {n}" for m in scan.models for n in m.notes]
    notes += [f"  {clean(m.name)}: split in {m.parts} files, sized together" for m in scan.models if m.parts > 1]
    notes += [f"  {clean(m.name)}: not in the catalog ({clean(m.match)})" for m in scan.models
              if m.catalog_id is None and not m.problems]
    notes += [f"  {clean(n)}" for n in scan.notes]
    if notes:
        parts.append(Text("Notes:\n" + "\n".join(notes), style="dim"))
    parts.append(_searched(scan, everything=False))
    if not hw.known:
        parts.append(Text("Pass --gpu NAME or --vram/--ram (GB) to check the fit and estimate speed.", style="dim"))
    return Group(*parts)


def _table(report) -> Table:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    t.add_column("Model", overflow="fold")
    t.add_column("Store", no_wrap=True)
    t.add_column("Quant", no_wrap=True)
    t.add_column("Size", justify="right", no_wrap=True)
    t.add_column("Catalog model", no_wrap=True, overflow="ellipsis", max_width=28)
    t.add_column("Runs here", no_wrap=True)
    t.add_column("tok/s", justify="right", no_wrap=True)
    for r in report.runs:
        m, e = r.model, r.estimate
        if e is not None:
            label, style = LEVEL[e.fit_level]
            verdict = Text(label, style=style)
        else:
            verdict = Text("unreadable" if m.problems else "not estimated", style="red")
        size = fmt_gib_or_mib(m.file_bytes) if m.file_bytes is not None else "—"
        tps = r.tokens_per_s
        t.add_row(clean(m.name), STORE_NAMES[m.store], m.quant or "—", size, m.catalog_id or "—", verdict,
                  f"{tps:.0f}" if tps is not None else "—")
    return t


def _searched(scan, everything: bool) -> Text:
    """The folders searched; every one (and whether it is there) when nothing was found."""
    if everything:
        text = Text("Searched:\n", style="bold")
        for root in scan.roots:
            text.append(f"  {STORE_NAMES[root.store]}: {clean(valid_text(str(root.path)))} ({root.source}"
                        f"{'' if root.exists else ', not there'})\n")
        if not scan.roots:
            text.append("  nothing (--store none and no --path)\n")
        text.append("Other places: --path DIR; the environment variables OLLAMA_MODELS, HF_HUB_CACHE, HF_HOME, LLAMA_CACHE.",
                    style="dim")
        return text
    there = [f"{STORE_NAMES[r.store]} {clean(valid_text(str(r.path)))}" for r in scan.roots if r.exists]
    return Text("Searched: " + ("; ".join(there) or "nothing"), style="dim")


def recommend_notes(scan, known_quants) -> list[str]:
    """What ``recommend --installed`` ranks, and which installed models it cannot, in words (stderr)."""
    if not scan.models:
        where = "; ".join(str(r.path) for r in scan.roots if r.exists) or "none of the usual folders exist"
        return [f"--installed: no models found (searched: {where}); `llmguide installed` lists every folder searched."]
    ranking = scan.ranking_quants(known_quants)
    lines = [f"--installed: ranking the {len(ranking)} catalog model(s) installed: {', '.join(ranking) or 'none'}."]
    unmatched = sorted({clean(m.name) for m in scan.models if m.catalog_id is None and m.ref is not None})
    if unmatched:
        lines.append("Not ranked, as no catalog model matches them (no quality evidence for the task): "
                     + ", ".join(unmatched) + ". `llmguide installed` shows how they run here.")
    broken = sorted({clean(m.name) for m in scan.models if m.ref is None})
    if broken:
        lines.append(f"Not ranked, as they could not be read: {', '.join(broken)} (see `llmguide installed`).")
    ladder = sorted(vid for vid, quants in ranking.items() if not quants)
    if ladder:
        lines.append(f"Ranked at every usual quantization (a safetensors copy, or a GGUF type without quality figures): "
                     f"{', '.join(ladder)}.")
    return lines
