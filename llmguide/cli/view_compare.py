"""Rich table for ``compare``: one column per model, one row per fact, differences highlighted."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from llmguide.cards import Card, compared_facts
from llmguide.cli.fmt import billions, gib, span, tokens
from llmguide.units import fmt_tokens

LABELS = {
    "developer": ("Developer", str),
    "license": ("License", lambda v: v.removeprefix("LicenseRef-")),
    "commercial_use": ("Commercial use", str),
    "languages": ("Languages", str),  # long lists are shortened by _short_list
    "variants": ("Variants", str),
    "kinds": ("Kinds", str),
    "params_b": ("Parameters", billions),
    "active_params_b": ("Active per token", billions),
    "context_length": ("Context (tokens)", fmt_tokens),
    "release": ("Released", str),
    "specialties": ("Specialties", str),
}


def render_compare(cards: list[Card], differing: list[str]) -> Table:
    facts = [compared_facts(c) for c in cards]
    keys = list(dict.fromkeys(k for f in facts for k in f))
    t = Table(title=Text.assemble("Differences in ", ("yellow", "bold yellow"), f"; memory at {tokens(cards[0].context)} context (llama.cpp)"),
              title_justify="left")
    t.add_column("", style="bold")
    for c in cards:
        t.add_column(c.focus.name if c.focus else c.family.name, overflow="fold")
    for key in keys:
        label, fmt = _label(key)
        values = [_short_list(f.get(key)) if key == "languages" else span(f.get(key), fmt) for f in facts]
        style = "yellow" if key in differing else None
        t.add_row(label, *values, style=style)
    return t


def _label(key: str):
    if key in LABELS:
        return LABELS[key]
    if key.startswith("memory_"):
        return f"Memory at {key[7:]}", gib
    if key.startswith("benchmark_"):
        return f"{key[10:]} (low–high)", lambda v: f"{v:g}"
    return key, str


def _short_list(codes) -> str:
    """Language codes; a long list as its size and first few (every code is in show and --json)."""
    if not codes:
        return "not documented"
    if len(codes) <= 8:
        return ", ".join(codes)
    return f"{len(codes)} languages: {', '.join(codes[:6])}, …"
