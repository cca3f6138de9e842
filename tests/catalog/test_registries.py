"""Checked registries: ids and names unique across files (both files named), family files named
after their id, and `catalog validate` on a path that holds no catalog file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from llmguide.catalog import load_catalog
from llmguide.catalog.overlay import apply_overlays
from llmguide.catalog.paths import catalog_dir
from llmguide.errors import CatalogError


def _hardware(path: Path, device_id: str = "my-gpu", aliases: tuple[str, ...] = ("My Card",)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({
        "sources": {"mine": {"url": "https://example.com/gpu", "title": "My GPU specification sheet"}},
        "devices": [{"id": device_id, "name": f"Device {device_id}", "vendor": "nvidia", "kind": "gpu",
                     "aliases": list(aliases), "memory_gb": 24, "bandwidth_gbs": 1000, "sources": ["mine"]}],
    }, sort_keys=False))
    return path


def _family(folder: Path, fam_id: str, file_stem: str | None = None, aliases: tuple[str, ...] = ()) -> Path:
    """Zephyr copied under a new family id, variant id and names."""
    data = yaml.safe_load((catalog_dir() / "models" / "zephyr.yaml").read_text())
    data.update(id=fam_id, name=f"Family {fam_id}", aliases=list(aliases))
    data["variants"][0].update(id=f"{fam_id}-7b", name=f"Family {fam_id} 7B", hf_repo=f"me/{fam_id}-7b", aliases=[])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem or fam_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


# -- hardware: names and ids across files ------------------------------------------------------

def test_a_hardware_alias_used_in_two_shipped_files_names_both(catalog_copy):
    extra = _hardware(catalog_copy / "hardware" / "zz-extra.yaml", aliases=("RTX 4090",))
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert err.value.path == str(extra)
    problem = err.value.problems[0]
    assert "hardware name 'RTX 4090' of device 'my-gpu'" in problem
    assert "device 'rtx-4090' in " in problem and str(catalog_copy / "hardware" / "nvidia.yaml") in problem


def test_a_device_id_in_two_shipped_files_names_both(catalog_copy):
    extra = _hardware(catalog_copy / "hardware" / "zz-extra.yaml", device_id="rtx-4090", aliases=())
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert err.value.path == str(extra)
    assert err.value.problems == [f"device id 'rtx-4090' is also used in {catalog_copy / 'hardware' / 'nvidia.yaml'}"]


def test_validate_reports_a_hardware_alias_clash_with_both_files(cli, catalog_copy):
    extra = _hardware(catalog_copy / "hardware" / "zz-extra.yaml", aliases=("4090",))
    r = cli("catalog", "validate", str(catalog_copy))
    assert r.exit_code == 1
    assert str(extra) in r.stderr and "nvidia.yaml" in r.stderr and "'4090'" in r.stderr


def test_a_user_hardware_alias_clashing_with_a_shipped_one(catalog, tmp_path):
    """Was accepted silently: user devices were merged by id, their names never checked."""
    mine = _hardware(tmp_path / "mine" / "hardware" / "gpus.yaml", aliases=("4090",))
    with pytest.raises(CatalogError) as err:
        apply_overlays(catalog, [tmp_path / "mine"])
    assert err.value.path == str(mine) and "nvidia.yaml" in err.value.problems[0]


def test_two_user_hardware_files_defining_one_device(catalog, tmp_path):
    _hardware(tmp_path / "mine" / "hardware" / "a.yaml", aliases=("Card A",))
    b = _hardware(tmp_path / "mine" / "hardware" / "b.yaml", aliases=("Card B",))
    with pytest.raises(CatalogError) as err:
        apply_overlays(catalog, [tmp_path / "mine"])
    assert err.value.path == str(b) and "a.yaml" in err.value.problems[0]


def test_a_user_device_may_replace_a_shipped_one_by_id(catalog, tmp_path):
    _hardware(tmp_path / "mine" / "hardware" / "gpus.yaml", device_id="rtx-4090", aliases=("4090", "RTX 4090"))
    merged = apply_overlays(catalog, [tmp_path / "mine"])
    assert next(d for d in merged.hardware if d.id == "rtx-4090").bandwidth_gbs == 1000


def test_a_single_hardware_file_is_validated_as_hardware(cli, tmp_path):
    mine = _hardware(tmp_path / "hardware" / "gpus.yaml")
    r = cli("catalog", "validate", str(mine))
    assert r.exit_code == 0, r.output


# -- families: file names, ids and aliases -----------------------------------------------------

def test_validate_reports_a_family_file_named_unlike_its_id_with_the_line(cli, tmp_path):
    path = _family(tmp_path / "mine", "my-zephyr", file_stem="zephyr-mine")
    r = cli("catalog", "validate", str(tmp_path / "mine"))
    assert r.exit_code == 1
    line = path.read_text().splitlines().index("id: my-zephyr") + 1
    assert f"zephyr-mine.yaml: line {line}: file name should be 'my-zephyr.yaml'" in r.stderr


def test_validate_lists_every_misnamed_family_of_a_catalog(cli, catalog_copy):
    models = catalog_copy / "models"
    (models / "zephyr.yaml").rename(models / "zephyr-chat.yaml")
    (models / "solar.yaml").rename(models / "solar-pro.yaml")
    data = json.loads(cli("catalog", "validate", str(catalog_copy), "--json").stdout)
    assert not data["ok"] and len(data["problems"]) == 2
    assert all("file name should be" in p for p in data["problems"])


def test_loading_a_misnamed_user_family_is_refused(catalog, tmp_path):
    """A copy of a family whose id was left unchanged would replace that family unseen."""
    _family(tmp_path / "mine", "zephyr", file_stem="my-zephyr")
    with pytest.raises(CatalogError, match="file name should be 'zephyr.yaml'"):
        apply_overlays(catalog, [tmp_path / "mine"])


def test_a_family_alias_clash_between_two_user_files_names_both(catalog, tmp_path):
    _family(tmp_path / "mine", "aaa-one", aliases=("shared-name",))
    second = _family(tmp_path / "mine", "bbb-two", aliases=("shared-name",))
    with pytest.raises(CatalogError) as err:
        apply_overlays(catalog, [tmp_path / "mine"])
    assert err.value.path == str(second)
    assert "'shared-name' is already used by" in err.value.problems[0] and "aaa-one.yaml" in err.value.problems[0]


def test_a_variant_id_in_two_user_families_names_both(catalog, tmp_path):
    _family(tmp_path / "mine", "aaa-one")
    second = _family(tmp_path / "mine", "bbb-two")
    second.write_text(second.read_text().replace("id: bbb-two-7b", "id: aaa-one-7b"))
    with pytest.raises(CatalogError) as err:
        apply_overlays(catalog, [tmp_path / "mine"])
    assert "aaa-one-7b" in str(err.value) and "aaa-one.yaml" in str(err.value)


# -- validate on paths that hold nothing -------------------------------------------------------

def test_validate_an_empty_folder_says_so_and_exits_1(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("catalog", "validate", str(empty))
    assert r.exit_code == 1
    assert "no catalog files found here" in r.stderr and "no problems" not in r.stdout
    data = json.loads(cli("catalog", "validate", str(empty), "--json").stdout)
    assert data["ok"] is False and data["files"] == 0


def test_validate_a_folder_without_catalog_files(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "models").mkdir()
    r = cli("catalog", "validate", str(tmp_path))
    assert r.exit_code == 1 and "no catalog files found here" in r.stderr


def test_validate_a_missing_path(cli, tmp_path):
    r = cli("catalog", "validate", str(tmp_path / "nowhere"))
    assert r.exit_code == 1 and "no such file or folder" in r.stderr


def test_a_path_too_long_is_a_problem_not_a_crash(cli, catalog, tmp_path):
    long = tmp_path / ("x" * 300)
    r = cli("catalog", "validate", str(long))
    assert r.exit_code == 1 and ("too long" in r.stderr or "no such file" in r.stderr)  # as the OS has it
    with pytest.raises(CatalogError):
        apply_overlays(catalog, [long])


@pytest.mark.parametrize("name", ["tasks.yaml", "quants.yaml", "glossary.yaml", "faq.yaml"])
def test_validate_a_single_table_file_checks_it_as_that_table(cli, tmp_path, name):
    copy = tmp_path / name
    shutil.copy(catalog_dir() / name, copy)
    if name == "faq.yaml":  # the FAQ's see_also names glossary terms
        shutil.copy(catalog_dir() / "glossary.yaml", tmp_path / "glossary.yaml")
    assert cli("catalog", "validate", str(copy)).exit_code == 0
    copy.write_text(copy.read_text() + "\nunknown_key: 1\n")
    r = cli("catalog", "validate", str(copy))
    assert r.exit_code == 1 and "unknown_key" in r.stderr


def test_validate_a_single_family_file_and_a_folder_of_them(cli, tmp_path):
    _family(tmp_path / "mine", "my-zephyr")
    assert cli("catalog", "validate", str(tmp_path / "mine" / "my-zephyr.yaml")).exit_code == 0
    r = cli("catalog", "validate", str(tmp_path / "mine"))
    assert r.exit_code == 0 and "1 file(s), no problems" in r.stdout
