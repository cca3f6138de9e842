"""`llmguide recommend` through the CLI: table, JSON shape, explanations, errors."""

from __future__ import annotations

import pytest

REC_KEYS = {"rank", "id", "hf_repo", "family", "params_total", "params_active", "quant", "context_length",
            "languages", "license", "modalities", "specialties", "memory_bytes", "score", "reasons"}


def test_code_on_24gb(cli):
    r = cli("recommend", "--task", "code", "--vram", "24")
    assert r.exit_code == 0
    assert "qwen3-32b" in r.stdout and "Q4_K_M" in r.stdout and "GiB" in r.stdout
    assert "ruled out" in r.stdout


def test_json_shape(cli):
    data = cli.json("recommend", "--task", "code", "--vram", "24")
    assert set(data) >= {"constraints", "hardware", "recommendations", "rejected"}
    assert data["constraints"]["task"] == "code"
    assert data["hardware"]["vram_bytes"] == 24 * 2**30
    recs = data["recommendations"]
    assert 1 <= len(recs) <= 5
    for rec in recs:
        assert REC_KEYS <= set(rec)
        assert rec["memory_bytes"] <= data["hardware"]["vram_budget_bytes"]
    assert [r["rank"] for r in recs] == list(range(1, len(recs) + 1))
    assert all(set(j) >= {"id", "hf_repo", "reasons", "would_fit_with"} for j in data["rejected"])


def test_top_limits_the_list(cli):
    assert len(cli.json("recommend", "--task", "chat", "--vram", "80", "--top", "2")["recommendations"]) == 2


def test_languages_repeatable_and_comma_separated(cli):
    a = cli.json("recommend", "--task", "chat", "--vram", "48", "--lang", "fr", "--lang", "de")
    b = cli.json("recommend", "--task", "chat", "--vram", "48", "--lang", "French,German")
    assert a["constraints"]["languages"] == b["constraints"]["languages"] == ["fr", "de"]
    assert [r["id"] for r in a["recommendations"]] == [r["id"] for r in b["recommendations"]]


def test_explain_shows_every_rule(cli):
    out = cli("recommend", "--task", "chat", "--vram", "24", "--explain").stdout
    for code in ("H1", "H2", "H3", "H4", "H5", "S1", "S2", "S3", "S4"):
        assert code in out
    assert "weights" in out and "KV cache" in out


def test_nothing_fits_exits_zero_with_reasons(cli):
    r = cli("recommend", "--task", "chat", "--vram", "0.5")
    assert r.exit_code == 0
    assert "No model" in r.stdout and "does not fit" in r.stdout


def test_no_flags_plan_for_the_detected_machine(cli):
    r = cli("recommend", "--task", "code")
    assert r.exit_code == 0
    assert "(detected)" in r.stdout and "32.0 GiB RAM" in r.stdout


def test_nothing_detected_means_fit_not_checked(cli, monkeypatch):
    from llmguide.hardware import detect
    from llmguide.hardware.accelerators import Machine

    monkeypatch.setattr(detect, "detect_machine", lambda *a, **k: Machine("?", None, None, None, (), ("RAM: psutil failed",)))
    r = cli("recommend", "--task", "code")
    assert r.exit_code == 0
    assert "fit is not checked" in r.stderr and "psutil failed" in r.stderr
    assert "not checked" in r.stdout


