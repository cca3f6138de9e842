"""``llmguide show NAME``: the card of a model family or variant."""

from __future__ import annotations

import typer

from llmguide.cards import CARD_CONTEXT
from llmguide.cli import common


def show(
    name: str = typer.Argument(..., help="A family or variant: id, alias or Hugging Face repo (e.g. zephyr, llama-2-13b-chat), or hf:ORG/NAME to read any repository from the Hub."),
    context: int = typer.Option(CARD_CONTEXT, "--context", "-c", click_type=common.TOKENS, help="Context in tokens used for the memory columns."),
    sources: bool = typer.Option(False, "--sources", help="List every source and the facts it backs."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Show a model family or variant: license, languages, context, memory per variant, strengths, challenges, benchmarks, sources."""
    from llmguide import api

    card = api.show(name, context=context, catalog=common.catalog())
    if card.note:
        from llmguide.cli.console import note

        note(card.note)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import card_dict

        emit_json(card_dict(card))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_card import render_card, render_sources

    out().print(render_sources(card) if sources else render_card(card))


def register(app: typer.Typer) -> None:
    app.command("show")(show)
