"""Fuzz campaign: random and hostile inputs against the command-line contract.

The contract (docs/reliability.md): every run ends with exit 0, 1 or 2; an error is one line on
stderr starting "Error:" (plus a hint), never a traceback or an "internal error"; ``--json`` output
is strict JSON (no NaN or Infinity); nothing hangs (10 s) or grows past 1 GB.

Five classes of input, each generated from a seed:

- ``cli``: random command lines built from every command, option and a table of edge values
  (0, -1, NaN, inf, 1e999, 400-digit numbers, empty, 100k characters, markup, escapes, paths);
- ``catalog``: a shipped family file broken by mutation (fields deleted, retyped, set to edge
  values, duplicated, YAML aliases fanned out), then ``show``, ``fit`` and ``catalog validate``;
- ``config``: a real config.json with fields set to edge values or junk, then ``fit``;
- ``gguf``: a small valid GGUF header, built here, then mutated (bytes flipped, lengths set huge,
  cut short), then ``fit``;
- ``env``: the real program in a fresh process under a faulty environment (COLUMNS, encodings,
  closed or full stdout, unusable HOME or cache folder, a FIFO or folder as catalog).

The first four run in this process through click's test runner (fast), under an alarm of 10 s and
an address-space limit; the last runs subprocesses.

    python benchmarks/fuzz.py [--runs 400] [--seed 1] [--classes cli,catalog,config,gguf,env]

Prints inputs tried and failures by class; exits 1 when any input broke the contract.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIME_LIMIT_S = 10
MEMORY_LIMIT = 1 << 30  # what one input may add to the process

EDGE = ["0", "-1", "1", "nan", "NaN", "inf", "-inf", "1e999", "9" * 400, "", " ", "0.0000001", "1e-300", "24GB",
        "32k", "1M", "x" * 100_000, "[/INST]", "[bold]x[/]", "\x1b[2J", "../../etc/passwd", "/dev/zero", "/dev/null",
        "a" * 300, "4090", "2x 3090", "M2 Max", "H100", "zephyr", "mixtral", "llama2", "gpt-oss-120b", "all",
        "Q4_K_M", "q8_0", "f16", "on", "off", "中文", "🤖", "-", "--", "%", "10%", "-5%", "200%"]
COMMANDS = {
    "recommend": ["--task", "--vram", "--ram", "--gpu", "--gpus", "--bandwidth", "--cpu-bandwidth", "--context", "--lang",
                  "--license", "--min-speed", "--max-ttft", "--modality", "--headroom", "--top", "--explain", "--json",
                  "--cpu-only"],
    "fit": ["--gpu", "--vram", "--ram", "--gpus", "--context", "--quant", "--kv-type", "--parallel", "--backend",
            "--prompt-tokens", "--flash-attn", "--depth", "-ngl", "--n-cpu-moe", "--cpu-moe", "--json", "--headroom"],
    "why-not": ["--vram", "--gpu", "--task", "--context", "--min-speed", "--max-ttft", "--json"],
    "deploy": ["--gpu", "--gpus", "--nodes", "--users", "--context", "--target-tps", "--backend", "--max-gpus",
               "--prompt-tokens", "--output-tokens", "--json", "--kubernetes"],
    "show": ["--json", "--sources", "--context"],
    "compare": ["--json", "--context"],
    "list": ["--json", "--task", "--family"],
    "explain": ["--json", "--markdown"],
    "faq": ["--json", "--markdown"],
    "hardware": ["--json", "--cpu-only"],
    "installed": ["--json", "--store", "--path", "--context", "--vram", "--gpu"],
}
FLAGS = {"--explain", "--json", "--cpu-only", "--cpu-moe", "--sources", "--markdown", "--kubernetes"}
POSITIONAL = {"fit": 1, "why-not": 1, "deploy": 1, "show": 1, "compare": 2, "explain": 1, "faq": 1}


class Hang(Exception):
    pass


def classify(result, args: list[str], elapsed: float) -> str | None:
    """The contract a run broke, or None."""
    out, err = result.stdout, result.stderr
    if elapsed > TIME_LIMIT_S:
        return "slow (over 10 s)"
    if isinstance(result.exception, Hang):
        return "hang"
    if "Traceback" in out + err:
        return "traceback"
    if "internal error" in err:
        kind = err.split("internal error:", 1)[1].split(":", 1)[0].strip()
        return f"internal error ({kind})"
    if result.exit_code not in (0, 1, 2):
        return f"exit code {result.exit_code}"
    if result.exit_code and not _has_message(err):
        return "error without a message"
    if result.exit_code == 0 and "--json" in args and "--help" not in args:
        try:
            json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        except ValueError:
            return "invalid JSON"
    if "\x1b" in out + err:
        return "terminal codes from data"
    return None


def _has_message(err: str) -> bool:
    """An error line ("Error: ...", after any notes), or catalog validate's list of problems ("✗ ...")."""
    return any(line.startswith(("Error:", "✗")) for line in err.splitlines())


