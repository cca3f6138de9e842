"""Finding installed models: each store's layout, the default folders per platform, split GGUFs,
matching to the catalog, broken entries as problems, and the bounds of the scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmguide.errors import LLMGuideError, UsageError
from llmguide.model.gguf_file import read_gguf
from llmguide.model.installed import StoreRoot, default_roots, parse_stores, scan, with_paths
from llmguide.model.installed_match import Matcher
from llmguide.model.installed_stores import legacy_cache_name
from tests import fake_stores as fs


@pytest.fixture(scope="module")
def home(tmp_path_factory, catalog) -> Path:
    return fs.every_store(tmp_path_factory.mktemp("home"), catalog)


@pytest.fixture(scope="module")
def found(home, catalog):
    result = scan(default_roots(env={"HOME": str(home)}, system="Linux", home=home), catalog)
    return result, {m.name: m for m in result.models}


def test_every_good_model_is_found_with_its_name_store_quant_and_size(found, home):
    result, by_name = found
    blobs = home / ".ollama" / "models" / "blobs"
    # How each is matched depends on what the catalog records (Ollama tags, GGUF repositories), so
    # either of the first two ways is right; the third is asked for by the file alone.
    recorded_or_name = ("Ollama tag recorded", "repository recorded", "name '")
    expected = {
        "qwen2.5:7b": ("ollama", "gguf", "Q4_K_M", "qwen2.5-7b-instruct", recorded_or_name),
        "qwen2.5:latest": ("ollama", "gguf", "Q8_0", "qwen2.5-0.5b-instruct", ("architecture and name",)),
        "bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q6_K.gguf":
            ("lmstudio", "gguf", "Q6_K", "qwen2.5-7b-instruct", recorded_or_name),
        "Qwen/Qwen2.5-7B-Instruct": ("hf", "safetensors", "BF16", "qwen2.5-7b-instruct", ("repository recorded",)),
        "Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf":
            ("hf", "gguf", "Q8_0", "qwen2.5-0.5b-instruct", recorded_or_name),
        "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf":
            ("llama.cpp", "gguf", "Q4_K_M", "qwen2.5-7b-instruct", recorded_or_name),
        "bartowski/Qwen2.5-14B-Instruct-GGUF/Qwen2.5-14B-Instruct-Q4_K_M-00001-of-00003.gguf":
            ("llama.cpp", "gguf", "Q4_K_M", "qwen2.5-14b-instruct", recorded_or_name),
    }
    for name, (store, fmt, quant, variant, how) in expected.items():
        m = by_name[name]
        assert (m.store, m.format, m.quant, m.catalog_id) == (store, fmt, quant, variant), name
        assert m.match.startswith(how), (name, m.match)
        assert m.problems == () and m.ref is not None and m.architecture == "qwen2"
    ollama_blob = Path(by_name["qwen2.5:7b"].path)
    assert ollama_blob.parent == blobs and ollama_blob.name.startswith("sha256-")
    assert by_name["qwen2.5:7b"].file_bytes == ollama_blob.stat().st_size
    lm = by_name["bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q6_K.gguf"]
    assert lm.file_bytes == Path(lm.path).stat().st_size > 5 * 2**30  # a 7B at Q6_K, sized by the file
    assert any("mmproj-model-f16.gguf" in n for n in lm.notes)
    assert not any("mmproj" in name for name in by_name)  # a projector is not a model
    hf = by_name["Qwen/Qwen2.5-7B-Instruct"]
    assert hf.file_bytes == hf.ref.safetensors.tensor_bytes and hf.path.endswith("c" * 40)


def test_a_split_gguf_is_one_model_sized_over_its_parts(found, home, catalog, tmp_path):
    _, by_name = found
    split = by_name["bartowski/Qwen2.5-14B-Instruct-GGUF/Qwen2.5-14B-Instruct-Q4_K_M-00001-of-00003.gguf"]
    parts = sorted((home / ".cache" / "llama.cpp").glob("bartowski_*-of-00003.gguf"))
    assert len(parts) == 3 and split.parts == 3
    assert split.file_bytes == sum(p.stat().st_size for p in parts)
    assert not any("00002-of" in name or "00003-of" in name for name in by_name)
    whole = read_gguf(fs.write_gguf(tmp_path / "whole.gguf", fs.catalog_arch(catalog, "qwen2.5-14b-instruct")))
    info = split.ref.gguf
    assert (info.tensor_bytes, info.repeating_bytes, info.read_bytes_per_token) == \
        (whole.tensor_bytes, whole.repeating_bytes, whole.read_bytes_per_token)  # every part's tensors, once


def test_split_gguf_problems_are_clear(tmp_path, catalog):
    arch = fs.catalog_arch(catalog, "qwen2.5-0.5b-instruct")
    first, second, third = fs.write_split(tmp_path / "a", "m-Q4_K_M", arch, 3)
    second.unlink()
    with pytest.raises(LLMGuideError, match=r"part 2 of 3 \(m-Q4_K_M-00002-of-00003.gguf\) is missing"):
        read_gguf(first)
    with pytest.raises(LLMGuideError, match="read its first part"):
        read_gguf(third)
    renamed = tmp_path / "a" / "renamed.gguf"
    first.rename(renamed)
    with pytest.raises(LLMGuideError, match="cannot be found"):
        read_gguf(renamed)
    fs.write_split(tmp_path / "b", "n-Q4_K_M", arch, 2)[0].unlink()
    result = scan([StoreRoot("path", tmp_path / "b", "--path")], catalog)
    (m,) = result.models
    assert m.name.endswith("n-Q4_K_M-00002-of-00002.gguf") and "part 1 of this 2-part model is missing" in m.problems[0]


def test_broken_entries_are_problems_of_their_own(found):
    _, by_name = found
    problems = {name: " ".join(m.problems) for name, m in by_name.items() if m.problems}
    assert "not valid JSON" in problems["broken:latest"]
    assert "still downloading" in problems["gone:1b"] and "-partial" in problems["gone:1b"]
    assert "missing from blobs/" in problems["llama3.2:3b"]
    assert by_name["llama3.2:3b"].catalog_id == "llama-3.2-3b-instruct"  # the name still says which model it is
    assert "not a readable GGUF file" in problems["someone/broken/cut-Q4_K_M.gguf"]
    assert "symbolic links" in problems["someone/broken/loop-a.gguf"]
    if hasattr(os, "mkfifo"):
        assert "not a regular file" in problems["someone/broken/pipe.gguf"]
    assert all(m.ref is None and m.file_bytes is None for name, m in by_name.items()
               if name in ("broken:latest", "gone:1b", "llama3.2:3b"))


def test_store_notes_name_unfinished_downloads(found):
    result, _ = found
    notes = " ".join(result.notes)
    assert "1 unfinished download(s) (sha256-bbbbbbbbbbbb…-partial)" in notes  # a pull with no manifest yet
    assert "Qwen/Qwen2.5-7B-Instruct (hf): 1 unfinished download(s)" in notes


def test_the_scan_is_bounded(home, catalog):
    result = scan(default_roots(env={"HOME": str(home)}, system="Linux", home=home), catalog, limit=12)
    assert "stopped after looking at 12 files and folders" in result.notes[-1]
    assert len(result.models) < 14


def test_ranking_quants_give_installed_quantizations(found, catalog):
    result, _ = found
    known = [q.name for q in catalog.quants.quants]
    assert result.ranking_quants(known) == {
        "qwen2.5-7b-instruct": (),  # a safetensors copy: every quantization can be made
        "qwen2.5-0.5b-instruct": ("Q8_0",), "qwen2.5-14b-instruct": ("Q4_K_M",)}
    assert "llama-3.2-3b-instruct" not in result.ranking_quants(known)  # its blob is missing


def test_default_roots_per_platform(tmp_path):
    home = tmp_path
    linux = default_roots(env={"HOME": str(home)}, system="Linux", home=home)
    assert [(r.store, r.path) for r in linux] == [
        ("ollama", home / ".ollama/models"), ("lmstudio", home / ".lmstudio/models"),
        ("lmstudio", home / ".cache/lm-studio/models"), ("hf", home / ".cache/huggingface/hub"),
        ("llama.cpp", home / ".cache/llama.cpp")]
    env = {"OLLAMA_MODELS": "/o", "HF_HUB_CACHE": "/h", "LLAMA_CACHE": "/l", "HF_HOME": "/x", "XDG_CACHE_HOME": "/c"}
    given = {r.store: (r.path, r.source) for r in default_roots(env=env, system="Linux", home=home)}
    assert given["ollama"] == (Path("/o"), "OLLAMA_MODELS") and given["hf"] == (Path("/h"), "HF_HUB_CACHE")
    assert given["llama.cpp"] == (Path("/l"), "LLAMA_CACHE")
    xdg = {r.store: r.path for r in default_roots(env={"XDG_CACHE_HOME": "/c", "HF_HOME": "/x"}, system="Linux", home=home)}
    assert xdg["hf"] == Path("/x/hub") and xdg["llama.cpp"] == Path("/c/llama.cpp")
    mac = {r.store: r.path for r in default_roots(env={}, system="Darwin", home=home)}
    assert mac["llama.cpp"] == home / "Library/Caches/llama.cpp" and mac["ollama"] == home / ".ollama/models"
    win = {r.store: r.path for r in default_roots(env={"USERPROFILE": str(home), "LOCALAPPDATA": str(home / "L")},
                                                    system="Windows")}
    assert win["llama.cpp"] == home / "L" / "llama.cpp" and win["hf"] == home / ".cache/huggingface/hub"
    same = default_roots(env={"HF_HUB_CACHE": "/same", "LLAMA_CACHE": "/same"}, system="Linux", home=home)
    assert [r.store for r in same if r.path == Path("/same")] == ["hf"]  # one folder is searched once
    assert [r.store for r in with_paths(linux, [home / "m"])][-1] == "path"


def test_lm_studio_home_pointer_is_followed(tmp_path):
    (tmp_path / ".lmstudio-home-pointer").write_text(str(tmp_path / "elsewhere" / ".lmstudio"))
    roots = default_roots(["lmstudio"], env={}, system="Linux", home=tmp_path)
    assert roots[0].path == tmp_path / "elsewhere" / ".lmstudio" / "models" and roots[0].source == "~/.lmstudio-home-pointer"


def test_store_names_as_typed():
    assert parse_stores("ollama, LM-Studio") == ("ollama", "lmstudio")
    assert parse_stores(["hf", "llamacpp"]) == ("hf", "llama.cpp")
    assert parse_stores("none") == ()
    with pytest.raises(UsageError, match="Unknown store 'vllm'"):
        parse_stores("ollama,vllm")


@pytest.mark.parametrize("file, expected", [
    ("bartowski_Qwen2.5-7B-Instruct-GGUF_Qwen2.5-7B-Instruct-Q4_K_M.gguf",
     ("bartowski", "Qwen2.5-7B-Instruct-GGUF", "Qwen2.5-7B-Instruct-Q4_K_M.gguf")),
    ("ggml-org_gemma_3_GGUF_gemma-3-Q4.gguf", ("ggml-org", None, "ggml-org_gemma_3_GGUF_gemma-3-Q4.gguf")),
    ("unsloth_some_repo-GGUF_model-Q8_0.gguf", ("unsloth", "some_repo-GGUF", "model-Q8_0.gguf")),
])
def test_llama_cpp_legacy_cache_names(file, expected):
    assert legacy_cache_name(file) == expected


def test_matching_needs_the_architecture_to_agree(catalog):
    matcher = Matcher(catalog)
    small = fs.catalog_arch(catalog, "qwen2.5-0.5b-instruct")
    wrong = matcher.match(store="ollama", name="qwen2.5:7b", repo=None, file_name=None, arch=small, header_name=None)
    assert wrong.variant == "qwen2.5-0.5b-instruct" and "qwen2.5-7b-instruct, but the file's layers or width differ" in wrong.how
    nameless = matcher.match(store="path", name="model.gguf", repo=None, file_name="model.gguf",
                             arch=fs.catalog_arch(catalog, "qwen2.5-7b-instruct"), header_name=None)
    assert nameless.variant is None and "does not say which family" in nameless.how
    coder = matcher.match(store="path", name="x", repo=None, file_name="qwen2.5-coder-0.5b-whatever.gguf", arch=small,
                          header_name=None)
    assert coder.variant == "qwen2.5-coder-0.5b-instruct"  # the more specific family of the same shape
    tag = next((t, v.id) for _, v in catalog.variants() if v.downloads and v.downloads.ollama for t in v.downloads.ollama)
    recorded = matcher.match(store="ollama", name=tag[0], repo=None, file_name=None, arch=None, header_name=None)
    assert (recorded.variant, recorded.how) == (tag[1], "Ollama tag recorded in the catalog")


def test_a_folder_given_is_read_as_the_store_it_is(home, catalog):
    ollama = scan(with_paths([], [home / ".ollama" / "models"]), catalog)
    assert {m.store for m in ollama.models} == {"ollama"} and "qwen2.5:7b" in {m.name for m in ollama.models}
    plain = scan(with_paths([], [home / ".lmstudio" / "models" / "bartowski"]), catalog)
    assert [(m.store, m.quant) for m in plain.models] == [("path", "Q6_K")]


def test_ollama_blobs_are_checked_against_their_manifest(tmp_path, catalog):
    import hashlib
    import json

    root = tmp_path / "ollama"
    arch = fs.catalog_arch(catalog, "qwen2.5-0.5b-instruct")

    def pull(host: str, namespace: str, model: str, tag: str, content: bytes | None, size_delta: int = 0) -> None:
        digest = hashlib.sha256(f"{model}{tag}".encode()).hexdigest()
        blob = root / "blobs" / f"sha256-{digest}"
        if content is None:
            fs.write_gguf(blob, arch, "Q8_0")
        else:
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_bytes(content)
        layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}",
                 "size": blob.stat().st_size + size_delta}
        where = root / "manifests" / host / namespace / model
        where.mkdir(parents=True, exist_ok=True)
        (where / tag).write_text(json.dumps({"layers": [layer]}))

    pull("hf.co", "Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "Q8_0", None)
    pull("registry.ollama.ai", "someone", "tiny", "latest", None, size_delta=1000)
    pull("registry.ollama.ai", "library", "notgguf", "latest", b"<html>not a model</html>")
    by_name = {m.name: m for m in scan([StoreRoot("ollama", root, "OLLAMA_MODELS")], catalog).models}
    hf = by_name["hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q8_0"]
    assert (hf.repo, hf.catalog_id, hf.problems) == ("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct", ())
    assert "the manifest says" in by_name["someone/tiny:latest"].problems[0]
    assert by_name["someone/tiny:latest"].ref is None  # a blob of the wrong size is not priced
    assert "not a readable GGUF file" in by_name["notgguf:latest"].problems[0]


def test_names_from_the_file_system_are_made_safe(tmp_path, catalog):
    folder = tmp_path / "bad\x1b[31m"
    fs.write_gguf(folder / "x\udcff.gguf", fs.catalog_arch(catalog, "qwen2.5-0.5b-instruct"))
    (m,) = scan(with_paths([], [folder]), catalog).models
    assert "\udcff" not in m.name and "\ufffd" in m.name and m.quant == "Q4_K_M"
    m.name.encode("utf-8")  # any output can take it
