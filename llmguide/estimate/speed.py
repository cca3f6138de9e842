"""How fast a model answers: generation (decode) and prompt processing (prefill) speed.

Generation is memory-bound: each new token reads every active weight once (for MoE only the
experts it is routed to) and the KV cache built so far. On a device with bandwidth B a token
takes ``bytes / (efficiency x B)`` plus a fixed cost per layer (kernel launches, synchronisation).
The efficiency depends on the device family and on the kind of block the weights are stored in
(dequantizing K-quants costs more per byte than legacy blocks); the constants below were fitted
on ../shared/data/speeds_dev.csv by benchmarks/calibrate_speed.py, and docs/accuracy.md reports
how well they do.

Prompt processing is compute-bound: about ``2 x active parameters`` FLOPs per token, plus the
attention over the prompt, at a fraction of the device's dense FP16 throughput.

When a model is split between GPU and CPU, the two parts run one after the other for every
token, so their times add. Several GPUs with llama.cpp's default layer split also take turns, so
generation is no faster than on one of them. With a mixture of experts' routed experts in system
RAM (``--n-cpu-moe``), the GPU reads everything else and the CPU only the experts a token is
routed to in its layers; each such layer hands the hidden state to the CPU and back.

For a prompt, llama.cpp runs the products of CPU-resident weights on the GPU, copying those
weights over PCIe for every micro-batch: prompt processing then costs the copy of every weight
held in RAM per 512 tokens, beside the GPU's compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.estimate.gguf_rules import Preset
from llmguide.estimate.kv_cache import cache_layout, kv_cache_bytes, kv_elements_per_token_layer
from llmguide.estimate.weights import as_preset, counted_params, head_read_bytes, read_bytes_per_token
from llmguide.model.architecture import Architecture, need

# Family -> block kind -> share of the memory bandwidth a token's reads achieve, and the fixed cost
# per layer. NVIDIA (68 rows) and Apple (70 rows) were fitted by benchmarks/calibrate_speed.py.
# AMD's two constants were fitted jointly on a discrete card (RX 7900 XTX, 7 rows) and an APU
# (Ryzen AI Max+ 395, 41 rows) with current Vulkan and ROCm builds: 1.9x the 2024 efficiencies
# and 80 us per layer (HIP/Vulkan launches cost more than CUDA's graphs); fitted on either device
# alone, they predict the other within 14-21% (median). Intel (3 rows) takes NVIDIA's overhead and
# efficiencies scaled to the median its rows imply. CPUs: see CPU_STREAM_SHARE.
DECODE_EFFICIENCY: dict[str, dict[str, float]] = {
    "nvidia": {"legacy": 0.81, "kquant": 0.75, "float": 0.82, "mxfp4": 0.72},
    "apple": {"legacy": 0.87, "kquant": 0.83, "float": 0.87, "mxfp4": 0.65},
    "amd": {"legacy": 0.86, "kquant": 0.80, "float": 0.89, "mxfp4": 0.80},
    "intel": {"legacy": 0.40, "kquant": 0.37, "float": 0.40, "mxfp4": 0.36},
}
# A CPU streams a token's weights and its cores decode each block as it arrives (unpacking it and
# the dot products): CPU_DECODE_FLOPS_PER_BYTE FLOP-equivalents of the cores' FP32 peak per byte.
# The two overlap, so the slower sets the pace. Two cores cannot keep their memory busy while
# decoding: llama-bench on a 2-core AVX2 machine reaches 49% of its bandwidth on K-quants, 57% on
# Q4_0/Q8_0 and 67% on F16, which fixes the decoding costs (benchmarks/llamacpp/calibrate.py; MXFP4
# not measured, taken as K-quants). A desktop's 6-16 cores decode faster than DRAM delivers (an
# 8-core AVX2 CPU about 1.6 times dual-channel DDR5's pace on K-quants, a 16-core AVX-512 one
# several times), so they read at CPU_STREAM_SHARE of the sustained bandwidth: the share that best
# predicts other machines, CPU-only runs and GPUs with experts in RAM, 24 rows on 13 machines
# (benchmarks/calibrate_cpu.py, which reports the error leaving each machine out).
CPU_STREAM_SHARE = 0.73
CPU_DECODE_FLOPS_PER_BYTE: dict[str, float] = {"legacy": 9.01, "kquant": 10.36, "float": 7.62, "mxfp4": 10.36}
# Device classes that fall off their vendor's base efficiency, as one factor each: datacenter
# HBM cards (lower clocks make llama.cpp's many small per-layer kernels slower, and single-stream
# GEMV reaches a smaller share of HBM, on NVIDIA and AMD Instinct alike) and Apple's two-die Ultra
# chips (reads cross the die bridge). The median of measured / predicted over each class's rows, fitted by
# benchmarks/calibrate_classes.py, whose leave-one-device-out errors are in docs/accuracy.md; 1.0
# for every other device (AMD Instinct against the AMD constants below).
CLASS_FACTOR: dict[str, float] = {"hbm": 0.62, "amd-hbm": 0.68, "apple-ultra": 0.90}


# Tensor parallelism ends each layer's attention and FFN with an all-reduce of the hidden states
# across the GPUs; for one decoding step the messages are small, so each costs its latency: NCCL's
# small-message all-reduce within an NVLink node takes about 10-20 us.
ALLREDUCE_S = 15e-6


def tensor_parallel_sync_s(arch: Architecture, tensor_parallel: int) -> float:
    """Seconds per decoding step that tensor parallelism adds: two all-reduces per layer."""
    return 2 * arch.layers * ALLREDUCE_S if tensor_parallel > 1 else 0.0


# Without CUDA graphs every kernel is launched one by one, which about doubles NVIDIA's fixed cost
# per layer (30 us). llama.cpp's layer split over several GPUs ran so (checked on the 32 multi-GPU
# rows of the development sheet, docs/accuracy.md), and so do cards older than Volta (Pascal and
# Maxwell): llama.cpp replays graphs from Volta on (from Ampere on before mid-2026, PR #25749).
NO_GRAPHS_LAYER_S = 30e-6
# With experts in RAM every such layer ends a GPU segment: the GPU waits for the CPU's experts, and
# the next segment's kernels are then launched one by one onto an idle GPU unless a CUDA graph per
# segment replays them (llama.cpp since January 2026, PR #18934). Without those graphs each moved
# layer costs this much more: 55-78 us in that PR's A/B on an RTX 5090 (GLM-4.5-Air and gpt-oss-120b,
# 8 to 45 layers moved). HIP and Vulkan builds replay no graphs.
NO_GRAPHS_HANDOFF_S = 65e-6


# A recurrent layer (Gated DeltaNet, Mamba2, short convolution) runs more small kernels per token
# than an attention layer: the causal convolution and its state shift, the per-head norms and
# gates, the recurrent state update and the gated output norm, about twice an attention layer's
# launches. Its fixed cost counts this many attention layers' worth in addition.
RECURRENT_EXTRA_LAYERS = 2.0


def kernel_layers(arch: Architecture) -> float:
    """Layers, in attention-layer equivalents of per-token fixed cost (kernel launches, syncs)."""
    return arch.layers + RECURRENT_EXTRA_LAYERS * arch.kind_count("LMPC")


# Pascal and older NVIDIA chips (compute capability below 7.0), where llama.cpp replays no CUDA graphs.
_PRE_VOLTA = r"\b(gtx\s*(9\d0|10[5-8]0)|titan\s*x(p)?|tesla\s*[pmk]\d+|quadro\s*[pmk]\d+|p40|p100|m40|k80)\b"


def cuda_graphs(name: str | None, family: str) -> bool:
    """Whether llama.cpp replays CUDA graphs on this GPU (NVIDIA Volta and newer); False for every
    other backend, whose fixed costs were measured without them."""
    import re

    return family == "nvidia" and not re.search(_PRE_VOLTA, (name or "").lower())


def speed_class(name: str | None, family: str) -> str:
    """The class a device's speed behaves by (see CLASS_FACTOR), from its name and vendor."""
    import re

    n = (name or "").lower()
    if family == "apple" and "ultra" in n:
        return "apple-ultra"
    if family == "amd" and re.search(r"\bmi\d{2,3}x?\b|instinct", n):
        return "amd-hbm"
    if re.search(r"\b(a100|h100|h200|h20|h800|a800|b100|b200|b300|gb200|gh200|v100|p100)\b", n):
        return "hbm"
    if family == "amd":
        return "amd-apu" if re.search(r"ryzen ai max|strix halo|8060s|8050s|890m|880m|780m|760m", n) else "amd"
    return ""


