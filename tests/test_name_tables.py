"""The tables of what users type (tests/data/names/*.yml): each row resolves to what it says, or is
refused with its message, through the same functions the commands use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from llmguide.catalog.languages import parse_languages
from llmguide.errors import UsageError
from llmguide.rules.engine import make_request
from llmguide.units import parse_size_gb, parse_tokens

TABLES = Path(__file__).parent / "data" / "names"


def rows(name: str, key: str | None = None) -> list[dict]:
    data = yaml.safe_load((TABLES / name).read_text(encoding="utf-8"))
    return data[key] if key else data


@pytest.mark.parametrize("row", rows("units.yml", "sizes"), ids=lambda r: r["typed"])
def test_sizes(row):
    if "error" in row:
        with pytest.raises(ValueError, match=row["error"]):
            parse_size_gb(row["typed"])
    else:
        assert parse_size_gb(row["typed"]) == pytest.approx(row["gb"])


@pytest.mark.parametrize("row", rows("units.yml", "tokens"), ids=lambda r: r["typed"])
def test_tokens(row):
    if "error" in row:
        with pytest.raises(ValueError, match=row["error"]):
            parse_tokens(row["typed"])
    else:
        assert parse_tokens(row["typed"]) == row["tokens"]


@pytest.mark.parametrize("row", rows("tasks.yml"), ids=lambda r: r["typed"])
def test_tasks(catalog, row):
    if "error" in row:
        with pytest.raises(UsageError, match=row["error"]) as exc:
            make_request(catalog, row["typed"])
        assert row.get("hint", "") in (exc.value.hint or "")
    else:
        assert make_request(catalog, row["typed"]).task_id == row["task"]


@pytest.mark.parametrize("row", rows("languages.yml"), ids=lambda r: r["typed"])
def test_languages(row):
    if "error" in row:
        with pytest.raises(UsageError, match=row["error"]):
            parse_languages([row["typed"]])
    else:
        assert parse_languages([row["typed"]]) == (row["code"],)


def test_units_reach_the_commands(cli):
    data = cli.json("fit", "qwen3-8b", "--vram", "12GB", "--context", "32k", "--quant", "Q4_K_M")
    assert data["hardware"]["vram_bytes"] == 12 * 2**30 and data["estimates"][0]["context"] == 32768
    bad = cli("fit", "qwen3-8b", "--vram", "12XB")
    assert bad.exit_code == 2 and "'12XB' is not a size" in bad.stderr
    rec = cli.json("recommend", "--task", "coding", "--lang", "Deutsch", "--vram", "24 GB", "--top", "1")
    assert rec["constraints"]["task"] == "code" and rec["constraints"]["languages"] == ["de"]


@pytest.mark.parametrize("row", rows("gpus.yml"), ids=lambda r: r["typed"])
def test_gpus(catalog, row):
    from llmguide.errors import LLMGuideError
    from llmguide.hardware.flags import parse_gpu

    if "error" in row:
        with pytest.raises(LLMGuideError, match=re.escape(row["error"])):
            parse_gpu(catalog.hardware, row["typed"], row.get("vram"))
        return
    got = parse_gpu(catalog.hardware, row["typed"], row.get("vram"))
    assert (got.device.id, got.count, got.size_gb) == (row["preset"], row.get("count", 1), row.get("size_gb"))
    assert row.get("note", "") in (got.note or "")


def test_no_gpu_name_is_read_as_a_count(catalog):
    """Every preset's own names resolve to it, whole ("7900 XTX" is never 7900 cards named "TX"),
    or, for a bare name of a card sold in several memory sizes, ask which."""
    from llmguide.hardware.flags import parse_gpu

    for dev in catalog.hardware:
        for name in (dev.id, dev.name, *dev.aliases):
            try:
                assert parse_gpu(catalog.hardware, name).device.id == dev.id, name
            except UsageError as exc:  # a card sold in sizes, or a chip sold with core counts of different speed
                assert ("is sold with" in str(exc) or "comes as" in str(exc)) and name not in (dev.id, dev.name), name
            if dev.memory_gb:
                assert parse_gpu(catalog.hardware, name, dev.memory_gb).device.id == dev.id, name


@pytest.mark.parametrize("row", rows("models.yml"), ids=lambda r: r["typed"])
def test_models(catalog, row):
    from llmguide.catalog.lookup import resolve
    from llmguide.errors import UnknownNameError

    if "error" in row:
        with pytest.raises(UnknownNameError, match=re.escape(row["error"])) as exc:
            resolve(catalog, row["typed"])
        if "first_suggestion" in row:
            assert exc.value.suggestions[0] == row["first_suggestion"]
        return
    m = resolve(catalog, row["typed"])
    assert (m.variant.id if m.variant else None) == row["variant"]
    assert m.quant == row.get("quant")
    if "family" in row:
        assert m.family.id == row["family"]


def test_no_name_is_taken_twice(catalog):
    """Every id, display name and alias of the catalog resolves to what owns it (the name index
    rejects clashes when it loads; this checks the loose reading does not shadow one)."""
    from llmguide.catalog.lookup import resolve

    for fam in catalog.families:
        for name in (fam.id, fam.name, *fam.aliases):
            assert resolve(catalog, name).family.id == fam.id, name
        for var in fam.variants:
            for name in (var.id, var.name, var.hf_repo, *var.aliases):
                m = resolve(catalog, name)
                assert m.variant is None and len(fam.variants) == 1 or m.variant is var, name
