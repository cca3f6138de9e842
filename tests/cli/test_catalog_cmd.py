"""`llmguide catalog validate|schema|markdown`, user catalogs, and `show --sources`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from llmguide.catalog.paths import catalog_dir

ROOT = Path(__file__).resolve().parents[2]


def _family_copy(tmp_path: Path, family: str = "zephyr") -> Path:
    dest = tmp_path / f"{family}.yaml"
    shutil.copy(catalog_dir() / "models" / f"{family}.yaml", dest)
    return dest


def test_validate_shipped_catalog(cli):
    r = cli("catalog", "validate")
    assert r.exit_code == 0 and "no problems" in r.stdout


def test_validate_lists_every_problem_with_file_and_line(cli, catalog_copy):
    z = catalog_copy / "models" / "zephyr.yaml"
    z.write_text(z.read_text().replace("  hf_repo: HuggingFaceH4/zephyr-7b-beta", "  hf_repo: HuggingFaceH4/zephyr-7b-beta\n  colour: red"))
    s = catalog_copy / "models" / "solar.yaml"
    s.write_text(s.read_text().replace("developer: Upstage", "developer: [Upstage"))
    r = cli("catalog", "validate", str(catalog_copy))
    assert r.exit_code == 1
    assert "zephyr.yaml: line" in r.stderr and "colour" in r.stderr
    assert "solar.yaml: line" in r.stderr and "YAML syntax error" in r.stderr
    data = json.loads(cli("catalog", "validate", str(catalog_copy), "--json").stdout)
    assert data["ok"] is False and len(data["problems"]) == 2


def test_validate_a_single_family_file(cli, tmp_path):
    f = _family_copy(tmp_path)
    assert cli("catalog", "validate", str(f)).exit_code == 0
    f.write_text(f.read_text().replace("    layers: 32", "    layers: 0"))
    r = cli("catalog", "validate", str(f))
    assert r.exit_code == 1 and "architecture.layers" in r.stderr


def test_schema_is_json_schema_of_a_family(cli):
    doc = json.loads(cli("catalog", "schema").stdout)
    assert doc["title"] == "llmguide model family"
    assert "variants" in doc["properties"] and doc["additionalProperties"] is False


def test_docs_catalog_md_is_current(cli):
    assert cli("catalog", "markdown").stdout == (ROOT / "docs" / "catalog.md").read_text(), \
        "docs/catalog.md is stale: run 'llmguide catalog markdown > docs/catalog.md'"


def _my_family(tmp_path: Path) -> Path:
    """A user family: Zephyr copied under a new id, name and variant."""
    data = yaml.safe_load((catalog_dir() / "models" / "zephyr.yaml").read_text())
    data.update(id="my-zephyr", name="My Zephyr", aliases=["myz"])
    data["variants"][0].update(id="my-zephyr-7b", name="My Zephyr 7B", hf_repo="me/my-zephyr-7b")
    path = tmp_path / "my-zephyr.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_user_catalog_by_flag_env_and_config_dir(cli, tmp_path, monkeypatch):
    fam = _my_family(tmp_path)
    assert cli("show", "my-zephyr").exit_code == 1
    assert cli("--catalog", str(fam), "show", "my-zephyr-7b").exit_code == 0
    assert cli("show", "myz", env={"LLMGUIDE_CATALOG": str(fam)}).exit_code == 0
    config = tmp_path / "config"
    (config / "models").mkdir(parents=True)
    shutil.copy(fam, config / "models" / fam.name)
    monkeypatch.setattr("llmguide.catalog.overlay.user_catalog_dir", lambda: config)
    assert cli("list", "--family", "my-zephyr").exit_code == 0


def test_user_family_replaces_a_shipped_one(cli, tmp_path):
    f = _family_copy(tmp_path)
    f.write_text(f.read_text().replace("developer: Hugging Face H4", "developer: Someone Else"))
    data = cli.json("--catalog", str(f), "show", "zephyr")
    assert data["family"]["developer"] == "Someone Else"


def test_user_family_clashing_names_is_an_error(cli, tmp_path):
    data = yaml.safe_load((catalog_dir() / "models" / "zephyr.yaml").read_text())
    data.update(id="zephyr-copy", name="Zephyr Copy", aliases=[])
    path = tmp_path / "zephyr-copy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    r = cli("--catalog", str(path), "show", "zephyr")
    assert r.exit_code == 1 and "already used" in r.stderr


def test_show_sources(cli):
    r = cli("show", "zephyr", "--sources")
    assert r.exit_code == 0
    for key in ("zephyr-card", "bentoml", "litgpt"):
        assert key in r.stdout


def test_a_user_catalog_is_cached_and_a_change_is_seen(tmp_path, monkeypatch):
    """The merged catalog is kept in the cache keyed by the user files' stats: a second load does not
    parse them again, and an edit is seen at once."""
    from llmguide.catalog import load_catalog
    from llmguide.catalog import yamlfile
    from llmguide.catalog.overlay import apply_overlays

    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    fam = _my_family(tmp_path)
    base = load_catalog()
    first = apply_overlays(base, [fam], use_cache=True)
    assert any(v.id == "my-zephyr-7b" for _, v in first.variants())
    calls = []
    real = yamlfile.read_model
    monkeypatch.setattr(yamlfile, "read_model", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = apply_overlays(base, [fam], use_cache=True)
    assert not calls and any(v.id == "my-zephyr-7b" for _, v in again.variants())
    text = fam.read_text().replace("My Zephyr 7B", "My Zephyr 7B v2")
    fam.write_text(text)
    import os

    os.utime(fam, ns=(fam.stat().st_atime_ns, fam.stat().st_mtime_ns + 10**9))
    changed = apply_overlays(base, [fam], use_cache=True)
    assert any(v.name == "My Zephyr 7B v2" for _, v in changed.variants())


def test_a_catalog_whose_entry_vanished_is_built_from_the_files_as_they_are_then(tmp_path, monkeypatch):
    """A catalog handed out before it was read (Catalog.deferred) whose cache entry is gone when
    first read, another run having kept the edited files' catalog instead: it is built from the
    files as they are then, and everything worked out from the old ones is dropped, so its list
    rows, families, name index and stamp stay one catalog's."""
    from functools import partial

    from llmguide.catalog import cache, load_catalog
    from llmguide.catalog.listing import list_rows, listed
    from llmguide.catalog.overlay import apply_overlays

    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    shipped = partial(load_catalog, use_cache=True)
    folder = tmp_path / "mine"
    folder.mkdir()
    fam = _my_family(folder)
    apply_overlays(shipped, [folder], use_cache=True)  # kept
    handed = apply_overlays(shipped, [folder], use_cache=True)
    assert "_build" in handed.__dict__
    before = list(handed.listing)  # read from the rows entry
    data = yaml.safe_load(fam.read_text())
    data["variants"].append(dict(data["variants"][0], id="my-zephyr-7b-two", name="My Zephyr 7B Two", hf_repo="me/two"))
    fam.write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "cache" / f"catalog-{handed.stamp}.pickle").unlink()  # as another run's write drops it
    old_stamp = handed.stamp
    assert len(list_rows(handed, family="my-zephyr")) == 2
    assert handed.stamp != old_stamp and cache.has_key(handed.stamp)
    assert list(handed.listing) == [listed(f, v) for f, v in handed.variants()] != before
    assert handed.names["metwo"] == handed.names["myzephyr7btwo"]
    assert handed.newest_month == max(v.release.month[:7] for _, v in handed.variants())
