"""How well linked evidence predicts a task's main benchmark, measured by leaving each model out.

For every task and every model (in one mode) that has the task's main benchmark (its scale) and
other evidence, the model's own score on the scale is hidden, the scale is linked again without it,
and the model is judged from what remains, exactly as `recommend` judges a model that lacks the
main benchmark. The prediction is compared with the hidden score:

    python benchmarks/quality_check.py            # summary per task
    python benchmarks/quality_check.py --rows     # every prediction (CSV on stdout)
    python benchmarks/quality_check.py --quant    # the quantization-loss rule against measurements

Reported per task: how many models, the median and 90th-percentile absolute error in points
(0 = the benchmark's floor, 100 = the best open model), the share of errors within one and two
stated uncertainties (68% and 95% if the uncertainties are honest), and the same median error for
a baseline that predicts every model at the population's mean.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmguide.catalog.evidence import EvidenceTable  # noqa: E402
from llmguide.catalog.loader import load_catalog  # noqa: E402
from llmguide.quality.scale import build_scale, population  # noqa: E402
from llmguide.quality.task import TaskModel, _judge_mode, _newest, independent_benchmarks  # noqa: E402


def held_out(catalog, task_id: str):
    task = catalog.task(task_id)
    floors = {k: b.floor for k, b in catalog.tasks.benchmarks.items()}
    percent = catalog.tasks.benchmarks[task.scale].unit == "percent"
    bridges = independent_benchmarks(catalog)
    full = build_scale(catalog.evidence, task, floors, percent, bridges)
    pop = population(catalog.evidence)
    truth = pop[full.scale]
    for key, value in truth.items():
        repo, setting, effort = key
        rows = [r for r in catalog.evidence.rows
                if r.repo_key == repo and (r.setting, r.effort) == (setting, effort) and r.benchmark != task.scale]
        if not rows:
            continue
        table = EvidenceTable(tuple(r for r in catalog.evidence.rows
                                    if not (r.repo_key == repo and r.benchmark == task.scale)), "held out")
        scale = build_scale(table, task, floors, percent, bridges)
        model = TaskModel(task_id, scale, (0.0, 0.0, 0.0, scale.spread))
        mode = (setting, effort)
        q = _judge_mode(catalog, model, task, _newest(rows), mode, False) or _judge_mode(catalog, model, task, _newest(rows), mode, True)
        if q is None:
            continue
        yield {
            "task": task_id, "model": repo, "mode": setting + (f"/{effort}" if effort else ""),
            "truth_points": round(scale.points(value), 2), "predicted_points": round(q.points, 2),
            "uncertainty_points": round(q.points - scale.points(q.value - q.se), 2),
            "rung": "general" if q.rung is None else q.rung, "mean_points": round(scale.points(statistics.mean(truth.values())), 2),
        }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", action="store_true", help="print every prediction as CSV")
    ap.add_argument("--quant", action="store_true", help="check the quantization-loss rule against benchmarks/data/quant_loss.csv")
    args = ap.parse_args()
    catalog = load_catalog()
    if args.quant:
        return quant_check(catalog)
    rows = [r for task_id in catalog.tasks.tasks for r in held_out(catalog, task_id)]
    if args.rows:
        w = csv.DictWriter(sys.stdout, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return 0
    print(f"{'task':14} {'n':>4} {'median':>7} {'p90':>6} {'<=1 SE':>7} {'<=2 SE':>7} {'mean-only':>9}")
    for task_id in catalog.tasks.tasks:
        sub = [r for r in rows if r["task"] == task_id]
        if not sub:
            continue
        errs = sorted(abs(r["predicted_points"] - r["truth_points"]) for r in sub)
        within = [abs(r["predicted_points"] - r["truth_points"]) / max(r["uncertainty_points"], 1e-9) for r in sub]
        base = statistics.median(abs(r["mean_points"] - r["truth_points"]) for r in sub)
        p90 = errs[min(len(errs) - 1, int(0.9 * len(errs)))]
        print(f"{task_id:14} {len(sub):4d} {statistics.median(errs):7.1f} {p90:6.1f} "
              f"{sum(x <= 1 for x in within) / len(sub):7.0%} {sum(x <= 2 for x in within) / len(sub):7.0%} {base:9.1f}")
    return 0


def quant_check(catalog) -> int:
    """Measured log perplexity ratios (quant vs 16-bit) beside the rule's predicted loss."""
    import math

    from llmguide.quality.quant import REFERENCE_B, SIZE_EXPONENT

    kld = {q.name: q.kld for q in catalog.quants.quants}
    path = Path(__file__).resolve().parent / "data" / "quant_loss.csv"
    print(f"{'model':30} {'size B':>7} {'quant':7} {'measured':>9} {'predicted':>9}")
    for r in csv.DictReader(path.open(encoding="utf-8")):
        if r["metric"] != "ppl" or not r["baseline_value"] or r["quant"] not in kld or "imatrix=" in r["notes"]:
            continue
        total, active = float(r["params_total_b"]), float(r["params_active_b"] or 0)
        size = math.sqrt(total * active) if active else total
        measured = math.log(float(r["value"]) / float(r["baseline_value"]))
        predicted = kld[r["quant"]] * (size / REFERENCE_B) ** -SIZE_EXPONENT
        print(f"{r['model'][:30]:30} {size:7.1f} {r['quant']:7} {measured:9.4f} {predicted:9.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
