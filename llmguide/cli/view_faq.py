"""Rich renderables for ``faq``: the list of questions, and one answer."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmguide.cli.view_glossary import append_commands, append_sources


def render_faq(f) -> Group:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("Topic", no_wrap=True, style="cyan")
    t.add_column("Question")
    for q in f.questions:
        t.add_row(q.id, q.question)
    return Group(t, Text("llmguide faq TOPIC for the answer (the topic id, or a word such as ethics or production).", style="dim"))


def render_question(q, f, glossary) -> Panel:
    body = Text(q.answer + "\n")
    append_commands(body, "For your case: ", q.commands)
    if q.see_also:
        terms = {t.id: t.term for t in glossary.terms}
        body.append("\nTerms: ", style="bold").append(", ".join(f"{terms[s]} (llmguide explain {s})" for s in q.see_also))
    append_sources(body, q.sources, f.sources)
    return Panel(body, title=Text(q.question), title_align="left", box=box.ROUNDED)
