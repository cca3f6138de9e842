"""Accuracy of the GGUF file-size estimate against published file sizes, of the speed estimate
against published speeds, and of the llama.cpp memory and speed model against llama.cpp runs
measured by benchmarks/llamacpp/run.py (results/*.csv, committed).

Reads ../shared/data/gguf_sizes_dev.csv (published sizes of GGUF files, exact bytes where the
source gives them), keeps the rows whose base model is in the catalog and whose quantization
llmguide prices (rows the data marks DOUBTFUL are left out), and compares llmguide's estimate with the published size. For contrast it also
scores the common shortcut of one bits-per-weight figure per quantization (parameters x the main
block type's bits), which is what tools without per-tensor rules do.

It also scores the same estimate on the files of the 2025-2026 architectures (hybrid Gated
DeltaNet, Mamba2, short-convolution and per-layer-embedding models, benchmarks/data/gguf_sizes_2026.csv)
and the developer-quantized checkpoints priced as shipped (benchmarks/data/native_checkpoint_sizes.csv).

    python benchmarks/accuracy.py [--data PATH] [--write docs/accuracy.md]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.refdata import architectures  # noqa: E402
from llmguide.estimate.ggml_types import bits_per_weight  # noqa: E402
from llmguide.estimate.gguf_rules import DEFAULT_TYPE, parse_preset  # noqa: E402
from llmguide.estimate.weights import gguf_file_bytes  # noqa: E402
from llmguide.model.architecture import Architecture  # noqa: E402
from llmguide.model.tensors import parameter_count  # noqa: E402

# Uploaders who quantize with an importance matrix (it changes a few tensor choices).
IMATRIX_UPLOADERS = ("bartowski/", "lmstudio-community/", "unsloth/")

UNITS = {"bytes": 1, "GB": 10**9, "GiB": 2**30, "MB": 10**6, "TB": 10**12}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gguf_sizes_dev.csv"
NEW_ARCH_DATA = ROOT / "benchmarks" / "data" / "gguf_sizes_2026.csv"
NATIVE_DATA = ROOT / "benchmarks" / "data" / "native_checkpoint_sizes.csv"


SKIPPED: dict[str, int] = defaultdict(int)


def rows(data: Path):
    archs = architectures()
    seen = set()
    with data.open() as fh:
        for r in csv.DictReader(fh):
            arch = archs.get(r["base_model"])
            preset = parse_preset(r["quant"], imatrix=r["gguf_repo"].startswith(IMATRIX_UPLOADERS))
            if "DOUBT" in r["notes"]:  # the data's own flag for suspect rows (see its README)
                SKIPPED["marked doubtful in the data"] += 1
                continue
            if r["size_unit"] not in UNITS:
                SKIPPED["not a GGUF file size"] += 1
                continue
            if arch is None:
                SKIPPED["no architecture for the base model"] += 1
                continue
            if preset is None:
                SKIPPED[f"preset not modelled ({r['quant']})"] += 1
                continue
            key = (r["gguf_repo"], r["quant"])
            if key in seen:
                continue
            seen.add(key)
            exact = bool(r["bytes_if_exact"])
            actual = int(r["bytes_if_exact"]) if exact else float(r["size_value"]) * UNITS[r["size_unit"]]
            est = gguf_file_bytes(arch, preset)
            naive = parameter_count(arch) * bits_per_weight(DEFAULT_TYPE[preset.ftype]) / 8
            # A size written as "4.08 GB" is only known to +-0.005 GB: do not count rounding as error.
            slack = 0 if exact else 0.5 * 10 ** -_decimals(r["size_value"]) * UNITS[r["size_unit"]]
            yield {
                "variant": r["base_model"], "repo": r["gguf_repo"], "quant": r["quant"], "actual": actual, "exact": exact,
                "err": _err(est, actual, slack), "naive": _err(naive, actual, slack), "est": est,
            }


def _decimals(value: str) -> int:
    return len(value.split(".")[1]) if "." in value else 0


def _err(est: float, actual: float, slack: float) -> float:
    diff = est - actual
    if abs(diff) <= slack:
        return 0.0
    return (diff - slack * (1 if diff > 0 else -1)) / actual * 100


def pct(values, q):
    values = sorted(abs(v) for v in values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(results: list[dict]) -> str:
    lines = ["| set | rows | median abs. error | p90 | max | one-bpw shortcut: median | p90 |", "|---|---|---|---|---|---|---|"]
    groups = {"all rows": results, "exact byte counts": [r for r in results if r["exact"]]}
    by_quant = defaultdict(list)
    for r in results:
        by_quant[r["quant"]].append(r)
    for q in sorted(by_quant):
        groups[f"quant {q}"] = by_quant[q]
    for name, rs in groups.items():
        if not rs:
            continue
        e, n = [r["err"] for r in rs], [r["naive"] for r in rs]
        lines.append(
            f"| {name} | {len(rs)} | {statistics.median(abs(x) for x in e):.3f}% | {pct(e, .9):.2f}% | {pct(e, 1):.2f}% "
            f"| {statistics.median(abs(x) for x in n):.2f}% | {pct(n, .9):.2f}% |"
        )
    worst = sorted(results, key=lambda r: -abs(r["err"]))[:20]
    lines += ["", "Largest errors:", "", "| file | quant | published | error |", "|---|---|---|---|"]
    for r in worst:
        lines.append(f"| {r['repo']} | {r['quant']} | {r['actual'] / 1e9:.3f} GB | {r['err']:+.2f}% |")
    lines += ["", f"<details><summary>Every row ({len(results)})</summary>", "",
              "| file | base model | quant | published | llmguide | error |", "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (r["repo"], r["quant"])):
        lines.append(f"| {r['repo']} | {r['variant']} | {r['quant']} | {r['actual'] / 1e9:.3f} GB | {r['est'] / 1e9:.3f} GB | {r['err']:+.2f}% |")
    lines += ["", "</details>"]
    return "\n".join(lines)


def kinds_of(arch) -> str:
    """The architecture's layer kinds in one word, for the new-architecture table."""
    names = {"L": "Gated DeltaNet", "M": "Mamba2", "P": "parallel attention+Mamba2", "C": "short conv", "X": "compressed"}
    found = [names[k] for k in names if k in arch.kinds]
    if arch.per_layer_embedding_dim:
        found.append("per-layer embeddings")
    if arch.index_heads:
        found.append("sparse-attention indexer")
    if arch.is_mla:
        found.append("MLA")
    if "S" in arch.kinds and not found:
        found.append("sliding-window interleave")
    return ", ".join(found) or ("MoE" if arch.is_moe else "dense")


