"""Rich renderables for ``explain``: the list of terms, and one term's card."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text


def render_list(g) -> Group:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("Id", no_wrap=True, style="cyan")
    t.add_column("In short")
    kind = None
    for term in g.terms:
        if term.kind != kind:
            kind = term.kind
            t.add_row(Text(kind.capitalize(), style="bold"), "")
        t.add_row(term.id, Text(term.term + ": ", style="bold") + Text(term.summary))
    return Group(t, Text(f"{len(g.terms)} terms. llmguide explain TERM for one (an id, the term or an alias).", style="dim"))


def render_term(term, g) -> Panel:
    body = Text(term.text + "\n")
    if term.aliases:
        body.append("\nAlso called: ", style="bold").append(", ".join(term.aliases))
    append_commands(body, "Try: ", term.commands)
    if term.see_also:
        names = {t.id: t.term for t in g.terms}
        body.append("\nSee also: ", style="bold").append(", ".join(f"{names[s]} ({s})" for s in term.see_also))
    append_sources(body, term.sources, g.sources)
    return Panel(body, title=Text(f"{term.term}  ·  {term.kind}"), title_align="left", box=box.ROUNDED)


def append_commands(body: Text, label: str, commands) -> None:
    """The llmguide commands an entry suggests, one per line."""
    if commands:
        body.append("\n" + label, style="bold")
        for c in commands:
            body.append("\n  " + c, style="cyan")


def append_sources(body: Text, keys, sources) -> None:
    """A "Sources:" block: each source's title and its address."""
    body.append("\nSources:", style="bold")
    for key in keys:
        body.append(f"\n  {sources[key].title} ").append(sources[key].url, style="dim")
