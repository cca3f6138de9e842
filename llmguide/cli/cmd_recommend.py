"""``llmguide recommend``: the models that serve a task on given hardware, ranked and explained."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common
from llmguide.hardware.spec import HardwareSpec


@common.hardware_options()
def recommend(
    task: str = common.TASK_OPTION,
    hardware_spec: HardwareSpec | None = None,
    lang: Optional[list[str]] = common.LANG_OPTION,
    context: Optional[int] = common.CONTEXT_OPTION,
    license: Optional[str] = common.LICENSE_OPTION,
    min_speed: Optional[float] = common.MIN_SPEED_OPTION,
    max_ttft: Optional[float] = common.MAX_TTFT_OPTION,
    modality: Optional[list[str]] = common.MODALITY_OPTION,
    top: int = typer.Option(5, "--top", "-n", help="How many recommendations to show."),
    explain: bool = typer.Option(False, "--explain", help="Show every rule's verdict and score, and the evidence behind each pick."),
    sort: str = typer.Option("score", "--sort", help="Order: score (default), quality (task quality after quantization), "
                             "speed or size (fastest or smallest first among models within 80% of the best quality)."),
    runtime: str = common.RUNTIME_OPTION,
    installed: bool = typer.Option(False, "--installed", help="Rank only the models already on this machine (as `llmguide "
                                   "installed` finds them) that match a catalog model, each at the GGUF quantization "
                                   "installed; the others are listed on stderr (no quality evidence to rank them by)."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Recommend models for a task that fit your memory, with the quantization to use and why.

    Memory sizes are in GB as memory is sold (read as GiB: 24 means a 24 GB card).
    Without --gpu, --vram or --ram, the machine it runs on is detected and planned for.
    --license, --min-speed, --max-ttft and --modality rule models out; `why-not MODEL` explains one.

    Examples: llmguide recommend --task code --vram 24 ·
    llmguide recommend --task chat --vram 8 --ram 32 --lang fr --explain ·
    llmguide recommend --gpu rtx-4090 --license permissive --min-speed 40 ·
    llmguide recommend --task code --gpu rtx-3060-12gb --ram 32 --sort speed ·
    llmguide recommend --installed
    """
    from llmguide import api

    cat = common.catalog()
    hardware = common.hardware(hardware_spec)
    scan = api.scan_installed(catalog=cat) if installed else None
    if scan is not None:
        from llmguide.cli.console import note
        from llmguide.cli.view_installed import recommend_notes

        for line in recommend_notes(scan, [q.name for q in cat.quants.quants]):
            note(line)
    result = api.recommend(task, context=context, languages=lang, license=license, min_speed=min_speed, max_ttft=max_ttft,
                           modalities=modality, top=top, sort=sort, hardware=hardware, catalog=cat, installed=scan)
    common.settle()
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import recommendation_dict

        emit_json(recommendation_dict(result))
        return
    from llmguide.cli.console import note, out
    from llmguide.cli.view_recommend import render_recommendation

    if not hardware.known:
        note("no memory was detected or given, so fit is not checked. Pass --gpu NAME, or --vram and/or --ram (GB).")
    console = out()
    console.print(render_recommendation(result, explain, console.width, common.check_runtime(runtime)), crop=False)


def register(app: typer.Typer) -> None:
    app.command("recommend")(recommend)
