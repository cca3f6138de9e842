"""``llmguide bench MODEL.gguf``: measure it here, compare with the estimate, keep the calibration."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def bench(
    model: str = typer.Argument(..., help="A .gguf file to run on this machine."),
    prompt_tokens: int = typer.Option(512, "--prompt-tokens", help="Prompt length to time (prompt processing)."),
    gen_tokens: int = typer.Option(64, "--gen-tokens", help="Tokens to generate after it (generation)."),
    threads: Optional[int] = typer.Option(None, "--threads", help="CPU threads (default: the physical cores, as llama.cpp chooses)."),
    bandwidth: Optional[float] = common.BANDWIDTH_OPTION,
    cpu_only: bool = common.CPU_ONLY_OPTION,
    save: bool = typer.Option(True, "--save/--no-save", help="Store the calibration for this machine (default) or only report."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Measure a GGUF model's speed on this machine and calibrate llmguide's estimates to it.

    Runs a short prompt-processing and generation test with llama-cpp-python, shows measured
    against estimated, and stores the ratio as this machine's calibration: later fit and recommend
    estimates on this machine use it and say so. Needs: pip install 'llmguide\\[bench]'.

    Example: llmguide bench ./Qwen3-8B-Q4_K_M.gguf
    """
    from llmguide.estimate.bench import bench as run
    from llmguide.model.modelref import model_ref

    if not model.lower().endswith(".gguf"):
        raise typer.BadParameter(f"expected a .gguf file, not '{model}'", param_hint="MODEL")
    ref = model_ref(common.catalog(), model)
    hw = common.hardware(common.HardwareSpec(bandwidth=bandwidth, cpu_only=cpu_only))
    report = run(ref, hw, prompt_tokens=prompt_tokens, gen_tokens=gen_tokens, threads=threads, store=save)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import bench_dict

        emit_json(bench_dict(report, hw))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_bench import render_bench

    out().print(render_bench(report, hw))


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)
