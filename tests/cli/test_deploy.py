"""``llmguide deploy``: the plan, commands that use only documented flags, numbers that agree with
``fit``, and clear errors."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

DOCUMENTED = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "deploy_flags.yaml").read_text())

SCENARIOS = {
    "vllm-one-gpu": ["llama-3.1-8b-instruct", "--users", "32", "--gpu", "h100-sxm"],
    "vllm-tensor-parallel": ["llama-3.3-70b-instruct", "--users", "64", "--gpu", "h100-sxm", "--gpus", "8"],
    "vllm-two-nodes": ["llama-3.1-405b-instruct", "--users", "16", "--gpu", "h100-sxm", "--gpus", "8", "--nodes", "2", "--context", "8192"],
    "vllm-fp8": ["llama-3.3-70b-instruct", "--users", "32", "--gpu", "h100-sxm", "--gpus", "1"],
    "sglang-one-node": ["qwen3-32b", "--users", "16", "--gpu", "a100-sxm-80gb", "--gpus", "2", "--backend", "sglang"],
    "sglang-two-nodes": ["llama-3.3-70b-instruct", "--users", "8", "--gpu", "h100-sxm", "--gpus", "4", "--nodes", "2", "--backend", "sglang"],
    "llama-server-gpu": ["qwen3-8b", "--users", "2", "--gpu", "4090"],
    "llama-server-make": ["solar-10.7b", "--users", "1", "--gpu", "4090", "--backend", "llama.cpp"],
    "llama-server-mac": ["qwen3-8b", "--users", "2", "--gpu", "M2 Max 38-core", "--ram", "64"],
    "llama-server-cpu": ["qwen3-4b", "--users", "1", "--cpu-only", "--ram", "32"],
    "ollama": ["qwen3-8b", "--users", "4", "--gpu", "4090", "--backend", "ollama"],
    "llama-server-download": ["apertus-8b-instruct", "--users", "2", "--gpu", "4090"],
    "ollama-download": ["apertus-8b-instruct", "--users", "2", "--gpu", "4090", "--backend", "ollama"],
    "vllm-sized-replicas": ["llama-3.1-8b-instruct", "--users", "300", "--gpu", "L4"],
}


_PLANS: dict[str, dict] = {}


@pytest.fixture
def plans(cli):
    """Each scenario's JSON plan, computed once for the module."""
    if not _PLANS:
        _PLANS.update({name: cli.json("deploy", *args) for name, args in SCENARIOS.items()})
    return _PLANS


def _tool_and_args(line: str) -> tuple[str, list[str], list[str]]:
    words = shlex.split(line)
    env = [w.split("=")[0] for w in words if "=" in w and w.split("=")[0].isupper()]
    words = [w for w in words if not ("=" in w and w.split("=")[0].isupper())]
    if words[:2] == ["vllm", "serve"]:
        return "vllm", words[3:], env
    if words[:3] == ["python", "-m", "sglang.launch_server"]:
        return "sglang", words[3:], env
    if words[:2] == ["ray", "start"]:
        return "ray", words[2:], env
    if words[0] in ("llama-server", "ollama"):
        return ("llama-server" if words[0] == "llama-server" else "ollama"), words[1:], env
    if words[0] in ("hf", "llama-quantize"):
        return words[0], words[1:], env
    if words[:2] == ["python", "convert_hf_to_gguf.py"]:
        return "convert_hf_to_gguf.py", words[2:], env
    return "modelfile", words, env


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_flag_is_documented(plans, name):
    for step in plans[name]["commands"]:
        for line in step["lines"]:
            tool, args, env = _tool_and_args(line)
            doc = DOCUMENTED["ollama" if tool == "modelfile" else tool]
            if tool == "modelfile":
                assert args[0] in doc["modelfile"], line
                if args[0] == "PARAMETER":
                    assert args[1] in doc["parameters"], line
                continue
            assert set(env) <= set(doc.get("env", [])), line
            if tool in ("ollama", "hf"):
                assert args[0] in doc["commands"], line
                args = args[1:]
            for i, a in enumerate(args):
                flag = a.split("=")[0]
                if flag.startswith("-"):
                    assert flag in doc["flags"], f"{flag} is not documented for {tool}: {line}"
                    allowed = doc.get("values", {}).get(flag)
                    if allowed and i + 1 < len(args):
                        assert args[i + 1] in allowed, line


