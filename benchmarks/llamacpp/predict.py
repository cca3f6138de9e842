"""llmguide's predictions for the rows measured by run.py (used by benchmarks/accuracy.py and the tests).

Every prediction comes from the estimator a user's command calls, from the model's config.json
(models.py) and the row's quantization, context and switches; nothing is read from the measured
row except those inputs.
"""

from __future__ import annotations

import csv
import sys
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import models  # noqa: E402

from llmguide.estimate.gguf_rules import Preset  # noqa: E402
from llmguide.estimate.kv_cache import kv_cache_bytes  # noqa: E402
from llmguide.estimate.memory import estimate_memory  # noqa: E402
from llmguide.estimate.runtime import LlamaCppRun, compute_buffer_bytes, output_buffer_bytes  # noqa: E402
from llmguide.model.config import from_config  # noqa: E402

MEMORY_CSV = HERE / "results" / "memory.csv"
SPEED_CSV = HERE / "results" / "speed.csv"
MIB = 1 << 20
CPU_ISA = {"avx2": "avx2", "native": "avx2"}  # the build the rows were measured with


@lru_cache(maxsize=None)
def arch(name: str):
    return from_config(models.MODELS[name][1], source=models.MODELS[name][2])


def rows(path: Path = MEMORY_CSV) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def predict_memory(row: dict) -> dict[str, int]:
    """Predicted bytes for one measured row, under the same names as the measured columns."""
    a = arch(row["model"])
    ctx, fa, mmap = int(row["context"]), row["flash_attn"] == "1", row["mmap"] == "1"
    run = LlamaCppRun(flash_attention=fa, mmap=mmap)
    quant = Preset(row["quant"], imatrix=False)  # llama-quantize without an importance matrix
    est = estimate_memory(a, quant, ctx, run=run, cpu_isa=CPU_ISA[row["build"]],
                          prompt_tokens=int(row["prompt_tokens"]))
    return {
        "file_bytes": est.weights,
        "repack_buffer_bytes": est.repack,
        "kv_bytes": kv_cache_bytes(a, ctx, n_ubatch=run.n_ubatch),
        "compute_bytes": compute_buffer_bytes(a, ctx, fa, run.n_ubatch),
        "output_bytes": output_buffer_bytes(a),
        "peak_rss_bytes": est.resident,
        # what llama.cpp reserves: the buffers, with the repacked copy beside the mapped file
        # (without mmap the file is read into the repacked buffer and a CPU buffer for the rest)
        "reserved_bytes": est.weights + (est.repack if mmap else 0) + est.kv_cache + est.compute,
    }


def llamacpp_projection(row: dict) -> int:
    """llama.cpp's own projection (llama-fit-params), in bytes (it prints whole MiB)."""
    return (int(row["fit_model_mib"]) + int(row["fit_context_mib"]) + int(row["fit_compute_mib"])) * MIB


def error(predicted: float, measured: float) -> float:
    return (predicted - measured) / measured if measured else 0.0


def predict_speed(row: dict) -> float:
    """Predicted tokens/s for one llama-bench row, from the machine's measured bandwidth and its
    cores' FP32 peak recorded beside it (inputs of the physics, not fitted to the row)."""
    from llmguide.estimate.speed import SpeedDevice, estimate_speed

    a = arch(row["model"])
    dev = SpeedDevice("cpu", float(row["bandwidth_gbs"]) * 1e9, float(row["cpu_gflops"]) * 1e9)
    preset = Preset(row["quant"], imatrix=False)
    depth, tokens = int(row["depth"]), int(row["tokens"])
    if row["test"] == "tg":  # tg32 at depth d generates from d to d + 32: charge the mean depth
        return estimate_speed(a, preset, [(dev, 1.0)], depth=depth + tokens // 2).decode_tokens_per_s
    return estimate_speed(a, preset, [(dev, 1.0)], depth=depth, prompt_tokens=tokens).prefill_tokens_per_s
