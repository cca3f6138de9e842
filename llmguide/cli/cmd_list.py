"""``llmguide list``: the catalog, optionally narrowed to a task or a family."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def list_models(
    task: Optional[str] = typer.Option(None, "--task", "-t", help="Only models that serve this task (see docs/recommend.md)."),
    family: Optional[str] = typer.Option(None, "--family", "-f", help="Only this family's variants."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """List the models in the catalog."""
    from llmguide import api

    rows = api.list_models(task, family, catalog=common.catalog())
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import list_dict

        emit_json(list_dict(rows))
        return
    from rich.table import Table

    from llmguide.cli.console import out
    from rich import box

    from llmguide.cli.fmt import billions, short_license, tokens

    console = out()
    # specialties only where they fit beside the longest id without squeezing other columns
    wide = console.width >= max((len(m.id) for m in rows), default=0) + 75
    t = Table(title=f"{len(rows)} model(s)" + (f" for task '{task}'" if task else ""), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("Model", no_wrap=True)
    t.add_column("Kind")
    t.add_column("Params", justify="right")
    t.add_column("Context", justify="right")
    t.add_column("License", max_width=22, overflow="ellipsis")
    if wide:
        t.add_column("Specialties", overflow="fold", ratio=1, min_width=24)
    for m in rows:
        params = billions(m.params_b) + (f" ({billions(m.active_params_b)})" if m.active_params_b else "")
        row = [m.id, m.kind, params, tokens(m.context_length), short_license(m.license, m.commercial_use)]
        t.add_row(*row, *([", ".join(m.specialties)] if wide else []))
    console.print(t)
    console.print(
        "Params: total (active per token, MoE). License: commercial use allowed unless marked "
        "(limits) or (NC): non-commercial. More: llmguide show MODEL.",
        style="dim",
    )


def register(app: typer.Typer) -> None:
    app.command("list")(list_models)
