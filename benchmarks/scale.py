"""Scale: a generated user catalog of many variants, and how long list and recommend take over it.

Writes ``--families`` family files of ``--variants`` variants each (copies of the shipped Mistral
7B family's base and instruct variants, alternating, with distinct ids, names, repositories and
layer counts) into a temporary folder, points
``LLMGUIDE_CATALOG`` at it, and times ``llmguide list --json`` and ``llmguide recommend --json``
cold (first run: parse, validate and cache) and warm (from the cache: median and best of
``--runs``). With ``--llmfit PATH`` (or ``llmfit`` on the PATH: ``pip install llmfit``) it times
llmfit listing and ranking its own database (15,855 models in 1.1.17) in the same run, with the
same 24 GB of GPU memory, its runs taking turns with llmguide's so that a slow spell of the machine
weighs on both. llmguide runs with compiled bytecode, as an installed package does (pip writes the
.pyc files): the package is compiled first and PYTHONDONTWRITEBYTECODE is dropped from its
environment.

Times on a shared machine drift by a tenth or more between runs. To compare two versions of
llmguide, ``--instructions`` also counts the instructions of one warm run of each command under
valgrind (``cachegrind``, with a fixed hash seed): the same code gives the same count to a few
parts in a thousand, whatever else the machine is doing. (Counts of llmfit, compiled Rust, say
nothing about its time against Python's, so it is timed only.)

    python benchmarks/scale.py [--families 1500] [--variants 10] [--llmfit PATH] [--runs 7] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def generate(folder: Path, families: int, variants: int) -> int:
    base = yaml.safe_load((ROOT / "catalog" / "models" / "mistral-7b.yaml").read_text())
    templates = base["variants"]  # a base and an instruct variant: half of the generated ones serve chat
    (folder / "models").mkdir(parents=True)
    count = 0
    for f in range(families):
        fam = dict(base, id=f"scale-fam-{f}", name=f"Scale Family {f}", aliases=[])
        fam["variants"] = []
        for v in range(variants):
            var = dict(templates[v % len(templates)], id=f"scale-{f}-{v}", name=f"Scale {f} {v}", hf_repo=f"scale-org/scale-{f}-{v}", aliases=[])
            arch = dict(var["architecture"], layers=8 + (f + v) % 40)
            var["architecture"] = arch
            fam["variants"].append(var)
            count += 1
        (folder / "models" / f"scale-fam-{f}.yaml").write_text(yaml.safe_dump(fam, sort_keys=False))
    return count


def timed(args: list[str], env: dict, program: list[str] | None = None) -> float:
    command = [*(program or [sys.executable, "-m", "llmguide"]), *args]
    start = time.perf_counter()
    r = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {r.stderr.strip()[:300]}")
    return elapsed


def instructions(args: list[str], env: dict) -> int:
    """Instructions one run of ``llmguide ARGS`` executes, counted by valgrind's cachegrind."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, "-m", "llmguide", *args]
    r = subprocess.run(command, env=dict(env, PYTHONHASHSEED="0"), capture_output=True, text=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    if r.returncode or not found:
        raise SystemExit(f"valgrind failed: {r.stderr.strip()[-300:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=1500)
    ap.add_argument("--variants", type=int, default=10)
    ap.add_argument("--llmfit", default=shutil.which("llmfit"), help="llmfit's executable, to time beside llmguide")
    ap.add_argument("--runs", type=int, default=7, help="warm runs of each command")
    ap.add_argument("--instructions", action="store_true", help="also count each command's instructions (valgrind)")
    args = ap.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind (apt install valgrind)")
    import compileall

    compileall.compile_dir(str(ROOT / "llmguide"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "catalog"
        n = generate(folder, args.families, args.variants)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(LLMGUIDE_CATALOG=str(folder), LLMGUIDE_CACHE_DIR=str(Path(tmp) / "cache"))
        print(f"{n} generated variants in a user catalog; warm: median and best of {args.runs} runs, "
              "llmguide's and llmfit's taking turns")
        llmfit = {"list": ["--memory", "24G", "--json", "list"], "recommend": ["--memory", "24G", "recommend", "--json"]}
        print("| command | cold (s) | warm median (s) | warm best (s) |")
        print("|---|---|---|---|")
        for cmd in (["list", "--json"], ["recommend", "--json", "--vram", "24"]):
            cold = timed(cmd, env)
            ours: list[float] = []
            theirs: list[float] = []
            if args.llmfit:
                timed(llmfit[cmd[0]], dict(os.environ), [args.llmfit])  # its first run, untimed
            for _ in range(args.runs):  # in turns, so that a slower spell of the machine hits both
                ours.append(timed(cmd, env))
                if args.llmfit:
                    theirs.append(timed(llmfit[cmd[0]], dict(os.environ), [args.llmfit]))
            print(f"| llmguide {' '.join(cmd)} | {cold:.2f} | {statistics.median(ours):.2f} | {min(ours):.2f} |")
            if theirs:
                print(f"| llmfit {' '.join(llmfit[cmd[0]])} (own database) | | {statistics.median(theirs):.2f} | {min(theirs):.2f} |")
        if args.instructions:
            print("\n| command, one warm run | instructions (millions) |\n|---|---|")
            for cmd in (["list", "--json"], ["recommend", "--json", "--vram", "24"]):
                print(f"| llmguide {' '.join(cmd)} | {instructions(cmd, env) / 1e6:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