def new_arch_report(data: Path) -> str:
    """The file-size estimate on the newer architectures, grouped by their layer kinds."""
    before = dict(SKIPPED)
    results = list(rows(data))
    left = {k: v - before.get(k, 0) for k, v in SKIPPED.items() if v - before.get(k, 0)}
    SKIPPED.clear()
    SKIPPED.update(before)
    archs = architectures()
    by_kind = defaultdict(list)
    for r in results:
        by_kind[kinds_of(archs[r["variant"]])].append(r)
    lines = ["| architecture | rows | median abs. error | p90 | max | one-bpw shortcut: median |", "|---|---|---|---|---|---|"]
    for name, rs in [("all rows", results), *sorted(by_kind.items())]:
        e, n = [r["err"] for r in rs], [r["naive"] for r in rs]
        lines.append(f"| {name} | {len(rs)} | {statistics.median(abs(x) for x in e):.2f}% | {pct(e, .9):.2f}% "
                     f"| {pct(e, 1):.2f}% | {statistics.median(abs(x) for x in n):.2f}% |")
    lines += ["", "| file | base model | quant | published | llmguide | error |", "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (r["repo"], r["quant"])):
        lines.append(f"| {r['repo']} | {r['variant']} | {r['quant']} | {r['actual'] / 1e9:.3f} GB | {r['est'] / 1e9:.3f} GB | {r['err']:+.2f}% |")
    if left:
        lines.append("\nRows left out: " + "; ".join(f"{n} {why}" for why, n in sorted(left.items(), key=lambda x: -x[1])) + ".")
    return "\n".join(lines)


def native_report(data: Path) -> str:
    """Checkpoints shipped in low bit (and BF16 totals), priced per tensor as shipped."""
    from llmguide.catalog.loader import load_catalog
    from llmguide.estimate.gpu_formats import GPU_FORMATS, gpu_weight_bytes, native_format

    variants = {v.hf_repo: v for _, v in load_catalog().variants()}
    lines = ["| checkpoint | format | published | llmguide | error |", "|---|---|---|---|---|"]
    with data.open() as fh:
        for r in csv.DictReader(fh):
            v = variants.get(r["hf_repo"])
            shipped = r["format"].lower()
            if v is None or "DOUBT" in r["notes"] or shipped.startswith("whole repo"):
                continue
            nq = v.native_quant
            if shipped == "bf16":
                fmt = GPU_FORMATS["BF16"]
            elif nq is not None and nq.format in shipped:
                fmt = native_format(nq.format, nq.applies_to, nq.group_size, nq.rest)
            else:  # the row does not say which format, or the catalog does not know the release as low-bit
                continue
            arch = Architecture.from_facts(v.architecture)
            actual = int(r["total_bytes"]) if r["total_bytes"] else float(r["size_value"]) * UNITS[r["size_unit"]]
            est = gpu_weight_bytes(arch, fmt)
            lines.append(f"| {r['hf_repo']} | {r['format']} | {actual / 1e9:.1f} GB | {est / 1e9:.1f} GB | {(est / actual - 1) * 100:+.1f}% |")
    return "\n".join(lines)


def _replace_section(text: str, marker: str, body: str, required: bool = False) -> str:
    """``text`` with what stands between ``<!-- marker:begin -->`` and ``<!-- marker:end -->``
    replaced by ``body`` (a missing optional section is left alone)."""
    start, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    if start not in text and not required:
        return text
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body.rstrip()}\n{end}{tail}"


