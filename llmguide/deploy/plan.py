"""``plan``: how to serve a model to N users on given hardware, from the shared estimator.

The backend follows the load and the hardware: a GPU serving engine (vLLM, or SGLang when asked)
for several users on NVIDIA or AMD GPUs, llama.cpp (or Ollama when asked) for one or two users,
for CPUs and for Apple silicon. For a GPU engine the plan walks the weight formats from best
quality (BF16, FP8, AWQ) and the tensor-parallel sizes from smallest, and takes the first whose KV
pool holds every user's context at once (and reaches ``target_tps`` per user when asked); the
memory figures are vLLM's model (``estimate.vllm``), the speeds a batched decoding step
(``estimate.speed.batch_decode_speed``). For llama.cpp it is ``fit``'s quantization search with one
cache slot per user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmguide.errors import LLMGuideError, UsageError
from llmguide.estimate.gpu_formats import GPU_FORMATS, NATIVE, GpuFormat, active_weight_bytes
from llmguide.estimate.speed import SpeedDevice, batch_decode_speed, estimate_speed
from llmguide.estimate.vllm import GPU_MEMORY_UTILIZATION, vllm_memory
from llmguide.estimate.fit import gpu_device
from llmguide.hardware.profile import Hardware
from llmguide.model.modelref import ModelRef

BACKENDS = ("auto", "vllm", "sglang", "llama.cpp", "ollama")
GPU_ENGINES = ("vllm", "sglang")
FORMATS = ("BF16", "FP8", "AWQ")  # best quality first


def deploy_formats(model: ModelRef) -> list[tuple[str, GpuFormat]]:
    """The formats to try, best quality first: a low-bit release as shipped (and only smaller
    formats beside it); otherwise BF16, FP8 (vLLM quantizes on load when no FP8 copy is published)
    and AWQ only where an AWQ upload is known (a catalog model without one gets none)."""
    out: list[tuple[str, GpuFormat]] = []
    if model.native is not None:
        out.append((NATIVE, model.native))
    for name in FORMATS:
        fmt = GPU_FORMATS[name]
        if model.native is not None and fmt.bits >= model.native.bits - 0.5:
            continue
        if name == "AWQ" and model.source == "catalog" and model.upload("awq") is None:
            continue
        out.append((name, fmt))
    return out
FEW_USERS = 2  # up to this many users, llama.cpp is the simpler server


@dataclass(frozen=True)
class DeployRequest:
    users: int = 1
    context: int = 4096
    prompt_tokens: int = 1024
    output_tokens: int = 256
    target_tps: float | None = None
    backend: str = "auto"
    nodes: int = 1

    def check(self) -> None:
        if self.users < 1:
            raise UsageError(f"--users must be at least 1, not {self.users}.")
        if self.nodes < 1:
            raise UsageError(f"--nodes must be at least 1, not {self.nodes}.")
        if self.context < 1 or self.prompt_tokens < 1 or self.output_tokens < 1:
            raise UsageError("--context, --prompt-tokens and --output-tokens must be positive.")
        if self.prompt_tokens + self.output_tokens > self.context:
            raise UsageError(f"A {self.prompt_tokens}-token prompt and {self.output_tokens} output tokens "
                             f"do not fit a {self.context}-token context.", "Raise --context or shorten them.")
        if self.target_tps is not None and self.target_tps <= 0:
            raise UsageError(f"--target-tps must be a positive number, not {self.target_tps:g}.")
        if self.backend not in BACKENDS:
            raise UsageError(f"Unknown backend '{self.backend}'.", f"Use one of: {', '.join(BACKENDS)}.")

    @property
    def depth(self) -> int:
        """Mean context depth while answering: the prompt and half the answer."""
        return self.prompt_tokens + self.output_tokens // 2


@dataclass(frozen=True)
class Plan:
    model: ModelRef
    backend: str
    why: tuple[str, ...]
    quant: str
    nodes: int
    gpus_per_node: int  # GPUs the plan uses on each node (0: CPU)
    tensor_parallel: int
    pipeline_parallel: int
    concurrent_sequences: int  # of --context tokens, held in memory at once
    per_user_tokens_per_s: float | None
    aggregate_tokens_per_s: float | None
    ttft_s: float | None  # one request on an idle server
    memory_per_gpu: int | None  # bytes: weights + KV pool + activations (GPU engines), or the fit's total
    weights_per_gpu: int | None
    gpu_layers: int | None  # llama.cpp's -ngl
    warnings: tuple[str, ...] = ()
    basis: tuple[str, ...] = field(default=())
    llama_flags: str | None = None  # the placement's llama.cpp options (-ngl 99 --n-cpu-moe N)


def choose_backend(req: DeployRequest, hw: Hardware, gguf: bool = False) -> tuple[str, str]:
    if req.backend != "auto":
        return req.backend, f"--backend {req.backend} as asked"
    if gguf:
        return "llama.cpp", "a GGUF file: llama.cpp serves it as it is (GPU engines serve the original checkpoint)"
    if not hw.vram and not hw.unified:
        return "llama.cpp", "no GPU: llama.cpp runs on the CPU (GPU serving engines need NVIDIA or AMD GPUs)"
    if hw.unified or hw.gpu_family == "apple":
        return "llama.cpp", "unified memory (Apple silicon and similar): llama.cpp runs there natively"
    if req.users <= FEW_USERS and req.nodes == 1:
        return "llama.cpp", f"{req.users} user(s): llama.cpp serves a few at once, from GGUF files that fit more"
    return "vllm", (f"{req.users} users on GPUs: vLLM batches requests continuously and pages the KV cache "
                    "(SGLang is the alternative, --backend sglang)")


def plan(model: ModelRef, hw: Hardware, req: DeployRequest) -> Plan:
    req.check()
    if not hw.known:
        raise UsageError("deploy needs the hardware: pass --gpu NAME [--gpus N], or --vram/--ram, or run it on the machine.")
    backend, why = choose_backend(req, hw, model.gguf is not None)
    if backend in GPU_ENGINES and model.gguf is not None:
        raise UsageError(f"{backend} serves Hugging Face checkpoints, not a .gguf file.",
                         "Name the catalog model or its folder, or use --backend llama.cpp or ollama.")
    if backend in GPU_ENGINES:
        if not hw.vram or hw.unified:
            raise UsageError(f"{backend} serves from NVIDIA or AMD GPUs: pass --gpu NAME (e.g. --gpu h100-sxm).",
                             "For a Mac or a CPU, use --backend llama.cpp or ollama.")
        return _gpu_plan(model, hw, req, backend, why)
    if req.nodes > 1:
        raise UsageError(f"{backend} serves from one machine: --nodes needs --backend vllm or sglang.")
    return _llama_cpp_plan(model, hw, req, backend, why)


def _tp_sizes(model: ModelRef, gpus: int) -> list[int]:
    """Tensor-parallel sizes the engines accept: powers of two up to the GPUs that divide the heads."""
    heads = model.arch.attention_heads
    return [t for t in (1, 2, 4, 8, 16) if t <= gpus and heads % t == 0]


def _gpu_plan(model: ModelRef, hw: Hardware, req: DeployRequest, backend: str, why: str) -> Plan:
    a, pp = model.arch, req.nodes
    if not hw.vram:
        raise UsageError(f"{backend} serves from GPUs: pass --gpu NAME (e.g. --gpu h100-sxm).")
    options = []
    formats = deploy_formats(model)
    for name, fmt in formats:
        for tp in _tp_sizes(model, hw.gpu_count):
            mem = vllm_memory(a, fmt, hw.vram, req.context, tensor_parallel=tp, pipeline_parallel=pp)
            if not mem.fits:
                continue
            batch = min(req.users, mem.concurrent_sequences)
            speed = None
            if hw.gpu_bandwidth:
                dev = gpu_device(hw, tp)
                speed = batch_decode_speed(a, fmt.speed_label, dev, batch, req.depth, weight_bytes=active_weight_bytes(a, fmt), tensor_parallel=tp)
            options.append((name, tp, mem, speed))
            fast = speed is None or req.target_tps is None or speed.per_user_tokens_per_s >= req.target_tps
            if mem.concurrent_sequences >= req.users and fast:
                return _gpu_result(model, hw, req, backend, why, name, tp, mem, speed, ())
    if not options:
        raise LLMGuideError(f"{model.id} does not fit {hw.gpu_count} x {hw.gpu_name or 'GPU'} on {pp} node(s) even as {formats[-1][0]}.",
                         "Add GPUs (--gpus) or nodes (--nodes), or choose a smaller model.")
    name, tp, mem, speed = max(options, key=lambda o: (o[2].concurrent_sequences, o[3].per_user_tokens_per_s if o[3] else 0))
    warnings = []
    if mem.concurrent_sequences < req.users:
        warnings.append(f"memory holds {mem.concurrent_sequences} of the {req.users} users' {req.context}-token contexts "
                        "at once; the rest queue. Add GPUs or nodes, or shorten --context.")
    if speed and req.target_tps and speed.per_user_tokens_per_s < req.target_tps:
        warnings.append(f"{speed.per_user_tokens_per_s:.0f} tok/s per user is below the {req.target_tps:g} asked; "
                        "more GPUs in tensor parallel or a smaller format would be faster.")
    return _gpu_result(model, hw, req, backend, why, name, tp, mem, speed, tuple(warnings))


def _gpu_result(model, hw, req, backend, why, name, tp, mem, speed, warnings) -> Plan:
    a = model.arch
    ttft = None
    if hw.gpu_flops:
        dev = gpu_device(hw, tp)
        fmt = model.gpu_format(name)
        ttft = estimate_speed(a, fmt.speed_label, [(dev, 1.0)], prompt_tokens=req.prompt_tokens).ttft_s
    shipped = f"NATIVE weights (as the developer ships them: {model.native.label})" if name == NATIVE and model.native else f"{name} weights"
    reasons = [why, f"{shipped}: the best-quality format whose KV pool holds the users at {req.context} tokens"
               + (f" and reaches {req.target_tps:g} tok/s each" if req.target_tps else "")]
    if tp < hw.gpu_count:
        reasons.append(f"tensor parallel {tp} is enough; the other {hw.gpu_count - tp} GPU(s) per node can serve "
                       "replicas behind a load balancer")
    basis = [*mem.assumptions, *(speed.basis if speed else ("speed: unknown without the GPU's bandwidth",))]
    tensor, pipeline = tp, req.nodes
    if backend == "sglang" and req.nodes > 1:  # SGLang spans nodes with tensor parallelism instead
        tensor, pipeline = tp * req.nodes, 1
        reasons.append(f"SGLang spreads tensor parallelism over the nodes: {tensor} GPUs in one group "
                       "(the memory per GPU is the same as with pipeline stages)")
    return Plan(model, backend, tuple(reasons), name, req.nodes, tp, tensor, pipeline, mem.concurrent_sequences,
                speed.per_user_tokens_per_s if speed else None, speed.aggregate_tokens_per_s if speed else None, ttft,
                int(mem.budget), mem.weights, None, warnings, tuple(basis))


def _llama_cpp_plan(model: ModelRef, hw: Hardware, req: DeployRequest, backend: str, why: str) -> Plan:
    from llmguide.estimate.ladder import choose_quant

    fit, smallest = choose_quant(model.arch, req.context, hw, sequences=req.users)
    if fit is None or fit.placement is None or not fit.placement.fits:
        raise LLMGuideError(f"{model.id} does not fit here for {req.users} user(s) of {req.context} tokens, even at Q2_K.",
                         "Fewer users (--users), a shorter --context, more memory, or a GPU engine on bigger GPUs.")
    where, est = fit.placement, fit.estimate
    per_user = aggregate = None
    basis = list(est.assumptions)
    warnings: list[str] = []
    if where.mode in ("gpu", "cpu"):
        dev = (gpu_device(hw) if where.mode == "gpu" and hw.gpu_bandwidth
               else SpeedDevice("cpu", hw.cpu_bandwidth_or_default, hw.cpu_flops_or_default) if where.mode == "cpu" else None)
        if dev is not None:
            s = batch_decode_speed(model.arch, est.quant, dev, req.users, req.depth)
            per_user, aggregate = s.per_user_tokens_per_s, s.aggregate_tokens_per_s
            basis += s.basis
    elif fit.speed is not None:  # split or experts in RAM: the users share one GPU+CPU pipeline
        per_user, aggregate = fit.speed.decode_tokens_per_s / req.users, fit.speed.decode_tokens_per_s
        basis.append(("routed experts in RAM" if where.mode == "expert_offload" else "split between GPU and CPU")
                     + ": the users share one model's speed")
    if req.users > 4 and where.mode != "gpu":
        warnings.append(f"{req.users} users on {'the CPU' if where.mode == 'cpu' else 'a GPU+CPU split'} will each see a slow answer; "
                        "a GPU serving engine scales further.")
    if req.target_tps and per_user is not None and per_user < req.target_tps:
        warnings.append(f"{per_user:.1f} tok/s per user is below the {req.target_tps:g} asked.")
    from llmguide.estimate.fit import placement_speed

    single = placement_speed(model.arch, est.quant, hw, where, prompt_tokens=req.prompt_tokens)
    ttft = single.ttft_s if single else None
    reasons = (why, f"{est.quant}: the highest GGUF quantization that fits {req.users} cache slot(s) of {req.context} tokens")
    gpus = hw.gpu_count if where.mode in ("gpu", "split", "expert_offload") else 0
    return Plan(model, backend, reasons, est.quant, 1, gpus, 1, 1, req.users, per_user, aggregate, ttft,
                est.total, est.weights, where.gpu_layers if where.mode != "cpu" else 0, tuple(warnings), tuple(basis),
                where.flags(model.arch))


__all__ = ["BACKENDS", "DeployRequest", "Plan", "plan", "GPU_MEMORY_UTILIZATION"]