def test_the_backend_follows_the_load_and_the_hardware(plans):
    assert plans["vllm-one-gpu"]["backend"] == "vllm"
    assert plans["llama-server-gpu"]["backend"] == "llama.cpp"  # two users: the simple server
    assert plans["llama-server-mac"]["backend"] == "llama.cpp"
    assert plans["llama-server-cpu"]["backend"] == "llama.cpp"
    assert "no GPU" in plans["llama-server-cpu"]["why"][0]


def test_a_70b_model_is_split_over_gpus_and_a_405b_over_nodes(plans):
    p = plans["vllm-tensor-parallel"]
    assert p["tensor_parallel"] in (2, 4, 8) and p["concurrent_sequences"] >= 64
    big = plans["vllm-two-nodes"]
    assert big["pipeline_parallel"] == 2 and big["tensor_parallel"] == 8
    lines = [ln for s in big["commands"] for ln in s["lines"]]
    assert lines[0] == "ray start --head --port=6379" and "--distributed-executor-backend ray" in lines[-1]


def test_one_card_too_small_for_bf16_steps_down_the_formats(plans):
    p = plans["vllm-fp8"]
    assert p["quant"] in ("FP8", "AWQ") and p["tensor_parallel"] == 1


def test_vllm_numbers_agree_with_fit(cli, plans):
    p = plans["vllm-one-gpu"]
    fit = cli.json("fit", "llama-3.1-8b-instruct", "--backend", "vllm", "--gpu", "h100-sxm", "--quant", p["quant"])
    assert fit["estimates"][0]["vllm"]["concurrent_sequences"] == p["concurrent_sequences"]


def test_llama_cpp_numbers_agree_with_fit(cli, plans):
    p = plans["llama-server-gpu"]
    fit = cli.json("fit", "qwen3-8b", "--gpu", "4090", "--quant", p["quant"], "--parallel", "2")
    est = fit["estimates"][0]
    assert est["placement"]["gpu_layers"] == p["gpu_layers"]
    line = p["commands"][-1]["lines"][0]  # the serve step, after the one that makes the file
    assert est["placement"]["llama_cpp_flags"] == p["llama_cpp_flags"] == "-ngl 99"  # all layers, output head included
    assert f" {p['llama_cpp_flags']} " in line and "-c 8192 -np 2" in line


def test_the_checklist_names_health_metrics_and_scaling(plans):
    items = " ".join(plans["vllm-one-gpu"]["checklist"])
    assert "/health" in items and "/metrics" in items and "autoscale" in items
    assert any("Network" in i for i in plans["vllm-two-nodes"]["checklist"])


def test_target_speed_is_met_or_said_to_be_missed(cli):
    p = cli.json("deploy", "llama-3.3-70b-instruct", "--users", "8", "--gpu", "h100-sxm", "--gpus", "8", "--target-tps", "60")
    assert p["per_user_tokens_per_s"] >= 60 or any("below the 60" in w for w in p["warnings"])
    slow = cli.json("deploy", "llama-3.3-70b-instruct", "--users", "8", "--gpu", "h100-sxm", "--gpus", "8", "--target-tps", "100000")
    assert any("below the 100000" in w for w in slow["warnings"])


def test_text_output_shows_the_plan_and_pasteable_commands(cli):
    r = cli("deploy", "llama-3.1-405b-instruct", "--users", "16", "--gpu", "h100-sxm", "--gpus", "8", "--nodes", "2")
    assert r.exit_code == 0, r.output
    assert "Backend: vllm" in r.stdout and "tensor parallel 8, pipeline parallel 2" in r.stdout
    assert "vllm serve meta-llama/Llama-3.1-405B-Instruct" in r.stdout and "\\" in r.stdout
    assert "Production checklist" in r.stdout