def invoke(args: list[str], env: dict | None = None):
    from typer.testing import CliRunner

    from llmguide.cli.app import app

    def alarm(*_):
        raise Hang()

    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIME_LIMIT_S + 2)
    start = time.perf_counter()
    try:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "100", "NO_COLOR": "1", **(env or {})}, prog_name="llmguide")
    finally:
        signal.alarm(0)
    return result, time.perf_counter() - start


def cli_inputs(rng: random.Random, n: int):
    for _ in range(n):
        command = rng.choice(list(COMMANDS))
        args = [command] + [rng.choice(EDGE) for _ in range(rng.choice([0, POSITIONAL.get(command, 0)]))]
        for _ in range(rng.randint(0, 4)):
            opt = rng.choice(COMMANDS[command])
            args += [opt] if opt in FLAGS else [opt, rng.choice(EDGE)]
        yield "cli", args, None


def _mutate_value(rng: random.Random):
    return rng.choice([0, -1, -128, 10**400, 1e308, float("nan"), float("inf"), True, None, "", "x" * 10_000, [], {},
                       [[[[1]]]], "[/INST]", "\x1b[31m", 100_000_000, 3, 0.5])


def _walk(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,), v
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield path + (i,), v
            yield from _walk(v, path + (i,))


def _set(node, path, value):
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def catalog_inputs(rng: random.Random, n: int, work: Path):
    import yaml

    files = sorted((ROOT / "catalog" / "models").glob("*.yaml"))
    for i in range(n):
        src = rng.choice(files)
        fam = yaml.safe_load(src.read_text())
        paths = [p for p, _ in _walk(fam)]
        text = None
        for _ in range(rng.randint(1, 3)):
            p = rng.choice(paths)
            try:
                if rng.random() < 0.2 and isinstance(p[-1], str):
                    parent = fam
                    for q in p[:-1]:
                        parent = parent[q]
                    del parent[p[-1]]
                else:
                    _set(fam, p, _mutate_value(rng))
            except (KeyError, IndexError, TypeError):
                pass
        try:
            text = yaml.safe_dump(fam, sort_keys=False, allow_unicode=True)
        except Exception:  # noqa: BLE001 - a value YAML cannot write: try another
            continue
        if rng.random() < 0.1:  # an alias fan-out ("billion laughs")
            text += "x0: &a0 [" + ",".join(["y"] * 10) + "]\n" + "".join(
                f"x{k}: &a{k} [" + ",".join([f"*a{k-1}"] * 10) + "]\n" for k in range(1, 9))
        if rng.random() < 0.1:  # a duplicated key
            text += f"id: {fam.get('id', 'x') if isinstance(fam, dict) else 'x'}\n"
        path = work / f"fam{i}" / src.name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        fid = fam.get("id") if isinstance(fam, dict) and isinstance(fam.get("id"), str) else src.stem
        yield "catalog", ["--catalog", str(path), rng.choice(["show", "fit", "list"]), *([fid] if rng.random() < 0.7 else [])], None
        yield "catalog", ["catalog", "validate", str(path.parent)], None


