"""The single-device generation rows of ../shared/data/speeds_dev.csv, joined with architectures.

Used by the speed calibration (benchmarks/calibrate_speed.py) and the accuracy report. A row is
kept when its test is token generation (tg128, tg1024, ... or a note saying generation speed),
it ran on one device, its model and quantization are known, and the device's memory bandwidth is
known (from the row, or from ../shared/data/gpus.csv by the longest matching name).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks.refdata import SHARED, architectures
from llmguide.catalog.schema import normalize
from llmguide.estimate.gguf_rules import Preset, parse_preset
from llmguide.model import Architecture

MODELS = {
    "Llama 2 7B": "meta-llama/Llama-2-7b-hf", "Llama 2 13B": "meta-llama/Llama-2-13b-hf",
    "CodeLlama 7B": "codellama/CodeLlama-7b-hf", "Mistral 7B v0.1": "mistralai/Mistral-7B-v0.1",
    "Llama 3 8B": "meta-llama/Meta-Llama-3-8B-Instruct", "Llama 3.1 8B": "meta-llama/Llama-3.1-8B",
    "Llama 3 70B": "meta-llama/Llama-3.1-70B", "Llama 3.1 70B Instruct": "meta-llama/Llama-3.1-70B",
    "Llama 3.3 70B Instruct": "meta-llama/Llama-3.1-70B", "Llama 3.2 3B Instruct": "meta-llama/Llama-3.2-3B",
    "gpt-oss-20b": "openai/gpt-oss-20b", "gpt-oss-120b": "openai/gpt-oss-120b",
    "Qwen2.5-Coder-7B": "Qwen/Qwen2.5-7B-Instruct", "DeepSeek-R1-Distill-Qwen-14B": "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
    "DeepSeek-R1-Distill-Qwen-7B": "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "Gemma 3 4B": "google/gemma-3-4b-it", "Gemma 3 4B (QAT)": "google/gemma-3-4b-it",
    "Qwen3-Coder-30B-A3B": "Qwen/Qwen3-Coder-30B-A3B-Instruct",
    # benchmarks/data/speeds_more.csv (gathered December 2026)
    "Llama 3.1 70B": "meta-llama/Llama-3.1-70B", "GLM-4.5-Air": "zai-org/GLM-4.5-Air", "GLM-4.7-Flash": "zai-org/GLM-4.7-Flash",
    "MiniMax-M2.5": "MiniMaxAI/MiniMax-M2.5", "MiniMax-M2.7": "MiniMaxAI/MiniMax-M2.7",
    "Ministral 3 14B Instruct (2512)": "mistralai/Ministral-3-14B-Instruct-2512",
    "Nemotron 3 Super 120B-A12B": "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16",
    "Qwen2.5 14B": "Qwen/Qwen2.5-14B-Instruct", "Qwen2.5 32B": "Qwen/Qwen2.5-32B-Instruct",
    "Qwen3-235B-A22B": "Qwen/Qwen3-235B-A22B", "Qwen3-30B-A3B": "Qwen/Qwen3-30B-A3B", "Qwen3-32B": "Qwen/Qwen3-32B",
    "Qwen3-Coder-Next (80B-A3B)": "Qwen/Qwen3-Coder-Next", "Qwen3-Next-80B-A3B-Instruct": "Qwen/Qwen3-Next-80B-A3B-Instruct",
    "Qwen3.5-122B-A10B": "Qwen/Qwen3.5-122B-A10B", "Qwen3.5-35B-A3B": "Qwen/Qwen3.5-35B-A3B",
    "Qwen3.6-27B": "Qwen/Qwen3.6-27B", "Qwen3.6-35B-A3B": "Qwen/Qwen3.6-35B-A3B", "Qwen3.8-27B": "Qwen/Qwen3.8-27B",
    "gemma-4-26B-A4B-it": "google/gemma-4-26B-A4B-it", "gemma-4-31B-it": "google/gemma-4-31B-it",
}
MORE = Path(__file__).resolve().parent / "data" / "speeds_more.csv"


@dataclass(frozen=True)
class SpeedRow:
    hardware: str
    kind: str  # gpu | apple | cpu (as the sheet says)
    vendor: str  # nvidia | amd | intel | apple | cpu
    backend: str
    model: str
    arch: Architecture
    preset: Preset
    bandwidth_gbs: float
    depth: int  # mean context depth during the measured generation
    tokens_per_s: float
    n_devices: int = 1


def _bandwidths() -> dict[str, float]:
    with (SHARED / "gpus.csv").open() as fh:
        return {normalize(r["name"]): float(r["mem_bandwidth_gbs"]) for r in csv.DictReader(fh) if r["mem_bandwidth_gbs"]}


def _vendor(row: dict) -> str:
    h = row["hardware"].lower()
    if row["hardware_kind"] == "apple":
        return "apple"
    if row["hardware_kind"] == "cpu":
        return "cpu"
    return next((v for v in ("nvidia", "amd", "intel") if v in h), "nvidia" if "rtx" in h else "amd")


def _quant(cell: str) -> Preset | None:
    """A quantization as the sheets write it: unsloth's UD- files priced as the nearest preset."""
    q = cell.split(" ")[0].removeprefix("UD-")
    q = {"MXFP4": "MXFP4_MOE", "Q8_K_XL": "Q8_0", "Q4_K_XL": "Q4_K_XL", "Q3_K_S": "Q3_K_S"}.get(q, q)
    return parse_preset(q)