def _captured(script: list[str]) -> str:
    """What a benchmark script prints (run in this interpreter)."""
    import contextlib
    import io
    import runpy

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            runpy.run_path(str(ROOT / script[0]), run_name="__main__")
        except SystemExit:
            pass
    return buf.getvalue()


def goals_report() -> str:
    """Issue 14's goals: every single-device row of both sheets, the expert-offload rows and the
    CPU-only rows together, overall and by device class."""
    from benchmarks import cpurows, speedrows
    from benchmarks.offloadrows import offload_rows, predict

    by_class: dict[str, list[float]] = defaultdict(list)
    for path in (None, speedrows.MORE):
        for r in speedrows.generation_rows(path):
            by_class[speedrows.device_class(r)].append((speedrows.predict(r) / r.tokens_per_s - 1) * 100)
    for row in offload_rows():
        pred = predict(row)
        if pred is not None:
            by_class["expert offload"].append((pred / row.tokens_per_s - 1) * 100)
    for c in cpurows.cpu_rows():
        by_class["CPU"].append((cpurows.predict(c) / c.tokens_per_s - 1) * 100)
    every = [e for es in by_class.values() for e in es]
    lines = ["| rows | count | median abs. error (goal 10%; 15% per class) | p90 (goal 25%) | median signed |", "|---|---|---|---|---|"]
    for name, es in [("all", every), *sorted(by_class.items())]:
        med = statistics.median(abs(e) for e in es)
        flag = " (over)" if med > (10 if name == "all" else 15) else ""
        lines.append(f"| {name} | {len(es)} | {med:.1f}%{flag} | {pct(es, .9):.1f}% | {statistics.median(es):+.1f}% |")
    return "\n".join(lines)


def multi_gpu_report() -> str:
    """llama.cpp's default layer split over several GPUs: generation takes turns, so it is priced
    like one card, plus launches without CUDA graphs."""
    from benchmarks.speedrows import generation_rows, predict

    lines = ["| hardware | GPUs | model | quant | measured tok/s | llmguide | error |", "|---|---|---|---|---|---|---|"]
    errors = []
    for r in generation_rows(devices=0):
        pred = predict(r)
        err = (pred / r.tokens_per_s - 1) * 100
        errors.append(err)
        lines.append(f"| {r.hardware} | {r.n_devices} | {r.model} | {r.preset.name} | {r.tokens_per_s:g} | {pred:.1f} | {err:+.0f}% |")
    if not errors:
        return ""
    return "\n".join([f"{len(errors)} rows, median abs. error {statistics.median(abs(e) for e in errors):.1f}%, "
                      f"p90 {pct(errors, .9):.1f}%.", "", *lines])


def offload_report() -> str:
    """Expert offload: generation speed against measurements with their placement flags."""
    from benchmarks.offloadrows import offload_rows, predict

    lines = ["| model | quant | GPU | RAM GB/s | --n-cpu-moe | measured tok/s | llmguide | error |", "|---|---|---|---|---|---|---|---|"]
    errors = []
    for r in offload_rows():
        p = predict(r)
        if p is None:
            continue
        err = (p / r.tokens_per_s - 1) * 100
        errors.append(err)
        lines.append(f"| {r.repo} | {r.quant} | {r.gpu} | {r.ram_bandwidth_gbs:g} | {r.n_cpu_moe} | {r.tokens_per_s:g} | {p:.1f} | {err:+.0f}% |")
    if not errors:
        return "No row could be scored yet."
    return "\n".join([f"{len(errors)} rows, median abs. error {statistics.median(abs(e) for e in errors):.0f}%, "
                      f"median signed {statistics.median(errors):+.0f}%.", "", *lines])


