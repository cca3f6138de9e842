"""Startup benchmark: `llmguide show zephyr` against importing the libraries it is built on.

Goal (issue 2): the command takes at most 1.6x the time Python needs to import typer, rich,
pydantic and yaml. Both are run as fresh processes, interleaved, and the medians compared; the
validated catalog is cached per user (llmguide/catalog/cache.py), so one warm-up run fills the
cache first, and a cold run (empty cache) is reported too. Both run with compiled bytecode, as an
installed package does (pip writes the .pyc files): the package is compiled first and
PYTHONDONTWRITEBYTECODE is dropped from the children's environment, since compiling some fifty
modules on every run (40 ms here) is a cost no installed user pays.

    python benchmarks/startup.py [--runs 21] [--limit 1.6]

Prints a table and exits 1 when the ratio is above the limit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BASELINE = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
COMMAND = [sys.executable, "-m", "llmguide", "show", "zephyr"]


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--limit", type=float, default=1.6)
    args = parser.parse_args()

    import compileall
    from pathlib import Path

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "llmguide"), quiet=1)
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(LLMGUIDE_CACHE_DIR=cache, NO_COLOR="1")
        cold = timed(COMMAND, env)  # validates the catalog and fills the cache
        base, show = [], []
        for _ in range(args.runs):
            base.append(timed(BASELINE, env))
            show.append(timed(COMMAND, env))

    b, s = statistics.median(base), statistics.median(show)
    ratio = s / b
    print(f"{'what':<44}{'median':>10}{'min':>10}")
    print(f"{'import typer, rich, pydantic, yaml':<44}{b * 1000:>8.0f}ms{min(base) * 1000:>8.0f}ms")
    print(f"{'llmguide show zephyr (warm catalog cache)':<44}{s * 1000:>8.0f}ms{min(show) * 1000:>8.0f}ms")
    print(f"{'llmguide show zephyr (cold, first run)':<44}{cold * 1000:>8.0f}ms")
    print(f"ratio {ratio:.2f} (limit {args.limit}) over {args.runs} interleaved runs: {'OK' if ratio <= args.limit else 'TOO SLOW'}")
    return 0 if ratio <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
