"""Property: any command line, however odd its values, keeps the contract (docs/reliability.md):
exit 0, 1 or 2; an error is one "Error:" line (and a hint), never an internal error; --json is
strict JSON. benchmarks/fuzz.py runs the same idea much longer."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EDGE = ["0", "-1", "1", "nan", "inf", "-inf", "1e999", "9" * 400, "", "0.0000001", "24GB", "32k", "1M", "x" * 5000,
        "[/INST]", "\x1b[2J", "a" * 300, "4090", "2x 3090", "M2 Max", "zephyr", "mixtral", "Q4_K_M", "q8_0", "on",
        "中文", "10%", "200%", "--", "-"]
COMMANDS = {
    "fit": ["--gpu", "--vram", "--ram", "--gpus", "--context", "--quant", "--kv-type", "--parallel", "--prompt-tokens",
            "--flash-attn", "-ngl", "--n-cpu-moe", "--headroom", "--bandwidth"],
    "why-not": ["--vram", "--gpu", "--task", "--context", "--min-speed", "--max-ttft", "--lang", "--license"],
    "deploy": ["--gpu", "--gpus", "--nodes", "--users", "--context", "--target-tps", "--backend", "--max-gpus",
               "--prompt-tokens", "--output-tokens"],
    "show": ["--context"],
    "compare": ["--context"],
    "explain": [],
}
FLAGS = ["--json", "--cpu-only", "--cpu-moe", "--markdown", "--sources", "--explain"]
MODELS = ["zephyr", "zephyr-7b-beta", "mixtral-8x7b-instruct", "gpt-oss-20b", "llama-2-7b-chat"]


@st.composite
def command_lines(draw):
    command = draw(st.sampled_from(sorted(COMMANDS)))
    args = [command]
    if command != "explain" or draw(st.booleans()):
        args.append(draw(st.sampled_from(MODELS + EDGE)))
    if command == "compare":
        args.append(draw(st.sampled_from(MODELS)))
    for _ in range(draw(st.integers(0, 3))):
        if COMMANDS[command] and draw(st.booleans()):
            args += [draw(st.sampled_from(COMMANDS[command])), draw(st.sampled_from(EDGE))]
        else:
            args.append(draw(st.sampled_from(FLAGS)))
    return args


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=command_lines())
def test_any_command_line_keeps_the_contract(cli, args):
    r = cli(*args)
    assert r.exit_code in (0, 1, 2), (args, r.output)
    assert "internal error" not in r.stderr, (args, r.stderr)
    assert "\x1b" not in r.output
    if r.exit_code:
        assert r.stderr.startswith("Error: "), (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) >= 1
    elif "--json" in args and "--markdown" not in args:
        json.loads(r.stdout, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
