"""Each pick of recommend and fit says how to get and run it: only repositories and tags the
catalog records, only flags llama.cpp has, and the quantization and placement that were priced."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from llmguide.deploy.run import BY_SIZE

FLAGS = Path(__file__).resolve().parents[1] / "data" / "llama_server_flags.txt"


def _known_flags() -> dict[str, str]:
    known: dict[str, str] = {}
    for line in FLAGS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            *names, kind = line.split()
            known.update({n: kind for n in names})
    return known


def _check_llama_server(command: str, known: dict[str, str]) -> dict[str, str]:
    words = shlex.split(command)
    assert words.pop(0) == "llama-server"
    given = {}
    while words:
        flag = words.pop(0)
        assert flag in known, (flag, command)
        given[flag] = words.pop(0) if known[flag] == "value" else ""
    return given


def _recorded(catalog) -> tuple[set[str], set[str]]:
    repos = {u.repo for _, v in catalog.variants() if v.downloads for u in v.downloads.repos if u.format == "gguf"}
    tags = {t for _, v in catalog.variants() if v.downloads for t in v.downloads.ollama}
    return repos, tags


@pytest.mark.parametrize("args", [["--task", "code", "--vram", "24"], ["--vram", "8", "--ram", "32", "-c", "16k"],
                                  ["--gpu", "4090", "--ram", "64", "--task", "reasoning"], ["--cpu-only", "--ram", "32"]])
def test_recommend_run_commands_use_recorded_repos_and_real_flags(cli, catalog, args):
    doc = cli.json("recommend", *args, "--top", "10")
    repos, tags = _recorded(catalog)
    files = {u.repo: u.quants for _, v in catalog.variants() if v.downloads for u in v.downloads.repos}
    known = _known_flags()
    assert doc["recommendations"]
    for r in doc["recommendations"]:
        run = r["run"]
        if run["llama_cpp"] is None:
            assert run["note"] and ("No GGUF upload" in run["note"] or "holds" in run["note"])
            assert run["ollama"] is None or run["ollama"].split()[-1] in tags
            continue
        given = _check_llama_server(run["llama_cpp"], known)
        repo, quant = given["-hf"].rsplit(":", 1)
        placement = r["placement"]
        assert repo in repos
        if quant != r["quant"]:  # the pick is not among the repository's recorded files: the nearest smaller one is
            assert f"holds {r['quant']}; {quant} is the nearest one no larger" in run["note"]
            assert not placement or placement["mode"] == "gpu"  # a split placement would change with the file
            assert quant in files[repo] and BY_SIZE.index(quant) > BY_SIZE.index(r["quant"])
        elif files[repo]:
            assert quant in files[repo]
        else:
            assert "does not record" in run["note"]
        assert int(given["-c"]) == doc["constraints"]["context"]
        placement = r["placement"]
        if placement and placement["mode"] == "cpu":
            assert given["-ngl"] == "0"
        if run["ollama"] is None:  # over 50 GB: split on the Hub, which Ollama cannot load
            assert "split" in run["note"] and r["memory"]["weights_bytes"] > 45e9
        else:
            assert run["ollama"] == f"ollama run hf.co/{repo}:{quant}"
        assert run["lmstudio"] == f"lms get https://huggingface.co/{repo}@{quant.lower()}"


def test_fit_run_commands_carry_the_priced_switches(cli):
    doc = cli.json("fit", "qwen3.8-27b", "--vram", "24", "--parallel", "2", "--kv-type", "q8_0", "-c", "8192")
    known = _known_flags()
    fitting = [e for e in doc["estimates"] if e["fits"]]
    assert fitting
    for e in doc["estimates"]:
        if not e["fits"]:
            assert e["run"] is None
            continue
        given = _check_llama_server(e["run"]["llama_cpp"], known)
        assert given["-hf"].endswith(":" + e["quant"])
        assert given["-np"] == "2" and given["-ctk"] == given["-ctv"] == "q8_0"
        assert given["-c"] == str(2 * 8192)  # the context of every slot together
        assert "num_ctx 8192" in e["run"]["note"]


def test_fit_expert_offload_runs_with_its_placement(cli, catalog):
    doc = cli.json("fit", "qwen3-coder-30b-a3b-instruct", "--gpu", "3060 12GB", "--ram", "32", "--quant", "Q4_K_M")
    e = doc["estimates"][0]
    if e["run"]["llama_cpp"] is None:
        pytest.skip("no GGUF upload recorded for this variant")
    given = _check_llama_server(e["run"]["llama_cpp"], _known_flags())
    assert e["placement"]["mode"] == "expert_offload"
    assert "-ngl" in given and ("--n-cpu-moe" in given or "-ncmoe" in given)


def test_fit_shows_the_command_for_the_best_fit(cli):
    r = cli("fit", "qwen3.8-27b", "--vram", "24")
    assert "Get and run Q5_K_M with llama.cpp" in r.stdout
    assert "llama-server -hf unsloth/Qwen3.8-27B-GGUF:Q5_K_M -ngl 99 -c 4096" in r.stdout
    r = cli("fit", "qwen3.8-27b", "--vram", "24", "--runtime", "lmstudio")
    assert "lms get https://huggingface.co/unsloth/Qwen3.8-27B-GGUF@q5_k_m" in r.stdout


def test_commands_are_never_wrapped(cli):
    r = cli("recommend", "--task", "code", "--vram", "24", "--runtime", "ollama", env={"COLUMNS": "40"})
    lines = [line for line in r.stdout.splitlines() if "ollama run hf.co/" in line]
    assert lines and all(line.split("ollama run ")[1].count(":") == 1 for line in lines)


def test_an_unknown_runtime_is_a_usage_error(cli):
    r = cli("recommend", "--vram", "24", "--runtime", "vllm")
    assert r.exit_code == 2 and "--runtime" in r.stderr


def test_a_local_gguf_runs_from_its_path(tmp_path):
    from llmguide.deploy.run import run_commands

    class Local:  # what fit knows of a .gguf file
        gguf = object()
        hub_quant = None
        source = str(tmp_path / "my model.gguf")

    run = run_commands(Local(), "Q4_K_M", 4096, "-ngl 20")
    assert run.llama_cpp == f"llama-server -m {shlex.quote(Local.source)} -ngl 20 -c 4096"
    assert run.ollama is None and run.lmstudio is None and run.note


def test_fit_picks_the_best_recorded_file_and_keeps_its_own_placement(cli):
    """gpt-oss-120b on a 24 GB card: the command is for a file the repository holds, with the
    --n-cpu-moe its own row plans, and no Ollama command (the file is split on the Hub)."""
    doc = cli.json("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64")
    rows = {e["quant"]: e for e in doc["estimates"]}
    r = cli("fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64")
    line = next(line for line in r.stdout.splitlines() if "llama-server -hf" in line)
    quant = line.split("-GGUF:")[1].split()[0]
    assert f"--n-cpu-moe {rows[quant]['placement']['cpu_moe_layers']}" in line
    assert rows[quant]["run"]["ollama"] is None and "split" in rows[quant]["run"]["note"]


def test_yarn_flags_reach_the_command(cli):
    doc = cli.json("fit", "qwen3-8b", "--vram", "24", "-c", "64k", "--quant", "Q4_K_M")
    given = _check_llama_server(doc["estimates"][0]["run"]["llama_cpp"], _known_flags())
    assert given["--rope-scaling"] == "yarn" and given["--rope-scale"] == "2" and given["--yarn-orig-ctx"] == "32768"


def test_a_quantized_v_cache_needs_flash_attention(cli):
    r = cli("fit", "qwen3-8b", "--vram", "24", "--kv-type", "Q8_0", "--flash-attn", "off")
    assert r.exit_code == 2 and "needs --flash-attn on" in r.stderr


@pytest.mark.parametrize("kv, bytes_per", [("q5_1", 24 / 32), ("iq4_nl", 18 / 32), ("Q4_1", 20 / 32)])
def test_every_llama_cpp_kv_type_is_priced_and_passed_on(cli, kv, bytes_per):
    base = cli.json("fit", "qwen3-8b", "--vram", "24", "--quant", "Q4_K_M")["estimates"][0]["memory"]["kv_cache_bytes"]
    e = cli.json("fit", "qwen3-8b", "--vram", "24", "--quant", "Q4_K_M", "--kv-type", kv)["estimates"][0]
    assert e["memory"]["kv_cache_bytes"] == pytest.approx(base * bytes_per / 2, rel=0.02)
    assert f"-ctk {kv.lower()} -ctv {kv.lower()}" in e["run"]["llama_cpp"]


def test_fp8_kv_is_vllms_not_llama_cpps(cli):
    r = cli("fit", "qwen3-8b", "--vram", "24", "--kv-type", "fp8")
    assert r.exit_code == 2 and "llama.cpp has no fp8 KV cache" in r.stderr


def test_commands_say_which_smaller_file_they_fetch_instead(catalog):
    """A pick no recorded upload holds runs from the nearest smaller file recorded; the commands say
    which (``RunCommands.instead``: what ``fit`` checks to prefer a file that is recorded)."""
    from llmguide.deploy.run import run_commands
    from llmguide.model.modelref import variant_ref

    swapped = kept = 0
    for _, v in catalog.variants():
        ref = variant_ref(v)
        recorded = {q for _, quants in ref.gguf_files for q in quants}
        if not recorded:
            continue
        for quant in BY_SIZE:
            run = run_commands(ref, quant, 4096)
            if run.llama_cpp is None:
                assert run.instead is None
                continue
            fetched = run.llama_cpp.split()[2].rsplit(":", 1)[1]
            assert run.instead == (fetched if fetched != quant else None)
            assert quant in recorded or fetched != quant or "does not record" in (run.note or "")
            swapped += run.instead is not None
            kept += run.instead is None
    assert swapped and kept
