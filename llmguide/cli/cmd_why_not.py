"""``llmguide why-not MODEL``: every rule's verdict for one model under the recommend flags."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common
from llmguide.hardware.spec import HardwareSpec


@common.hardware_options()
def why_not(
    model: str = typer.Argument(..., help="A catalog variant, e.g. llama-3.3-70b-instruct, or hf:ORG/NAME (read from the Hub, ranked unvetted)."),
    task: str = common.TASK_OPTION,
    hardware_spec: HardwareSpec | None = None,
    lang: Optional[list[str]] = common.LANG_OPTION,
    context: Optional[int] = common.CONTEXT_OPTION,
    license: Optional[str] = common.LICENSE_OPTION,
    min_speed: Optional[float] = common.MIN_SPEED_OPTION,
    max_ttft: Optional[float] = common.MAX_TTFT_OPTION,
    modality: Optional[list[str]] = common.MODALITY_OPTION,
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Explain why a model is, or is not, recommended: each rule's verdict, its rank and what would change it."""
    from llmguide import api

    cat = common.catalog()
    hw = common.hardware(hardware_spec)
    answer = api.why_not(model, task, context=context, languages=lang, license=license, min_speed=min_speed,
                         max_ttft=max_ttft, modalities=modality, hardware=hw, catalog=cat)
    rec, ranked, rejected = answer.recommendation, answer.ranked, answer.rejected
    if answer.note:
        from llmguide.cli.console import note

        note(answer.note)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import why_not_dict

        emit_json(why_not_dict(rec, ranked, rejected))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_recommend import render_why_not

    out().print(render_why_not(rec, ranked, rejected))


def register(app: typer.Typer) -> None:
    app.command("why-not")(why_not)
