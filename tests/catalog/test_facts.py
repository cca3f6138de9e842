"""The catalog agrees with the sourced reference sheets in ../shared/data/ (catalog_facts.csv and
catalog_facts_2026b.csv): where a sheet gives a number, the catalog has the same one."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest


DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FACTS = DATA / "catalog_facts.csv"
FACTS_2026B = DATA / "catalog_facts_2026b.csv"
ARCH_COLUMNS = {
    "layers": "layers", "hidden_size": "hidden_size", "intermediate_size": "intermediate_size",
    "attention_heads": "attention_heads", "kv_heads": "kv_heads", "head_dim": "head_dim", "vocab_size": "vocab_size",
    "num_experts": "experts", "experts_per_token": "experts_per_token",
}


@pytest.fixture(scope="module")
def facts():
    if not FACTS.exists():
        pytest.skip("reference data ../shared/data/catalog_facts.csv not present")
    rows = {}
    for sheet in (FACTS, FACTS_2026B):
        if sheet.exists():
            with sheet.open() as fh:
                rows.update({row["hf_repo"]: row for row in csv.DictReader(fh) if row["hf_repo"]})
    return rows


# Where the catalog knowingly departs from the sheet, and why.
OVERRIDES = {
    ("mistralai/Mistral-Nemo-Instruct-2407", "intermediate_size"): "the card misprints 14436; config.json says 14336",
}


def _number(cell: str) -> int | None:
    m = re.match(r"^\s*(\d+)\s*$", cell or "")
    return int(m.group(1)) if m else None  # cells like "160K (as stated)" are prose, not numbers


def test_architecture_numbers_match_the_reference(catalog, facts):
    checked = 0
    for _, v in catalog.variants():
        row = facts.get(v.hf_repo)
        if row is None:  # sourced from model cards in its YAML; nothing to compare with
            continue
        for column, field in ARCH_COLUMNS.items():
            number = _number(row[column])
            if number is not None and (v.hf_repo, field) not in OVERRIDES:
                assert getattr(v.architecture, field) == number, (v.id, field)
        if _number(row["max_context_tokens"]):
            assert v.context.length == _number(row["max_context_tokens"]), v.id
        if row["release_month"]:
            assert v.release.month == row["release_month"], v.id
        checked += 1
    assert checked >= 100
