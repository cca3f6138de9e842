"""``llmguide explain [TERM]``: the glossary, or one term."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def explain(
    term: Optional[str] = typer.Argument(None, help="A term, e.g. 'KV cache', gqa, Q4_K_M, lora. Leave out to list them all."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the whole glossary as Markdown (docs/glossary.md)."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Explain a term of LLMs or of llmguide's output (the glossary).

    What it is, which llmguide commands show it, related terms and its sources. Typos and other
    spellings are forgiven.

    Examples: llmguide explain · llmguide explain kv-cache · llmguide explain "grouped query attention"
    """
    from llmguide.knowledge.glossary import load_glossary

    g = load_glossary()
    common.one_format(as_json, markdown)
    if markdown:
        from llmguide.cli.console import out
        from llmguide.knowledge.kb_doc import glossary_markdown

        out().print(glossary_markdown(g), markup=False, highlight=False, soft_wrap=True)
        return
    entry = g.get(term) if term is not None else None
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import glossary_dict, term_dict

        emit_json(term_dict(entry, g) if entry else glossary_dict(g))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_glossary import render_list, render_term

    console = out()
    console.print(render_term(entry, g) if entry else render_list(g))


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
