"""Derive the CPU speed constants of llmguide/estimate/speed.py from results/speed.csv.

Each constant is the median over rows of the value that row implies, given the physics and the
machine's measured bandwidth and FP32 peak (recorded in the CSV):

* decode at depth 0 (tg32): per block kind, the FP32-peak FLOP-equivalents per byte of weights
  that these two cores spend decoding the blocks (CPU_DECODE_FLOPS_PER_BYTE): two cores are too few
  to keep their memory busy, so decoding sets their pace; many cores read at a share of the
  bandwidth instead (CPU_STREAM_SHARE, fitted across machines by benchmarks/calibrate_cpu.py);
* attention cost per cached element (tg32 at depth 2048): the extra time over depth 0, per key and
  value element read;
* prefill efficiency per block kind (pp512 at depth 0) and of batched attention (pp512 at depth
  2048), against the cores' FP32 peak.

It then scores the constants leaving one model out at a time (constants from the other four), the
fair guide to models it has not seen.

    python benchmarks/llamacpp/calibrate.py
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import predict  # noqa: E402

from llmguide.estimate import speed as S  # noqa: E402
from llmguide.estimate.gguf_rules import Preset  # noqa: E402
from llmguide.estimate.kv_cache import kv_cache_bytes  # noqa: E402
from llmguide.estimate.weights import read_bytes_per_token  # noqa: E402
from llmguide.model.tensors import active_parameter_count  # noqa: E402


def implied(rows: list[dict]) -> dict:
    out: dict = defaultdict(list)
    base = {}
    for r in rows:
        a, p = predict.arch(r["model"]), Preset(r["quant"], imatrix=False)
        kind, bw, flops = S.block_kind(p), float(r["bandwidth_gbs"]) * 1e9, float(r["cpu_gflops"]) * 1e9
        depth, tps = int(r["depth"]), float(r["tokens_per_s"])
        if r["test"] == "tg":
            mean = depth + int(r["tokens"]) // 2
            weights, cache = read_bytes_per_token(a, p), kv_cache_bytes(a, max(mean, 1))
            if depth == 0:  # (share of the bandwidth reached, the cores' FLOP/s per byte/s of bandwidth)
                out[("decode", kind)].append(((weights + cache) * tps / bw, flops / bw))
                base[(r["model"], r["quant"])] = weights + cache
            else:
                out[("decode_deep", kind)].append((r, weights, cache, mean, tps, bw, flops))
        else:
            head = 0 if a.tied_embeddings else a.vocab_size * a.hidden_size
            products = 2.0 * (active_parameter_count(a) - head)
            attention = S.attention_flops_per_token(a, int(depth + int(r["tokens"]) / 2))
            out[("prefill" if depth == 0 else "prefill_deep", kind)].append((products, attention, tps, flops))
    return out


def derive(rows: list[dict], share: float | None = None) -> dict[str, object]:
    """The constants these rows imply, given the share of bandwidth a many-core CPU's reads reach
    (default: llmguide's CPU_STREAM_SHARE, fitted across machines by benchmarks/calibrate_cpu.py)."""
    v = implied(rows)
    share = share or S.CPU_STREAM_SHARE
    per_byte = {k: statistics.median(ratio / eff for eff, ratio in x) for (name, k), x in v.items() if name == "decode"}
    per_element = []
    for (name, kind), items in v.items():
        if name != "decode_deep":
            continue
        for r, weights, cache, mean, tps, bw, flops in items:
            extra = 1 / tps - max(weights / bw / share, weights * per_byte[kind] / flops) - cache / bw / share
            per_element.append(extra * flops / S.cached_elements(predict.arch(r["model"]), mean))
    att_eff = 0.2  # first guess; refined below from the deep prefill rows
    for _ in range(3):
        prefill = {k: statistics.median(p / (f / t - a / att_eff) for p, a, t, f in x)
                   for (name, k), x in v.items() if name == "prefill"}
        att_eff = statistics.median(a / (f / t - p / prefill[k]) for (name, k), x in v.items()
                                    if name == "prefill_deep" for p, a, t, f in x)
    return {"stream_share": share, "decode_flops_per_byte": per_byte, "attention_flops_per_element": statistics.median(per_element),
            "prefill": prefill, "prefill_attention": att_eff}


def apply(c: dict) -> None:
    S.CPU_STREAM_SHARE = c["stream_share"]
    S.CPU_DECODE_FLOPS_PER_BYTE.update(c["decode_flops_per_byte"])
    S.CPU_ATTENTION_FLOPS_PER_ELEMENT = c["attention_flops_per_element"]
    S.CPU_PREFILL_EFFICIENCY.update(c["prefill"])
    S.CPU_PREFILL_ATTENTION_EFFICIENCY = c["prefill_attention"]


def errors(rows: list[dict]) -> list[float]:
    return [abs(predict.error(predict.predict_speed(r), float(r["tokens_per_s"]))) for r in rows]


def main() -> int:
    rows = predict.rows(predict.SPEED_CSV)
    constants = derive(rows)
    print("constants from all rows:", {k: (round(v, 3) if isinstance(v, float) else {kk: round(vv, 3) for kk, vv in v.items()})
                                       for k, v in constants.items()})
    saved = (S.CPU_STREAM_SHARE, dict(S.CPU_DECODE_FLOPS_PER_BYTE), S.CPU_ATTENTION_FLOPS_PER_ELEMENT, dict(S.CPU_PREFILL_EFFICIENCY),
             S.CPU_PREFILL_ATTENTION_EFFICIENCY)
    apply(constants)
    e = errors(rows)
    print(f"in sample: median {statistics.median(e):.1%}, max {max(e):.1%} over {len(e)} rows")
    held = []
    for model in sorted({r["model"] for r in rows}):
        apply(derive([r for r in rows if r["model"] != model]))
        held += errors([r for r in rows if r["model"] == model])
    print(f"leave one model out: median {statistics.median(held):.1%}, p90 {sorted(held)[int(0.9 * len(held))]:.1%}, max {max(held):.1%}")
    (S.CPU_STREAM_SHARE, S.CPU_DECODE_FLOPS_PER_BYTE, S.CPU_ATTENTION_FLOPS_PER_ELEMENT, S.CPU_PREFILL_EFFICIENCY,
     S.CPU_PREFILL_ATTENTION_EFFICIENCY) = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
