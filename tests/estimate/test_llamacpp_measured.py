"""llmguide's llama.cpp memory model against llama.cpp's own runs (benchmarks/llamacpp/results).

The CSV was measured by benchmarks/llamacpp/run.py on random-weight models of real shapes; these
tests re-predict every row with the estimator and hold it to the issue's goals: file size within
0.5%, KV cache exact, compute buffer within 10%, peak resident memory within 5%.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[2] / "benchmarks" / "llamacpp"


def _load(name: str):
    sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


predict = _load("predict")
ROWS = predict.rows()
GOALS = {"file_bytes": 0.005, "kv_bytes": 0.0, "compute_bytes": 0.10, "peak_rss_bytes": 0.05, "repack_buffer_bytes": 0.01}


def _id(r: dict) -> str:
    return f"{r['model']}-{r['quant']}-c{r['context']}-fa{r['flash_attn']}-mmap{r['mmap']}"


def test_the_measurements_cover_what_the_issue_asks():
    assert {r["model"] for r in ROWS} >= {"llama-3.2-1b", "qwen2.5-0.5b", "tinyllama-1.1b", "gemma-3-270m", "granite-3.0-1b-a400m"}
    assert {r["quant"] for r in ROWS} >= {"F16", "Q8_0", "Q4_0", "Q4_K_M"}
    assert {r["context"] for r in ROWS} >= {"512", "4096", "16384"}
    assert {(r["flash_attn"], r["mmap"]) for r in ROWS} == {("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")}


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_prediction_meets_the_goal(row):
    predicted = predict.predict_memory(row)
    for key, goal in GOALS.items():
        measured = int(row[key])
        if measured == 0:
            assert predicted[key] == 0, key
            continue
        assert abs(predicted[key] - measured) / measured <= goal, (key, measured, predicted[key])


def test_repacking_shows_only_with_mmap():
    """With mmap the repacked copy comes on top of the mapped file; without, the file is read into it."""
    q4 = [r for r in ROWS if r["quant"] == "Q4_0" and r["model"] == "llama-3.2-1b" and r["context"] == "4096" and r["flash_attn"] == "1"]
    by_mmap = {r["mmap"]: int(r["peak_rss_bytes"]) for r in q4}
    repacked = int(q4[0]["repack_buffer_bytes"])
    assert repacked > 0
    assert by_mmap["1"] - by_mmap["0"] == pytest.approx(repacked, rel=0.05)


def test_the_compute_buffer_grows_with_context_only_without_flash_attention():
    rows = [r for r in ROWS if r["model"] == "llama-3.2-1b" and r["quant"] == "F16" and r["mmap"] == "1"]
    on = {int(r["context"]): int(r["compute_bytes"]) for r in rows if r["flash_attn"] == "1"}
    off = {int(r["context"]): int(r["compute_bytes"]) for r in rows if r["flash_attn"] == "0"}
    assert on[512] == on[16384]
    assert off[16384] > 3 * off[4096] > 3 * on[4096]


SPEED = predict.rows(predict.SPEED_CSV)


def _speed_errors(rows):
    return sorted(abs(predict.error(predict.predict_speed(r), float(r["tokens_per_s"]))) for r in rows)


def test_speed_rows_cover_depth_zero_and_deep():
    assert {(r["test"], r["depth"] != "0") for r in SPEED} == {("pp", False), ("pp", True), ("tg", False), ("tg", True)}


@pytest.mark.parametrize("test", ["pp", "tg"])
@pytest.mark.parametrize("deep", [False, True])
def test_cpu_speed_stays_close_to_llama_bench(test, deep):
    """In-sample guard (the constants were derived from these rows by calibrate.py): half the rows
    within 12%, none off by more than 2x (MoE prompt processing is the known worst case)."""
    errors = _speed_errors([r for r in SPEED if r["test"] == test and (r["depth"] != "0") == deep])
    assert errors[len(errors) // 2] <= 0.12
    assert errors[-1] <= 1.0


def test_a_long_context_slows_cpu_generation_much_more_than_its_bytes():
    """llama-bench: Llama 3.2 1B Q4_0 generates 2.3x slower at depth 2048; the extra cache bytes
    alone would explain a few percent. The estimate must show most of that slowdown."""
    rows = {(r["depth"]): r for r in SPEED if r["model"] == "llama-3.2-1b" and r["quant"] == "Q4_0" and r["test"] == "tg"}
    measured = float(rows["0"]["tokens_per_s"]) / float(rows["2048"]["tokens_per_s"])
    predicted = predict.predict_speed(rows["0"]) / predict.predict_speed(rows["2048"])
    assert measured > 2 and predicted > 0.8 * measured


def test_the_cpu_decoding_costs_are_the_ones_the_rows_imply():
    """llmguide's constants are what benchmarks/llamacpp/calibrate.py derives from the committed
    rows (re-derive and paste them when the rows change)."""
    from llmguide.estimate import speed as S

    calibrate = _load("calibrate")
    derived = calibrate.derive(SPEED)
    for kind, per_byte in derived["decode_flops_per_byte"].items():
        assert S.CPU_DECODE_FLOPS_PER_BYTE[kind] == pytest.approx(per_byte, rel=0.01)
    assert S.CPU_DECODE_FLOPS_PER_BYTE["mxfp4"] == S.CPU_DECODE_FLOPS_PER_BYTE["kquant"]  # not measured
    assert S.CPU_ATTENTION_FLOPS_PER_ELEMENT == pytest.approx(derived["attention_flops_per_element"], rel=0.01)
