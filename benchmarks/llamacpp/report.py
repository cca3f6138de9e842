"""Markdown tables for docs/accuracy.md: llmguide and llama.cpp's own projection against what
llama.cpp really allocated and kept resident (results/memory.csv) and how fast it ran (speed.csv)."""

from __future__ import annotations

import statistics
from collections import defaultdict

import predict

GOALS = {"file_bytes": 0.005, "kv_bytes": 0.0, "compute_bytes": 0.10, "peak_rss_bytes": 0.05}
LABELS = {"file_bytes": "file size", "repack_buffer_bytes": "repacked weights (CPU_REPACK)", "kv_bytes": "KV cache",
          "compute_bytes": "compute buffer", "output_bytes": "output buffer", "peak_rss_bytes": "peak resident memory"}
MIB = 1 << 20


def _stats(errors: list[float]) -> str:
    a = sorted(abs(e) for e in errors)
    p90 = a[min(len(a) - 1, int(0.9 * len(a)))]
    return f"{statistics.median(a) * 100:.2f}% | {p90 * 100:.2f}% | {a[-1] * 100:.2f}%"


def memory_report() -> str:
    rows = predict.rows()
    errors: dict[str, list[float]] = defaultdict(list)
    projection: list[float] = []
    logged: dict[str, list[float]] = defaultdict(list)
    per_row = []
    for r in rows:
        p = predict.predict_memory(r)
        buffers = sum(int(r[k]) for k in ("model_buffer_bytes", "repack_buffer_bytes", "kv_bytes", "compute_bytes", "output_bytes"))
        logged["llmguide"].append(predict.error(p["reserved_bytes"], buffers))
        logged["llama.cpp"].append(predict.error(predict.llamacpp_projection(r), buffers))
        for key in LABELS:
            measured = int(r[key])
            errors[key].append(predict.error(p[key], measured) if measured else float(p[key] != 0))
        proj = predict.error(predict.llamacpp_projection(r), int(r["peak_rss_bytes"]))
        projection.append(proj)
        per_row.append(
            f"| {r['model']} | {r['quant']} | {r['context']} | {'on' if r['flash_attn'] == '1' else 'off'} "
            f"| {'on' if r['mmap'] == '1' else 'off'} | {int(r['compute_bytes']) / MIB:.1f} / {p['compute_bytes'] / MIB:.1f} "
            f"| {int(r['repack_buffer_bytes']) / MIB:.1f} / {p['repack_buffer_bytes'] / MIB:.1f} "
            f"| {int(r['peak_rss_bytes']) / MIB:.0f} / {p['peak_rss_bytes'] / MIB:.0f} / {predict.llamacpp_projection(r) / MIB:.0f} |")
    first = rows[0]
    lines = [
        f"{len(rows)} loads of {len({r['model'] for r in rows})} random-weight models, llama.cpp {first['llama_cpp']} "
        f"({first['build']} CPU build) on {first['cpu']}. Errors are llmguide's estimate against llama.cpp's own log "
        "(buffers) or the process's peak resident set (getrusage through /usr/bin/time).",
        "",
        "| quantity | goal | median abs. error | p90 | max |",
        "|---|---|---|---|---|",
    ]
    for key, label in LABELS.items():
        goal = f"within {GOALS[key] * 100:g}%" if key in GOALS and GOALS[key] else ("exact" if key in GOALS else "—")
        lines.append(f"| {label} | {goal} | {_stats(errors[key])} |")
    lines.append(f"| llama.cpp's own projection (llama-fit-params) vs peak resident | — | {_stats(projection)} |")
    lines += ["", "Reserved memory, the sum of the buffers llama.cpp logged (model, repacked, KV, compute, output), "
              "against llmguide's reserved total and llama.cpp's own projection of the same load:", "",
              "| estimate | median abs. error | p90 | max |", "|---|---|---|---|",
              f"| llmguide (weights, + repacked copy with mmap, KV, compute, output) | {_stats(logged['llmguide'])} |",
              f"| llama.cpp (`llama-fit-params --fit-print on`, whole MiB) | {_stats(logged['llama.cpp'])} |"]
    lines += ["", f"<details><summary>Every load ({len(per_row)}): measured / llmguide (MiB; peak resident also "
              "llama.cpp's projection)</summary>", "",
              "| model | quant | context | flash attn | mmap | compute buffer | repacked | peak resident / llmguide / llama.cpp |",
              "|---|---|---|---|---|---|---|---|", *per_row, "", "</details>"]
    return "\n".join(lines)


def speed_report() -> str:
    if not predict.SPEED_CSV.exists():
        return "No speed rows measured yet (run benchmarks/llamacpp/run.py)."
    from llmguide.estimate import speed

    rows = predict.rows(predict.SPEED_CSV)
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    shortcut: dict[tuple[str, str], list[float]] = defaultdict(list)
    bytes_only: dict[tuple[str, str], list[float]] = defaultdict(list)
    per_row = []
    for r in rows:
        pred = predict.predict_speed(r)
        measured = float(r["tokens_per_s"])
        err = predict.error(pred, measured)
        deep = "deep" if int(r["depth"]) else "depth 0"
        groups[(r["test"], deep)].append(err)
        if r["test"] == "tg":
            shortcut[("tg", deep)].append(predict.error(float(r["bandwidth_gbs"]) * 1e9 / int(r["file_bytes"]), measured))
            saved, speed.CPU_ATTENTION_FLOPS_PER_ELEMENT = speed.CPU_ATTENTION_FLOPS_PER_ELEMENT, 0.0
            bytes_only[("tg", deep)].append(predict.error(predict.predict_speed(r), measured))
            speed.CPU_ATTENTION_FLOPS_PER_ELEMENT = saved
        per_row.append(f"| {r['model']} | {r['quant']} | {r['test']}{r['tokens']} | {r['depth']} | {measured:.1f} | {pred:.1f} | {err * 100:+.1f}% |")
    first = rows[0]
    lines = [
        f"llama-bench on {first['cpu']} ({first['threads']} threads, {first['build']} build, llama.cpp {first['llama_cpp']}), "
        f"memory bandwidth {float(first['bandwidth_gbs']):.1f} GB/s (measured beside it), cores' FP32 peak "
        f"{float(first['cpu_gflops']):.0f} GFLOP/s.",
        "",
        "| test | rows | median abs. error | p90 | max | file size / bandwidth: median | llmguide without the attention cost: median |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {"pp": "prompt processing (pp512)", "tg": "generation (tg32)"}

    def median(errs: list[float]) -> str:
        return f"{statistics.median(abs(e) for e in errs) * 100:.1f}%" if errs else "—"

    for (test, deep), errs in sorted(groups.items()):
        lines.append(f"| {names[test]}, {deep} | {len(errs)} | {_stats(errs)} | {median(shortcut[(test, deep)])} "
                     f"| {median(bytes_only[(test, deep)])} |")
    lines += ["", f"<details><summary>Every row ({len(per_row)})</summary>", "",
              "| model | quant | test | depth | measured tok/s | llmguide | error |", "|---|---|---|---|---|---|---|",
              *per_row, "", "</details>"]
    return "\n".join(lines)
