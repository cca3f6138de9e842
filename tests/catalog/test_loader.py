"""The shipped catalog loads, and broken catalogs fail with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmguide.catalog import load_catalog
from llmguide.errors import CatalogError

SEED_VARIANTS = {
    "llama-2": ["llama-2-7b", "llama-2-7b-chat", "llama-2-13b", "llama-2-13b-chat", "llama-2-70b", "llama-2-70b-chat"],
    "mixtral": ["mixtral-8x7b", "mixtral-8x7b-instruct"],
    "zephyr": ["zephyr-7b-beta"],
    "solar": ["solar-10.7b", "solar-10.7b-instruct"],
    "codellama": [
        f"codellama-{size}{suffix}" for size in ("7b", "13b", "34b", "70b") for suffix in ("", "-python", "-instruct")
    ],
}


def test_seed_families_are_complete(catalog):
    ids = {f.id: {v.id for v in f.variants} for f in catalog.families}
    for family, variants in SEED_VARIANTS.items():
        assert family in ids
        assert set(variants) <= ids[family]


def test_every_family_has_strengths_challenges_and_sources(catalog):
    for fam in catalog.families:
        assert fam.strengths.items and fam.challenges.items
        for src in fam.sources.values():
            assert src.url.startswith(("https://", "http://"))
    for fam_id in SEED_VARIANTS:  # the March 2024 overview's claims for the five original families
        fam = next(f for f in catalog.families if f.id == fam_id)
        assert "bentoml" in fam.strengths.sources and "bentoml" in fam.challenges.sources


def test_the_2026_catalog_is_broad(catalog):
    assert len(catalog.families) >= 30 and len(catalog.variants()) >= 100


def _write(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_unknown_field_is_reported_with_line_and_field(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    _write(path, "  hf_repo: HuggingFaceH4/zephyr-7b-beta", "  hf_repo: HuggingFaceH4/zephyr-7b-beta\n  hf_rep0: typo")
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    msg = str(err.value)
    assert "zephyr.yaml" in msg
    assert f"line {_line_of(path, 'hf_rep0')}" in msg
    assert "variants.0.hf_rep0" in msg and "unknown field" in msg


def test_wrong_type_is_reported(catalog_copy):
    path = catalog_copy / "models" / "solar.yaml"
    _write(path, "    layers: 48", "    layers: forty-eight")
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert f"line {_line_of(path, 'forty-eight')}" in str(err.value)
    assert "architecture.layers" in str(err.value)


def test_yaml_syntax_error_names_the_line(catalog_copy):
    path = catalog_copy / "models" / "mixtral.yaml"
    _write(path, "developer: Mistral AI", "developer: [Mistral AI")
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert "mixtral.yaml" in str(err.value) and "YAML syntax error" in str(err.value)
    assert "line " in str(err.value)


def test_missing_required_field(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    _write(path, "developer: Hugging Face H4\n", "")
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert "field 'developer': required field is missing" in str(err.value)


def test_dangling_source_key(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    _write(path, "about_sources: [zephyr-card, zephyr-recipe]", "about_sources: [zephyr-card, nowhere]")
    with pytest.raises(CatalogError, match="nowhere"):
        load_catalog(catalog_copy)


def test_duplicate_variant_id_across_files(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    _write(path, "- id: zephyr-7b-beta", "- id: llama-2-7b")
    with pytest.raises(CatalogError, match="variant id 'llama-2-7b' is also used"):
        load_catalog(catalog_copy)


def test_duplicate_alias_across_families(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    _write(path, "aliases: [zephyr-7b, zephyr-beta, hf-zephyr]", "aliases: [zephyr-7b, zephyr-beta, llama2]")
    with pytest.raises(CatalogError, match="'llama2' is already used"):
        load_catalog(catalog_copy)


def test_a_task_ladder_naming_an_unknown_benchmark(catalog_copy):
    path = catalog_copy / "tasks.yaml"
    _write(path, "      - [aa-coding]", "      - [aa-coding-9000]")
    with pytest.raises(CatalogError, match="aa-coding-9000"):
        load_catalog(catalog_copy)


def test_file_name_must_match_family_id(catalog_copy):
    models = catalog_copy / "models"
    (models / "zephyr.yaml").rename(models / "zephyr-chat.yaml")
    with pytest.raises(CatalogError, match="should be 'zephyr.yaml'"):
        load_catalog(catalog_copy)


def test_not_a_catalog_directory(tmp_path):
    with pytest.raises(CatalogError, match="no 'models' folder"):
        load_catalog(tmp_path)


def test_top_level_must_be_a_mapping(catalog_copy):
    (catalog_copy / "models" / "zephyr.yaml").write_text("- just\n- a list\n")
    with pytest.raises(CatalogError, match="expected a mapping"):
        load_catalog(catalog_copy)
