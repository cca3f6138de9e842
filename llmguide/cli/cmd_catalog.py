"""``llmguide catalog``: validate catalog files, add a model from the Hugging Face Hub, print the JSON
Schema, or the Markdown table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from llmguide.cli import common

catalog_app = typer.Typer(help="Check and describe the model catalog (and your own catalog files).", no_args_is_help=True)


@catalog_app.command("validate")
def validate(
    path: Optional[Path] = typer.Argument(None, help="A catalog folder, a folder of family files, or one family file. Default: the shipped catalog."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """List every problem, each with its file, line and field. Exit 1 when there is any."""
    from llmguide.catalog.check import validate_path
    from llmguide.catalog.paths import catalog_dir

    target = path or catalog_dir()
    report = validate_path(target)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import validation_dict

        emit_json(validation_dict(target, report))
    else:
        from rich.text import Text

        from llmguide.cli.console import clean, err, out

        if report.ok:
            out().print(clean(f"{target}: {report.files} file(s), no problems."))
        else:
            for line in report.problems:
                err().print(Text.assemble(("✗", "red"), " ", clean(line)), soft_wrap=True)
            err().print(f"{len(report.problems)} problem(s) in {report.files} file(s).")
    if not report.ok:
        raise typer.Exit(1)


@catalog_app.command("add")
def add(
    name: str = typer.Argument(..., help="A Hugging Face repository: hf:ORG/NAME (hf:ORG/NAME@REVISION for one revision)."),
    to: Optional[Path] = typer.Option(None, "--to", help="The folder to write the family file into. Default: your catalog folder, which every command reads."),
    force: bool = typer.Option(False, "--force", help="Replace the family file if it exists."),
) -> None:
    """Add a model from the Hugging Face Hub to your catalog, as an unvetted entry: its
    architecture, parameters, context and licence as the Hub gives them. recommend, show and
    why-not then treat it like any other model. Prints the path written."""
    from llmguide.api import add_to_catalog
    from llmguide.cli.console import note

    path = add_to_catalog(name, to=to, force=force, catalog=common.catalog())
    typer.echo(str(path))
    if to is not None:
        note(f"commands read it with --catalog {path} (or put it in your catalog folder)")


@catalog_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a family file, for editors that check YAML (yaml-language-server)."""
    import json

    from pydantic import TypeAdapter

    from llmguide.catalog import constraints, reference
    from llmguide.catalog import schema as catalog_schema
    from llmguide.hardware import presets

    constraints.install(catalog_schema, reference, presets)
    doc = TypeAdapter(catalog_schema.Family).json_schema()
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", **doc, "title": "llmguide model family"}
    typer.echo(json.dumps(doc, indent=2))


@catalog_app.command("markdown")
def markdown() -> None:
    """Print the catalog as Markdown tables (this is docs/catalog.md)."""
    from llmguide.catalog.doc import catalog_markdown

    typer.echo(catalog_markdown(common.catalog()), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