@pytest.mark.parametrize("args, code, message", [
    (["qwen3-8b", "--users", "0", "--gpu", "4090"], 2, "--users must be at least 1"),
    (["qwen3-8b", "--gpu", "4090", "--nodes", "2", "--backend", "llama.cpp"], 2, "serves from one machine"),
    (["qwen3-8b", "--gpu", "4090", "--context", "1000"], 2, "do not fit a 1000-token context"),
    (["qwen3-8b", "--gpu", "4090", "--backend", "tgi"], 2, "Unknown backend 'tgi'"),
    (["qwen3-8b", "--gpu", "M2 Max 38-core", "--ram", "64", "--backend", "vllm"], 2, "serves from NVIDIA or AMD GPUs"),
    (["qwen3-8b", "--gpu", "4090", "--target-tps", "-1"], 2, "--target-tps must be a positive number"),
    (["deepseek-v3-671b", "--gpu", "4090", "--gpus", "1", "--users", "8"], 1, "does not fit"),
    (["deepseek-v3-671b", "--gpu", "4090", "--users", "8", "--max-gpus", "8"], 1, "does not fit 8 GPUs"),
    (["qwen3-8b", "--gpu", "h100-sxm", "--users", "8", "--max-gpus", "0"], 2, "--max-gpus must be at least 1"),
    (["qwen3-8x", "--gpu", "4090"], 1, "Did you mean"),
])
def test_errors_are_one_clear_line(cli, args, code, message):
    r = cli("deploy", *args)
    assert r.exit_code == code, r.output
    assert message in r.stderr


