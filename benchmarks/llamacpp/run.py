"""Measure llama.cpp on this machine's CPU: buffers, peak memory, its own projection, speed.

    python benchmarks/llamacpp/run.py --avx2                 # everything (about 40 min on 2 cores)
    python benchmarks/llamacpp/run.py --models qwen2.5-0.5b --skip-speed

For every model of models.py it writes the random-weight F16 file, quantizes it with llama.cpp's own
`llama-quantize`, and then:

* loads each file with `llama-completion` at each context, flash attention on and off, with and
  without mmap, processing a 64-token prompt and generating one token; it records the buffer sizes llama.cpp logs (model, repacked
  model, KV cache, compute, output) and the process's peak resident memory (getrusage);
* asks `llama-fit-params --fit-print on` for llama.cpp's own projection of the same load;
* runs `llama-bench` for prompt processing (pp512) and generation (tg32) at depth 0 and at a deep
  context (2048 tokens).

Results go to benchmarks/llamacpp/results/{memory,speed}.csv with the llama.cpp version and build.
Files and builds are cached (see setup.py). This is a benchmark, never part of the test suite; the
tests check llmguide's predictions against the committed CSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import models  # noqa: E402
import setup  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
QUANTS = ("F16", "Q8_0", "Q4_0", "Q4_K_M")
CONTEXTS = (512, 4096, 16384)
THREADS = 2
# 60 characters the synthetic vocabulary spells one byte token each; with BOS and the three bytes
# of the leading word-boundary mark, a 64-token prompt.
PROMPT = "a" * 60
PROMPT_TOKENS = 64
MIB = 1024 * 1024

MEMORY_FIELDS = (
    "model", "quant", "context", "flash_attn", "mmap", "prompt_tokens", "file_bytes",
    "model_buffer_bytes", "repack_buffer_bytes", "kv_bytes", "compute_bytes", "output_bytes",
    "peak_rss_bytes", "fit_model_mib", "fit_context_mib", "fit_compute_mib", "llama_cpp", "build", "cpu",
)
SPEED_FIELDS = (
    "model", "quant", "flash_attn", "test", "depth", "tokens", "tokens_per_s", "stddev", "threads",
    "file_bytes", "bandwidth_gbs", "cpu_gflops", "llama_cpp", "build", "cpu",
)

_BUFFER = re.compile(r"(\S+)\s+(model|KV|compute|output) buffer size =\s+([\d.]+) MiB")


def model_files(name: str, bins: Path, quants: tuple[str, ...]) -> dict[str, Path]:
    folder = setup.cache_dir() / "models"
    folder.mkdir(exist_ok=True)
    f16 = folder / f"{name}-F16.gguf"
    if not f16.exists():
        print(f"writing {f16.name}", file=sys.stderr)
        # in a child process, so this one stays small (see run_load)
        subprocess.run([sys.executable, "-c", f"import models; from pathlib import Path; models.write_f16({name!r}, Path({str(f16)!r}))"],
                       cwd=Path(__file__).resolve().parent, check=True)
    files = {}
    for q in quants:
        path = f16 if q == "F16" else folder / f"{name}-{q}.gguf"
        if not path.exists():
            print(f"quantizing {path.name}", file=sys.stderr)
            tmp = path.with_suffix(".part")
            subprocess.run([str(bins / "llama-quantize"), str(f16), str(tmp), q, str(THREADS)],
                           check=True, capture_output=True)
            tmp.replace(path)
        files[q] = path
    return files


def parse_buffers(log: str) -> dict[str, int]:
    """Sum the buffer sizes llama.cpp logs, by kind (bytes; the log rounds to 0.01 MiB)."""
    out = {"model_buffer_bytes": 0, "repack_buffer_bytes": 0, "kv_bytes": 0, "compute_bytes": 0, "output_bytes": 0}
    for dev, kind, mib in _BUFFER.findall(log):
        size = round(float(mib) * MIB)
        if kind == "model":
            out["repack_buffer_bytes" if dev.endswith("REPACK") else "model_buffer_bytes"] += size
        else:
            out[{"KV": "kv_bytes", "compute": "compute_bytes", "output": "output_bytes"}[kind]] += size
    return out


def run_load(bins: Path, path: Path, context: int, fa: bool, mmap: bool) -> tuple[dict[str, int], int]:
    """One load and one generated token; returns (buffers, peak RSS bytes)."""
    cmd = [str(bins / "llama-completion"), "-m", str(path), "-c", str(context), "-fa", "on" if fa else "off",
           "-n", "1", "-p", PROMPT, "-no-cnv", "-t", str(THREADS), "--temp", "0", "-fit", "off", "--seed", "1", "-v"]
    cmd += ["--load-mode", "mmap" if mmap else "none"]  # this llama.cpp's spelling of --mmap / --no-mmap
    # The peak RSS comes from /usr/bin/time, whose child starts from its small image: a child forked
    # straight from this Python process would report this process's own peak (Linux carries the
    # high-water mark across fork and exec).
    rss_file = setup.cache_dir() / f"rss-{os.getpid()}.txt"  # one per run: two runs may share the machine
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, errors="replace")
    log, status = proc.stdout, proc.returncode
    if f"/ {PROMPT_TOKENS:5d} tokens" not in log and f"/ {PROMPT_TOKENS} tokens" not in log:
        print(f"warning: prompt was not {PROMPT_TOKENS} tokens", file=sys.stderr)
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{log[-3000:]}")
    return parse_buffers(log), int(rss_file.read_text().split()[-1]) * 1024


def fit_projection(bins: Path, path: Path, context: int, fa: bool) -> tuple[int, int, int]:
    """llama.cpp's own projection for the host: (model, context, compute) in MiB, rounded down."""
    out = subprocess.run([str(bins / "llama-fit-params"), "-m", str(path), "-c", str(context),
                          "-fa", "on" if fa else "off", "--fit-print", "on", "-t", str(THREADS)],
                         capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "Host":
            return int(parts[1]), int(parts[2]), int(parts[3])
    raise RuntimeError(f"no Host line in llama-fit-params output:\n{out.stdout}")


def run_bench(bins: Path, path: Path, deep: int, reps: int) -> list[dict]:
    """pp512 and tg32 at depth 0 (``reps`` repetitions) and at depth ``deep`` (one: each repetition
    first processes the whole depth, untimed, which dominates the run)."""
    rows = []
    for depth, n in ((0, reps), (deep, 1)):
        cmd = [str(bins / "llama-bench"), "-m", str(path), "-p", "512", "-n", "32", "-d", str(depth),
               "-fa", "1", "-t", str(THREADS), "-r", str(n), "-o", "csv"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        for r in csv.DictReader(io.StringIO(out.stdout)):
            prompt, gen = int(r["n_prompt"]), int(r["n_gen"])
            rows.append({"test": "pp" if prompt else "tg", "depth": int(r["n_depth"]), "tokens": prompt or gen,
                         "tokens_per_s": round(float(r["avg_ts"]), 3), "stddev": round(float(r["stddev_ts"]), 3),
                         "threads": int(r["n_threads"])})
    return rows


def memory_bandwidth_gbs(threads: int = THREADS) -> float:
    """Read bandwidth of this machine's RAM (bandwidth.c: ``threads`` threads summing a 1 GiB
    buffer, best of seven passes; the median of nine such runs). An input to the speed model, measured beside the speed rows so that
    neither is inferred from the other."""
    exe = setup.cache_dir() / "bandwidth"
    src = Path(__file__).resolve().parent / "bandwidth.c"
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        subprocess.run(["cc", "-O2", "-mavx2", "-pthread", str(src), "-o", str(exe)], check=True)
    runs = [float(subprocess.run([str(exe), str(threads)], capture_output=True, text=True, check=True).stdout)
            for _ in range(9)]
    return statistics.median(runs)  # a shared machine's bandwidth varies by a third from run to run


def cpu_gflops(threads: int = THREADS) -> float:
    """The FP32 FMA peak of ``threads`` cores: clock x 32 FLOPs per cycle (two 256-bit FMA units)."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.lower().startswith("cpu mhz"):
            return round(threads * float(line.split(":", 1)[1]) / 1e3 * 32, 1)
    raise RuntimeError("no cpu MHz in /proc/cpuinfo")


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def write_csv(path: Path, fields: tuple[str, ...], rows: list[dict], key: tuple[str, ...]) -> None:
    """Write ``rows`` over the rows already in ``path`` that have the same ``key`` (a partial run
    replaces only what it measured)."""
    import fcntl

    new = {tuple(str(r[k]) for k in key) for r in rows}
    with open(path.with_suffix(".lock"), "w") as lock:  # two runs may share the machine's two cores
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = []
        if path.exists():
            with path.open(newline="") as f:
                old = [r for r in csv.DictReader(f) if tuple(r[k] for k in key) not in new]
        tmp = path.with_suffix(".part")
        with tmp.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(old + rows)
        tmp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--avx2", action="store_true", help="x86 AVX2 build (see setup.py)")
    ap.add_argument("--models", default=",".join(models.MODELS))
    ap.add_argument("--quants", default=",".join(QUANTS))
    ap.add_argument("--contexts", default=",".join(map(str, CONTEXTS)))
    ap.add_argument("--deep", type=int, default=2048, help="depth of the deep-context speed test")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the depth-0 speed tests")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--update-bandwidth", action="store_true",
                    help="only re-measure the memory bandwidth and write it into results/speed.csv")
    args = ap.parse_args()

    if args.update_bandwidth:
        rows = list(csv.DictReader((RESULTS / "speed.csv").open(newline="")))
        bandwidth = memory_bandwidth_gbs()
        for r in rows:
            r["bandwidth_gbs"] = bandwidth
        write_csv(RESULTS / "speed.csv", SPEED_FIELDS, rows, SPEED_FIELDS[:5])
        print(f"memory bandwidth {bandwidth} GB/s", file=sys.stderr)
        return 0
    bins = setup.build(avx2=args.avx2)
    common = {"llama_cpp": setup.version(bins), "build": "avx2" if args.avx2 else "native", "cpu": cpu_name()}
    quants = tuple(args.quants.split(","))
    contexts = tuple(int(c) for c in args.contexts.split(","))
    RESULTS.mkdir(exist_ok=True)
    memory_rows, speed_rows = [], []
    machine = {} if args.skip_speed else {"bandwidth_gbs": memory_bandwidth_gbs(), "cpu_gflops": cpu_gflops()}
    for name in args.models.split(","):
        files = model_files(name, bins, quants)
        for q, path in files.items():
            base = {"model": name, "quant": q, "file_bytes": path.stat().st_size}
            if not args.skip_memory:
                for ctx in contexts:
                    for fa in (True, False):
                        fit = fit_projection(bins, path, ctx, fa)
                        for mmap in (True, False):
                            buffers, rss = run_load(bins, path, ctx, fa, mmap)
                            memory_rows.append({**base, "context": ctx, "flash_attn": int(fa), "mmap": int(mmap),
                                                "prompt_tokens": PROMPT_TOKENS,
                                                **buffers, "peak_rss_bytes": rss, "fit_model_mib": fit[0],
                                                "fit_context_mib": fit[1], "fit_compute_mib": fit[2], **common})
                            print(f"{name} {q} c={ctx} fa={int(fa)} mmap={int(mmap)} rss={rss / MIB:.0f} MiB",
                                  file=sys.stderr)
                write_csv(RESULTS / "memory.csv", MEMORY_FIELDS, memory_rows, MEMORY_FIELDS[:5])
            if not args.skip_speed:
                for r in run_bench(bins, path, args.deep, args.reps):
                    speed_rows.append({**base, "flash_attn": 1, **r, **machine, **common})
                    print(f"{name} {q} {r['test']} d={r['depth']} {r['tokens_per_s']} t/s", file=sys.stderr)
                write_csv(RESULTS / "speed.csv", SPEED_FIELDS, speed_rows, SPEED_FIELDS[:5])
    return 0


if __name__ == "__main__":
    sys.exit(main())