PER_LAYER_OVERHEAD_S: dict[str, float] = {"nvidia": 30e-6, "apple": 125e-6, "amd": 80e-6, "intel": 30e-6, "cpu": 0.0}
# Share of dense FP16 throughput reached by prompt processing: the median of the pp512 rows of the
# speed sheet for NVIDIA (35 rows, against GeForce FP16-accumulate figures) and AMD (5 rows);
# Apple's FP16 figures in the sheet are too sparse to fit and Intel has one row, so theirs are guesses.
PREFILL_EFFICIENCY = {"nvidia": 0.42, "amd": 0.35, "intel": 0.27, "apple": 0.5}  # CPUs: CPU_PREFILL_EFFICIENCY
# On a CPU, attention over the cache is not free while generating: llama.cpp's one-query
# flash-attention kernel spends about 6 cycles on every cached key and value element (converting
# it from F16 and folding it into the dot products and the running softmax), far more than the
# memory read of its two bytes. Expressed against the cores' FP32 peak (32 FLOPs a cycle with
# AVX2) that is this many FLOP-equivalents per element; measured with llama-bench tg32 at depth
# 2048 (benchmarks/llamacpp/calibrate.py; Gemma 3's sliding-window layers cost less than this). It is why long contexts slow CPU generation
# far more than the extra bytes of cache alone would. GPUs hide this work behind the reads.
CPU_ATTENTION_FLOPS_PER_ELEMENT = 210.0
# Prompt processing on a CPU: llama.cpp's batched kernels reach a large share of the cores' FP32
# peak on the weight products (by block kind), and batched flash attention a smaller one.
# Measured with llama-bench pp512 (benchmarks/llamacpp); only the last prompt token's logits are
# computed, so the output head is not charged per token.
CPU_PREFILL_EFFICIENCY = {"legacy": 0.66, "kquant": 0.58, "float": 0.77, "mxfp4": 0.58}
CPU_PREFILL_ATTENTION_EFFICIENCY = 0.26
# Per MoE layer whose experts run on the CPU, per token (and once per token for a layer split): the
# hidden state goes to the CPU and the result comes back (two small PCIe copies of ~5-10 us each)
# and llama.cpp's CPU thread pool is woken and joined once (~10-20 us): about 40 us.
EXPERT_HANDOFF_S = 40e-6
# PCIe 4.0 x16 moves 31.5 GB/s in theory; copies of large weight blocks reach about 80% of it.
PCIE_BYTES_PER_S = 25e9