def test_a_gguf_file_is_served_by_llama_cpp(cli, tmp_path):
    pytest.importorskip("gguf")
    import gguf
    import numpy as np

    path = tmp_path / "tiny.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    for add, value in ((w.add_block_count, 2), (w.add_embedding_length, 64), (w.add_feed_forward_length, 128),
                       (w.add_head_count, 4), (w.add_head_count_kv, 2), (w.add_context_length, 2048), (w.add_vocab_size, 256)):
        add(value)
    w.add_file_type(1)
    w.add_tensor("token_embd.weight", np.zeros((256, 64), np.float16))
    for i in range(2):
        for name, shape in (("attn_q", (64, 64)), ("attn_k", (32, 64)), ("attn_v", (32, 64)), ("attn_output", (64, 64)),
                            ("ffn_gate", (128, 64)), ("ffn_up", (128, 64)), ("ffn_down", (64, 128))):
            w.add_tensor(f"blk.{i}.{name}.weight", np.zeros(shape, np.float16))
    w.add_tensor("output_norm.weight", np.ones(64, np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    p = cli.json("deploy", str(path), "--users", "16", "--gpu", "4090")
    assert p["backend"] == "llama.cpp" and str(path) in p["commands"][0]["lines"][0]
    assert p["quant"] == "F16" and any("file's own type" in w for w in p["why"])  # one format name end to end
    r = cli("deploy", str(path), "--users", "16", "--gpu", "4090", "--backend", "vllm")
    assert r.exit_code == 2 and "not a .gguf file" in r.stderr


def test_a_low_bit_release_is_served_as_shipped(cli):
    """Kimi K2-Thinking ships INT4 experts: vLLM serves that checkpoint, not an invented -AWQ copy."""
    data = cli.json("deploy", "kimi-k2-thinking", "--gpu", "h200", "--gpus", "8", "--users", "32")
    assert data["quant"] == "NATIVE"
    line = data["commands"][-1]["lines"][0]
    assert "vllm serve moonshotai/Kimi-K2-Thinking " in line and "AWQ" not in line


def test_quantized_repositories_come_from_the_catalog(cli, catalog):
    """AWQ is planned only where an AWQ upload is known, and the command names that upload."""
    for _, v in catalog.variants():
        if v.native_quant is None and v.downloads and any(u.format == "awq" for u in v.downloads.repos):
            known = {u.repo for u in v.downloads.repos if u.format == "awq"}
            data = cli.json("deploy", v.id, "--gpu", "rtx-4090", "--backend", "vllm", "--context", "2048")
            if data["quant"] == "AWQ":
                assert any(repo in data["commands"][-1]["lines"][0] for repo in known)
            break
    for _, v in catalog.variants():
        if v.id == "llama-2-13b-chat":
            assert not (v.downloads and any(u.format == "awq" for u in v.downloads.repos))
    r = cli("deploy", "llama-2-13b-chat", "--gpu", "rtx-4090", "--backend", "vllm")
    assert "-AWQ" not in r.output


@pytest.mark.parametrize("model, gpu, users", [
    ("llama-3.1-70b-instruct", "A100 80GB", 50),
    ("llama-3.3-70b-instruct", "H100", 200),
    ("llama-3.1-8b-instruct", "L4", 300),
    ("qwen3-8b", "h100-sxm", 64),
])
def test_sizing_finds_the_fewest_gpus_that_hold_the_users(cli, model, gpu, users):
    """Without --gpus the plan is sized: it holds every user, one GPU fewer (of the same shape) does
    not, and more users never need fewer GPUs."""
    p = cli.json("deploy", model, "--users", str(users), "--gpu", gpu)
    assert p["sized"] and p["concurrent_sequences"] >= users and not any("queue" in w for w in p["warnings"])
    assert p["gpus_total"] == p["gpus_per_node"] * p["nodes"] == p["tensor_parallel"] * p["pipeline_parallel"] * p["replicas"]
    smaller = cli.json("deploy", model, "--users", str(users), "--gpu", gpu, "--max-gpus", str(p["gpus_total"] - 1)) \
        if p["gpus_total"] > 1 else None
    if smaller is not None:
        assert smaller["concurrent_sequences"] < users  # minimal: no layout of fewer GPUs holds them, in any format
    more = cli.json("deploy", model, "--users", str(users * 2), "--gpu", gpu)
    assert more["gpus_total"] >= p["gpus_total"]


def test_no_fp8_on_cards_without_fp8_and_a_fixed_count_is_kept(cli):
    a100 = cli.json("deploy", "llama-3.1-70b-instruct", "--users", "50", "--gpu", "A100 80GB")
    assert a100["quant"] != "FP8" and a100["kv_cache_dtype"] == "auto"
    assert any("no FP8" in w for w in a100["why"])
    fixed = cli.json("deploy", "llama-3.1-70b-instruct", "--users", "50", "--gpu", "A100 80GB", "--gpus", "2")
    assert not fixed["sized"] and fixed["gpus_total"] == 2
    h100 = cli.json("deploy", "llama-3.1-8b-instruct", "--users", "300", "--gpu", "L4")
    line = h100["commands"][-1]["lines"][0]
    if h100["replicas"] > 1:
        assert f"--data-parallel-size {h100['replicas']}" in line
    if h100["kv_cache_dtype"] == "fp8":
        assert "--kv-cache-dtype fp8" in line


def test_a_known_gguf_upload_is_downloaded_by_the_commands(plans, catalog):
    """-hf (llama-server) and an hf.co pull (Ollama) of a repository the catalog records, at the
    plan's quantization; without a known upload the command reads a local file."""
    recorded = {u.repo for _, v in catalog.variants() if v.downloads for u in v.downloads.repos}
    server = plans["llama-server-download"]["commands"][0]["lines"][0]
    repo, quant = shlex.split(server)[shlex.split(server).index("-hf") + 1].split(":")
    assert repo in recorded and quant == plans["llama-server-download"]["quant"]
    steps = plans["ollama-download"]["commands"]
    assert steps[0]["lines"][0].startswith("ollama pull hf.co/") and steps[1]["lines"][0].startswith("FROM hf.co/")
    made = plans["llama-server-make"]["commands"]  # solar-10.7b (the base): no GGUF upload recorded, so the file is made first
    assert made[0]["lines"][0].startswith("hf download upstage/SOLAR-10.7B-v1.0 --local-dir ")
    assert any(line.startswith("python convert_hf_to_gguf.py ") for line in made[0]["lines"])
    assert " -m ./solar-10.7b-" in made[-1]["lines"][0]


@pytest.mark.parametrize("start", range(4))
def test_every_repository_a_plan_names_is_one_the_catalog_records(catalog, start):
    """A quarter of the catalog per case, every engine: vllm serve, SGLang --model-path, llama-server
    -hf and Ollama's hf.co name only the variant's own repository or a recorded upload."""
    from llmguide import api
    from llmguide.errors import LLMGuideError

    checked = 0
    for _, v in catalog.variants()[start::4]:
        recorded = {v.hf_repo} | ({u.repo for u in v.downloads.repos} if v.downloads else set())
        for backend, gpu, ram in (("vllm", "H100", None), ("sglang", "H100", None), ("llama.cpp", "4090", 256), ("ollama", "4090", 256)):
            try:
                d = api.plan_deployment(v.id, users=4, gpu=gpu, ram=ram, backend=backend, catalog=catalog)
            except LLMGuideError:
                continue  # does not fit: nothing to launch
            for line in (line for step in d.steps for line in step.lines):
                w = shlex.split(line)
                repo = (w[2] if w[:2] == ["vllm", "serve"] else w[w.index("--model-path") + 1] if "--model-path" in w
                        else w[w.index("-hf") + 1].split(":")[0] if "-hf" in w
                        else w[1][len("hf.co/"):].split(":")[0] if w[:1] == ["FROM"] and w[1].startswith("hf.co/") else None)
                assert repo is None or repo in recorded, (v.id, backend, line)
                checked += repo is not None
    assert checked > 50


def test_capacity_questions_are_answered_from_the_plan(cli):
    p = cli.json("deploy", "qwen3-8b", "--gpu", "h100-sxm", "--gpus", "1", "--users", "50", "--context", "8192")
    assert p["max_users"] == p["concurrent_sequences"] >= 50
    assert p["max_context"] >= 8192 and p["max_context"] % 256 == 0
    more = cli.json("deploy", "qwen3-8b", "--gpu", "h100-sxm", "--gpus", "1", "--users", "100", "--context", "8192")
    assert more["max_context"] < p["max_context"]  # more users, less context each
    r = cli("deploy", "qwen3-8b", "--gpu", "h100-sxm", "--gpus", "1", "--users", "50", "--context", "8192", "--max-users", "--max-context")
    assert r.stdout.split() == [str(p["max_users"]), str(p["max_context"])]
    local = cli.json("deploy", "qwen3-8b", "--gpu", "4090", "--users", "2")
    assert local["max_context"] >= 4096  # llama.cpp: the longest context that still runs all on the GPU


K8S = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "kubernetes_fields.yaml").read_text())


