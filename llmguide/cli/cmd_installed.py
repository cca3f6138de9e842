"""``llmguide installed``: the models already on this machine, and how each runs here."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common
from llmguide.hardware.spec import HardwareSpec

STORE_OPTION = typer.Option(None, "--store", help="Stores to search, comma-separated or repeated: ollama, lmstudio, hf "
                            "(the Hugging Face cache), llama.cpp; 'none' for only the --path folders (default: all).")
PATH_OPTION = typer.Option(None, "--path", help="A folder (or file) of models to search too: a folder of .gguf files or "
                           "model folders, an Ollama store, a Hugging Face cache (repeatable).")


@common.hardware_options()
def installed(
    hardware_spec: HardwareSpec | None = None,
    context: int = typer.Option(4096, "--context", "-c", click_type=common.TOKENS, help="Context to allocate, in tokens."),
    store: Optional[list[str]] = STORE_OPTION,
    path: Optional[list[str]] = PATH_OPTION,
    as_json: bool = common.JSON_OPTION,
) -> None:
    """List the models already on this machine (Ollama, LM Studio, the Hugging Face cache,
    llama.cpp's cache) with their size and quantization, the catalog model each is, and how each
    runs here. Each file is read through its header only; a broken or unfinished one is listed
    with its problem.

    Examples: llmguide installed · llmguide installed --store ollama --gpu 4090 ·
    llmguide installed --path ~/models --context 32k · llmguide installed --json
    """
    from llmguide import api

    cat = common.catalog()
    hw = common.hardware(hardware_spec)
    report = api.installed(store, path, context=context, hardware=hw, catalog=cat)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import installed_dict

        emit_json(installed_dict(report))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_installed import render_installed

    console = out()
    console.print(render_installed(report, console.width))


def register(app: typer.Typer) -> None:
    app.command("installed")(installed)
