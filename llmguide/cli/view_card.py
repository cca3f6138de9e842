"""Rich renderables for ``show``: the card of a family or of one variant."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmguide.catalog.schema import languages_of
from llmguide.cards import CARD_QUANTS, Card
from llmguide.cli.fmt import languages_line, license_line, tokens
from llmguide.units import GIB


def render_card(card: Card) -> Group:
    fam = card.family
    focus = card.focus
    title = f"{focus.name}  ·  {fam.name} family" if focus else fam.name
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    facts.add_row("Developer", fam.developer)
    lic = card.variants[0].license if focus else fam.license
    facts.add_row("License", license_line(lic))
    for limit in lic.limits:
        facts.add_row("", f"• {limit}")
    if not focus and any(vf.variant.license for vf in card.variants):
        for vf in card.variants:
            if vf.variant.license:
                facts.add_row("", f"• {vf.variant.name}: {license_line(vf.variant.license)}")
    langs = languages_of(fam, focus)
    facts.add_row("Languages", languages_line(list(langs.codes), langs.note))
    if not focus:
        for vf in card.variants:
            if vf.variant.languages is not None:
                own = vf.variant.languages
                facts.add_row("", f"• {vf.variant.name}: {languages_line(list(own.codes), own.note)}")
    ctx = sorted({vf.variant.context.length for vf in card.variants})
    facts.add_row("Context", " / ".join(f"{tokens(c)} tokens" for c in ctx))
    months = sorted({vf.variant.release.month for vf in card.variants})
    facts.add_row("Released", " / ".join(months))
    if focus:
        vf = card.variants[0]
        a = vf.arch
        facts.add_row("Hugging Face", focus.hf_repo)
        extra = [sp for sp in focus.specialties if sp != focus.kind]
        facts.add_row("Kind", focus.kind + (f" · {', '.join(extra)}" if extra else ""))
        moe = f", {a.experts} experts ({a.experts_per_token} per token)" if a.is_moe else ""
        swa = f", sliding window {a.sliding_window}" if a.sliding_window else ""
        facts.add_row(
            "Architecture",
            f"{a.layers} layers, hidden {a.hidden_size}, {_ffn(a)}, "
            f"{a.attention_heads} heads / {a.kv_heads} KV heads × {a.head_dim}, vocab {a.vocab_size}{moe}{swa}",
        )
        if a.layer_pattern or a.linear_attention_layers or a.sliding_window_layers:
            facts.add_row("Layers", a.describe_layers())
        if vf.count.differs:
            facts.add_row("Parameters", f"{vf.count.label} published; {vf.count.explanation}")
        if focus.native_quant:
            nq = focus.native_quant
            facts.add_row("Released as", f"{nq.format.upper()} ({'routed experts' if nq.applies_to == 'routed-experts' else 'linear layers'}"
                          + (f", groups of {nq.group_size}" if nq.group_size else "") + "), served as shipped")
        if focus.downloads:
            for up in focus.downloads.repos:
                facts.add_row("Download" if up is focus.downloads.repos[0] else "", f"{up.repo} ({up.format.upper()})")
            if focus.downloads.ollama:
                facts.add_row("Ollama", ", ".join(f"ollama run {t}" if i == 0 else t for i, t in enumerate(focus.downloads.ollama)))

    parts: list = [Text(focus.summary if focus else fam.description), Text(""), facts]
    parts += [
        Text(""),
        Text(f"Memory to run, in GiB (llama.cpp, {tokens(card.context)} context: weights + KV cache + buffers)"
             + (" — models with a shorter context are sized at their maximum" if any(
                 vf.variant.context.length < card.context for vf in card.variants) else ""), style="bold"),
        _variants_table(card),
    ]
    starred = [vf for vf in card.variants if vf.count.differs]
    if starred and not focus:
        parts.append(Text("\n".join(f"* {vf.variant.id}: {vf.count.explanation}" for vf in starred), style="dim"))
    parts += _claims("Strengths", fam.strengths.items, "green")
    parts += _claims("Challenges", fam.challenges.items, "yellow")
    if fam.weaknesses:
        parts += _claims("Known weaknesses", fam.weaknesses.items, "yellow")
    bench = _benchmarks_table(card)
    if bench is not None:
        parts += [Text(""), Text("Benchmark evidence (independent evaluators first; --json lists every row)", style="bold"), bench]
    parts += [Text(""), _sources(card)]
    return Group(Panel(Group(*parts), title=Text(title, style="bold"), title_align="left", border_style="cyan"))


def _ffn(a) -> str:
    if not a.is_moe:
        return f"FFN {a.intermediate_size}"
    dense = f", dense FFN {a.intermediate_size} in {a.layers - a.moe_layers} layer(s)" if a.moe_layers < a.layers else ""
    return f"expert FFN {a.expert_width}{dense}"


def _variants_table(card: Card) -> Table:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    moe = any(vf.arch.is_moe for vf in card.variants)
    t.add_column("Variant", no_wrap=True)
    t.add_column("Params", justify="right", no_wrap=True)
    if moe:
        t.add_column("Active", justify="right", no_wrap=True)
    t.add_column("Context", justify="right", no_wrap=True)
    for q in CARD_QUANTS:
        t.add_column(q, justify="right", no_wrap=True)
    for vf in card.variants:
        v = vf.variant
        p = vf.count
        cells = [v.id, f"{p.published_total_b:g}B" + ("*" if p.differs else "")]
        if moe:
            cells.append(f"{p.published_active_b:g}B" if p.published_active_b else "")
        cells.append(tokens(v.context.length))
        cells += [f"{vf.memory[q].total / GIB:.1f}" for q in CARD_QUANTS]
        t.add_row(*cells)
    return t


def _claims(title: str, items, style: str) -> list:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=style)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("  •", item)
    return [Text(""), Text(title, style="bold"), grid]


CARD_EVIDENCE_ROWS = 6  # per variant in the table; JSON has them all


def _benchmarks_table(card: Card) -> Table | None:
    rows = [(vf.variant, e) for vf in card.variants for e in vf.evidence[:CARD_EVIDENCE_ROWS]]
    if not rows:
        return None
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("Variant", overflow="fold")
    t.add_column("Benchmark", overflow="fold")
    t.add_column("Score", justify="right")
    t.add_column("Mode", overflow="fold")
    t.add_column("Evaluator", overflow="fold")
    t.add_column("Date", no_wrap=True)
    for v, e in rows:
        t.add_row(v.id, f"{e.benchmark} ({e.version})", f"{e.score:g}", e.mode_label, e.evaluator, e.source_date[:7])
    return t


def _sources(card: Card) -> Text:
    text = Text("Sources\n", style="bold")
    for key, src in card.family.sources.items():
        text.append(f"  [{key}] ", style="dim")
        text.append(f"{src.title}" + (f" ({src.date})" if src.date else "") + "\n")
        text.append(f"      {src.url}\n", style="blue")
    text.rstrip()
    return text


def render_sources(card: Card) -> Table:
    """Every source of the family, with the fact groups that cite it (for the variants shown)."""
    from llmguide.cards import cited_by

    t = Table(title=f"Sources for {card.focus.name if card.focus else card.family.name}", title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("Key", no_wrap=True)
    t.add_column("Source", overflow="fold", ratio=2)
    t.add_column("Backs", overflow="fold", ratio=1)
    uses = cited_by(card)
    for key, src in card.family.sources.items():
        if key not in uses:
            continue
        title = src.title + (f" ({src.date})" if src.date else "")
        t.add_row(key, f"{title}\n{src.url}", ", ".join(uses[key]))
    return t
