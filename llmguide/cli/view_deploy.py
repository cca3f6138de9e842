"""Rich renderable for ``deploy``: the plan, its numbers, the commands and the checklist."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from llmguide.cli.fmt import gib, tokens


def _tps(x: float) -> str:
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def _continued(line: str, width: int) -> list[str]:
    """A shell command broken at spaces with backslash continuations, so it pastes as one."""
    words, out, cur = line.split(" "), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width - 2:
            out.append(cur + " \\")
            cur = "    " + w
        else:
            cur = f"{cur} {w}" if cur else w
    return [*out, cur]


def render_deploy(p, req, hw, steps, items, width: int = 100, kubernetes: str | None = None) -> Group:
    head = Text()
    head.append(p.model.id, style="bold").append(f" for {req.users} user(s), {tokens(req.context)} context each\n")
    head.append("Hardware: ", style="bold").append(hw.describe() + (f" ({hw.source})" if hw.known else ""))
    if req.size and p.backend in ("vllm", "sglang"):
        head.append(f"; sized to {p.gpus_total} GPU(s)", style="bold")
    elif p.nodes > 1:
        head.append(f" x {p.nodes} nodes")
    plan = Text()
    plan.append("Backend: ", style="bold").append(p.backend + "\n")
    for why in p.why:
        plan.append(f"  · {why}\n", style="dim")
    plan.append("Weights: ", style="bold").append(p.quant)
    if p.gpus_per_node:
        plan.append("   GPUs: ", style="bold").append(f"{p.gpus_per_node} per node x {p.nodes} node(s)")
        if p.backend in ("vllm", "sglang"):
            replicas = f" x {p.replicas} replicas" if p.replicas > 1 else ""
            plan.append(f" (tensor parallel {p.tensor_parallel}{replicas}, pipeline parallel {p.pipeline_parallel})")
            if p.kv_cache_dtype == "fp8":
                plan.append("   KV cache: FP8")
    if p.gpu_layers is not None and p.backend in ("llama.cpp", "ollama"):
        plan.append(f"   {p.llama_flags or f'-ngl {p.gpu_layers}'}")
    plan.append("\nCapacity: ", style="bold").append(f"{p.concurrent_sequences} context(s) of {tokens(req.context)} in memory at once")
    if p.memory_per_gpu and p.weights_per_gpu and p.backend in ("vllm", "sglang"):
        plan.append(f" (per GPU: {gib(p.weights_per_gpu)} weights within a {gib(p.memory_per_gpu)} budget)")
    if p.max_context:
        plan.append("\nRoom: ", style="bold").append(
            f"up to {p.concurrent_sequences} user(s) of {tokens(req.context)} at once, or {req.users} user(s) of up to "
            + (f"{tokens(p.max_context)} ({p.max_context} tokens) each" if tokens(p.max_context) != str(p.max_context)
               else f"{p.max_context} tokens each"))
    plan.append("\nSpeed: ", style="bold")
    if p.per_user_tokens_per_s:
        plan.append(f"{_tps(p.per_user_tokens_per_s)} tok/s per user, {_tps(p.aggregate_tokens_per_s)} tok/s in total")
    else:
        plan.append("unknown (pass --gpu NAME or --bandwidth GB/s)")
    if p.ttft_s is not None:
        plan.append(f"; first token after {p.ttft_s:.2f} s for a {req.prompt_tokens}-token prompt on an idle server")
    parts = [head, Text(""), plan]
    if p.warnings:
        parts.append(Text("\n".join(f"! {w}" for w in p.warnings), style="yellow"))
    parts.append(Text("\nCommands", style="bold"))
    for step in steps:
        parts.append(Text(f"  # {step.title}", style="dim"))
        for line in step.lines:
            for piece in _continued(line, width - 4):
                parts.append(Text(f"  {piece}", style="cyan", no_wrap=True, overflow="ignore"))
    parts.append(Text(""))
    if kubernetes:
        parts.append(Text("\nKubernetes (instead of the commands above: kubectl apply -f this; needs a PersistentVolumeClaim "
                          "named model-cache" + (" and the LeaderWorkerSet controller" if "LeaderWorkerSet" in kubernetes else "")
                          + ")", style="bold"))
        parts.append(Text(kubernetes.rstrip(), style="dim"))
    check = Text("Production checklist\n", style="bold")
    for item in items:
        check.append(f"  - {item}\n")
    parts.append(check)
    return Group(*parts)
