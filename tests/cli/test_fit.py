"""`llmguide fit`: breakdown, placement and speed, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
EST_KEYS = {"quant", "context", "backend", "file_bytes", "memory", "placement", "fits", "fit_level", "speed", "basis"}


def test_fit_on_a_named_gpu(cli):
    r = cli("fit", "llama-2-13b-chat", "--gpu", "4090")
    assert r.exit_code == 0
    assert "RTX 4090" in r.stdout and "Q4_K_M" in r.stdout and "tok/s" in r.stdout


def test_fit_json_shape(cli):
    data = cli.json("fit", "llama-2-13b-chat", "--gpu", "RTX 4090", "--quant", "Q4_K_M,F16")
    assert set(data) >= {"model", "hardware", "estimates"}
    assert set(data["model"]) >= {"id", "hf_repo", "params_total", "params_active"}
    q4, f16 = data["estimates"]
    assert EST_KEYS <= set(q4)
    mem = q4["memory"]
    assert mem["total_bytes"] == mem["weights_bytes"] + mem["kv_cache_bytes"] + mem["compute_bytes"] + mem["overhead_bytes"]
    assert q4["fits"] is True and q4["placement"]["mode"] == "gpu"
    assert q4["placement"]["total_layers"] == 40
    assert q4["speed"]["decode_tokens_per_s"] > 10
    assert f16["fits"] is False and f16["speed"] is None


def test_offload_with_ram(cli):
    """A dense model too big for the GPU is split by layers (-ngl N)."""
    data = cli.json("fit", "llama-2-70b-chat", "--gpu", "4090", "--ram", "64", "--quant", "Q4_K_M")
    est = data["estimates"][0]
    assert est["fit_level"] == "split"
    assert 0 < est["placement"]["gpu_layers"] < 80
    assert any("CPU memory bandwidth assumed" in b for b in est["basis"])


def test_moe_keeps_its_experts_in_ram(cli):
    """An MoE too big for the GPU keeps every layer there but the routed experts of the first N
    layers (-ngl 99 --n-cpu-moe N): the smallest N that fits, and faster than the layer split."""
    data = cli.json("fit", "mixtral-8x7b-instruct", "--gpu", "4090", "--ram", "64", "--quant", "Q4_K_M")
    est = data["estimates"][0]
    p = est["placement"]
    assert est["fit_level"] == "expert_offload" and p["mode"] == "expert_offload"
    assert p["gpu_layers"] == 32 and 0 < p["cpu_moe_layers"] <= 32
    assert p["gpu_bytes"] <= 22.8 * 2**30 and p["cpu_expert_bytes"] > 0
    r = cli("fit", "mixtral-8x7b-instruct", "--gpu", "4090", "--ram", "64", "--quant", "Q4_K_M")
    assert f"-ngl 99 --n-cpu-moe {p['cpu_moe_layers']}" in r.output


def test_two_gpus(cli):
    one = cli.json("fit", "llama-2-70b-chat", "--gpu", "RTX 3090", "--quant", "Q4_K_M")["estimates"][0]
    two = cli.json("fit", "llama-2-70b-chat", "--gpu", "2x RTX 3090", "--quant", "Q4_K_M")["estimates"][0]
    assert one["fits"] is False and two["fits"] is True


def test_apple_without_its_memory_size_assumes_the_smallest(cli):
    r = cli("fit", "llama-2-7b-chat", "--gpu", "M2 Max", "--json")
    assert r.exit_code == 0 and "assuming its smallest, 32 GB" in r.stderr and "pass --ram" in r.stderr
    data = json.loads(r.stdout)
    assert data["hardware"]["ram_bytes"] == 32 * 2**30 and data["estimates"][0]["speed"]["decode_tokens_per_s"] > 0
    sized = cli.json("fit", "llama-2-7b-chat", "--gpu", "M2 Max 64GB")
    assert sized["hardware"]["ram_bytes"] == 64 * 2**30


def test_config_json_input(cli):
    data = cli.json("fit", str(DATA / "qwen2.5-7b-config.json"), "--vram", "12", "--quant", "Q4_K_M")
    assert abs(data["model"]["params_total"] - 7.62e9) / 7.62e9 < 0.01
    assert data["estimates"][0]["fits"] is True
    assert data["estimates"][0]["speed"] is None  # no bandwidth known for a bare --vram


def test_model_folder_input(cli, tmp_path):
    (tmp_path / "config.json").write_text((DATA / "qwen2.5-7b-config.json").read_text())
    assert cli.json("fit", str(tmp_path), "--quant", "Q8_0")["model"]["max_context"] == 32768


def test_all_quants(cli):
    quants = [e["quant"] for e in cli.json("fit", "zephyr-7b-beta", "--quant", "all")["estimates"]]
    assert "Q2_K" in quants and "F16" in quants and len(quants) >= 10


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["llama2", "--gpu", "RTX 9999"], 1, "Unknown GPU"),
        (["zephyr-7b-beta", "--quant", "Q9_X"], 2, "Unknown quantization 'Q9_X'"),
        (["zephyr-7b-beta", "--gpu", "RTX 9999"], 1, "Unknown GPU"),
        (["zephyr-7b-beta", "--gpus", "0", "--vram", "24"], 2, "--gpus must be at least 1"),
        (["zephyr-7b-beta", "--context", "0"], 2, "--context must be a positive"),
        (["zephyr-7b-beta", "--kv-type", "q3"], 2, "Unknown KV cache type"),
        (["zephyr-7b-beta", "--backend", "sglang"], 2, "not modelled yet"),
        (["zephyr-7b-beta", "--backend", "vllm"], 2, "vLLM runs on GPUs"),
        (["zephyr-7b-beta", "--backend", "vllm", "--vram", "24", "--quant", "Q4_K_M"], 2, "vllm formats"),
        (["/nonexistent/config.json"], 1, "no such file"),
    ],
)
def test_fit_errors(cli, args, code, message):
    r = cli("fit", *args)
    assert r.exit_code == code, r.output
    assert message in r.stderr


def test_broken_config_json(cli, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text('{"num_hidden_layers": 2,\n "hidden_size": }')
    r = cli("fit", str(bad))
    assert r.exit_code == 1 and "line 2" in r.stderr and "not valid JSON" in r.stderr


def test_vllm_budget_and_concurrency(cli):
    data = cli.json("fit", "llama-2-13b-chat", "--gpu", "A100 SXM 80GB", "--backend", "vllm")
    bf16, fp8, awq = data["estimates"]
    assert [e["quant"] for e in data["estimates"]] == ["BF16", "FP8", "AWQ"]
    assert bf16["vllm"]["budget_bytes_per_gpu"] == int(80 * 2**30 * 0.9)
    # smaller weights leave more room for KV blocks, so more sequences run at once
    assert bf16["vllm"]["concurrent_sequences"] < fp8["vllm"]["concurrent_sequences"] < awq["vllm"]["concurrent_sequences"]
    assert awq["memory"]["weights_bytes"] < fp8["memory"]["weights_bytes"] < bf16["memory"]["weights_bytes"]


def test_vllm_tensor_parallel_splits_weights(cli):
    one = cli.json("fit", "llama-2-70b-chat", "--gpu", "A100 SXM 80GB", "--backend", "vllm", "--quant", "BF16")["estimates"][0]
    two = cli.json("fit", "llama-2-70b-chat", "--gpu", "2x A100 SXM 80GB", "--backend", "vllm", "--quant", "BF16")["estimates"][0]
    assert one["fits"] is False and two["fits"] is True
    assert two["vllm"]["tensor_parallel"] == 2


def test_cpu_memory_preset(cli):
    data = cli.json("fit", "zephyr-7b-beta", "--gpu", "DDR5-5600 dual channel", "--ram", "32", "--quant", "Q4_K_M")
    assert data["hardware"]["cpu_bandwidth_assumed"] is False
    assert data["estimates"][0]["placement"]["mode"] == "cpu"
    r = cli("fit", "zephyr-7b-beta", "--gpu", "DDR5-5600 dual channel")
    assert r.exit_code == 2 and "--ram" in r.stderr


def test_transformers_backend(cli):
    data = cli.json("fit", "llama-2-7b-chat", "--vram", "24", "--backend", "transformers")
    bf16 = data["estimates"][0]
    assert bf16["quant"] == "BF16" and bf16["backend"] == "transformers"
    assert bf16["memory"]["weights_bytes"] > 13e9  # 6.74B parameters in 16-bit
    assert bf16["fits"] is True and bf16["speed"] is None
    nf4 = cli.json("fit", "llama-2-70b-chat", "--vram", "24", "--backend", "transformers", "--quant", "BNB-NF4")["estimates"][0]
    assert nf4["fits"] is False


@pytest.mark.parametrize(
    "name, expected",
    [
        ("4090", "NVIDIA GeForce RTX 4090"), ("RTX 4090", "NVIDIA GeForce RTX 4090"),
        ("NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"), ("2x RTX 3090", "RTX 3090"),
        ("M2 Max 38-core", "M2 Max"), ("A100 SXM 80GB", "A100"), ("Radeon RX 7900 XTX", "7900 XTX"),
    ],
)
def test_loose_gpu_names_resolve(cli, name, expected):
    data = cli.json("fit", "zephyr-7b-beta", "--gpu", name, "--ram", "64", "--quant", "Q4_K_M")
    assert expected in data["hardware"]["gpu"]


def test_totals_add_up_for_every_backend(cli):
    for backend in ("llama.cpp", "vllm", "transformers"):
        for est in cli.json("fit", "llama-2-7b-chat", "--gpu", "A100 SXM 80GB", "--backend", backend)["estimates"]:
            m = est["memory"]
            assert m["total_bytes"] == m["weights_bytes"] + m["kv_cache_bytes"] + m["compute_bytes"] + m["overhead_bytes"]
    vllm = cli.json("fit", "llama-2-7b-chat", "--gpu", "A100 SXM 80GB", "--backend", "vllm", "--quant", "BF16")["estimates"][0]
    assert vllm["memory"]["overhead_bytes"] > 0


def _config(tmp_path, model_id):
    import yaml

    models = yaml.safe_load((DATA.parent / "estimate" / "hybrid_models.yml").read_text())
    path = tmp_path / "config.json"
    path.write_text(json.dumps(next(m["config"] for m in models if m["id"] == model_id)))
    return path


def test_hybrid_config_json_is_priced_by_layer_kind(cli, tmp_path):
    """A Nemotron-H config.json: only its 4 attention layers grow the cache."""
    path = _config(tmp_path, "nemotron-nano-9b-v2")
    short = cli.json("fit", str(path), "--quant", "Q4_K_M", "--context", "4096")["estimates"][0]["memory"]
    long = cli.json("fit", str(path), "--quant", "Q4_K_M", "--context", "131072")["estimates"][0]["memory"]
    growth = long["kv_cache_bytes"] - short["kv_cache_bytes"]
    assert growth == 4 * 2 * 8 * 128 * 2 * (131072 - 4096)


def test_layers_it_cannot_price_are_refused(cli, tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "jamba", "num_hidden_layers": 32, "hidden_size": 4096, '
                                          '"num_attention_heads": 32, "vocab_size": 65536}')
    r = cli("fit", str(tmp_path / "config.json"))
    assert r.exit_code == 1
    assert "jamba" in r.output and "Mamba-1" in r.output and "Traceback" not in r.output


def test_published_and_counted_parameters_are_both_shown(cli):
    """The published size names the model; where the count differs, the count and the reason follow."""
    data = cli.json("fit", "qwen3.5-397b-a17b", "--quant", "Q4_K_M")["model"]["params"]
    assert data["published_total_b"] == 397.0
    r = cli("fit", "qwen3.5-397b-a17b", "--quant", "Q4_K_M")
    assert "397B (17B active) parameters" in r.output
    if data["differs"]:
        assert "Counted from the architecture" in r.output


def test_native_low_bit_release_is_served_as_shipped(cli):
    data = cli.json("fit", "gpt-oss-120b", "--backend", "vllm", "--gpu", "h100")
    first = data["estimates"][0]
    assert first["quant"] == "NATIVE"
    assert abs(first["memory"]["weights_bytes"] - 65.2e9) < 0.5e9
    assert [e["quant"] for e in data["estimates"]] == ["NATIVE"]  # MXFP4 experts: no BF16/FP8 copy offered


def test_a_context_beyond_the_documented_one_is_refused(cli):
    r = cli("fit", "llama-2-7b-chat", "-c", "16384")
    assert r.exit_code == 2 and "at most 4,096 tokens" in r.output and "Traceback" not in r.output


def test_a_context_past_the_native_length_names_its_extension(cli):
    data = cli.json("fit", "qwen2.5-coder-7b-instruct", "-c", "65536", "--quant", "Q4_K_M")
    basis = " ".join(data["estimates"][0]["basis"])
    assert "beyond the 32,768 the model was trained at" in basis and "--rope-scaling yarn --rope-scale 2" in basis


def test_a_q8_0_kv_cache_is_suggested_when_it_keeps_the_model_on_the_gpu(cli):
    data = cli.json("fit", "qwen3-32b", "--gpu", "4090", "--ram", "64", "-c", "20000", "--quant", "Q4_K_M")
    est = data["estimates"][0]
    assert est["placement"]["mode"] == "split"
    assert any(b.startswith("suggest: with a q8_0 KV cache") for b in est["basis"])
    q8 = cli.json("fit", "qwen3-32b", "--gpu", "4090", "--ram", "64", "-c", "20000", "--quant", "Q4_K_M", "--kv-type", "q8_0")
    assert q8["estimates"][0]["placement"]["mode"] == "gpu"


def test_placement_flags_are_priced_as_given(cli):
    data = cli.json("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64", "-ngl", "99", "--n-cpu-moe", "30", "--quant", "MXFP4_MOE")
    p = data["estimates"][0]["placement"]
    assert p["mode"] == "expert_offload" and p["cpu_moe_layers"] == 30 and p["llama_cpp_flags"] == "-ngl 99 --n-cpu-moe 30"
    split = cli.json("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64", "-ngl", "13", "--quant", "MXFP4_MOE")
    assert split["estimates"][0]["placement"]["mode"] == "split"
    assert split["estimates"][0]["speed"]["decode_tokens_per_s"] < data["estimates"][0]["speed"]["decode_tokens_per_s"]
    r = cli("fit", "llama-2-13b-chat", "--gpu", "4090", "--n-cpu-moe", "3")
    assert r.exit_code == 2 and "routed experts" in r.output


def test_a_given_placement_that_does_not_fit_says_which_side_is_short_and_what_fits(cli):
    moe = cli.json("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64", "--n-cpu-moe", "20", "--quant", "MXFP4_MOE")
    est = moe["estimates"][0]
    assert est["placement"]["mode"] == "none" and est["placement"]["gpu_bytes"] > 0
    warning = next(b for b in est["basis"] if b.startswith("warning: MXFP4_MOE with --n-cpu-moe 20"))
    assert "on the GPU" in warning and "GiB short" in warning and warning.endswith("fits")
    ram = cli.json("fit", "llama-3.1-70b-instruct", "--gpu", "4090", "--ram", "16", "-ngl", "20", "--quant", "Q4_K_M")
    p = ram["estimates"][0]["placement"]
    assert p["mode"] == "none" and p["gpu_layers"] == 20 and p["cpu_bytes"] > 16e9  # what -ngl 20 needs, not zeros
    assert any("-ngl 20 needs" in b and "in RAM" in b and "no placement fits" in b for b in ram["estimates"][0]["basis"])
    out = cli("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64", "--n-cpu-moe", "20", "--quant", "MXFP4_MOE").stdout
    assert "with --n-cpu-moe 20 needs" in " ".join(out.split())
    no_ram = cli.json("fit", "llama-3.1-70b-instruct", "--vram", "24", "-ngl", "20", "--quant", "Q4_K_M")
    assert any("no RAM was given (--ram GB)" in b for b in no_ram["estimates"][0]["basis"])
    unified = cli.json("fit", "llama-3.1-70b-instruct", "--gpu", "apple-m4-max-40c", "--ram", "36", "-ngl", "10", "--quant", "Q4_K_M")
    assert any("unified memory" in b and "0.0 GiB usable" not in b for b in unified["estimates"][0]["basis"])


def test_a_family_gets_one_row_per_variant_and_the_pick_marked(cli):
    out = cli("fit", "llama2", "--gpu", "4090").stdout
    assert all(v in out for v in ("llama-2-7b", "llama-2-13b-chat", "llama-2-70b-chat"))
    assert "★  llama-2-13b-chat" in out or "★ llama-2-13b-chat" in out
    data = cli.json("fit", "llama2", "--gpu", "4090")
    assert data["best"] == "llama-2-13b-chat" and len(data["variants"]) == 6
    assert all("estimates" in v and "hardware" not in v for v in data["variants"])
    tiny = cli.json("fit", "llama2", "--vram", "2")
    assert tiny["best"] is None


def test_a_one_variant_family_is_its_variant_and_tags_carry_their_quant(cli):
    r = cli("fit", "zephyr", "--vram", "24", "--json")
    assert r.exit_code == 0 and "its one variant, zephyr-7b-beta" in r.stderr
    assert json.loads(r.stdout)["model"]["id"] == "zephyr-7b-beta"
    tagged = cli("fit", "qwen2.5-coder:32b-instruct-q5_K_M", "--vram", "24", "--json")
    data = json.loads(tagged.stdout)
    assert data["model"]["id"] == "qwen2.5-coder-32b-instruct" and [e["quant"] for e in data["estimates"]] == ["Q5_K_M"]
    assert "is read as qwen2.5-coder-32b-instruct" in tagged.stderr