def test_json_output_is_pure(cli):
    r = cli("recommend", "--task", "code", "--json")  # the no-hardware note goes to stderr only
    import json

    json.loads(r.stdout)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--vram", "-3"], "--vram must be a positive number"),
        (["--ram", "0"], "--ram must be a positive number"),
        (["--vram", "abc"], "Invalid value for '--vram'"),
        (["--vram", "1e12"], "not a plausible size"),
        (["--task", "cod"], "Did you mean: code"),
        (["--context", "0"], "--context must be a positive"),
        (["--top", "0"], "--top must be at least 1"),
        (["--lang", "klingon"], "Unknown language 'klingon'"),
        (["--no-such-flag"], "No such option"),
        (["--license", "apache"], "Did you mean: Apache-2.0"),
        (["--license", ""], "No catalog model carries the license"),
        (["--vram", "24", "--min-speed", "0"], "--min-speed must be a positive number"),
        (["--vram", "24", "--min-speed", "20"], "--min-speed needs the GPU's memory bandwidth"),
        (["--vram", "24", "--max-ttft", "1"], "--max-ttft needs a GPU with known FP16 throughput"),
        (["--vram", "24", "--max-ttft", "-1"], "--max-ttft must be a positive number"),
        (["--modality", "smell"], "Unknown modality 'smell'"),
    ],
)
def test_usage_errors_are_one_clear_line(cli, args, message):
    r = cli("recommend", *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert r.stderr.startswith("Error:")
    assert len(r.stderr.strip().splitlines()) <= 2  # the error and a hint


def test_task_help_lists_the_catalog_tasks(catalog):
    from llmguide.cli.common import TASK_IDS

    assert TASK_IDS.split(", ") == list(catalog.tasks.tasks)


def test_gpu_preset_gives_speed(cli):
    data = cli.json("recommend", "--task", "code", "--gpu", "4090")
    assert data["hardware"]["gpu"] == "NVIDIA GeForce RTX 4090"
    assert all(r["decode_tokens_per_s"] > 0 for r in data["recommendations"])


def test_bare_vram_has_no_speed(cli):
    data = cli.json("recommend", "--task", "code", "--vram", "24")
    assert all(r["decode_tokens_per_s"] is None for r in data["recommendations"])


def test_limits_are_shown_and_kept_in_json(cli):
    args = ("recommend", "--gpu", "rtx-4090", "--license", "permissive", "--min-speed", "40", "--max-ttft", "0.5",
            "--modality", "image")
    r = cli(*args)
    assert r.exit_code == 0, r.output
    assert "Limits: license permissive, at least 40 tok/s, first token within 0.5 s" in r.stdout
    data = cli.json(*args)
    c = data["constraints"]
    assert (c["license"], c["min_speed"], c["max_ttft"], c["modalities"]) == ("permissive", 40, 0.5, ["image"])
    assert data["recommendations"]
    for rec in data["recommendations"]:
        assert rec["decode_tokens_per_s"] >= 40 and rec["ttft_s"] <= 0.5
        assert "image" in rec["modalities"] and rec["license"] in ("Apache-2.0", "MIT")


def test_min_speed_chooses_a_smaller_quant_rather_than_dropping_the_model(cli):
    plain = {r["id"]: r for r in cli.json("recommend", "--gpu", "rtx-4090", "--top", "40")["recommendations"]}
    fast = {r["id"]: r for r in cli.json("recommend", "--gpu", "rtx-4090", "--top", "40", "--min-speed", "40")["recommendations"]}
    assert plain["gemma-4-31b-it"]["decode_tokens_per_s"] < 40
    assert fast["gemma-4-31b-it"]["decode_tokens_per_s"] >= 40
    assert fast["gemma-4-31b-it"]["memory_bytes"] < plain["gemma-4-31b-it"]["memory_bytes"]


def test_max_ttft_on_the_cpu_uses_the_cpu_prefill_estimate(cli):
    """Prompt processing on the CPU is modelled (measured with llama.cpp), so a CPU-only machine
    can be held to --max-ttft: every recommendation meets it, and a big dense model does not."""
    data = cli.json("recommend", "--ram", "32", "--cpu-only", "--max-ttft", "5", "--top", "5")
    assert data["recommendations"]
    assert all(r["ttft_s"] is not None and r["ttft_s"] <= 5 for r in data["recommendations"])
    why = cli.json("why-not", "gemma-4-31b-it", "--ram", "32", "--cpu-only", "--max-ttft", "5")
    h8 = next(v for v in why["verdicts"] if v["code"] == "H8")
    assert not h8["passed"] and "first token in" in h8["reason"]
