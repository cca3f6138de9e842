"""`llmguide why-not MODEL`: every hard rule's verdict for one model, in text and JSON."""

from __future__ import annotations

import json

import pytest

from tests.conftest import flat


def test_rejected_model_lists_every_rule_with_its_own_reason(cli):
    r = cli("why-not", "llama-3.3-70b-instruct", "--vram", "24", "--license", "permissive")
    assert r.exit_code == 0, r.output
    text = flat(r.stdout)
    assert "llama-3.3-70b-instruct is not recommended" in text
    assert "H5 fail does not fit: 26.1 GiB needed at Q2_K" in text
    assert "H6 fail LicenseRef-Llama-3.3-Community" in text
    assert "H3 pass context 128K covers 4K" in text


def test_eligible_model_gives_its_rank_and_scores(cli):
    r = cli("why-not", "qwen3-32b", "--gpu", "rtx-4090", "--task", "code")
    assert r.exit_code == 0, r.output
    text = flat(r.stdout)
    assert "qwen3-32b is eligible: rank" in text
    assert "S1" in text and "memory" in text


def test_json_has_every_verdict(cli):
    data = cli.json("why-not", "llama-3.3-70b-instruct", "--vram", "24", "--license", "permissive")
    assert data["eligible"] is False
    codes = [v["code"] for v in data["verdicts"]]
    assert codes == sorted(codes) and {"H1", "H5", "H6", "H7", "H8"} <= set(codes)
    failed = {v["code"] for v in data["verdicts"] if not v["passed"]}
    assert failed == {"H5", "H6"} == set(data["rejected"]["rules"])
    ok = cli.json("why-not", "qwen3-32b", "--gpu", "rtx-4090")
    assert ok["eligible"] is True and 1 <= ok["rank"] <= ok["of"]
    assert ok["recommendation"]["id"] == "qwen3-32b" and all(v["passed"] for v in ok["verdicts"])


def test_why_not_agrees_with_recommend(cli):
    rec = cli.json("recommend", "--gpu", "rtx-4090", "--top", "3")["recommendations"]
    for r in rec:
        assert cli.json("why-not", r["id"], "--gpu", "rtx-4090")["rank"] == r["rank"]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["qwen3-32bb", "--vram", "24"], 1, "Did you mean: qwen3-32b"),
        (["qwen3-32b", "--license", "gnu"], 2, "No catalog model carries the license 'gnu'"),
        (["qwen3-32b", "--vram", "24", "--min-speed", "10"], 2, "--min-speed needs"),
        ([], 2, "Missing argument"),
    ],
)
def test_errors(cli, args, code, message):
    r = cli("why-not", *args)
    assert r.exit_code == code
    assert message in r.stderr


def test_a_family_is_answered_for_its_pick(cli):
    r = cli("why-not", "llama2", "--vram", "24", "--json")
    assert r.exit_code == 0 and "planning llama-2-13b-chat" in r.stderr
    data = json.loads(r.stdout)
    assert data["eligible"] is True and data["recommendation"]["id"] == "llama-2-13b-chat"
