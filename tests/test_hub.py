"""hf:ORG/NAME names and 'catalog add', against a local stand-in of the Hugging Face Hub (tests/hub_standin.py).

Nothing here reaches the internet: huggingface_hub's endpoint, cache and token file are pointed
at the stand-in and at tmp_path (its constants are read when it is imported, so they are patched
here; one test runs the program in a child process with HF_ENDPOINT, HF_HOME and HF_HUB_OFFLINE
set, as a user would).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hub_standin import TOKEN, File, Hub, Repo, gguf_head, qwen2_tensors
from tests.model_bytes import safetensors_head

pytest.importorskip("huggingface_hub")

CONFIG = json.loads((Path(__file__).parent / "data" / "qwen2.5-7b-config.json").read_text())
MODEL = "org/Model-7B-Instruct"
GGUF = "org/Model-7B-Instruct-GGUF"
Q4 = "Model-7B-Instruct-Q4_K_M.gguf"


def _shards() -> list[tuple[str, bytes, int]]:
    """The checkpoint in two shards: (file name, header, full size)."""
    tensors = list(qwen2_tensors(CONFIG).items())
    half = len(tensors) // 2
    out = []
    for i, part in enumerate((tensors[:half], tensors[half:])):
        head, size = safetensors_head(dict(part))
        out.append((f"model-0000{i + 1}-of-00002.safetensors", head, size))
    return out


def _repos() -> dict[str, Repo]:
    config = File(json.dumps(CONFIG).encode(), 0)
    weights = {name: File(head, size) for name, head, size in _shards()}
    gh, gsize = gguf_head()
    p1, p1size = gguf_head(split=(0, 2), tensors_of_part=slice(0, 10))
    p2, p2size = gguf_head(split=(1, 2), tensors_of_part=slice(10, None))
    return {
        MODEL: Repo({"config.json": config, "README.md": File(b"# card", 0), **weights}),
        GGUF: Repo({Q4: File(gh, gsize), "Model-7B-Instruct-Q8_0.gguf": File(gh, gsize),
                    "Model-7B-Instruct-UD-Q4_K_XL.gguf": File(gh, gsize), "mmproj-F16.gguf": File(b"GGUF", 100),
                    "Q6_K/Model-7B-Instruct-Q6_K-00001-of-00002.gguf": File(p1, p1size),
                    "Q6_K/Model-7B-Instruct-Q6_K-00002-of-00002.gguf": File(p2, p2size),
                    "Model-7B-Instruct-IQ4_XS.gguf": File(gh, gsize), "Model-7B-Instruct.IQ4_XS.gguf": File(gh, gsize)}),
        "org/Private-7B": Repo({"config.json": config, **weights}, private=True),
        "org/Gated-7B-Instruct": Repo({"config.json": config, **weights}, gated=True, license="llama3.1"),
        "org/zephyr-7b-beta": Repo({"config.json": config, **weights}),
        "org/Half-GGUF": Repo({"Half-Q6_K-00001-of-00002.gguf": File(p1, p1size)}),  # its second part never uploaded
    }


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    import huggingface_hub.constants as c

    h = Hub(_repos()).start()
    monkeypatch.setattr(c, "ENDPOINT", h.endpoint)
    monkeypatch.setattr(c, "HUGGINGFACE_CO_URL_TEMPLATE", h.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setattr(c, "HF_TOKEN_PATH", str(tmp_path / "hf-token"))
    monkeypatch.setattr(c, "HF_HUB_OFFLINE", False)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    yield h
    h.stop()


def _one_line_error(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


# --- Names ------------------------------------------------------------------------------------


def test_names_are_taken_apart():
    from llmguide.model.hub import HubName, parse_name

    assert parse_name("hf:Qwen/Qwen2.5-7B-Instruct") == HubName("Qwen/Qwen2.5-7B-Instruct")
    assert parse_name("HF:org/x-GGUF:q4_k_m") == HubName("org/x-GGUF", None, "Q4_K_M")
    assert parse_name("hf:org/x@v1.0:Q8_0") == HubName("org/x", "v1.0", "Q8_0")
    for bad in ("hf:", "hf:org", "hf:org/", "hf:a/b/c", "hf:org/x y", "hf:../x"):
        with pytest.raises(Exception, match="not a Hugging Face repository name"):
            parse_name(bad)


def test_gguf_files_are_picked_by_their_quantization():
    from llmguide.errors import LLMGuideError
    from llmguide.model.hub import gguf_quants, parse_name, pick_gguf

    files = list(_repos()[GGUF].files)
    assert pick_gguf(parse_name(f"hf:{GGUF}:q4_k_m"), files) == Q4
    assert pick_gguf(parse_name(f"hf:{GGUF}:Q4_K_XL"), files) == "Model-7B-Instruct-UD-Q4_K_XL.gguf"
    assert pick_gguf(parse_name(f"hf:{GGUF}:Q6_K"), files) == "Q6_K/Model-7B-Instruct-Q6_K-00001-of-00002.gguf"
    assert gguf_quants(files) == ["IQ4_XS", "Q4_K_M", "Q6_K", "Q8_0", "UD-Q4_K_XL"]  # no mmproj, no F16
    with pytest.raises(LLMGuideError, match="no GGUF file for Q5_K_M; it has IQ4_XS, Q4_K_M, Q6_K, Q8_0, UD-Q4_K_XL"):
        pick_gguf(parse_name(f"hf:{GGUF}:Q5_K_M"), files)
    with pytest.raises(LLMGuideError, match="2 GGUF files carry IQ4_XS"):
        pick_gguf(parse_name(f"hf:{GGUF}:IQ4_XS"), files)


def test_weights_are_transformers_files_when_the_repository_has_them():
    from llmguide.model.hub import _weight_files

    assert _weight_files(["consolidated.safetensors", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                          "original/x.safetensors"]) == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    assert _weight_files(["consolidated.safetensors", "README.md"]) == ["consolidated.safetensors"]


def test_a_remote_file_is_read_in_growing_chunks_within_a_budget():
    from llmguide.errors import LLMGuideError
    from llmguide.model.hub_range import RangeFile

    data = bytes(range(256)) * 4096  # 1 MiB
    asked = []

    def fetch(start: int, end: int):
        asked.append((start, end))
        return data[start:end + 1], len(data)

    f = RangeFile(fetch, "x", first_chunk=1000, budget=1 << 20)
    assert f.read(10) == data[:10] and f.size == len(data)
    f.seek(5000)
    assert f.read(1500) == data[5000:6500] and f.read(1000) == data[6500:7500]
    assert asked == [(0, 999), (5000, 6999), (7000, 10999)]  # a seek past the window starts a new one; chunks double
    f.seek(0)
    with pytest.raises(LLMGuideError, match="more than 1 MiB"):
        f.read(len(data))


# --- fit --------------------------------------------------------------------------------------


def _sparse_folder(tmp_path: Path) -> Path:
    """The same checkpoint on disk: config.json and the two shards (their headers, then holes)."""
    folder = tmp_path / "local-model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(CONFIG))
    for name, head, size in _shards():
        with open(folder / name, "wb") as fh:
            fh.write(head)
            fh.truncate(size)
    return folder


def test_fit_of_a_repository_equals_fit_of_the_same_folder(cli, hub, tmp_path):
    remote = cli.json("fit", f"hf:{MODEL}", "--vram", "24")
    local = cli.json("fit", str(_sparse_folder(tmp_path)), "--vram", "24")
    assert [e["quant"] for e in remote["estimates"]] == ["safetensors", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"]
    assert [(e["memory"], e["file_bytes"], e["placement"]) for e in remote["estimates"]] == \
        [(e["memory"], e["file_bytes"], e["placement"]) for e in local["estimates"]]
    assert remote["model"]["hf_repo"] == MODEL and remote["model"]["source"] == f"hf:{MODEL}"
    assert remote["model"]["params"] == local["model"]["params"]
    # config.json whole (into the cache), the shards' headers only
    shards = [name for name, _, _ in _shards()]
    assert hub.served["config.json"] == len(json.dumps(CONFIG))
    assert all(0 < hub.served[s] <= 1 << 20 for s in shards)
    assert list(Path(tmp_path / "hf-cache").rglob("config.json"))


def test_fit_of_one_gguf_file_reads_its_header_only(cli, hub, tmp_path):
    head, size = gguf_head()
    data = cli.json("fit", f"hf:{GGUF}:q4_k_m", "--vram", "24")
    (est,) = data["estimates"]
    assert est["quant"] == "Q4_K_M" and est["file_bytes"] == size > 200_000_000
    served = hub.served[Q4]
    assert len(head) <= served <= 4 << 20, served  # a 2.4 MB header: 1 MiB, then 2 MiB
    assert all(r is not None for m, p, r in hub.requests if p.endswith(Q4) and m == "GET")
    # the same figures as the file on disk (its header, then a hole)
    local = tmp_path / Q4
    with open(local, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    assert cli.json("fit", str(local), "--vram", "24")["estimates"][0]["memory"] == est["memory"]
    text = cli("fit", f"hf:{GGUF}:Q4_K_M", "--vram", "24")
    assert f"llama-server -hf {GGUF}:Q4_K_M" in text.stdout


def test_a_split_gguf_reads_every_part_header(cli, hub):
    (est,) = cli.json("fit", f"hf:{GGUF}:Q6_K", "--vram", "24")["estimates"]
    _, s1 = gguf_head(split=(0, 2), tensors_of_part=slice(0, 10))
    _, s2 = gguf_head(split=(1, 2), tensors_of_part=slice(10, None))
    assert est["file_bytes"] == s1 + s2
    parts = [p for p in hub.served if "Q6_K-0000" in p]
    assert len(parts) == 2 and sum(hub.served[p] for p in parts) < 8 << 20


def test_a_split_gguf_with_a_part_missing_on_the_hub_says_which(cli, hub):
    _one_line_error(cli("fit", "hf:org/Half-GGUF:Q6_K"), "part 2 of 2 (Half-Q6_K-00002-of-00002.gguf) is not in the repository")


def test_a_gguf_repository_without_a_quantization_says_which_it_has(cli, hub):
    _one_line_error(cli("fit", f"hf:{GGUF}"), "holds GGUF files", f"hf:{GGUF}:IQ4_XS", "Q8_0")
    _one_line_error(cli("fit", f"hf:{GGUF}:Q2_K"), "no GGUF file for Q2_K", "it has IQ4_XS, Q4_K_M")


def test_deploy_takes_a_hub_name(cli, hub):
    plan = cli.json("deploy", f"hf:{GGUF}:Q4_K_M", "--vram", "24")
    assert any(f"-hf {GGUF}:Q4_K_M" in line for c in plan["commands"] for line in c["lines"])
    assert cli("deploy", f"hf:{MODEL}", "--vram", "24").exit_code == 0


# --- Failures: one line, exit 1 ---------------------------------------------------------------


def test_a_repository_that_does_not_exist(cli, hub):
    _one_line_error(cli("fit", "hf:org/Nope-7B"), "hf:org/Nope-7B", "no such repository", "no 'did you mean'")


def test_a_private_repository_needs_a_token(cli, hub):
    _one_line_error(cli("fit", "hf:org/Private-7B"), "HTTP 401", "HF_TOKEN")
    assert cli("fit", "hf:org/Private-7B", "--vram", "24", env={"HF_TOKEN": TOKEN}).exit_code == 0


def test_a_gated_repository_says_to_accept_its_licence(cli, hub):
    _one_line_error(cli("fit", "hf:org/Gated-7B-Instruct"), "gated", "accept its licence", "HF_TOKEN")
    assert cli("fit", "hf:org/Gated-7B-Instruct", "--vram", "24", env={"HF_TOKEN": TOKEN}).exit_code == 0


def test_an_unreachable_endpoint(cli, hub, monkeypatch):
    import huggingface_hub.constants as c

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setattr(c, "ENDPOINT", closed)
    monkeypatch.setattr(c, "HUGGINGFACE_CO_URL_TEMPLATE", closed + "/{repo_id}/resolve/{revision}/{filename}")
    started = time.monotonic()
    _one_line_error(cli("fit", f"hf:{MODEL}"), "cannot reach", closed)
    assert time.monotonic() - started < 10


def test_offline_mode(cli, hub, monkeypatch):
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_OFFLINE", True)
    _one_line_error(cli("fit", f"hf:{MODEL}"), "HF_HUB_OFFLINE", "not in the Hugging Face cache")
    _one_line_error(cli("fit", f"hf:{GGUF}:Q4_K_M"), "HF_HUB_OFFLINE")
    monkeypatch.setattr(c, "HF_HUB_OFFLINE", False)
    assert cli("fit", f"hf:{MODEL}", "--vram", "24").exit_code == 0  # config.json now cached
    monkeypatch.setattr(c, "HF_HUB_OFFLINE", True)
    before = len(hub.requests)
    r = cli("fit", f"hf:{MODEL}", "--vram", "24", "--json")
    assert r.exit_code == 0 and "cached config.json" in r.stderr
    assert len(hub.requests) == before  # nothing asked of the network


def test_without_huggingface_hub(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    _one_line_error(cli("fit", f"hf:{MODEL}"), "hf: names need huggingface_hub: pip install 'llmguide[hf]'")


def test_the_environment_is_honoured_in_a_fresh_process(hub, tmp_path):
    """HF_ENDPOINT and HF_HOME as a user sets them (read when huggingface_hub is imported), and
    HF_HUB_OFFLINE=1 with an empty cache."""
    env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "HF_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "100"}
    for k in ("HF_TOKEN", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "LLMGUIDE_DEBUG"):
        env.pop(k, None)
    args = [sys.executable, "-m", "llmguide", "fit", f"hf:{MODEL}", "--vram", "24", "--json"]
    off = subprocess.run(args, env={**env, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
    assert off.returncode == 1 and off.stderr.count("\n") == 1 and "HF_HUB_OFFLINE" in off.stderr, off.stderr
    on = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout)["model"]["hf_repo"] == MODEL
    assert list((tmp_path / "home" / "hub").rglob("config.json"))


# --- catalog add, then recommend, show, why-not -----------------------------------------------


def test_catalog_add_writes_a_valid_unvetted_entry_that_recommend_ranks(cli, hub, tmp_path, monkeypatch):
    folder = tmp_path / "config" / "catalog"
    monkeypatch.setattr("llmguide.catalog.overlay.user_catalog_dir", lambda: folder)
    r = cli("catalog", "add", f"hf:{MODEL}")
    assert r.exit_code == 0, r.output
    path = folder / "hf-model-7b-instruct.yaml"
    assert r.stdout.strip() == str(path) and path.is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert cli("catalog", "validate", str(path)).exit_code == 0
    text = path.read_text()
    for fact in ("model_type: qwen2", "layers: 28", "kv_heads: 4", "length: 32768", "id: Apache-2.0",
                 f"url: {hub.endpoint}/{MODEL}", "config.json", "Unvetted:", "kind: instruct", "total_b: 7.62"):
        assert fact in text, fact
    rec = cli.json("recommend", "--vram", "12", "--top", "200")
    (mine,) = [m for m in rec["recommendations"] if m["id"] == "model-7b-instruct"]
    assert mine["hf_repo"] == MODEL and mine["estimated"]
    assert any("unvetted" in reason for reason in mine["reasons"])
    table = cli("recommend", "--vram", "12", "--top", "200", env={"COLUMNS": "200"})
    assert "unvetted entry" in table.stdout


def test_catalog_add_refuses_to_overwrite_without_force(cli, hub, tmp_path):
    to = tmp_path / "mine"
    assert cli("catalog", "add", f"hf:{MODEL}", "--to", str(to)).exit_code == 0
    before = (to / "hf-model-7b-instruct.yaml").read_text()
    _one_line_error(cli("catalog", "add", f"hf:{MODEL}", "--to", str(to)), "exists", "--force")
    assert cli("catalog", "add", f"hf:{MODEL}", "--to", str(to), "--force").exit_code == 0
    assert (to / "hf-model-7b-instruct.yaml").read_text() == before


def test_catalog_add_refuses_a_name_the_catalog_has(cli, hub, tmp_path):
    _one_line_error(cli("catalog", "add", "hf:org/zephyr-7b-beta", "--to", str(tmp_path)),
                    "'zephyr-7b-beta' is already in the catalog", "variant 'zephyr-7b-beta' of family 'zephyr'")
    assert not list(tmp_path.glob("*.yaml"))
    _one_line_error(cli("catalog", "add", f"hf:{GGUF}:Q4_K_M", "--to", str(tmp_path)), "config.json")


def test_show_and_why_not_read_a_repository_as_an_unvetted_entry(cli, hub):
    shown = cli("show", f"hf:{MODEL}")
    assert shown.exit_code == 0 and "Unvetted" in shown.stdout and MODEL in shown.stdout
    why = cli.json("why-not", f"hf:{MODEL}", "--vram", "12")
    assert why["eligible"] and why["recommendation"]["id"] == "model-7b-instruct"
    assert any("unvetted" in r for r in why["recommendation"]["reasons"])