def config_inputs(rng: random.Random, n: int, work: Path):
    base = json.loads((ROOT / "tests" / "data" / "qwen2.5-7b-config.json").read_text())
    keys = list(base)
    for i in range(n):
        data = dict(base)
        for _ in range(rng.randint(1, 3)):
            data[rng.choice(keys + ["head_dim", "num_local_experts", "num_experts_per_tok", "text_config"])] = _mutate_value(rng)
        folder = work / f"cfg{i}"
        folder.mkdir()
        try:
            text = json.dumps(data)
        except ValueError:
            continue
        if rng.random() < 0.05:
            text = "[" * 100_000 + "]" * 100_000
        (folder / "config.json").write_text(text)
        yield "config", ["fit", str(folder), "--vram", "24", *(["--json"] if rng.random() < 0.5 else [])], None


def tiny_gguf(layers: int = 2, hidden: int = 64, heads: int = 4, kv: int = 2, ffn: int = 128, vocab: int = 100) -> bytes:
    """A small Llama-shaped GGUF v3 file with F16 tensors (zeros), built byte by byte."""
    from tests.model_bytes import header, kv_str, kv_strings, kv_u32, llama_tensors, tensor_infos

    kvs = [kv_str("general.architecture", "llama"), kv_str("general.name", "tiny"),
           kv_u32("llama.block_count", layers), kv_u32("llama.embedding_length", hidden), kv_u32("llama.feed_forward_length", ffn),
           kv_u32("llama.attention.head_count", heads), kv_u32("llama.attention.head_count_kv", kv),
           kv_u32("llama.context_length", 2048), kv_u32("general.file_type", 1),
           kv_strings("tokenizer.ggml.tokens", (f"t{i}" for i in range(vocab)))]
    tensors = llama_tensors(layers, hidden, heads, kv, ffn, vocab)
    infos, data = tensor_infos((name, shape, 1, shape[0] * shape[1] * 2) for name, shape in tensors)  # F16
    return header(kvs, infos, len(tensors)) + b"\0" * data


def gguf_inputs(rng: random.Random, n: int, work: Path):
    good = tiny_gguf()
    for i in range(n):
        data = bytearray(good)
        how = rng.choice(["flip", "huge", "cut", "flip", "huge"])
        if how == "cut":
            data = data[: rng.randint(0, 2000)]
        for _ in range(rng.randint(1, 4) if how != "cut" else 0):
            at = rng.randrange(0, min(len(data), 2000))
            if how == "flip":
                data[at] = rng.randrange(256)
            else:
                data[at:at + 8] = struct.pack("<Q", rng.choice([2**62, 2**63 - 1, 2**32, 10**12, 0]))
        path = work / f"m{i}.gguf"
        path.write_bytes(bytes(data))
        yield "gguf", ["fit", str(path), "--vram", "24", *(["--json"] if rng.random() < 0.5 else [])], None


def env_runs(work: Path) -> list[tuple[list[str], dict, str]]:
    """(arguments, environment changes, how stdout is given) for the real program."""
    fifo = work / "fifo.yaml"
    if hasattr(os, "mkfifo") and not fifo.exists():
        os.mkfifo(fifo)
    ro = work / "readonly"
    ro.mkdir(exist_ok=True)
    os.chmod(ro, 0o500)
    runs = []
    for args in (["show", "zephyr"], ["list", "--json"], ["recommend", "--vram", "24"], ["--help"], ["fit", "nope"]):
        for env, stdout in (({"COLUMNS": "0"}, "pipe"), ({"COLUMNS": "-3"}, "pipe"), ({"PYTHONIOENCODING": "ascii"}, "pipe"),
                            ({"PYTHONIOENCODING": "latin-1"}, "pipe"), ({"LANG": "C", "LC_ALL": "C"}, "pipe"),
                            ({}, "full"), ({}, "closed"), ({"HOME": str(work / "missing-home")}, "pipe"),
                            ({"HOME": "/dev/null"}, "pipe"), ({"LLMGUIDE_CACHE_DIR": str(ro)}, "pipe"),
                            ({"LLMGUIDE_CACHE_DIR": "/dev/null/x"}, "pipe"), ({"LLMGUIDE_CATALOG": str(fifo)}, "pipe"),
                            ({"LLMGUIDE_CATALOG": str(work)}, "pipe"), ({"XDG_CONFIG_HOME": "/dev/null"}, "pipe"),
                            ({"TERM": "dumb"}, "pipe")):
            runs.append((args, env, stdout))
    return runs


