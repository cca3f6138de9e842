"""``llmguide fit MODEL``: will it run here, at which quantization, how fast."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common


def fit(
    model: str = typer.Argument(..., help="A catalog variant (e.g. llama-2-13b-chat), a config.json, or a model folder."),
    quant: Optional[str] = typer.Option(None, "--quant", "-q", help="Presets, comma-separated, or 'all' (default Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16; for vllm BF16,FP8,AWQ)."),
    context: int = typer.Option(4096, "--context", "-c", help="Context to allocate, in tokens."),
    kv_type: str = typer.Option("f16", "--kv-type", help="KV cache type: f16, bf16, f32, q8_0, q4_0."),
    parallel: int = typer.Option(1, "--parallel", "-np", help="Parallel sequences (each gets the full context)."),
    backend: str = typer.Option("llama.cpp", "--backend", help="Runtime to model: llama.cpp, vllm or transformers."),
    gpu: Optional[str] = common.GPU_OPTION,
    gpus: Optional[int] = common.GPUS_OPTION,
    vram: Optional[float] = common.VRAM_OPTION,
    ram: Optional[float] = common.RAM_OPTION,
    bandwidth: Optional[float] = common.BANDWIDTH_OPTION,
    cpu_bandwidth: Optional[float] = common.CPU_BANDWIDTH_OPTION,
    cpu_only: bool = common.CPU_ONLY_OPTION,
    headroom: Optional[str] = common.HEADROOM_OPTION,
    prompt_tokens: int = typer.Option(512, "--prompt-tokens", help="Prompt length for the time to first token."),
    flash_attn: str = typer.Option("on", "--flash-attn", "-fa", help="llama.cpp flash attention: on (its default) or off (the compute buffer then grows with the context)."),
    mmap: bool = typer.Option(True, "--mmap/--no-mmap", help="llama.cpp maps the file (default) or reads it into memory; with mmap, weights the CPU repacks stay resident twice."),
    depth: int = typer.Option(0, "--depth", help="Tokens already in the context when the generation speed is taken (long chats generate slower)."),
    gpu_layers: Optional[int] = typer.Option(None, "--n-gpu-layers", "--gpu-layers", "-ngl", help="llama.cpp's -ngl: price this many layers on the GPU instead of choosing (99: all)."),
    n_cpu_moe: Optional[int] = typer.Option(None, "--n-cpu-moe", "-ncmoe", help="llama.cpp's --n-cpu-moe: keep the routed experts of the first N layers in RAM (MoE models)."),
    cpu_moe: bool = typer.Option(False, "--cpu-moe", "-cmoe", help="llama.cpp's --cpu-moe: keep every layer's routed experts in RAM."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Show the memory a model needs (weights, KV cache, buffers), where it fits, and its speed.

    Examples: llmguide fit llama-2-13b-chat --gpu 4090 · llmguide fit mixtral-8x7b-instruct --gpu 4090 --ram 64
    · llmguide fit gpt-oss-120b --gpu 4090 --ram 64 -ngl 99 --n-cpu-moe 30 · llmguide fit ./my-model/config.json --vram 24 --quant all
    """
    from llmguide.estimate.fit import fit as run
    from llmguide.estimate.fit import parse_quants
    from llmguide.model.modelref import model_ref

    from llmguide.estimate.runtime import LlamaCppRun

    if flash_attn.lower() not in ("on", "off"):
        raise typer.BadParameter(f"use on or off, not '{flash_attn}'", param_hint="--flash-attn")
    run_opts = LlamaCppRun(flash_attention=flash_attn.lower() == "on", mmap=mmap)
    cat = common.catalog()
    ref = model_ref(cat, model)
    hw = common.hardware(common.HardwareSpec(gpu=gpu, gpus=gpus, vram=vram, ram=ram, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, cpu_only=cpu_only, headroom=headroom))
    if n_cpu_moe is not None and cpu_moe:
        raise typer.BadParameter("give --n-cpu-moe N or --cpu-moe, not both", param_hint="--cpu-moe")
    if n_cpu_moe is not None and n_cpu_moe < 0:
        raise typer.BadParameter(f"must be 0 or more, not {n_cpu_moe}", param_hint="--n-cpu-moe")
    if (gpu_layers is not None or n_cpu_moe is not None or cpu_moe) and backend != "llama.cpp":
        raise typer.BadParameter("llama.cpp placement flags need --backend llama.cpp", param_hint="-ngl")
    cpu_moe_layers = ref.arch.layers if cpu_moe else n_cpu_moe
    default = "BF16,FP8,AWQ" if backend in ("vllm", "transformers") else "Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16"
    quants = parse_quants(quant or default, backend)
    results = run(ref, hw, quants, context, kv_type=kv_type, parallel=parallel, backend=backend, prompt_tokens=prompt_tokens,
                  run=run_opts, depth=depth, gpu_layers=gpu_layers, cpu_moe_layers=cpu_moe_layers)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import fit_dict

        emit_json(fit_dict(ref, hw, results))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_fit import render_fit

    console = out()
    console.print(render_fit(ref, hw, results, console.width))


def register(app: typer.Typer) -> None:
    app.command("fit")(fit)