def cpu_report() -> str:
    """CPU-only generation on machines other than this project's: the read share fitted across
    machines (benchmarks/calibrate_cpu.py) and every scored row."""
    from benchmarks.cpurows import cpu_rows, predict
    from llmguide.hardware.profile import CPU_FLOPS_DEFAULT

    lines = ["| CPU | RAM GB/s (sustained) | FP32 GFLOP/s | model | quant | measured tok/s | llmguide | error |",
             "|---|---|---|---|---|---|---|---|"]
    for r in cpu_rows():
        p = predict(r)
        flops = f"{r.flops / 1e9:.0f}" if r.flops else f"{CPU_FLOPS_DEFAULT / 1e9:.0f} (assumed)"
        lines.append(f"| {r.hardware} | {r.bandwidth_gbs:.1f} | {flops} | {r.model} | {r.quant} | {r.tokens_per_s:g} | {p:.1f} "
                     f"| {(p / r.tokens_per_s - 1) * 100:+.0f}% |")
    return _captured(["benchmarks/calibrate_cpu.py"]) + "\n" + "\n".join(lines)


def speed_report(path: Path | None = None) -> str:
    """Generation speed: llmguide's prediction against single-device measurements, by device class."""
    from benchmarks.speedrows import device_class, generation_rows, predict

    lines = ["| device class | rows | median abs. error | p90 | median signed | bandwidth-only shortcut: median | p90 |",
             "|---|---|---|---|---|---|---|"]
    by_family = defaultdict(list)
    per_row = []
    for r in generation_rows(path):
        pred = predict(r)
        naive = r.bandwidth_gbs * 1e9 / gguf_file_bytes(r.arch, r.preset)  # file size over bandwidth
        err, nerr = (pred / r.tokens_per_s - 1) * 100, (naive / r.tokens_per_s - 1) * 100
        by_family["all"].append((err, nerr))
        by_family[device_class(r)].append((err, nerr))
        per_row.append(f"| {r.hardware} | {r.backend} | {r.model} | {r.preset.name} | {r.tokens_per_s:g} | {pred:.1f} | {err:+.1f}% |")
    for fam in ["all", *sorted(k for k in by_family if k != "all")]:
        rs = by_family[fam]
        e, n = [x[0] for x in rs], [x[1] for x in rs]
        lines.append(
            f"| {fam} | {len(rs)} | {statistics.median(abs(x) for x in e):.1f}% | {pct(e, .9):.1f}% | {statistics.median(e):+.1f}% "
            f"| {statistics.median(abs(x) for x in n):.1f}% | {pct(n, .9):.1f}% |"
        )
    lines += ["", f"<details><summary>Every row ({len(per_row)})</summary>", "",
              "| hardware | backend | model | quant | measured tok/s | llmguide | error |", "|---|---|---|---|---|---|---|",
              *sorted(per_row), "", "</details>"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", type=Path, help="replace the generated section of this Markdown file")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"reference data not found: {args.data}", file=sys.stderr)
        return 1
    table = report(list(rows(args.data)))
    if SKIPPED:
        table += "\n\nRows left out: " + "; ".join(f"{n} {why}" for why, n in sorted(SKIPPED.items(), key=lambda x: -x[1])) + "."
    print(table)
    newer = new_arch_report(NEW_ARCH_DATA) if NEW_ARCH_DATA.exists() else ""
    native = native_report(NATIVE_DATA) if NATIVE_DATA.exists() else ""
    print("\nNewer architectures:\n" + newer + "\n\nReleased in low bit, as shipped:\n" + native)
    speed = speed_report()
    print()
    print(speed)
    from benchmarks.speedrows import MORE

    more = speed_report(MORE) if MORE.exists() else ""
    multi = multi_gpu_report()
    classes = _captured(["benchmarks/calibrate_classes.py"])
    offload = offload_report()
    goals = goals_report()
    cpu = cpu_report()
    print("\n" + more + "\n\n" + classes + "\n" + multi + "\n\n" + offload + "\n\n" + cpu + "\n\n" + goals)
    sys.path.insert(0, str(ROOT / "benchmarks" / "llamacpp"))
    import report as llamacpp_report

    llamacpp = llamacpp_report.memory_report() + "\n\n" + llamacpp_report.speed_report()
    print()
    print(llamacpp)
    if args.write:
        new = args.write.read_text()
        sections = {"accuracy": table, "newarch": newer, "native": native, "speed": speed, "classes": classes,
                    "speedmore": more, "offload": offload, "goals": goals, "multigpu": multi, "llamacpp": llamacpp, "cpu": cpu}
        for marker, body in sections.items():
            new = _replace_section(new, marker, body, required=marker in ("accuracy", "llamacpp"))
        fd, tmp = tempfile.mkstemp(dir=args.write.parent)
        with os.fdopen(fd, "w") as fh:
            fh.write(new)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
