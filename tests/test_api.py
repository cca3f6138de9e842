"""docs/api.md's examples run as written, and the API gives what the CLI gives."""

from __future__ import annotations

import re
from pathlib import Path

import llmguide

API_DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_the_documented_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", API_DOC.read_text(), re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(API_DOC), "exec"), namespace)  # noqa: S102 - the project's own documentation


def test_the_api_agrees_with_the_cli(cli):
    cli_top = [r["id"] for r in cli.json("recommend", "--task", "code", "--vram", "24")["recommendations"]]
    api_top = [r.candidate.variant.id for r in llmguide.recommend("code", vram=24).top]
    assert cli_top == api_top
    est = cli.json("fit", "qwen3-8b", "--vram", "12", "--quant", "Q4_K_M")["estimates"][0]
    assert llmguide.fit("qwen3-8b", vram=12, quants="Q4_K_M").estimates[0].memory.total == est["memory"]["total_bytes"]
    why = cli.json("why-not", "qwen3-32b", "--vram", "24")
    answer = llmguide.why_not("qwen3-32b", vram=24)
    assert why["eligible"] == (answer.ranked is not None) and why.get("rank") == (answer.ranked.rank if answer.ranked else None)
    plan = cli.json("deploy", "qwen3-8b", "--users", "8", "--gpu", "A100 80GB")
    d = llmguide.plan_deployment("qwen3-8b", users=8, gpu="A100 80GB")
    assert (plan["backend"], plan["quant"]) == (d.plan.backend, d.plan.quant)
    assert [c["lines"] for c in plan["commands"]] == [list(s.lines) for s in d.steps]


def test_every_name_in_all_is_there():
    for name in llmguide.__all__:
        assert getattr(llmguide, name) is not None