def block_kind(preset: Preset) -> str:
    """The kind of block most weights are stored in, which decides dequantization cost."""
    from llmguide.estimate.gguf_rules import DEFAULT_TYPE

    main = DEFAULT_TYPE[preset.ftype]
    if main in ("F16", "BF16", "F32"):
        return "float"
    if main == "MXFP4":
        return "mxfp4"
    if main in ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "IQ4_NL"):
        return "legacy"
    return "kquant"


@dataclass(frozen=True)
class SpeedDevice:
    """What the speed model needs to know of a device (bytes/s and FLOP/s)."""

    family: str  # nvidia | amd | intel | apple | cpu
    bandwidth: float  # bytes per second
    flops: float | None = None  # dense FP16 FLOP/s (CPUs: FP32 FMA peak); None when unknown
    klass: str = ""  # a speed class with its own factor (CLASS_FACTOR): hbm, apple-ultra, amd
    graphs: bool = True  # NVIDIA: the runtime replays CUDA graphs (cuda_graphs); other families ignore it
    flops_assumed: bool = False  # CPUs: ``flops`` is a default, not this machine's (decoding is then not priced)

    @property
    def factor(self) -> float:
        return CLASS_FACTOR.get(self.klass, 1.0)


@dataclass(frozen=True)
class Speed:
    decode_tokens_per_s: float
    prefill_tokens_per_s: float | None
    ttft_s: float | None
    basis: tuple[str, ...]

    def scaled(self, decode: float, prefill: float | None, why: str) -> "Speed":
        """This speed multiplied by measured factors (a calibration), saying why."""
        pre, ttft = self.prefill_tokens_per_s, self.ttft_s
        if pre and prefill:  # prompt processing is faster by ``prefill``: the first token comes sooner
            pre, ttft = pre * prefill, (ttft / prefill if ttft is not None else None)
        return Speed(self.decode_tokens_per_s * decode, pre, ttft, (*self.basis, why))

    def as_dict(self) -> dict:
        return {
            "decode_tokens_per_s": round(self.decode_tokens_per_s, 2),
            "prefill_tokens_per_s": round(self.prefill_tokens_per_s, 1) if self.prefill_tokens_per_s else None,
            "ttft_s": round(self.ttft_s, 3) if self.ttft_s is not None else None,
            "basis": list(self.basis),
        }


