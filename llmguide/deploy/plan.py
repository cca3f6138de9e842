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
from llmguide.units import MAX_CONTEXT, check_context, check_count, check_positive
from llmguide.estimate.gpu_formats import GPU_FORMATS, NATIVE, GpuFormat, active_weight_bytes
from llmguide.estimate.speed import BatchSpeed, batch_decode_speed, estimate_speed
from llmguide.estimate.vllm import GPU_MEMORY_UTILIZATION, VllmMemory, vllm_memory
from llmguide.estimate.fit import cpu_device, gpu_device
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
    size: bool = False  # find the fewest GPUs of this kind that hold the users (the count was not given)
    max_gpus: int = 64  # the most GPUs that search may plan

    def check(self) -> None:
        check_count("--users", self.users, 1 << 20)
        check_count("--nodes", self.nodes)
        check_context(self.context)
        for flag, value in (("--prompt-tokens", self.prompt_tokens), ("--output-tokens", self.output_tokens)):
            check_positive(flag, value, MAX_CONTEXT, "tokens")
        if self.prompt_tokens + self.output_tokens > self.context:
            raise UsageError(f"A {self.prompt_tokens}-token prompt and {self.output_tokens} output tokens "
                             f"do not fit a {self.context}-token context.", "Raise --context or shorten them.")
        if self.target_tps is not None:
            check_positive("--target-tps", self.target_tps, unit="tokens/s")
        check_count("--max-gpus", self.max_gpus)
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
    replicas: int = 1  # copies of the model behind a load balancer (data parallel)
    kv_cache_dtype: str = "auto"  # "fp8" where the KV cache is planned in FP8
    max_context: int | None = None  # the longest context each of the users could have on this plan (tokens)

    @property
    def gpus_total(self) -> int:
        return self.gpus_per_node * self.nodes


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


NODE_GPUS = 8  # GPUs in one server: tensor parallelism stays inside one, pipeline stages span several
# FP8 tensor cores: NVIDIA Ada (sm 8.9), Hopper, Blackwell; AMD CDNA 3 and newer (MI300 on).
_FP8 = (r"\b(rtx\s*(40|50)\d0|rtx\s*\d{4,5}\s*ada|ada\s*generation|rtx\s*pro\s*\d{4}|l4|l20|l40s?|h\d{2,3}|gh200|gb\d{2,3}|"
        r"b\d{3}|dgx\s*spark|mi3\d{2}x?|mi355x?)\b")


def fp8_capable(hw: Hardware) -> bool:
    """Whether the GPU has FP8 tensor cores, which FP8 weights and an FP8 KV cache need."""
    import re

    return bool(hw.gpu_name and re.search(_FP8, hw.gpu_name.lower()))


@dataclass(frozen=True)
class _Layout:
    name: str  # the weight format
    fmt: GpuFormat
    kv: str  # "auto" (the model's dtype) or "fp8"
    tp: int
    pp: int
    replicas: int
    mem: VllmMemory  # one replica's
    speed: BatchSpeed | None  # one replica's

    @property
    def gpus(self) -> int:
        return self.tp * self.pp * self.replicas

    @property
    def capacity(self) -> int:
        return self.mem.concurrent_sequences * self.replicas