def _paths(node, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _paths(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(node, list):
        return [p for v in node for p in _paths(v, prefix + "[]")] or [prefix + "[]"]
    return [prefix]


def _get(doc: dict, dotted: str):
    for part in dotted.split("."):
        doc = doc[part]
    return doc


@pytest.mark.parametrize("name", ["vllm-sized-replicas", "vllm-two-nodes", "sglang-two-nodes"])
def test_kubernetes_manifests_use_documented_fields(plans, name):
    """Plans with more than one server process write a manifest: every key is one its API
    reference documents (tests/data/kubernetes_fields.yaml), the GPUs add up, and the pods are probed."""
    import re

    def documented(path: str, patterns) -> bool:
        return any(re.fullmatch(re.escape(f).replace(r"\*", ".*"), path) for f in patterns)

    p = plans[name]
    text = p["kubernetes"]
    assert text, name
    docs = list(yaml.safe_load_all(text))
    assert {d["kind"] for d in docs} >= {"Service"}
    for doc in docs:
        spec = K8S["kinds"][doc["kind"]]
        assert doc["apiVersion"] == spec["apiVersion"]
        allowed = {"apiVersion", "kind", *spec["fields"]}
        templates = {t: _get(doc, t) for t in spec["templates"]}
        for t, pod in templates.items():
            for path in _paths(pod):
                assert documented(path, K8S["pod"]), (doc["kind"], t, path)
        for path in _paths(doc):
            if any(path.startswith(t + ".") for t in templates):
                continue
            assert documented(path, allowed), (doc["kind"], path)
        for pod in templates.values():
            container = pod["spec"]["containers"][0]
            gpus = next(iter(container["resources"]["limits"].values()))
            assert gpus * (doc["spec"].get("leaderWorkerTemplate", {}).get("size", 1)) * doc["spec"]["replicas"] == p["gpus_total"]
            for var in re.findall(r"\$\((\w+)\)", " ".join(container["command"])):
                assert var in spec["env"], var
    assert "readinessProbe" in text and "livenessProbe" in text and "model-cache" in text


def test_one_server_process_needs_no_manifest(plans):
    assert plans["vllm-one-gpu"]["kubernetes"] is None and plans["llama-server-gpu"]["kubernetes"] is None