def attention_flops_per_token(arch: Architecture, depth: int) -> float:
    """FLOPs of one generated token's attention over ``depth`` cached tokens: a dot product with
    each key and a multiply-add with each value, per head and layer (sliding-window layers see at
    most the window)."""
    return 4.0 * arch.attention_heads * arch.head_dim * _layer_tokens(arch, depth)


def cached_elements(arch: Architecture, depth: int) -> float:
    """Key and value elements one generated token's attention reads at ``depth`` (all layers)."""
    return float(kv_elements_per_token_layer(arch) * _layer_tokens(arch, depth))


def _layer_tokens(arch: Architecture, depth: int) -> float:
    """Cached tokens attended to, summed over the attention layers (windows cap theirs, compressed
    layers read one row per few tokens)."""
    layout = cache_layout(arch)
    return (layout.full + layout.compressed) * depth + layout.window * min(depth, arch.sliding_window or depth)


def read_seconds(device: SpeedDevice, kind: str, weight_bytes: float, cache_bytes: float = 0.0, sequences: int = 1) -> float:
    """Seconds ``device`` takes to stream ``weight_bytes`` of weights stored in ``kind`` blocks and
    ``cache_bytes`` of KV cache, before fixed costs and class factors. A CPU also decodes the
    weights' blocks on its cores as they stream in (CPU_DECODE_FLOPS_PER_BYTE at its FP32 peak; left
    out when the peak is not known or only assumed, so that an assumption never caps a bandwidth the
    user gave): whichever takes longer sets the weights' time. With ``sequences`` decoded together
    the weights are read once, but their blocks are decoded into each sequence's dot products. The cache is
    read in the attention step, apart from the weights (its arithmetic: decode_seconds)."""
    if device.family == "cpu":  # the cores decode the weights while they stream: the slower sets the pace
        flops = None if device.flops_assumed else device.flops
        decoding = sequences * weight_bytes * CPU_DECODE_FLOPS_PER_BYTE[kind] / flops if flops else 0.0
        return max(weight_bytes / (CPU_STREAM_SHARE * device.bandwidth), decoding) + cache_bytes / (CPU_STREAM_SHARE * device.bandwidth)
    return (weight_bytes + cache_bytes) / (DECODE_EFFICIENCY[device.family][kind] * device.bandwidth)


def read_share(device: SpeedDevice, kind: str) -> float:
    """The share of ``device``'s bandwidth its weight reads reach (for a CPU, decoding included)."""
    return 1 / (read_seconds(device, kind, 1e9) * device.bandwidth / 1e9)


def decode_seconds(
    arch: Architecture, preset: Preset | str, device: SpeedDevice, depth: int, share: float = 1.0, weights_read: int | None = None,
    head: bool | None = None,
) -> float:
    """Seconds per generated token for the ``share`` of the layers that runs on ``device``.

    ``weights_read`` overrides the weight bytes a token reads (exact, from a GGUF header). ``head``:
    whether this device reads the output head (True), not at all (False), or its share of it (None)."""
    p = as_preset(preset)
    weights = weights_read if weights_read is not None else read_bytes_per_token(arch, p)
    kv = kv_cache_bytes(arch, max(depth, 1))
    if head is None:
        weight_bytes = weights * share
    else:
        out = min(weights, head_read_bytes(arch, p))
        weight_bytes = (weights - out) * share + (out if head else 0)
    fixed = PER_LAYER_OVERHEAD_S[device.family] + (NO_GRAPHS_LAYER_S if device.family == "nvidia" and not device.graphs else 0)
    seconds = (read_seconds(device, block_kind(p), weight_bytes, kv * share) + kernel_layers(arch) * share * fixed) / device.factor
    return seconds + share * cpu_attention_seconds(arch, device, depth)


