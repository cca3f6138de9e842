"""CPU-only measurements (benchmarks/data/speeds_cpu.csv) against the estimate.

A row is scored when it is a generation test of a model the reference configs describe, at a
quantization llmguide prices, and its RAM bandwidth is known: a measured read figure as given, or
the peak of its DDR speed x channels at the share a memory system sustains (DRAM_SUSTAINED_SHARE),
as the tool itself takes a RAM spec. The CPU's FP32 peak is the row's where given; without it the
row is priced by its reads alone, as the tool prices a CPU it did not detect.

Left out, with the reason kept in the file: rows marked DOUBT (Ollama with unknown settings and
quantization, pre-GGUF files, tuned peaks), and Apple chips: their CPU cores reach only a part of
the unified memory's bandwidth (the GPU is what the bus is sized for), which llmguide does not
model because it prices a Mac on its GPU.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks.refdata import architectures
from benchmarks.speedrows import _quant
from llmguide.hardware.profile import DRAM_SUSTAINED_SHARE, Hardware

DATA = Path(__file__).resolve().parent / "data" / "speeds_cpu.csv"
MODELS = (  # start of the row's model -> Hugging Face repo (first match wins)
    ("Phi-4 14B", "microsoft/phi-4"), ("Llama 3.1 70B", "meta-llama/Llama-3.1-70B-Instruct"),
    ("Llama 3.1 8B", "meta-llama/Llama-3.1-8B-Instruct"), ("Llama 3.2 3B", "meta-llama/Llama-3.2-3B-Instruct"),
    ("Llama 3.2 1B", "meta-llama/Llama-3.2-1B-Instruct"), ("Mixtral 8x7B", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
    ("Mistral 7B", "mistralai/Mistral-7B-Instruct-v0.1"), ("Qwen3-30B-A3B", "Qwen/Qwen3-30B-A3B"),
    ("gpt-oss-20b", "openai/gpt-oss-20b"),
)


@dataclass(frozen=True)
class CpuRow:
    hardware: str
    model: str
    repo: str
    quant: str
    bandwidth_gbs: float
    flops: float | None  # FP32 FLOP/s as published; None: not published (the tool's assumption)
    tokens_per_s: float
    source: str


def cpu_rows() -> list[CpuRow]:
    out = []
    with DATA.open() as fh:
        for r in csv.DictReader(fh):
            if "DOUBT" in r["notes"] or "apple" in r["hardware"].lower():
                continue
            if not re.search(r"\btg|generation|eval", r["test"], re.I):
                continue
            repo = next((hf for key, hf in MODELS if r["model"].startswith(key)), None)
            preset = _quant(r["quant"])
            measured, peak = r["ram_measured_gbs"], r["ram_peak_gbs"]
            bw = float(measured) if measured else float(peak) * DRAM_SUSTAINED_SHARE if peak else None
            if repo is None or preset is None or bw is None or repo not in architectures():
                continue
            flops = float(r["cpu_fp32_gflops"]) * 1e9 if r["cpu_fp32_gflops"] else None
            out.append(CpuRow(r["hardware"], r["model"], repo, preset.name, bw, flops, float(r["tokens_per_s"]), r["source_url"]))
    return out


def predict(row: CpuRow, depth: int = 64) -> float:
    """Generation tok/s llmguide gives for the row on the CPU alone (tg128: a mean depth of 64)."""
    from llmguide.estimate.fit import cpu_device
    from llmguide.estimate.speed import estimate_speed

    cpu = cpu_device(Hardware(cpu_bandwidth=row.bandwidth_gbs * 1e9, cpu_flops=row.flops))  # as the tool prices this CPU
    return estimate_speed(architectures()[row.repo], row.quant, [(cpu, 1.0)], depth=depth).decode_tokens_per_s