def run_env(args: list[str], env_changes: dict, stdout: str) -> str | None:
    env = {**os.environ, "NO_COLOR": "1", **env_changes}
    env.pop("LLMGUIDE_DEBUG", None)
    cmd = [sys.executable, "-m", "llmguide", *args]
    kw: dict = {}
    if stdout == "full":
        kw["stdout"] = open("/dev/full", "w") if Path("/dev/full").exists() else subprocess.PIPE
    elif stdout == "closed":
        kw["stdout"] = subprocess.DEVNULL
        kw["preexec_fn"] = lambda: os.close(1)
    else:
        kw["stdout"] = subprocess.PIPE
    try:
        r = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, timeout=TIME_LIMIT_S + 20, **kw)
    except subprocess.TimeoutExpired:
        return "hang"
    err = r.stderr.decode("utf-8", "replace")
    if "Traceback" in err:
        return "traceback"
    if "internal error" in err:
        return f"internal error ({err.split('internal error:', 1)[1].split(':', 1)[0].strip()})"
    if r.returncode not in (0, 1, 2):
        return f"exit code {r.returncode}"
    if r.returncode and stdout == "pipe" and not _has_message(err):
        return "error without a message"
    if stdout == "pipe" and r.returncode == 0 and "--json" in args:
        try:
            json.loads(r.stdout)
        except ValueError:
            return "invalid JSON"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400, help="inputs per in-process class (cli gets 4x)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--classes", default="cli,catalog,config,gguf,env")
    ap.add_argument("--show", type=int, default=3, help="failing inputs to print per kind of failure")
    args = ap.parse_args()
    classes = args.classes.split(",")
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        import psutil

        limit = psutil.Process().memory_info().vms + MEMORY_LIMIT + (1 << 30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    rng = random.Random(args.seed)
    tried: Counter = Counter()
    failed: Counter = Counter()
    examples: dict = {}
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["LLMGUIDE_CACHE_DIR"] = str(work / "cache")
        gens = []
        if "cli" in classes:
            gens.append(cli_inputs(rng, args.runs * 4))
        if "catalog" in classes:
            gens.append(catalog_inputs(rng, args.runs // 2, work))
        if "config" in classes:
            gens.append(config_inputs(rng, args.runs, work))
        if "gguf" in classes:
            gens.append(gguf_inputs(rng, args.runs, work))
        for gen in gens:
            for cls, argv, env in gen:
                tried[cls] += 1
                try:
                    result, elapsed = invoke(argv, env)
                    slowest = max(slowest, (elapsed, " ".join(a[:60] for a in argv)))
                    problem = classify(result, argv, elapsed)
                except Hang:
                    problem = "hang"
                except MemoryError:
                    problem = "memory"
                if problem:
                    failed[(cls, problem)] += 1
                    examples.setdefault((cls, problem), []).append(" ".join(a[:80] for a in argv))
        if "env" in classes:
            for argv, env, stdout in env_runs(work):
                tried["env"] += 1
                problem = run_env(argv, env, stdout)
                if problem:
                    failed[("env", problem)] += 1
                    examples.setdefault(("env", problem), []).append(f"{env} {stdout}: {' '.join(argv)}")
    print(f"{sum(tried.values())} inputs in {time.perf_counter() - start:.0f} s (seed {args.seed}); "
          f"the slowest in-process input took {slowest[0]:.2f} s: {slowest[1][:200]}\n")
    print("| class | inputs | broke the contract |")
    print("|---|---|---|")
    for cls in tried:
        print(f"| {cls} | {tried[cls]} | {sum(v for (c, _), v in failed.items() if c == cls)} |")
    if failed:
        print("\n| class | failure | inputs |\n|---|---|---|")
        for (cls, problem), count in failed.most_common():
            print(f"| {cls} | {problem} | {count} |")
        for key, items in examples.items():
            print(f"\n{key}:")
            for item in items[: args.show]:
                print("   ", item[:300])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
