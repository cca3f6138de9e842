"""``llmguide compare A B [C …]``: models side by side."""

from __future__ import annotations

import typer

from llmguide.cards import CARD_CONTEXT, differing_fields
from llmguide.cli import common


def compare(
    names: list[str] = typer.Argument(..., help="Two or more families or variants."),
    context: int = typer.Option(CARD_CONTEXT, "--context", "-c", click_type=common.TOKENS, help="Context in tokens used for the memory rows."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Compare models side by side: the facts of `show`, with differences highlighted."""
    from llmguide import api

    cards = api.compare(*names, context=context, catalog=common.catalog())
    from llmguide.cli.console import note

    for card in cards:
        if card.note:
            note(card.note)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import compare_dict

        emit_json(compare_dict(cards))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_compare import render_compare

    out().print(render_compare(cards, differing_fields(cards)))


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
