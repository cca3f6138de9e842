"""Expert-offload measurements (benchmarks/data/speeds_offload.csv) against the estimate.

A row is scored when it ran mainline llama.cpp on one GPU (ik_llama.cpp has its own CPU kernels),
is a generation test, names a model the catalog or the reference configs describe and a quantization
llmguide prices, gives the --n-cpu-moe count (or --cpu-moe), names its GPU (bandwidth from
../shared/data/gpus.csv) and lets the RAM bandwidth be worked out: a measured GB/s figure, or a
DDR speed with its channel count (two for a desktop CPU when not stated). Rows marked DOUBT are
left out.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.refdata import SHARED, architectures
from benchmarks.speedrows import _quant
from llmguide.catalog.schema import normalize

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


def ram_bandwidth(ram: str, cpu: str) -> float | None:
    measured = re.search(r"~?\s*(\d+(?:\.\d+)?)\s*GB/s", ram)
    if measured:
        return float(measured.group(1))
    speed = re.search(r"DDR\d-(\d{4})", ram)
    if not speed:
        return None
    channels = re.search(r"(\d+)\s*channels", ram)
    n = int(channels.group(1)) if channels else (2 if DESKTOP_CPU.search(cpu) else None)
    return int(speed.group(1)) * 8 * n / 1000 if n else None


def _gpu(name: str) -> tuple[float, float] | None:
    """(memory GB, bandwidth GB/s) of a GPU named as the row does, from llmguide's presets."""
    from llmguide.catalog.loader import load_catalog
    from llmguide.errors import LLMGuideError
    from llmguide.hardware.flags import find_device

    try:
        dev = find_device(load_catalog().hardware, re.sub(r"\(.*", "", name).strip())
    except LLMGuideError:
        dev = None
    if dev and dev.memory_gb and dev.bandwidth_gbs:
        return dev.memory_gb, dev.bandwidth_gbs
    key = normalize(re.sub(r"\(.*|geforce", "", name, flags=re.I))
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
            if ("DOUBT" in r["notes"] or "ik_llama" in engine or not r["test"].startswith("tg") or not r["n_cpu_moe"]
                    or (r["gpu_count"] or "1") != "1"):
                continue
            repo = next((hf for key, hf in MODELS if key.lower() in r["model"].lower()), None)
            preset = _quant(re.sub(r"\(.*", "", r["quant"]).strip())
            gpu = _gpu(r["gpu"])
            bw = ram_bandwidth(r["ram_type"], r["cpu"])
            if repo is None or preset is None or gpu is None or bw is None:
                continue
            mem, gbw = gpu
            out.append(OffloadRow(r["model"], repo, preset.name, r["gpu"], mem, gbw, bw, int(r["n_cpu_moe"]),
                                  float(r["tokens_per_s"]), r["source_url"]))
    return out


def predict(row: OffloadRow) -> float | None:
    from llmguide.estimate.memory import estimate_memory
    from llmguide.estimate.placement import place_as
    from llmguide.estimate.fit import placement_speed
    from llmguide.hardware.flags import from_flags

    arch = architectures().get(row.repo)
    if arch is None:
        return None
    hw = replace(from_flags(row.gpu_gb, 1024, bandwidth_gbs=row.gpu_bandwidth_gbs), cpu_bandwidth=row.ram_bandwidth_gbs * 1e9,
                 gpu_name=row.gpu, gpu_family="amd" if "radeon" in row.gpu.lower() else "nvidia")
    est = estimate_memory(arch, row.quant, 4096)
    where = place_as(arch, est, hw, cpu_moe_layers=min(row.n_cpu_moe, arch.layers))
    if where.mode == "none":
        where = replace(where, mode="expert_offload")  # the row ran: price it anyway
    speed = placement_speed(arch, row.quant, hw, where, calibrated=False)
    return speed.decode_tokens_per_s if speed else None
