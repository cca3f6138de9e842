"""Expert-offload measurements (benchmarks/data/speeds_offload.csv) against the estimate.

A row is scored when it ran mainline llama.cpp on one GPU (ik_llama.cpp has its own CPU kernels),
is a generation test (not an average that includes the prompt's processing), names a model the catalog or the reference configs describe and a quantization
llmguide prices, gives the --n-cpu-moe count (or --cpu-moe), names its GPU (bandwidth from
../shared/data/gpus.csv) and lets the RAM bandwidth be worked out: a measured GB/s figure, or a
DDR speed with its channel count (two for a desktop CPU when not stated), taken at the share of
its peak a memory system sustains (DRAM_SUSTAINED_SHARE). Rows marked DOUBT are left out.

Each row is priced as the llama.cpp of its date ran: CUDA graphs per GPU segment with experts in
RAM only from 2026-01-19 (PR #18934), and on Volta and Turing cards only from 2026-07-20 (PR #25749).
A gpt-oss row that does not name its file is priced as MXFP4 (the experts of every gpt-oss GGUF).
The CPU's FP32 peak (column cpu_fp32_gflops) is its cores x all-core clock x FLOPs per cycle (32
with AVX2 or Zen 4's AVX-512, 64 with Zen 5 or Intel's two AVX-512 units, 16 on Intel E-cores);
without one, the CPU is priced as the tool prices one it did not detect: by its reads alone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.refdata import SHARED, architectures
from benchmarks.speedrows import _quant
from llmguide.catalog.schema import normalize
from llmguide.estimate.speed import cuda_graphs
from llmguide.hardware.profile import DRAM_SUSTAINED_SHARE

DATA = Path(__file__).resolve().parent / "data" / "speeds_offload.csv"
MODELS = (  # substring of the row's model -> Hugging Face repo (first match wins)
    ("gpt-oss-120b", "openai/gpt-oss-120b"), ("gpt-oss-20b", "openai/gpt-oss-20b"),
    ("Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507"), ("Qwen3-30B-A3B", "Qwen/Qwen3-30B-A3B"),
    ("Qwen3.5-35B-A3B", "Qwen/Qwen3.5-35B-A3B"), ("Qwen3.6-35B-A3B", "Qwen/Qwen3.6-35B-A3B"),
    ("Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B"), ("Kimi-K2-Instruct", "moonshotai/Kimi-K2-Instruct"),
    ("GLM-4.5-Air", "zai-org/GLM-4.5-Air"), ("DeepSeek-V3-0324", "deepseek-ai/DeepSeek-V3-0324"),
    ("DeepSeek-R1", "deepseek-ai/DeepSeek-R1"), ("Llama-4-Scout", "meta-llama/Llama-4-Scout-17B-16E-Instruct"),
)
DESKTOP_CPU = re.compile(r"ryzen|core i\d|core ultra", re.I)


@dataclass(frozen=True)
class OffloadRow:
    model: str
    repo: str
    quant: str
    gpu: str
    gpu_gb: float
    gpu_bandwidth_gbs: float
    ram_bandwidth_gbs: float
    n_cpu_moe: int
    tokens_per_s: float
    source: str
    graphs: bool  # whether the llama.cpp of the row's date replayed CUDA graphs per GPU segment
    cpu_gflops: float | None
    ram_gb: float | None = None  # the machine's RAM, when the row says


def ram_bandwidth(ram: str, cpu: str) -> float | None:
    """GB/s the CPU reads: a measured figure as given, a DDR speed x channels at the sustained share."""
    measured = re.search(r"~?\s*(\d+(?:\.\d+)?)\s*GB/s", ram)
    if measured:
        return float(measured.group(1))
    speed = re.search(r"DDR\d-(\d{4})", ram)
    if not speed:
        return None
    channels = re.search(r"(\d+)\s*channels", ram)
    n = int(channels.group(1)) if channels else (2 if DESKTOP_CPU.search(cpu) else None)
    return int(speed.group(1)) * 8 * n / 1000 * DRAM_SUSTAINED_SHARE if n else None


PRE_AMPERE = re.compile(r"\b(rtx\s*20\d0|gtx\s*16\d0|titan\s*(rtx|v)|quadro\s*rtx|t1000|t4|v100)\b", re.I)


def graphs_on(gpu: str, measured_on: str) -> bool:
    """Whether the llama.cpp a row ran replayed a CUDA graph per GPU segment (NVIDIA only)."""
    if "nvidia" not in gpu.lower() or not measured_on:
        return False
    return measured_on > ("2026-07-20" if PRE_AMPERE.search(gpu) else "2026-01-19") and cuda_graphs(gpu, "nvidia")


def _gpu(name: str) -> tuple[float, float] | None:
    """(memory GB, bandwidth GB/s) of a GPU named as the row does, from llmguide's presets."""
    from llmguide.catalog.loader import load_catalog
    from llmguide.errors import LLMGuideError
    from llmguide.hardware.flags import find_device

    try:
        dev = find_device(load_catalog().hardware, re.sub(r"\(.*|\s\d+\s*GB$", "", name).strip())
    except LLMGuideError:
        dev = None
    if dev and dev.memory_gb and dev.bandwidth_gbs:
        return dev.memory_gb, dev.bandwidth_gbs
    key = normalize(re.sub(r"\(.*|geforce|\s\d+\s*GB$", "", name, flags=re.I))
    with (SHARED / "gpus.csv").open() as fh:
        for r in csv.DictReader(fh):
            if normalize(r["name"]) == key and r["memory_gb"] and r["mem_bandwidth_gbs"]:
                return float(r["memory_gb"]), float(r["mem_bandwidth_gbs"])
    return None


