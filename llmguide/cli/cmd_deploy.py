"""``llmguide deploy MODEL``: a serving plan on real engines, with its launch commands."""

from __future__ import annotations

from typing import Optional

import typer

from llmguide.cli import common
from llmguide.hardware.spec import HardwareSpec


GPUS_PER_NODE = typer.Option(None, "--gpus", help="GPUs per node.", rich_help_panel=common.HARDWARE_PANEL)


@common.hardware_options(headroom=False, gpus_option=GPUS_PER_NODE)
def deploy(
    model: str = typer.Argument(..., help="A catalog variant (e.g. llama-3.1-8b-instruct), a config.json, a model folder, a .gguf, or hf:ORG/NAME (hf:ORG/NAME-GGUF:Q4_K_M)."),
    users: int = typer.Option(1, "--users", help="Users served at once (concurrent requests)."),
    context: int = typer.Option(4096, "--context", "-c", click_type=common.TOKENS, help="Context each user may fill, in tokens."),
    prompt_tokens: int = typer.Option(1024, "--prompt-tokens", help="A typical prompt, in tokens (for time to first token and speed)."),
    output_tokens: int = typer.Option(256, "--output-tokens", help="A typical answer, in tokens."),
    target_tps: Optional[float] = typer.Option(None, "--target-tps", help="Generation speed each user should see, tokens per second."),
    hardware_spec: HardwareSpec | None = None,
    nodes: int = typer.Option(1, "--nodes", help="Machines (nodes); more than one needs vLLM or SGLang. With --gpus, fixes the deployment's size."),
    max_users: bool = typer.Option(False, "--max-users", help="Print only how many users of --context fit at once on the plan."),
    max_context: bool = typer.Option(False, "--max-context", help="Print only the longest context (tokens) each of --users gets on the plan."),
    max_gpus: int = typer.Option(64, "--max-gpus", help="Without --gpus or --nodes, vLLM and SGLang plans find the fewest GPUs that hold the users, up to this many."),
    backend: str = typer.Option("auto", "--backend", help="auto, vllm, sglang, llama.cpp or ollama."),
    as_json: bool = common.JSON_OPTION,
) -> None:
    """Plan serving a model to many users on vLLM, SGLang, llama.cpp or Ollama, with the commands.

    The plan: the backend and why, the weight format, GPUs and nodes with tensor and pipeline
    parallel sizes, how many users' contexts fit at once, per-user and total tokens/s, time to
    first token, the exact launch commands, and the production checklist.

    Examples: llmguide deploy llama-3.1-8b-instruct --users 32 --gpu h100-sxm · llmguide deploy
    llama-3.3-70b-instruct --users 64 --gpu h100-sxm --gpus 8 · llmguide deploy qwen3-8b --gpu "M2 Max 38-core" --ram 64
    """
    from llmguide import api

    cat = common.catalog()
    hw = common.hardware(hardware_spec)
    size = hardware_spec is not None and hardware_spec.gpus is None and nodes == 1 and hw.gpu_count == 1
    d = api.plan_deployment(model, users=users, context=context, prompt_tokens=prompt_tokens, output_tokens=output_tokens,
                            target_tps=target_tps, backend=backend, nodes=nodes, max_gpus=max_gpus, size=size,
                            hardware=hw, catalog=cat)
    p, req, steps, items = d.plan, d.request, d.steps, d.checklist
    if (max_users or max_context) and not as_json:  # a capacity question: one number per line, for scripts
        from llmguide.cli.console import out

        if max_users:
            out().print(str(p.concurrent_sequences))
        if max_context:
            out().print(str(p.max_context or 0))
        return
    if p.model.note:
        from llmguide.cli.console import note

        note(p.model.note)
    if as_json:
        from llmguide.cli.console import emit_json
        from llmguide.cli.serialize import deploy_dict

        emit_json(deploy_dict(p, req, hw, steps, items, d.kubernetes))
        return
    from llmguide.cli.console import out
    from llmguide.cli.view_deploy import render_deploy

    console = out()
    console.print(render_deploy(p, req, hw, steps, items, console.width, d.kubernetes))


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)
