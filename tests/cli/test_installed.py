"""``llmguide installed`` and ``recommend --installed`` over fake stores (tests/fake_stores.py),
found through HOME and the stores' environment variables as on a real machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fake_stores as fs
from tests.conftest import flat

# The stores' own variables are cleared, so that the machine running the tests cannot leak in.
CLEAR = {v: None for v in ("OLLAMA_MODELS", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME",
                           "LLAMA_CACHE", "USERPROFILE", "LOCALAPPDATA")}


@pytest.fixture(scope="module")
def home(tmp_path_factory, catalog) -> Path:
    return fs.every_store(tmp_path_factory.mktemp("home"), catalog)


def env(home: Path, **more) -> dict:
    return {**CLEAR, "HOME": str(home), **more}


def as_json(cli, *args: str, env: dict) -> dict:
    """``llmguide ARGS --json`` under ``env``: exit 0, and the document (validated by the fixture)."""
    r = cli(*args, "--json", env=env)
    assert r.exit_code == 0, r.output
    return fs.json.loads(r.stdout)


def test_installed_lists_every_store_with_problems_below(cli, home):
    r = cli("installed", "--gpu", "4090", "--ram", "32", env=env(home))
    assert r.exit_code == 0, r.output
    text = flat(r.stdout)
    assert "14 model(s) found, planned with a context of 4K" in text
    for row in ("qwen2.5:7b Ollama Q4_K_M 4.0 GiB qwen2.5-7b-instruct fits on GPU",
                "qwen2.5:latest Ollama Q8_0 0.5 GiB qwen2.5-0.5b-instruct fits on GPU",
                "Qwen/Qwen2.5-7B-Instruct HF cache BF16 14.2 GiB qwen2.5-7b-instruct fits on GPU"):
        assert row in text, row
    assert "Problems:" in text and "gone:1b (Ollama): model blob" in text and "still downloading" in text
    assert "broken:latest (Ollama): manifest unreadable" in text
    assert "split in 3 files, sized together" in text and "vision projector mmproj-model-f16.gguf" in text
    assert f"Searched: Ollama {home / '.ollama' / 'models'}" in text


def test_installed_json_matches_the_table(cli, home):
    data = cli("installed", "--gpu", "4090", "--ram", "16", "--context", "8k", "--json", env=env(home))
    assert data.exit_code == 0, data.output
    doc = fs.json.loads(data.stdout)  # the fixture validated it against docs/schema/installed.json
    assert doc["context"] == 8192 and len(doc["models"]) == 14
    by_name = {m["name"]: m for m in doc["models"]}
    q = by_name["qwen2.5:7b"]
    assert (q["store"], q["format"], q["quant"], q["catalog_id"], q["parts"]) == ("ollama", "gguf", "Q4_K_M", "qwen2.5-7b-instruct", 1)
    assert q["runs"]["quant"] == "Q4_K_M" and q["runs"]["memory"]["weights_bytes"] == q["file_bytes"]
    assert q["runs"]["fits"] is True and q["runs"]["speed"]["decode_tokens_per_s"] > 0
    assert by_name["Qwen/Qwen2.5-7B-Instruct"]["runs"]["quant"] == "safetensors"
    assert by_name["gone:1b"]["runs"] is None and by_name["gone:1b"]["problems"]
    assert {s["store"] for s in doc["searched"]} == {"ollama", "lmstudio", "hf", "llama.cpp"}
    assert any("unfinished download" in n for n in doc["notes"])


def test_the_numbers_are_fits(cli, home):
    """Every figure comes from the one estimator: the same as `fit FILE` on the file itself."""
    doc = as_json(cli, "installed", "--store", "llama.cpp", "--gpu", "4090", env=env(home))
    split = next(m for m in doc["models"] if m["parts"] == 3)
    est = as_json(cli, "fit", split["path"], "--gpu", "4090", env=env(home))["estimates"][0]
    assert est["file_bytes"] == split["file_bytes"]
    assert est["memory"] == split["runs"]["memory"] and est["speed"] == split["runs"]["speed"]


def test_stores_and_folders_can_be_chosen(cli, home, tmp_path, catalog):
    only = as_json(cli, "installed", "--store", "ollama,hf", "--vram", "24", env=env(home))
    assert {m["store"] for m in only["models"]} == {"ollama", "hf"}
    fs.write_gguf(tmp_path / "mine" / "Qwen2.5-0.5B-Instruct-Q8_0.gguf", fs.catalog_arch(catalog, "qwen2.5-0.5b-instruct"), "Q8_0")
    given = as_json(cli, "installed", "--store", "none", "--path", str(tmp_path / "mine"), "--vram", "24", env=env(home))
    ((m),) = given["models"]
    assert (m["store"], m["catalog_id"], m["match"]) == ("path", "qwen2.5-0.5b-instruct", "name 'Qwen2.5-0.5B-Instruct-Q8_0'")
    assert [s["source"] for s in given["searched"]] == ["--path"]
    bad = cli("installed", "--store", "vllm", env=env(home))
    assert bad.exit_code == 2 and "Unknown store 'vllm'" in bad.stderr


def test_the_stores_environment_variables_are_honoured(cli, home, tmp_path):
    moved = as_json(cli, "installed", "--store", "ollama,hf,llama.cpp", "--vram", "24",
                     env=env(tmp_path, OLLAMA_MODELS=str(home / ".ollama" / "models"),
                             HF_HUB_CACHE=str(home / ".cache" / "huggingface" / "hub"),
                             LLAMA_CACHE=str(home / ".cache" / "llama.cpp")))
    assert [(s["store"], s["source"]) for s in moved["searched"]] == [
        ("ollama", "OLLAMA_MODELS"), ("hf", "HF_HUB_CACHE"), ("llama.cpp", "LLAMA_CACHE")]
    assert len(moved["models"]) == 9


def test_nothing_found_names_the_folders_searched(cli, tmp_path):
    r = cli("installed", "--vram", "24", env=env(tmp_path))
    assert r.exit_code == 0, r.output
    text = flat(r.stdout)
    assert "No models found." in text
    assert f"Ollama: {tmp_path / '.ollama' / 'models'} (default, not there)" in text
    assert f"llama.cpp: {tmp_path / '.cache' / 'llama.cpp'} (default, not there)" in text
    assert as_json(cli, "installed", "--vram", "24", env=env(tmp_path))["models"] == []


def test_recommend_installed_ranks_only_matched_installed_models(cli, home):
    r = cli("recommend", "--installed", "--gpu", "4090", "--json", env=env(home))
    assert r.exit_code == 0, r.output
    doc = fs.json.loads(r.stdout)
    ranked = {x["id"]: x["quant"] for x in doc["recommendations"]}
    assert set(ranked) | {x["id"] for x in doc["rejected"]} == {"qwen2.5-7b-instruct", "qwen2.5-0.5b-instruct", "qwen2.5-14b-instruct"}
    assert ranked["qwen2.5-0.5b-instruct"] == "Q8_0" and ranked["qwen2.5-14b-instruct"] == "Q4_K_M"  # as installed
    for x in doc["recommendations"]:  # a pick at an installed GGUF's quantization runs what is there
        if x["id"] == "qwen2.5-7b-instruct":  # also installed as safetensors: any quantization may be the pick
            continue
        assert x["run"]["llama_cpp"].startswith("llama-server -m ") and str(home) in x["run"]["llama_cpp"]
        assert "nothing to download" in x["run"]["note"]
        if x["id"] == "qwen2.5-0.5b-instruct":
            assert x["run"]["ollama"] == "ollama run qwen2.5:latest"
    err = flat(r.stderr)
    assert "ranking the 3 catalog model(s) installed" in err
    assert "could not be read: broken:latest, gone:1b, llama3.2:3b" in err


def test_recommend_installed_names_unmatched_models(cli, tmp_path, catalog):
    arch = fs.catalog_arch(catalog, "qwen2.5-7b-instruct")
    fs.write_gguf(tmp_path / ".cache" / "llama.cpp" / "mystery.gguf", arch)
    r = cli("recommend", "--installed", "--vram", "24", env=env(tmp_path))
    assert r.exit_code == 0, r.output
    assert "No model in the catalog meets these constraints" in flat(r.stdout)
    assert "no catalog model matches them (no quality evidence for the task): mystery.gguf" in flat(r.stderr)
    empty = cli("recommend", "--installed", "--vram", "24", env=env(tmp_path / "nobody"))
    assert empty.exit_code == 0 and "--installed: no models found" in flat(empty.stderr)


def test_fit_reads_an_ollama_blob_by_its_magic_bytes(cli, catalog, tmp_path):
    """An Ollama blob (sha256-…) has no .gguf extension: fit knows it by its first bytes."""
    from tests.fake_stores import catalog_arch, write_gguf

    blob = write_gguf(tmp_path / "sha256-0123abcd", catalog_arch(catalog, "qwen2.5-0.5b-instruct"), "Q8_0")
    doc = cli.json("fit", str(blob), "--vram", "8")
    assert doc["model"]["source"] == str(blob) and doc["estimates"][0]["quant"] == "Q8_0"
