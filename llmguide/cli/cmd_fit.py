"""``llmguide fit MODEL``: will it run here, at which quantization, how fast."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common
from llmguide.hardware.spec import HardwareSpec


@common.hardware_options()
def fit(
    model: str = typer.Argument(..., help="A catalog variant (e.g. llama-2-13b-chat), a config.json, a model folder, a .gguf, or a Hugging Face repository: hf:ORG/NAME, hf:ORG/NAME-GGUF:Q4_K_M."),
    quant: Optional[str] = typer.Option(None, "--quant", "-q", help="Presets, comma-separated, or 'all' (default Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16; for vllm BF16,FP8,AWQ)."),
    context: int = typer.Option(4096, "--context", "-c", click_type=common.TOKENS, help="Context to allocate, in tokens."),
    kv_type: str = typer.Option("f16", "--kv-type", help="KV cache type: f16, bf16, f32, q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl (llama.cpp -ctk/-ctv); fp8 with --backend vllm."),
    parallel: int = typer.Option(1, "--parallel", "-np", help="Parallel sequences (each gets the full context)."),
    backend: str = typer.Option("llama.cpp", "--backend", help="Runtime to model: llama.cpp, vllm or transformers."),
    hardware_spec: HardwareSpec | None = None,
    prompt_tokens: int = typer.Option(512, "--prompt-tokens", help="Prompt length for the time to first token."),
    flash_attn: str = typer.Option("on", "--flash-attn", "-fa", help="llama.cpp flash attention: on (its default) or off (the compute buffer then grows with the context)."),
    mmap: bool = typer.Option(True, "--mmap/--no-mmap", help="llama.cpp maps the file (default) or reads it into memory; with mmap, weights the CPU repacks stay resident twice."),
    depth: int = typer.Option(0, "--depth", help="Tokens already in the context when the generation speed is taken (long chats generate slower)."),
    gpu_layers: Optional[int] = typer.Option(None, "--n-gpu-layers", "--gpu-layers", "-ngl", help="llama.cpp's -ngl: price this many layers on the GPU instead of choosing (99: all)."),
    n_cpu_moe: Optional[int] = typer.Option(None, "--n-cpu-moe", "-ncmoe", help="llama.cpp's --n-cpu-moe: keep the routed experts of the first N layers in RAM (MoE models)."),
    cpu_moe: bool = typer.Option(False, "--cpu-moe", "-cmoe", help="llama.cpp's --cpu-moe: keep every layer's routed experts in RAM."),
    runtime: str = common.RUNTIME_OPTION,
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Show the memory a model needs (weights, KV cache, buffers), where it fits, and its speed.

    Examples: llmguide fit llama-2-13b-chat --gpu 4090 · llmguide fit mixtral-8x7b-instruct --gpu 4090 --ram 64
    · llmguide fit gpt-oss-120b --gpu 4090 --ram 64 -ngl 99 --n-cpu-moe 30 · llmguide fit ./my-model/config.json --vram 24 --quant all
    """
    from llmguide import api
    from llmguide.cli.console import note
    from llmguide.model.modelref import family_variants

    if flash_attn.lower() not in ("on", "off"):
        raise typer.BadParameter(f"use on or off, not '{flash_attn}'", param_hint="--flash-attn")
    cat = common.catalog()
    hw = common.hardware(hardware_spec)
    options = dict(quants=quant, context=context, kv_type=kv_type, parallel=parallel, backend=backend,
                   prompt_tokens=prompt_tokens, flash_attention=flash_attn.lower() == "on", mmap=mmap, depth=depth,
                   gpu_layers=gpu_layers, cpu_moe_layers=n_cpu_moe, cpu_moe=cpu_moe)
    if family_variants(cat, model) is not None:  # a family of several variants: one row each
        family = api.fit_family(model, hardware=hw, catalog=cat, **options)
        if as_json:
            from llmguide.cli.console import emit_json
            from llmguide.cli.serialize import family_fit_dict

            emit_json(family_fit_dict(family))
            return
        from llmguide.cli.console import out
        from llmguide.cli.view_fit import render_family_fit

        out().print(render_family_fit(family, out().width))
        return
    report = api.fit(model, hardware=hw, catalog=cat, **options)  # type: ignore[arg-type]
    ref, results = report.model, list(report.estimates)
    if ref.note:
        note(ref.note)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import fit_dict

        emit_json(fit_dict(ref, hw, results))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_fit import render_fit

    console = out()
    console.print(render_fit(ref, hw, results, console.width, common.check_runtime(runtime)), crop=False)


def register(app: typer.Typer) -> None:
    app.command("fit")(fit)