def _gpu_plan(model: ModelRef, hw: Hardware, req: DeployRequest, backend: str, why: str) -> Plan:
    """A GPU engine's plan. With ``req.size`` the fewest GPUs of this kind (at most ``max_gpus``)
    that hold every user's context at once and reach ``target_tps``: tensor parallel inside a node,
    pipeline stages across nodes when one node cannot hold the weights, and replicas behind a load
    balancer when one copy holds the weights but not the users; among equal counts, the
    best-quality weights, then the model's own KV cache type before FP8. Otherwise the GPUs given
    (per node, times ``nodes``), with replicas on the GPUs one copy does not need."""
    if not hw.vram:
        raise UsageError(f"{backend} serves from GPUs: pass --gpu NAME (e.g. --gpu h100-sxm).")
    fp8 = fp8_capable(hw)
    formats = [(n, f) for n, f in deploy_formats(model) if n != "FP8" or fp8]
    if not formats:
        raise LLMGuideError(f"{model.id} ships only in formats {hw.gpu_name or 'this GPU'} cannot run.")
    kvs = ["auto", "fp8"] if fp8 else ["auto"]
    layouts = list(_layouts(model, hw, req, formats, kvs))
    fitting = [lay for lay in layouts if lay.capacity >= req.users and _fast(lay, req)]
    if fitting:
        def rank(lay: _Layout) -> tuple:
            quality = (formats.index((lay.name, lay.fmt)), kvs.index(lay.kv))
            # sized: the fewest GPUs, then the best weights; on the GPUs given: the best weights, then the fewest
            return (lay.gpus, *quality, lay.replicas) if req.size else (*quality, lay.gpus, lay.replicas)

        best = min(fitting, key=rank)
        return _gpu_result(model, hw, req, backend, why, best, ())
    if not layouts:
        where = f"{req.max_gpus} GPUs" if req.size else f"{hw.gpu_count} x {hw.gpu_name or 'GPU'} on {req.nodes} node(s)"
        raise LLMGuideError(f"{model.id} does not fit {where} even as {formats[-1][0]}.",
                            "Raise --max-gpus, or choose a smaller model." if req.size else
                            "Add GPUs (--gpus) or nodes (--nodes), or leave --gpus out to size the deployment.")
    best = max(layouts, key=lambda lay: (lay.capacity, lay.speed.per_user_tokens_per_s if lay.speed else 0,
                                         -formats.index((lay.name, lay.fmt))))
    warnings = []
    if best.capacity < req.users:
        warnings.append(f"memory holds {best.capacity} of the {req.users} users' {req.context}-token contexts at once; the rest "
                        + ("queue. Raise --max-gpus, or shorten --context." if req.size else
                           "queue. Add GPUs or nodes, leave --gpus out to size the deployment, or shorten --context."))
    if best.speed and req.target_tps and best.speed.per_user_tokens_per_s < req.target_tps:
        warnings.append(f"{best.speed.per_user_tokens_per_s:.0f} tok/s per user is below the {req.target_tps:g} asked; "
                        "more GPUs in tensor parallel or a smaller format would be faster.")
    return _gpu_result(model, hw, req, backend, why, best, tuple(warnings))


