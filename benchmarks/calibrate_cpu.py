"""Fit the share of RAM bandwidth a CPU's token reads reach (CPU_STREAM_SHARE) across machines.

The 2-core machine of benchmarks/llamacpp is bound by decoding the weights' blocks on its cores,
not by its memory: its rates give the decoding cost per block kind (calibrate.py), and only a
floor for the share (its fastest kind, F16, reaches 0.67). Machines with many cores are bound by
their memory, so their rates give the share: the one that best predicts CPU-only runs
(benchmarks/data/speeds_cpu.csv) and GPUs with experts in RAM (benchmarks/data/speeds_offload.csv),
pooled, is taken. Leaving one machine out at a time (the share fitted on the others) gives the
figure to expect on machines not in the data.

    python benchmarks/calibrate_cpu.py
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "llamacpp"))

import calibrate  # noqa: E402
import predict as bench  # noqa: E402

from benchmarks import cpurows, offloadrows  # noqa: E402
from llmguide.estimate import speed as S  # noqa: E402

GRID = [round(0.67 + 0.01 * i, 2) for i in range(24)]  # 0.67 (the 2-core machine's F16 rate) .. 0.90


def cases() -> list[tuple[str, str, Callable[[], float | None], float]]:
    """(class, machine, prediction, measured tok/s) for every scored row."""
    out: list[tuple[str, str, Callable[[], float | None], float]] = []
    for c in cpurows.cpu_rows():
        out.append(("CPU", c.hardware, lambda c=c: cpurows.predict(c), c.tokens_per_s))
    for o in offloadrows.offload_rows():
        out.append(("expert offload", f"{o.gpu} + {o.ram_bandwidth_gbs:g} GB/s RAM", lambda o=o: offloadrows.predict(o), o.tokens_per_s))
    return out


def decoding(two_core: list[dict]) -> dict[str, float]:
    """The decoding cost per byte of each block kind the 2-core rows give (whatever the share:
    those rows are bound by decoding, not by reads)."""
    per_byte = dict(calibrate.derive(two_core)["decode_flops_per_byte"])  # type: ignore[call-overload]
    return {**per_byte, "mxfp4": per_byte["kquant"]}  # MXFP4 not measured: taken as K-quants


def error_table(rows) -> dict[float, list[float | None]]:
    """Each row's relative error (None: not priced) under every share of the grid."""
    table = {}
    for share in GRID:
        S.CPU_STREAM_SHARE = share
        table[share] = [(p / measured - 1) if (p := pred()) is not None else None for _, _, pred, measured in rows]
    return table


def best(table: dict[float, list[float | None]], keep: list[bool]) -> float:
    """The share with the smallest median absolute error over the rows ``keep`` marks."""
    def score(share: float) -> float:
        return statistics.median(abs(e) for e, k in zip(table[share], keep) if k and e is not None)
    return min(GRID, key=score)


def main() -> int:
    two_core = bench.rows(bench.SPEED_CSV)
    saved = (S.CPU_STREAM_SHARE, dict(S.CPU_DECODE_FLOPS_PER_BYTE))
    S.CPU_DECODE_FLOPS_PER_BYTE.update(decoding(two_core))
    rows = cases()
    table = error_table(rows)
    share = best(table, [True] * len(rows))
    S.CPU_STREAM_SHARE = share
    print(f"Share of sustained RAM bandwidth a CPU's reads reach: {share:.2f}; decoding, FP32-peak FLOP-equivalents "
          f"per byte: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(S.CPU_DECODE_FLOPS_PER_BYTE.items())) + ".")
    print()
    machines = [m for _, m, _, _ in rows]
    held: list[float | None] = [None] * len(rows)
    for machine in sorted(set(machines)):
        s = best(table, [m != machine for m in machines])
        for i, m in enumerate(machines):
            if m == machine:
                held[i] = table[s][i]
    print("| rows | count | machines | median abs. error | median signed | leave one machine out: median abs. error |")
    print("|---|---|---|---|---|---|")
    for klass in sorted({k for k, *_ in rows}):
        idx = [i for i, r in enumerate(rows) if r[0] == klass and table[share][i] is not None]
        es = [table[share][i] for i in idx]
        hs = [held[i] for i in idx]
        print(f"| {klass} | {len(es)} | {len({machines[i] for i in idx})} | {statistics.median(abs(e) for e in es):.1%} "
              f"| {statistics.median(es):+.1%} | {statistics.median(abs(e) for e in hs):.1%} |")
    S.CPU_STREAM_SHARE, S.CPU_DECODE_FLOPS_PER_BYTE = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
