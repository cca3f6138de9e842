"""``fit``: memory, placement and speed of one model on one machine, per quantization.

This is the estimator's full answer, and the one ``recommend`` and ``show`` draw from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmguide.units import MAX_CONTEXT, check_context, check_count, check_positive, fmt_gib
from llmguide.errors import UsageError
from llmguide.estimate.kv_cache import KV_TYPE_BYTES, LLAMA_CPP_KV_TYPES
from llmguide.estimate.memory import DEFAULT_RUN, MemoryEstimate, estimate_memory, mmproj_bytes
from llmguide.estimate.runtime import LlamaCppRun
from llmguide.estimate.placement import Placement, cpu_moe_flag, place, place_as
from llmguide.estimate.gpu_formats import GPU_FORMATS, NATIVE, GpuFormat, active_weight_bytes
from llmguide.estimate.speed import (
    Speed, SpeedDevice, cpu_expert_seconds, cuda_graphs, decode_seconds, estimate_offload_speed, estimate_speed, ram_weights_prefill,
    speed_class,
)
from llmguide.estimate.vllm import VllmMemory, vllm_memory
from llmguide.estimate.weights import gguf_file_bytes, known_preset
from llmguide.hardware.profile import CPU_BANDWIDTH_ASSUMPTION, Hardware
from llmguide.model.architecture import need
from llmguide.catalog.schema import Family

if TYPE_CHECKING:  # (an annotation only: the readers it imports cost every command that ranks)
    from llmguide.model.modelref import ModelRef

COMMON_QUANTS = ("Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")
ALL_QUANTS = ("Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "IQ4_XS", "Q4_0", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16")
BACKENDS = ("llama.cpp", "vllm", "transformers")
VLLM_DEFAULT_FORMATS = ("BF16", "FP8", "AWQ")
SAFETENSORS_LABEL = "safetensors"  # the model folder's own weights, as they are
TIGHT_SHARE = 0.10  # less spare memory than this share of the budget counts as a tight fit
ASSUMED_ISA = "avx2"  # the CPU's instruction set when it was not detected: any x86 desktop since 2013


@dataclass(frozen=True)
class FitEstimate:
    quant: str
    context: int
    backend: str
    file_bytes: int
    memory: MemoryEstimate
    placement: Placement | None
    speed: Speed | None
    fit_level: str  # comfortable | tight | offload | cpu | none | unchecked
    basis: tuple[str, ...]
    vllm: VllmMemory | None = None  # the vLLM budget, when that backend was asked for
    sequences: int = 1  # parallel sequences (llama-server -np), each with the whole context
    server_flags: str = ""  # llama-server switches this estimate assumed beyond placement (-ctk, -fa off, --no-mmap)

    @property
    def fits(self) -> bool | None:
        return None if self.placement is None else self.placement.fits


def parse_quants(text: str, backend: str = "llama.cpp") -> tuple[str, ...]:
    if text.strip().lower() == "all":
        return (NATIVE, *GPU_FORMATS) if backend in ("vllm", "transformers") else ALL_QUANTS
    quants = tuple(dict.fromkeys(q.strip().upper() for q in text.split(",") if q.strip()))
    known = (lambda q: q in GPU_FORMATS or q == NATIVE) if backend in ("vllm", "transformers") else known_preset
    unknown = [q for q in quants if not known(q)]
    if unknown or not quants:
        hint = (f"{backend} formats: {', '.join(GPU_FORMATS)}, and NATIVE (a low-bit release as shipped)." if backend in ("vllm", "transformers")
                else f"Known: {', '.join(ALL_QUANTS)}, and bartowski's _L/_XL, the IQ types, MXFP4_MOE.")
        raise UsageError(f"Unknown quantization '{unknown[0] if unknown else text}'.", hint)
    return quants


def fit(
    model: ModelRef,
    hw: Hardware,
    quants: tuple[str, ...] = COMMON_QUANTS,
    context: int = 4096,
    *,
    kv_type: str = "f16",
    parallel: int = 1,
    backend: str = "llama.cpp",
    prompt_tokens: int = 512,
    run: LlamaCppRun = DEFAULT_RUN,
    depth: int = 0,
    calibrated: bool = True,
    gpu_layers: int | None = None,
    cpu_moe_layers: int | None = None,
) -> list[FitEstimate]:
    """Every requested quantization of ``model`` on ``hw``. ``run`` holds llama.cpp's switches
    (flash attention, mmap); ``depth`` is the context already filled when the speed is taken;
    ``calibrated`` applies a stored ``llmguide bench`` calibration for this machine. ``gpu_layers``
    and ``cpu_moe_layers`` (llama.cpp's -ngl and --n-cpu-moe) price that placement instead of
    choosing one."""
    check_context(context)
    check_count("--parallel", parallel)
    kv_type = kv_type.lower()
    if backend == "llama.cpp" and kv_type in KV_TYPE_BYTES and kv_type not in LLAMA_CPP_KV_TYPES:
        raise UsageError(f"llama.cpp has no {kv_type} KV cache.", f"Use one of: {', '.join(LLAMA_CPP_KV_TYPES)}; or --backend vllm.")
    if kv_type != "f16" and not run.flash_attention and backend == "llama.cpp":
        raise UsageError(f"llama.cpp quantizes the V cache only with flash attention: --kv-type {kv_type} needs --flash-attn on.",
                         "Drop --flash-attn off, or keep --kv-type f16.")
    if not 0 <= depth <= context:
        raise UsageError(f"--depth must be between 0 and the context ({context}), not {depth}.")
    if backend not in BACKENDS:
        raise UsageError(f"Backend '{backend}' is not modelled yet.", f"Available: {', '.join(BACKENDS)}.")
    if backend == "vllm":
        return _fit_vllm(model, hw, quants, context, kv_type, parallel, prompt_tokens)
    if backend == "transformers":
        return _fit_transformers(model, hw, quants, context, parallel, prompt_tokens)
    if model.safetensors and SAFETENSORS_LABEL not in quants:
        quants = (SAFETENSORS_LABEL, *quants)
    if kv_type not in KV_TYPE_BYTES:
        raise UsageError(f"Unknown KV cache type '{kv_type}'.", f"Use one of: {', '.join(KV_TYPE_BYTES)}.")
    check_positive("--prompt-tokens", prompt_tokens, MAX_CONTEXT, "tokens")
    context_notes = _context_check(model, context)
    server_flags = _server_flags(kv_type, parallel, run, yarn_flags(model.context_facts, context))  # the same at every quantization
    out = []
    g = model.gguf
    if g is not None:  # the file's own tensors, exactly: one "quantization", the file's
        quants = (g.file_type,)
    for quant in quants:
        measured = (g.file_bytes, g.repeating_bytes) if g else None
        if model.safetensors and quant == SAFETENSORS_LABEL:
            st = model.safetensors
            measured = (st.tensor_bytes, st.layer_bytes)
        est = estimate_memory(model.arch, quant, context, kv_type=kv_type, sequences=parallel, run=run,
                              cpu_isa=hw.cpu_isa or ASSUMED_ISA, prompt_tokens=prompt_tokens,
                              measured_weights=measured, matrices=g.matrices if g else None,
                              expert_layers=g.expert_layers if g else None)
        if g:
            weights_basis = f"weights: {g.path} as it is ({len(g.type_counts)} tensor types, read from its header)"
        elif quant == SAFETENSORS_LABEL and model.safetensors:
            weights_basis = f"weights: the folder's {model.safetensors.files} safetensors file(s), from their headers ({model.safetensors.main_dtype})"
        else:
            weights_basis = f"weights: each tensor at the block type llama-quantize gives it under {quant}"
        basis = [weights_basis, *est.assumptions]
        if model.arch.encoder_params_b:
            basis.append(f"media: the vision/audio encoder (mmproj file, F16) adds {mmproj_bytes(model.arch) / 2**30:.1f} GiB "
                         "when images or audio are given (llama-server --mmproj; Ollama always loads it)")
        elif set(model.modalities) - {"text"}:
            basis.append("media: this model reads images or audio through an encoder whose size the catalog does not have; "
                         "llama.cpp loads it (--mmproj, usually 0.4-1 GB) beside these figures when they are given")
        basis.extend(context_notes)
        forced = gpu_layers is not None or cpu_moe_layers is not None
        where = (place_as(model.arch, est, hw, gpu_layers=gpu_layers, cpu_moe_layers=cpu_moe_layers) if forced
                 else place(model.arch, est, hw)) if hw.known else None
        if forced and where is not None:
            basis.append(f"placement: as given ({where.flags(model.arch) or 'does not fit'})")
            if where.mode == "none":
                basis.append(_given_shortfall(model, quant, where, place(model.arch, est, hw), hw, gpu_layers, cpu_moe_layers))
        read = g.read_bytes_per_token if g else (_safetensors_read(model) if quant == SAFETENSORS_LABEL else None)
        speed = placement_speed(model.arch, quant, hw, where, prompt_tokens, basis, read, depth=depth, calibrated=calibrated)
        file_bytes = measured[0] if measured else gguf_file_bytes(model.arch, quant)
        if where is not None and where.mode != "gpu" and not forced and kv_type == "f16" and hw.vram:
            basis.extend(_kv_suggestion(model, quant, context, parallel, run, hw, est, measured, g))
        out.append(FitEstimate(quant, context, backend, file_bytes, est, where, speed, _level(where, hw), tuple(basis),
                               sequences=parallel, server_flags=server_flags))
    return out


def _given_shortfall(model: ModelRef, quant: str, given: Placement, auto: Placement, hw: Hardware,
                     gpu_layers: int | None, cpu_moe_layers: int | None) -> str:
    """Why the placement the user gave does not fit, and the one llmguide would choose."""
    flags = cpu_moe_flag(cpu_moe_layers, model.arch) if cpu_moe_layers is not None else f"-ngl {gpu_layers}"
    if hw.vram_budget and given.gpu_bytes > hw.vram_budget:
        where = f"{fmt_gib(given.gpu_bytes)} on the GPU, {fmt_gib(hw.vram_budget)} usable"
    elif hw.unified:
        where = (f"{fmt_gib(given.cpu_bytes)} beside the GPU's share, and on unified memory the CPU's part "
                 "comes out of the same pool")
    elif hw.ram is None:
        where = f"{fmt_gib(given.cpu_bytes)} in RAM, and no RAM was given (--ram GB)"
    else:
        where = f"{fmt_gib(given.cpu_bytes)} in RAM, {fmt_gib(hw.ram_budget)} usable"
    instead = (f"{auto.flags(model.arch)} fits" if auto.mode != "none"
               else "no placement fits this machine at this quantization")
    return f"warning: {quant} with {flags} needs {where} ({fmt_gib(given.shortfall)} short); {instead}"


def _server_flags(kv_type: str, parallel: int, run: LlamaCppRun, yarn: str = "") -> str:
    """The llama-server switches that give the run this estimate prices (beyond the placement)."""
    flags = [f"-np {parallel}"] if parallel > 1 else []
    if yarn:
        flags.append(yarn)
    if kv_type != "f16":
        flags.append(f"-ctk {kv_type} -ctv {kv_type}")
    if not run.flash_attention:
        flags.append("-fa off")
    if not run.mmap:
        flags.append("--no-mmap")
    return " ".join(flags)


def _kv_suggestion(model: ModelRef, quant: str, context: int, parallel: int, run, hw: Hardware, est: MemoryEstimate,
                   measured, g) -> list[str]:
    """When a q8_0 KV cache (half of f16's bytes, a quality loss too small to measure in most
    tests) would put the whole model on the GPU, say so."""
    q8 = estimate_memory(model.arch, quant, context, kv_type="q8_0", sequences=parallel, run=run,
                         measured_weights=measured, matrices=g.matrices if g else None,
                         expert_layers=g.expert_layers if g else None)
    if place(model.arch, q8, hw).mode != "gpu":
        return []
    return [f"suggest: with a q8_0 KV cache (--kv-type q8_0; llama.cpp -ctk q8_0 -ctv q8_0) {quant} fits entirely on the GPU "
            f"({q8.kv_cache / 2**30:.1f} GiB of cache instead of {est.kv_cache / 2**30:.1f} GiB)"]


def _fit_vllm(model: ModelRef, hw: Hardware, formats, context: int, kv_type: str, parallel: int, prompt_tokens: int) -> list[FitEstimate]:
    """vLLM on the GPU(s): tensor parallel over every card; no CPU offload."""
    if kv_type not in ("f16", "bf16", "fp8"):
        raise UsageError("With --backend vllm, use --kv-type f16, bf16 or fp8.")
    formats = _gpu_formats(model, formats)
    if not hw.vram and not hw.unified:
        raise UsageError("vLLM runs on GPUs: pass --gpu NAME or --vram GB.")
    out = []
    a = model.arch
    for name in formats:
        fmt = model.gpu_format(name)
        per_gpu = hw.vram or (hw.ram if hw.unified else 0)  # a unified-memory chip (GB10) serves from the pool
        v = vllm_memory(a, fmt, per_gpu or 0, context, tensor_parallel=hw.gpu_count, kv_type=kv_type)
        from llmguide.estimate.kv_cache import kv_cache_bytes

        kv_needed = kv_cache_bytes(a, context, kv_type, parallel)
        weights_total = v.weights * hw.gpu_count
        mem = MemoryEstimate(name, context, weights_total, weights_total, kv_needed, v.activation * hw.gpu_count,
                             v.assumptions, v.graphs * hw.gpu_count)
        fits = v.concurrent_sequences >= parallel
        tp_note = _tensor_parallel_problem(a, hw.gpu_count)
        fits = fits and tp_note is None
        where = Placement("gpu" if fits else "none", a.layers if fits else 0, mem.total if fits else 0, 0,
                          0 if fits or tp_note else max(0, -v.kv_pool) or kv_needed)
        basis = [_format_basis(fmt), *([f"warning: {tp_note}"] if tp_note else []), *v.assumptions,
                 f"KV pool {max(0, v.kv_pool) / 2**30:.1f} GiB per GPU holds {v.kv_tokens} tokens: "
                 f"{v.concurrent_sequences} sequence(s) of {context} tokens at once"]
        speed = None
        if fits and hw.gpu_bandwidth:
            dev = gpu_device(hw, hw.gpu_count)
            speed = estimate_speed(a, fmt.speed_label, [(dev, 1.0)], prompt_tokens=prompt_tokens, weights_read=active_weight_bytes(a, fmt),
                                   tensor_parallel=hw.gpu_count)
            basis.extend(speed.basis)
        elif fits:
            basis.append("speed: unknown without the GPU's bandwidth (pass --gpu NAME or --bandwidth GB/s)")
        level = ("comfortable" if v.concurrent_sequences >= 4 * parallel else "tight") if fits else "none"
        out.append(FitEstimate(name, context, "vllm", weights_total, mem, where, speed, level, tuple(basis), v))
    return out


def _fit_transformers(model: ModelRef, hw: Hardware, formats, context: int, batch: int, prompt_tokens: int) -> list[FitEstimate]:
    """transformers on one GPU (device_map offload to the CPU is not modelled)."""
    from llmguide.estimate.hf_transformers import transformers_memory

    formats = _gpu_formats(model, formats)
    out = []
    for name in formats:
        fmt = model.gpu_format(name)
        mem = transformers_memory(model.arch, fmt, context, min(prompt_tokens, context), batch)
        basis = [_format_basis(fmt), *mem.assumptions,
                 "speed: not modelled for transformers (eager decoding is usually well below llama.cpp and vLLM)"]
        where = None
        if hw.known:
            budget = hw.vram_budget // max(1, hw.gpu_count)
            fits = mem.total <= budget
            where = Placement("gpu" if fits else "none", model.arch.layers if fits else 0, mem.total if fits else 0, 0,
                              0 if fits else mem.total - budget)
        level = _level(where, Hardware(vram=hw.vram, gpu_count=1, unified=hw.unified, ram=hw.ram)) if where else "unchecked"
        out.append(FitEstimate(name, context, "transformers", mem.weights, mem, where, None, level, tuple(basis)))
    return out


def _context_check(model: ModelRef, context: int) -> list[str]:
    """A context beyond what the catalog documents is refused; one beyond the native (trained)
    length warns and names the extension it relies on; a file's own limit only warns."""
    facts = model.context_facts
    if facts is None:
        if model.max_context and context > model.max_context:
            return [f"warning: {context} tokens is more than the {model.max_context} the model's file declares; "
                    "past its trained length a model's answers degrade unless RoPE scaling (YaRN) is configured"]
        return []
    if context > facts.length:
        how = f" ({facts.note})" if facts.note else ""
        raise UsageError(f"{model.id} supports at most {facts.length:,} tokens{how}; {context:,} is beyond anything documented for it.",
                         f"Use --context {facts.length} or less, or a long-context model (llmguide list --task long-context).")
    if facts.native and context > facts.native:
        line = (f"warning: {context:,} tokens is beyond the {facts.native:,} the model was trained at; it relies on the "
                f"documented extension ({facts.note or 'RoPE scaling'})")
        yarn = yarn_flags(facts, context)
        if yarn:
            line += f"; llama.cpp: {yarn}"
        return [line]
    return []


def yarn_flags(facts, context: int) -> str:
    """llama.cpp's switches for a context beyond the trained one, where the catalog documents YaRN
    as the model's extension (``facts``: the catalog's context facts; "" when none are needed)."""
    if facts is None or not facts.native or context <= facts.native or "yarn" not in (facts.note or "").lower():
        return ""
    return f"--rope-scaling yarn --rope-scale {-(-context // facts.native)} --yarn-orig-ctx {facts.native}"


def _tensor_parallel_problem(arch, tp: int) -> str | None:
    """What stops vLLM from splitting this model over ``tp`` GPUs, if anything."""
    if tp <= 1:
        return None
    if arch.attention_heads % tp:
        return f"vLLM splits attention heads across GPUs: {arch.attention_heads} heads do not divide by tensor parallel {tp}"
    if arch.kind_count("MP") and arch.ssm_groups > 1 and arch.ssm_groups % tp:  # one group is replicated
        return (f"vLLM splits the Mamba2 groups across GPUs: {arch.ssm_groups} group(s) do not divide by tensor parallel {tp}; "
                f"use a GPU count that divides {arch.ssm_groups}")
    return None


def _gpu_formats(model: ModelRef, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The formats to price: those asked for that exist for this model. A checkpoint shipped in low
    bit is served as shipped (NATIVE) and, by default, only formats smaller than it are added."""
    native = model.native
    known = tuple(f for f in asked if f in GPU_FORMATS or (f == NATIVE and native))
    if known and tuple(asked) != VLLM_DEFAULT_FORMATS:
        return known
    if native is None:
        return VLLM_DEFAULT_FORMATS
    return (NATIVE, *(f for f in VLLM_DEFAULT_FORMATS if GPU_FORMATS[f].bits < native.bits - 0.5))


def _format_basis(fmt: GpuFormat) -> str:
    if fmt.name == NATIVE:
        covered = "routed experts" if fmt.scope == "routed-experts" else "linear layers"
        rest = "BF16" if fmt.rest_bits >= 16 else "FP8"
        return f"weights: as shipped by the developer, {covered} at {fmt.bits:.2f} bits per weight, the rest {rest}"
    return f"weights: {fmt.name}, linear layers at {fmt.bits:.2f} bits per weight, the rest 16-bit"


def _safetensors_read(model: ModelRef) -> int | None:
    st, a = model.safetensors, model.arch
    if st is None:
        return None
    experts = st.expert_bytes * (need(a.experts_per_token, "experts_per_token") / a.experts) if a.is_moe and a.experts else st.expert_bytes
    embed = a.vocab_size * a.hidden_size * 2 * (0 if a.tied_embeddings else 1)  # a lookup, not a read
    return int(st.tensor_bytes - st.expert_bytes + experts - embed)


def spare_share(where: Placement, hw: Hardware) -> float:
    """The share of the usable memory a fit in one place (GPU or CPU) leaves free."""
    used, budget = (where.gpu_bytes, hw.vram_budget) if where.mode == "gpu" else (where.cpu_bytes, hw.ram_budget)
    return 1 - used / budget if budget else 0.0


def _level(where: Placement | None, hw: Hardware) -> str:
    if where is None:
        return "unchecked"
    if where.mode in ("gpu", "cpu"):
        roomy = {"gpu": "comfortable", "cpu": "cpu"}[where.mode]
        return "tight" if spare_share(where, hw) < TIGHT_SHARE else roomy
    return where.mode  # split | expert_offload | none


def _block_label(quant: str) -> str:
    """The preset whose block kind sets the speed: a GGUF's file type names its main block kind."""
    return quant if known_preset(quant) else "F16"


def placement_speed(
    arch, quant: str, hw: Hardware, where: Placement | None, prompt_tokens: int = 512,
    basis: list[str] | None = None, weights_read: int | None = None, *, depth: int = 0, calibrated: bool = True,
) -> Speed | None:
    """Speed of a placed model; None when it does not fit or a needed bandwidth is unknown.

    What was assumed is appended to ``basis``. With ``calibrated``, a ``llmguide bench``
    calibration stored for this (detected) machine and placement scales the result."""
    basis = basis if basis is not None else []
    if where is None or not where.fits:
        return None
    if where.mode == "expert_offload":
        speed = _expert_offload_speed(arch, quant, hw, where, prompt_tokens, basis, weights_read, depth)
        if speed is not None:
            speed = _calibrated(speed, hw, where, calibrated)
            basis.extend(speed.basis)
        return speed
    layers = arch.layers
    gpu_share = where.gpu_layers / layers if where.mode in ("gpu", "split") else 0.0
    devices = []
    if gpu_share:
        if not hw.gpu_bandwidth:
            basis.append("speed: unknown without the GPU's bandwidth (pass --gpu NAME or --bandwidth GB/s)")
            return None
        if hw.gpu_family is None:
            basis.append("speed: GPU family not given, NVIDIA-like efficiency assumed")
        devices.append((gpu_device(hw), gpu_share))
    if gpu_share < 1:
        devices.append((cpu_device(hw, basis, prefill=not gpu_share), 1 - gpu_share))  # a split's prompt runs on the GPU
    speed = estimate_speed(arch, _block_label(quant), devices, depth=depth, prompt_tokens=prompt_tokens, weights_read=weights_read,
                           split_gpus=hw.gpu_count if gpu_share and (hw.gpu_family or "nvidia") == "nvidia" else 1)
    if 0 < gpu_share < 1:
        speed = _split_prefill(arch, quant, hw, where, speed, prompt_tokens, depth)
    speed = _calibrated(speed, hw, where, calibrated)
    basis.extend(speed.basis)
    return speed


def gpu_device(hw: Hardware, count: int = 1) -> SpeedDevice:
    """The speed model's view of ``count`` of the hardware's GPUs (bandwidth and FLOPs summed, as
    tensor parallelism uses them), with its speed class."""
    family = hw.gpu_family or "nvidia"
    return SpeedDevice(family, (hw.gpu_bandwidth or 1) * count, (hw.gpu_flops or 0) * count or None,
                       speed_class(hw.gpu_name, family), cuda_graphs(hw.gpu_name, family))


def calibrate(speed: Speed, hw: Hardware, where: Placement) -> Speed:
    """``speed`` scaled by a ``llmguide bench`` calibration stored for this (detected) machine and
    placement, if there is one (read afresh: a calibration stored a moment ago counts)."""
    return _calibrated(speed, hw, where, True)


def _calibrated(speed: Speed, hw: Hardware, where: Placement, calibrated: bool) -> Speed:
    if calibrated and hw.machine:
        from llmguide.estimate.calibration import find

        cal = find(hw.machine, where.mode)
        if cal is not None:
            return speed.scaled(cal.decode_factor, cal.prefill_factor, cal.describe())
    return speed


def cpu_device(hw: Hardware, basis: list[str] | None = None, prefill: bool = False) -> SpeedDevice:
    """The speed model's view of the CPU, noting in ``basis`` what was assumed of it. An assumed
    compute figure serves the prompt's processing on the CPU (``prefill``), never generation."""
    if basis is not None and hw.cpu_bandwidth is None:
        basis.append(f"speed: CPU memory bandwidth assumed {CPU_BANDWIDTH_ASSUMPTION}; "
                     "pass --cpu-bandwidth GB/s for yours")
    if basis is not None and prefill and hw.cpu_flops is None:
        basis.append(f"speed: CPU compute assumed {hw.cpu_flops_or_default / 1e9:.0f} GFLOP/s (8 cores at 3.5 GHz, AVX2)")
    return SpeedDevice("cpu", hw.cpu_bandwidth_or_default, hw.cpu_flops_or_default, flops_assumed=hw.cpu_flops is None)


def _expert_offload_speed(arch, quant: str, hw: Hardware, where: Placement, prompt_tokens: int, basis: list[str],
                          weights_read: int | None, depth: int) -> Speed | None:
    """Routed experts of ``where.cpu_moe_layers`` layers in RAM: a token reads its experts there
    (experts_per_token of experts of what those layers hold)."""
    if not hw.gpu_bandwidth:
        basis.append("speed: unknown without the GPU's bandwidth (pass --gpu NAME or --bandwidth GB/s)")
        return None
    gpu = gpu_device(hw)
    cpu = cpu_device(hw, basis)
    cpu_read, moved = where.experts_read(arch)
    return estimate_offload_speed(arch, _block_label(quant), gpu, cpu, cpu_read=cpu_read, moved_layers=moved,
                                  ram_weights=where.cpu_expert_bytes, depth=depth, prompt_tokens=prompt_tokens,
                                  weights_read=weights_read)


def _split_prefill(arch, quant: str, hw: Hardware, where: Placement, speed: Speed, prompt_tokens: int, depth: int) -> Speed:
    """A layer split's prompt runs on the GPU, copying the CPU layers' weights over PCIe per batch."""
    from llmguide.estimate.weights import repeating_bytes

    ram_weights = int(repeating_bytes(arch, _block_label(quant)) * (1 - where.gpu_layers / arch.layers))
    prefill, ttft, line = ram_weights_prefill(arch, _block_label(quant), gpu_device(hw), ram_weights, prompt_tokens, depth)
    return Speed(speed.decode_tokens_per_s, prefill, ttft, (*speed.basis[:-1], line))


def cpu_share_speed_bound(arch, quant: str, hw: Hardware, where: Placement | None) -> float | None:
    """Tokens/s a split model cannot exceed, from its CPU share alone: for when the GPU's bandwidth
    is unknown. The CPU part's time per token is a floor on the whole token's time (for experts in
    RAM: reading a token's experts there and handing each of those layers over)."""
    if where is None or where.mode not in ("split", "expert_offload"):
        return None
    cpu = cpu_device(hw)
    if where.mode == "expert_offload":
        return 1 / cpu_expert_seconds(_block_label(quant), cpu, *where.experts_read(arch),
                                      graphs=gpu_device(hw).graphs)
    share = 1 - where.gpu_layers / arch.layers
    return 1 / decode_seconds(arch, _block_label(quant), cpu, 0, share)


@dataclass(frozen=True)
class FitReport:
    """``fit``: the model as read, the hardware planned for, and one estimate per quantization."""

    model: ModelRef
    hardware: Hardware
    estimates: tuple[FitEstimate, ...]

    @property
    def runs_whole(self) -> bool:
        """Some estimate fits without splitting layers between GPU and CPU (all on the GPU, all in
        RAM on a CPU machine, or with only an MoE's routed experts in RAM)."""
        return any(e.fits and e.placement is not None and e.placement.mode in ("gpu", "cpu", "expert_offload")
                   for e in self.estimates)


@dataclass(frozen=True)
class FamilyFit:
    """``fit FAMILY``: one report per variant, and the variant llmguide would pick (``best``): the
    largest instruct or chat variant that runs whole here; None when none does or no hardware is known."""

    family: Family
    hardware: Hardware
    reports: tuple[FitReport, ...]
    best: str | None