def cpu_attention_seconds(arch: Architecture, device: SpeedDevice, depth: int) -> float:
    """A CPU's attention over one sequence's cache at ``depth`` for one token (0 on a GPU, or when
    the CPU's FLOPs are not priced)."""
    if device.family != "cpu" or not device.flops or not depth:
        return 0.0
    return cached_elements(arch, depth) * CPU_ATTENTION_FLOPS_PER_ELEMENT / device.flops


def offload_decode_seconds(
    arch: Architecture, preset: Preset | str, gpu: SpeedDevice, cpu: SpeedDevice, depth: int,
    cpu_read: int, moved_layers: int, weights_read: int | None = None, segment_graphs: bool | None = None,
) -> float:
    """Seconds per token with the routed experts of ``moved_layers`` layers in system RAM:
    ``cpu_read`` is what one token reads of them (its routed experts in those layers).
    ``segment_graphs``: whether the runtime replays a CUDA graph per GPU segment (default: today's
    llama.cpp, on any NVIDIA card that replays graphs)."""
    p = as_preset(preset)
    weights = weights_read if weights_read is not None else read_bytes_per_token(arch, p)
    gpu_s = decode_seconds(arch, p, gpu, depth, weights_read=max(0, weights - cpu_read))  # the GPU reads everything else
    return gpu_s + cpu_expert_seconds(p, cpu, cpu_read, moved_layers, graphs=_segment_graphs(gpu, segment_graphs))


def _segment_graphs(gpu: SpeedDevice, given: bool | None) -> bool:
    return gpu.family == "nvidia" and gpu.graphs and given is not False


def handoff_seconds(graphs: bool) -> float:
    """Per layer whose experts run on the CPU: the hand-over and back, and without per-segment
    CUDA graphs the launches of the next GPU segment."""
    return EXPERT_HANDOFF_S + (0.0 if graphs else NO_GRAPHS_HANDOFF_S)


def cpu_expert_seconds(preset: Preset | str, cpu: SpeedDevice, cpu_read: int, moved_layers: int, graphs: bool = True) -> float:
    """The CPU's part of a token with experts in RAM: reading ``cpu_read`` bytes of routed experts
    and handing each of ``moved_layers`` layers over and back (``graphs``: whether the GPU replays
    a CUDA graph per segment)."""
    return read_seconds(cpu, block_kind(as_preset(preset)), cpu_read) + moved_layers * handoff_seconds(graphs)


def ram_weights_prefill(arch: Architecture, preset: Preset | str, gpu: SpeedDevice, ram_weights: int, prompt_tokens: int,
                        depth: int = 0, n_ubatch: int = 512) -> tuple[float | None, float | None, str]:
    """(prompt tokens/s, time to first token, basis) when llama.cpp runs the prompt on the GPU and
    copies the ``ram_weights`` bytes held in system RAM over PCIe for every micro-batch."""
    if not gpu.flops:
        return None, None, "prefill: no FP16 throughput known for this GPU"
    batch = max(1, min(n_ubatch, prompt_tokens))
    compute = prefill_flops_per_token(arch, prompt_tokens, depth) * batch / (PREFILL_EFFICIENCY[gpu.family] * gpu.flops)
    copy = ram_weights / PCIE_BYTES_PER_S
    prefill = batch / (compute + copy)
    return prefill, prompt_tokens / prefill, (
        f"prefill: per {batch}-token batch, {copy * 1e3:.0f} ms to copy {ram_weights / 1e9:.1f} GB of RAM-held weights "
        f"over PCIe 4.0 x16 (assumed {PCIE_BYTES_PER_S / 1e9:.0f} GB/s) and {compute * 1e3:.0f} ms of GPU compute")