def offload_rows() -> list[OffloadRow]:
    out = []
    with DATA.open() as fh:
        for r in csv.DictReader(fh):
            engine = r["test"] + " " + r["quant"]  # where a row says which engine ran it
            ik = "ik_llama" in engine or "ik_llama.cpp build" in r["notes"]  # a fork with its own kernels
            with_prompt = re.search(r"incl(\.|udes) prompt", r["test"])  # an average over prompt and generation
            if ("DOUBT" in r["notes"] or ik or not r["test"].startswith("tg") or with_prompt or not r["n_cpu_moe"]
                    or (r["gpu_count"] or "1") != "1"):
                continue
            repo = next((hf for key, hf in MODELS if key.lower() in r["model"].lower()), None)
            quant = re.sub(r"\(.*", "", r["quant"]).strip()
            if quant == "not stated" and repo and "gpt-oss" in repo:
                quant = "MXFP4"
            preset = _quant(quant)
            gpu = _gpu(r["gpu"])
            bw = ram_bandwidth(r["ram_type"], r["cpu"])
            if repo is None or preset is None or gpu is None or bw is None:
                continue
            mem, gbw = gpu
            out.append(OffloadRow(r["model"], repo, preset.name, r["gpu"], mem, gbw, bw, int(r["n_cpu_moe"]),
                                  float(r["tokens_per_s"]), r["source_url"], graphs_on(r["gpu"], r["measured_on"]),
                                  float(r["cpu_fp32_gflops"]) if r["cpu_fp32_gflops"] else None,
                                  float(r["ram_gb"]) if r["ram_gb"] else None))
    return out


def predict(row: OffloadRow) -> float | None:
    """Generation tok/s llmguide gives for the row's placement, as the llama.cpp of its date ran."""
    from llmguide.estimate.fit import cpu_device, gpu_device
    from llmguide.estimate.memory import estimate_memory
    from llmguide.estimate.placement import place_as
    from llmguide.estimate.speed import estimate_offload_speed
    from llmguide.hardware.flags import from_flags

    arch = architectures().get(row.repo)
    if arch is None:
        return None
    hw = replace(from_flags(row.gpu_gb, 1024, bandwidth_gbs=row.gpu_bandwidth_gbs), cpu_bandwidth=row.ram_bandwidth_gbs * 1e9,
                 gpu_name=row.gpu, gpu_family="amd" if "radeon" in row.gpu.lower() else "nvidia",
                 cpu_flops=row.cpu_gflops * 1e9 if row.cpu_gflops else None)
    est = estimate_memory(arch, row.quant, 4096)
    where = place_as(arch, est, hw, cpu_moe_layers=min(row.n_cpu_moe, arch.layers))
    if row.ram_gb and where.cpu_bytes > from_flags(row.gpu_gb, row.ram_gb).ram_budget:
        return None  # llmguide would say it does not fit the machine's RAM: it pages from disk, which is not modelled
    cpu_read, moved = where.experts_read(arch)
    gpu = gpu_device(hw)
    cpu = cpu_device(hw)  # as the tool prices this CPU
    speed = estimate_offload_speed(arch, row.quant, gpu, cpu, cpu_read=cpu_read, moved_layers=moved, ram_weights=where.cpu_expert_bytes,
                                   segment_graphs=row.graphs)
    return speed.decode_tokens_per_s
