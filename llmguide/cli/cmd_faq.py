"""``llmguide faq [TOPIC]``: the questions people ask while choosing and deploying a model."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def faq(
    topic: Optional[str] = typer.Argument(None, help="A topic, e.g. production, ethics, open-vs-commercial, quantization. Leave out to list them."),
    markdown: bool = typer.Option(False, "--markdown", help="Print every question and answer as Markdown (docs/faq.md)."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Answer the common questions of choosing and deploying a model.

    Open or commercial, specialized or general, ethics at scale, the production checklist, fit,
    quantization, speed: each answer points at the llmguide commands that work it out for you.

    Examples: llmguide faq · llmguide faq production · llmguide faq ethics
    """
    from llmguide.knowledge.faq import load_faq
    from llmguide.knowledge.glossary import load_glossary

    f = load_faq()
    common.one_format(as_json, markdown)
    if markdown:
        from llmguide.cli.console import out
        from llmguide.knowledge.kb_doc import faq_markdown

        out().print(faq_markdown(f, load_glossary()), markup=False, highlight=False, soft_wrap=True)
        return
    q = f.get(topic) if topic is not None else None
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import faq_dict

        emit_json(faq_dict(f, q))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_faq import render_faq, render_question

    out().print(render_question(q, f, load_glossary()) if q else render_faq(f))


def register(app: typer.Typer) -> None:
    app.command("faq")(faq)