def _layouts(model: ModelRef, hw: Hardware, req: DeployRequest, formats, kvs):
    """Every (format, KV type, tensor parallel, pipeline stages, replicas) the GPUs allow."""
    a, vram = model.arch, hw.vram or 0
    if req.size:
        shapes = [(tp, 1, NODE_GPUS // tp) for tp in _tp_sizes(model, NODE_GPUS)]
        if NODE_GPUS in _tp_sizes(model, NODE_GPUS):
            shapes += [(NODE_GPUS, pp, 1) for pp in range(2, req.max_gpus // NODE_GPUS + 1)]
    else:
        shapes = [(tp, req.nodes, hw.gpu_count // tp) for tp in _tp_sizes(model, hw.gpu_count)]
    for name, fmt in formats:
        for kv in kvs:
            for tp, pp, room in shapes:
                mem = vllm_memory(a, fmt, vram, req.context, tensor_parallel=tp, pipeline_parallel=pp, kv_type=kv)
                if not mem.fits or mem.concurrent_sequences < 1:
                    continue
                if req.size:
                    replicas = -(-req.users // mem.concurrent_sequences)
                    if tp * pp * replicas > req.max_gpus:
                        replicas = req.max_gpus // (tp * pp)
                        if replicas < 1:
                            continue
                else:
                    replicas = max(1, min(room, -(-req.users // mem.concurrent_sequences)))
                batch = min(mem.concurrent_sequences, -(-req.users // replicas))
                speed = None
                if hw.gpu_bandwidth:
                    speed = batch_decode_speed(a, fmt.speed_label, gpu_device(hw, tp), batch, req.depth,
                                               weight_bytes=active_weight_bytes(a, fmt), tensor_parallel=tp)
                yield _Layout(name, fmt, kv, tp, pp, replicas, mem, speed)


def _fast(lay: _Layout, req: DeployRequest) -> bool:
    return lay.speed is None or req.target_tps is None or lay.speed.per_user_tokens_per_s >= req.target_tps


def _gpu_result(model, hw, req, backend, why, lay: _Layout, warnings) -> Plan:
    a = model.arch
    name, tp, mem, speed = lay.name, lay.tp, lay.mem, lay.speed
    ttft = None
    if hw.gpu_flops:
        ttft = estimate_speed(a, lay.fmt.speed_label, [(gpu_device(hw, tp), 1.0)], prompt_tokens=req.prompt_tokens).ttft_s
    shipped = f"NATIVE weights (as the developer ships them: {model.native.label})" if name == NATIVE and model.native else f"{name} weights"
    reasons = [why, f"{shipped}" + (" with an FP8 KV cache" if lay.kv == "fp8" else "")
               + f": the best-quality format whose KV pool holds the users at {req.context} tokens"
               + (f" and reaches {req.target_tps:g} tok/s each" if req.target_tps else "")
               + (" on the fewest GPUs" if req.size else "")]
    if req.size:
        reasons.append(f"{lay.gpus} x {hw.gpu_name or 'GPU'}: " + (f"{lay.replicas} replica(s) of " if lay.replicas > 1 else "")
                       + f"tensor parallel {tp}" + (f" x {lay.pp} pipeline stages (nodes)" if lay.pp > 1 else "")
                       + (f", each holding {mem.concurrent_sequences} context(s), behind a load balancer" if lay.replicas > 1 else "")
                       + f" (searched up to {req.max_gpus} GPUs; --gpus N fixes the count)")
    elif lay.replicas > 1:
        reasons.append(f"tensor parallel {tp} holds the weights; the {hw.gpu_count} GPU(s) per node run {lay.replicas} replicas (data parallel)")
    elif tp < hw.gpu_count:
        reasons.append(f"tensor parallel {tp} is enough; the other {hw.gpu_count - tp} GPU(s) per node are not needed")
    if not fp8_capable(hw) and any(n == "FP8" for n, _ in deploy_formats(model)):
        reasons.append(f"no FP8: {hw.gpu_name or 'this GPU'} has no FP8 tensor cores")
    basis = [*mem.assumptions, *(speed.basis if speed else ("speed: unknown without the GPU's bandwidth",))]
    if req.size:
        per_replica = tp * lay.pp
        if lay.pp > 1:
            nodes, per_node = lay.pp * lay.replicas, tp
        else:
            per_node_replicas = max(1, NODE_GPUS // per_replica)
            nodes = -(-lay.replicas // per_node_replicas)
            per_node = per_replica * min(lay.replicas, per_node_replicas)
    else:
        nodes, per_node = req.nodes, tp * lay.replicas
    tensor, pipeline = tp, lay.pp
    if backend == "sglang" and lay.pp > 1:  # SGLang spreads tensor parallelism over the nodes instead
        tensor, pipeline = tp * lay.pp, 1
        reasons.append(f"SGLang spreads tensor parallelism over the nodes: {tensor} GPUs in one group "
                       "(the memory per GPU is the same as with pipeline stages)")
    def holds(context: int) -> bool:
        one = vllm_memory(a, lay.fmt, hw.vram or 0, context, tensor_parallel=tp, pipeline_parallel=lay.pp, kv_type=lay.kv)
        return one.concurrent_sequences * lay.replicas >= req.users

    longest = _largest(holds, model.max_context or MAX_CONTEXT_SEARCH)
    return Plan(model, backend, tuple(reasons), name, nodes, per_node, tensor, pipeline, lay.capacity,
                speed.per_user_tokens_per_s if speed else None,
                speed.aggregate_tokens_per_s * lay.replicas if speed else None, ttft,
                int(mem.budget), mem.weights, None, warnings, tuple(basis), replicas=lay.replicas, kv_cache_dtype=lay.kv,
                max_context=longest)


MAX_CONTEXT_SEARCH = 1 << 20  # the longest context tried when the model states none
CONTEXT_STEP = 256  # contexts are answered in steps of a llama.cpp cache cell pad


def _largest(ok, limit: int) -> int | None:
    """The largest context (a multiple of CONTEXT_STEP, at most ``limit``) that ``ok`` accepts,
    ``ok`` holding for every smaller one; None when not even CONTEXT_STEP does."""
    if not ok(CONTEXT_STEP):
        return None
    lo, hi = 1, max(1, limit // CONTEXT_STEP)
    if ok(hi * CONTEXT_STEP):
        return min(limit, hi * CONTEXT_STEP)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ok(mid * CONTEXT_STEP) else (lo, mid)
    return lo * CONTEXT_STEP


def _llama_cpp_plan(model: ModelRef, hw: Hardware, req: DeployRequest, backend: str, why: str) -> Plan:
    from llmguide.estimate.ladder import QuantOption, choose_quant

    g = model.gguf
    if g is not None:  # a file is served as it is: its own type, priced from its header
        from llmguide.estimate.fit import placement_speed
        from llmguide.estimate.memory import estimate_memory
        from llmguide.estimate.placement import place

        own = estimate_memory(model.arch, g.file_type, req.context, sequences=req.users,
                              measured_weights=(g.file_bytes, g.repeating_bytes), matrices=g.matrices,
                              expert_layers=g.expert_layers or None)
        placed = place(model.arch, own, hw)
        fit: QuantOption | None = QuantOption(own, placed, placement_speed(model.arch, own.quant, hw, placed))
    else:
        fit, _ = choose_quant(model.arch, req.context, hw, sequences=req.users)
    if fit is None or fit.placement is None or not fit.placement.fits:
        even = f"as the file's {g.file_type}" if g is not None else "even at Q2_K"
        raise LLMGuideError(f"{model.id} does not fit here for {req.users} user(s) of {req.context} tokens, {even}.",
                         "Fewer users (--users), a shorter --context, more memory, or a GPU engine on bigger GPUs.")
    where, est = fit.placement, fit.estimate
    per_user = aggregate = None
    basis = list(est.assumptions)
    warnings: list[str] = []
    if where.mode in ("gpu", "cpu"):
        dev = (gpu_device(hw) if where.mode == "gpu" and hw.gpu_bandwidth
               else cpu_device(hw) if where.mode == "cpu" else None)
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
    reasons = (why, f"{est.quant}: the file's own type, served as it is" if g is not None else
               f"{est.quant}: the highest GGUF quantization that fits {req.users} cache slot(s) of {req.context} tokens")
    gpus = hw.gpu_count if where.mode in ("gpu", "split", "expert_offload") else 0

    def holds(context: int) -> bool:
        from llmguide.estimate.memory import estimate_memory
        from llmguide.estimate.placement import place

        try:
            e = estimate_memory(model.arch, est.quant, context, sequences=req.users)
        except LLMGuideError:  # a GGUF file's own type label: priced from its header, not searched
            return False
        return place(model.arch, e, hw).mode == where.mode  # still runs as planned (on the GPU stays on the GPU)

    longest = _largest(holds, model.max_context or MAX_CONTEXT_SEARCH)
    return Plan(model, backend, reasons, est.quant, 1, gpus, 1, 1, req.users, per_user, aggregate, ttft,
                est.total, est.weights, where.gpu_layers if where.mode != "cpu" else 0, tuple(warnings), tuple(basis),
                where.flags(model.arch), max_context=longest)


__all__ = ["BACKENDS", "DeployRequest", "Plan", "plan", "GPU_MEMORY_UTILIZATION"]