def device_class(row: "SpeedRow") -> str:
    """The class a row is reported under: llmguide's speed class (``speed_class``: HBM, Apple
    Ultra), split further by vendor and, for AMD, by backend."""
    from llmguide.estimate.speed import speed_class

    klass = speed_class(row.hardware, row.vendor)
    if row.vendor == "apple":
        return "Apple Ultra" if klass == "apple-ultra" else "Apple"
    if row.vendor == "cpu":
        return "CPU"
    if row.vendor == "nvidia":
        return "NVIDIA datacenter (HBM)" if klass == "hbm" else "NVIDIA consumer/workstation"
    if row.vendor == "amd":
        return "AMD Instinct (HBM)" if klass == "amd-hbm" else ("AMD " + ("Vulkan" if "vulkan" in row.backend.lower() else "ROCm"))
    return row.vendor


def generation_rows(path: Path | None = None, devices: int = 1) -> list[SpeedRow]:
    """Generation rows of ``path`` (default: the shared development sheet) on ``devices`` devices
    (0: every multi-device row)."""
    archs, bws = architectures(), _bandwidths()
    out = []
    with (path or SHARED / "speeds_dev.csv").open() as fh:
        for r in csv.DictReader(fh):
            note = r["notes"]
            m = re.search(r"\btg_?(\d+)", r["test"] + " " + note)
            is_tg = r["test"] == "tg128" or (r["test"] == "other" and (m or re.search(r"generation|Eval Rate|decode", note)))
            n = int(r["n_devices"] or 1)
            if not is_tg or (n != devices if devices else n == 1):
                continue
            if "DOUBT" in note:
                continue
            arch = archs.get(MODELS.get(r["model"], ""))
            preset = _quant(r["quant"])
            bw = float(r["mem_bandwidth_gbs"]) if r["mem_bandwidth_gbs"] else None
            if bw is None:
                name = normalize(r["hardware"].split("(")[0])
                hits = [k for k in bws if k in name or name in k]
                bw = bws[max(hits, key=len)] if hits else None
            if arch is None or preset is None or bw is None:
                continue
            depth = int(m.group(1)) // 2 if m else 64
            out.append(SpeedRow(r["hardware"], r["hardware_kind"], _vendor(r), r["backend"], r["model"], arch,
                                preset, bw, max(depth, 1), float(r["tokens_per_s"]), n))
    return out


def predict(r: SpeedRow) -> float:
    """llmguide's generation tok/s for a row: its device class from the name, and for NVIDIA rows
    on several GPUs llama.cpp's layer split (priced like one card plus launches without graphs)."""
    from llmguide.estimate.speed import SpeedDevice, estimate_speed, speed_class

    dev = SpeedDevice(r.vendor, r.bandwidth_gbs * 1e9, klass=speed_class(r.hardware, r.vendor))
    split = r.n_devices if r.vendor == "nvidia" else 1
    return estimate_speed(r.arch, r.preset, [(dev, 1.0)], depth=r.depth, split_gpus=split).decode_tokens_per_s