def estimate_offload_speed(
    arch: Architecture, preset: Preset | str, gpu: SpeedDevice, cpu: SpeedDevice, *, cpu_read: int, moved_layers: int,
    ram_weights: int, depth: int = 0, prompt_tokens: int = 512, weights_read: int | None = None, n_ubatch: int = 512,
    segment_graphs: bool | None = None,
) -> Speed:
    """Expert offload: generation from ``offload_decode_seconds``; prompt processing on the GPU,
    paying the PCIe copy of the ``ram_weights`` bytes held in system RAM once per micro-batch."""
    p = as_preset(preset)
    seconds = offload_decode_seconds(arch, p, gpu, cpu, depth, cpu_read, moved_layers, weights_read, segment_graphs)
    graphs = _segment_graphs(gpu, segment_graphs)
    basis = [f"GPU reads all but the routed experts of {moved_layers} layer(s) at {gpu.bandwidth / 1e9:.0f} GB/s; "
             f"the CPU reads {cpu_read / 1e9:.2f} GB of experts per token at {cpu.bandwidth / 1e9:.0f} GB/s, "
             f"{read_share(cpu, block_kind(p)):.0%} of it; "
             f"{handoff_seconds(graphs) * 1e6:.0f} us per layer handed over"
             + ("" if graphs else " (no CUDA graph per GPU segment)")]
    prefill, ttft, line = ram_weights_prefill(arch, p, gpu, ram_weights, prompt_tokens, depth, n_ubatch)
    return Speed(1 / seconds, prefill, ttft, (*basis, line))


def prefill_flops_per_token(arch: Architecture, prompt_tokens: int, depth: int = 0) -> float:
    """2 FLOPs per active parameter, plus QK^T and AV over what is cached before the prompt and
    half the prompt on average."""
    return 2 * counted_params(arch)[1] + attention_flops_per_token(arch, int(depth + prompt_tokens / 2))


def _cpu_prefill_seconds(arch: Architecture, kind: str, device: SpeedDevice, prompt_tokens: int, depth: int) -> float:
    head = 0 if arch.tied_embeddings else arch.vocab_size * arch.hidden_size  # computed once per prompt
    products = 2.0 * (counted_params(arch)[1] - head)
    attention = attention_flops_per_token(arch, int(depth + prompt_tokens / 2))
    return (products / CPU_PREFILL_EFFICIENCY[kind] + attention / CPU_PREFILL_ATTENTION_EFFICIENCY) / need(device.flops, "CPU FLOP/s")


def estimate_speed(
    arch: Architecture,
    preset: Preset | str,
    devices: list[tuple[SpeedDevice, float]],
    *,
    depth: int = 0,
    prompt_tokens: int = 512,
    weights_read: int | None = None,
    tensor_parallel: int = 1,
    split_gpus: int = 1,
) -> Speed:
    """Speed with the model split over ``devices`` as (device, share of layers) pairs
    (``tensor_parallel``: one device standing for that many GPUs working on every layer).

    ``depth`` is the context already in the cache when generating (and before the prompt);
    ``prompt_tokens`` the prompt whose processing time is the time to first token.
    """
    p = as_preset(preset)
    used = [(dev, share) for dev, share in devices if share > 0]
    split = len(used) > 1
    # In a layer split the output head stays with the CPU (llama.cpp offloads it only with every layer).
    head_on = next((i for i, (dev, _) in enumerate(used) if dev.family == "cpu"), len(used) - 1)
    seconds = sum(decode_seconds(arch, p, dev, depth, share, weights_read, head=(i == head_on) if split else None)
                  for i, (dev, share) in enumerate(used))
    if split:
        seconds += EXPERT_HANDOFF_S  # a split hands the hidden state from GPU to CPU (and back) once per token
    sync = tensor_parallel_sync_s(arch, tensor_parallel)
    seconds += sync
    if split_gpus > 1 and all(dev.graphs for dev, _ in used):  # a layer split over several GPUs runs without CUDA graphs
        seconds += kernel_layers(arch) * NO_GRAPHS_LAYER_S
    basis = [f"tensor parallel {tensor_parallel}: {sync * 1e3:.1f} ms per token of all-reduces "
             f"(2 per layer, {ALLREDUCE_S * 1e6:.0f} us each)"] if sync else []
    basis += [
        f"{share:.0%} of layers on {dev.family} at {dev.bandwidth / 1e9:.0f} GB/s, "
        f"{read_share(dev, block_kind(p)):.0%} of it for {block_kind(p)} blocks"
        + (f", x{dev.factor:.2f} for its class ({dev.klass})" if dev.klass else "")
        + (f"; no CUDA graphs before Volta, {NO_GRAPHS_LAYER_S * 1e6:.0f} us more per layer" if dev.family == "nvidia" and not dev.graphs else "")
        for dev, share in devices if share > 0
    ]
    prefill = None
    if all(bool(dev.flops) for dev, share in devices if share > 0):
        flops = prefill_flops_per_token(arch, prompt_tokens, depth)
        prefill_s = sum(
            share * (_cpu_prefill_seconds(arch, block_kind(p), dev, prompt_tokens, depth) if dev.family == "cpu"
                     else flops / (PREFILL_EFFICIENCY[dev.family] * need(dev.flops, "FP16 FLOP/s")))
            for dev, share in devices if share > 0
        )
        prefill = 1 / prefill_s
        basis.append(f"prefill: {flops / 1e9:.1f} GFLOP per prompt token at a share of the device's compute")
    else:
        basis.append("prefill: no FP16 throughput known for this device")
    ttft = prompt_tokens / prefill if prefill else None
    return Speed(1 / seconds, prefill, ttft, tuple(basis))


