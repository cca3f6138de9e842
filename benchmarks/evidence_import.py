"""Build catalog/evidence.csv from the reference evidence sheet and the catalog's older scores.

Run once when ../shared/data/evidence.csv or benchmarks/data/evidence_extra.csv changes:

    python benchmarks/evidence_import.py            # writes catalog/evidence.csv
    python benchmarks/evidence_import.py --check    # exits 1 if the file would change

Every row keeps its figure, setting, evaluator, source URL and date. What changes is the name of
the benchmark: each row gets the id of one *instrument* of catalog/benchmarks.yaml (benchmark x
evaluator), and a version string, so that scores are only ever compared within one benchmark,
version and harness. Rank columns (LMArena "rank") are left out: they restate the score. Effort
suffixes ("[effort=high]") move to their own column. Exact duplicates (same model, instrument,
version, setting, effort and score) are kept once.

The variants' scores that the catalog YAML used to carry (maker-reported MMLU, HumanEval, ...,
most of them for base models) are migrated with evaluator "maker" and the setting read from their
description, so base-model scores stay with base models.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "evidence.csv"
EXTRA = ROOT / "benchmarks" / "data" / "evidence_extra.csv"
LEGACY = ROOT / "benchmarks" / "data" / "evidence_legacy.csv"
OUT = ROOT / "catalog" / "evidence.csv"
COLUMNS = ["hf_repo", "model", "benchmark", "version", "score", "setting", "effort", "evaluator",
           "source_url", "source_date", "status", "notes"]

EVALUATOR_SHORT = {
    "artificial-analysis": "aa", "lmarena": "lmarena", "livebench": "livebench",
    "open-llm-leaderboard-v2": "oll2", "aider": "aider", "swebench-leaderboard": "swebench",
    "other:scale-ai-seal": "seal", "maker": "maker", "bigcode-leaderboard": "bigcode",
    "open-llm-leaderboard-v1": "oll1",
}
# benchmark names as the sheet writes them -> our slug (before the evaluator suffix)
NAME_SLUG = {
    "AA Intelligence Index": "aa-intelligence", "AA Coding Index": "aa-coding", "AA Agentic Index": "aa-agentic",
    "AA Coding Agent Index": "aa-coding-agent", "Humanity's Last Exam": "hle", "LMArena text score": "lmarena-text",
    "LMArena vision score": "lmarena-vision", "OLL v2 average": "oll2-average", "tau2-bench Telecom": "tau2-telecom",
    "tau2-bench": "tau2", "AA-LCR": "aa-lcr", "MATH Lvl 5": "math-lvl5", "LiveBench global average": "livebench-average",
    "Aider code editing (legacy)": "aider-edit", "Aider Polyglot": "aider-polyglot",
}
DROP = {"LMArena text rank", "LMArena vision rank"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def instrument(bench: str, version: str, evaluator: str) -> tuple[str, str]:
    """(benchmark id, version) for a row: the id names benchmark and evaluator; the version says which
    release or harness. Versions that name the same run in other words are made one."""
    base = NAME_SLUG.get(bench, slug(bench))
    short = EVALUATOR_SHORT[evaluator]
    owned = base.startswith(("aa-", "lmarena-", "livebench-", "oll2-", "aider-"))  # the name says whose it is
    bench_id = base if owned else f"{base}-{short}"
    v = version
    if short == "aa":
        v = {"v4.0 (10 evals)": "v4.0", "success rate": "AA run", "percent correct": "AA run",
             "AA run (text-only)": "AA run"}.get(v, v)
        if bench_id in ("aa-coding",) and v.startswith("v4.0"):
            v = "v4.0"
        if v.startswith("AA run (legacy") or v.startswith("AA run (AA subset"):
            v = "AA run"
        if bench_id == "aa-lcr":
            v = "AA run"
    if bench_id.startswith("oll2") or bench_id.endswith("-oll2"):
        v = "v2 (archived 2025-03)"
    if short == "livebench":
        v = v.replace("LiveBench release ", "")
    if bench_id == "lmarena-text" and "style control" in v:
        bench_id, v = "lmarena-text-sc", "snapshot 2026-10"
    elif bench_id == "lmarena-text":
        v = "snapshot 2025-08"
    elif bench_id == "lmarena-vision":
        v = "snapshot 2025-08"
    return bench_id, v


def read_sheet(path: Path) -> list[dict[str, str]]:
    out = []
    for r in csv.DictReader(path.open(encoding="utf-8")):
        if r["benchmark"] in DROP or r["unit"] == "rank":
            continue
        version, effort = r["benchmark_version"], ""
        m = re.search(r"\s*\[effort=(\w+)\]$", version)
        if m:
            version, effort = version[: m.start()], m.group(1)
        bench_id, version = instrument(r["benchmark"], version, r["evaluator"])
        notes = r["notes"]
        status = "secondary" if "SECONDARY" in notes.upper() else "doubt" if "DOUBT" in notes.upper() else ""
        out.append({
            "hf_repo": r["hf_repo"], "model": r["model_name"], "benchmark": bench_id, "version": version,
            "score": r["score"], "setting": r["setting"], "effort": effort, "evaluator": r["evaluator"],
            "source_url": r["source_url"], "source_date": r["source_date"], "status": status,
            "notes": notes,
        })
    return out


def dedupe(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple] = set()
    out = []
    for r in rows:
        key = (r["hf_repo"].lower(), r["benchmark"], r["version"], r["setting"], r["effort"], float(r["score"]))
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in sorted(rows, key=lambda r: (r["hf_repo"].lower(), r["benchmark"], r["version"], r["setting"], r["effort"])):
        w.writerow({k: " ".join((r.get(k) or "").split()) for k in COLUMNS})  # one line per row
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if catalog/evidence.csv is out of date")
    args = ap.parse_args()
    rows = read_sheet(SHARED)
    if EXTRA.exists():
        rows += list(csv.DictReader(EXTRA.open(encoding="utf-8")))
    # The catalog's own LMArena snapshot (2026-09-30) did not record the mode; where the sheet has
    # the model's 2026-10 snapshot with its mode, that one stands alone.
    arena = {r["hf_repo"].lower() for r in rows if r["benchmark"] == "lmarena-text-sc"}
    legacy = list(csv.DictReader(LEGACY.open(encoding="utf-8"))) if LEGACY.exists() else []
    rows += [r for r in legacy if not (r["benchmark"] == "lmarena-text-sc" and r["hf_repo"].lower() in arena)]
    text = render(dedupe(rows))
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} is out of date: run python benchmarks/evidence_import.py")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