@dataclass(frozen=True)
class BatchSpeed:
    """A server generating for ``batch`` sequences at once (continuous batching)."""

    batch: int
    per_user_tokens_per_s: float
    aggregate_tokens_per_s: float
    bound: str  # "memory" or "compute": what limits a step
    basis: tuple[str, ...]


def batch_decode_speed(
    arch: Architecture, preset: Preset | str, device: SpeedDevice, batch: int, depth: int, *, weight_bytes: int | None = None,
    tensor_parallel: int = 1,
) -> BatchSpeed:
    """One decoding step serves every sequence of the batch: it reads the weights once (for an MoE,
    every expert at least one of the batch's tokens is routed to: ``1 - (1 - k/E)^batch`` of them),
    each sequence's KV cache at ``depth``, and does ``2 x active parameters`` FLOPs per sequence.
    The step takes the longer of the memory time and the compute time. ``device`` stands for all
    the GPUs a tensor-parallel model spans (their bandwidth and FLOPs summed)."""
    p = as_preset(preset)
    kind = block_kind(p)
    dense: float = weight_bytes if weight_bytes is not None else read_bytes_per_token(arch, p)
    if arch.is_moe and arch.experts:
        share = need(arch.experts_per_token, "experts_per_token") / arch.experts
        touched = 1 - (1 - share) ** batch
        expert_part = dense * _expert_fraction(arch)  # the routed experts' part of a token's reads
        dense = dense - expert_part + expert_part / share * touched
    reads = dense + batch * kv_cache_bytes(arch, max(depth, 1))
    memory_s = (read_seconds(device, kind, dense, reads - dense, sequences=batch)
                + kernel_layers(arch) * PER_LAYER_OVERHEAD_S[device.family]) / device.factor
    memory_s += batch * cpu_attention_seconds(arch, device, depth)
    compute_s = 0.0
    if device.flops:
        eff = CPU_PREFILL_EFFICIENCY[kind] if device.family == "cpu" else PREFILL_EFFICIENCY[device.family]
        compute_s = batch * 2 * counted_params(arch)[1] / (eff * device.flops)
    step = max(memory_s, compute_s) + tensor_parallel_sync_s(arch, tensor_parallel)
    bound = "compute" if compute_s > memory_s else "memory"
    basis = (f"batch of {batch}: each step reads the weights once and {batch} KV cache(s) at {depth} tokens; "
             f"{bound}-bound ({memory_s * 1e3:.1f} ms of reads, {compute_s * 1e3:.1f} ms of compute per step)",)
    return BatchSpeed(batch, 1 / step, batch / step, bound, basis)


def _expert_fraction(arch: Architecture) -> float:
    """The share of one token's weight reads that goes to routed experts."""
    from llmguide.model.tensors import tensors

    expert = sum(t.elements for t in tensors(arch) if "_exps" in t.name) * need(arch.experts_per_token, "experts_per_token") / need(arch.experts, "experts")
    return expert / max(1, counted_params(arch)[1])
