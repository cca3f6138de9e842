"""Task quality kept between runs (quality/kept.py): read back equal, keyed by the catalog's own cache
key and the task, written only past a few, never fatal, and never in another entry's way."""

from __future__ import annotations

from dataclasses import replace

import pytest

from llmguide.catalog import cache
from llmguide.quality import kept, task
from llmguide.quality.task import quality


@pytest.fixture()
def fresh(tmp_path, monkeypatch):
    """An empty cache folder, no tables and a process that keeps quality (as the command line does)."""
    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(kept, "_tables", {})
    monkeypatch.setitem(kept._state, "enabled", True)
    return tmp_path


@pytest.fixture()
def stamped(catalog):
    return replace(catalog, stamp="0123abcd")


def _judge_all(catalog, task_id="chat") -> dict:
    return {v.id: quality(catalog, task_id, f, v) for f, v in catalog.variants()}


def test_quality_is_stored_and_read_back_equal(fresh, stamped, monkeypatch):
    expected = _judge_all(stamped)
    kept.save()
    assert [p.name for p in fresh.iterdir()] == [f"catalog-{kept._key(stamped.stamp, 'chat')}.pickle"]
    monkeypatch.setattr(kept, "_tables", {})
    monkeypatch.setattr(task, "task_model", lambda *a: pytest.fail("judged again instead of read back"))
    assert _judge_all(stamped) == expected


def test_a_table_is_per_catalog_and_task(fresh, stamped, monkeypatch):
    _judge_all(stamped)
    kept.save()
    monkeypatch.setattr(kept, "_tables", {})
    edited = replace(stamped, stamp="4567ef")  # a catalog file changed: a new key
    assert kept.table(edited, "chat") == {} and kept.table(stamped, "code") == {}
    assert len(kept.table(stamped, "chat") or {}) == len(stamped.variants())


def test_a_catalog_not_from_the_cache_keeps_nothing(fresh, catalog):
    assert catalog.stamp == "" and kept.table(catalog, "chat") is None
    _judge_all(catalog)
    kept.save()
    assert list(fresh.iterdir()) == []


def test_nothing_is_kept_unless_the_command_line_asks(fresh, stamped, monkeypatch):
    monkeypatch.setitem(kept._state, "enabled", False)
    _judge_all(stamped)
    kept.save()
    assert list(fresh.iterdir()) == [] and kept._tables == {}


def test_a_process_that_judges_a_few_variants_writes_nothing(fresh, stamped):
    for f, v in stamped.variants()[: kept.ENOUGH - 1]:
        quality(stamped, "chat", f, v)
    kept.save()
    assert list(fresh.iterdir()) == []


def test_a_damaged_table_is_ignored_and_quality_is_judged(fresh, stamped):
    (fresh / f"catalog-{kept._key(stamped.stamp, 'chat')}.pickle").write_bytes(b"llmguide-catalog-cache\n" + b"\xff" * 40)
    family, variant = stamped.variants()[0]
    assert quality(stamped, "chat", family, variant) == task._judge(stamped, "chat", family, variant)


def test_tables_of_other_tasks_and_catalogs_stay(fresh):
    for key in ("0123abcd", "user-0123abcd", "prices-0123abcd", "quality-chat-01", "quality-long-context-01",
                "quality-chat-02"):
        cache.write_key(key, {})
    assert sorted(p.name for p in fresh.iterdir()) == [
        "catalog-0123abcd.pickle", "catalog-prices-0123abcd.pickle", "catalog-quality-chat-02.pickle",
        "catalog-quality-long-context-01.pickle", "catalog-user-0123abcd.pickle"]


def test_the_cached_catalog_carries_its_key(tmp_path, monkeypatch):
    from llmguide.catalog.loader import load_catalog
    from llmguide.catalog.paths import catalog_dir

    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(tmp_path))
    first, again = load_catalog(use_cache=True), load_catalog(use_cache=True)  # validated and stored; read back
    assert first.stamp == again.stamp == cache.cache_key(catalog_dir())


@pytest.mark.parametrize("payload", [["not", "a", "table"], {"zephyr-7b-beta": "not a judgement"}])
def test_a_table_of_the_wrong_shape_is_ignored(fresh, stamped, payload):
    cache.write_key(kept._key(stamped.stamp, "chat"), payload)
    assert kept.table(stamped, "chat") == {}


def test_a_table_whose_pickle_is_corrupt_is_ignored(fresh, stamped):
    path = fresh / f"catalog-{kept._key(stamped.stamp, 'chat')}.pickle"
    body = b"\x80\x05corrupt" * 10
    path.write_bytes(b"llmguide-catalog-cache\n" + len(body).to_bytes(8, "little") + body)  # a valid header
    assert kept.table(stamped, "chat") == {}


def test_the_shipped_catalog_and_a_user_catalog_keep_a_table_each(fresh, stamped):
    user = replace(stamped, stamp="user-89abcdef")
    for catalog in (stamped, user):
        for f, v in catalog.variants()[: kept.ENOUGH]:
            quality(catalog, "chat", f, v)
    kept.save()
    assert len(list(fresh.iterdir())) == 2


def test_a_catalog_made_from_another_is_not_the_cached_one(fresh, stamped, tmp_path):
    """Merging user files without the cache, or adding a Hub family, makes other contents: the
    stamp, and with it the kept tables, do not carry over."""
    from llmguide.catalog.overlay import apply_overlays
    from llmguide.model.hub_family import with_family

    family = stamped.families[0]
    moved = replace(family, id="copied-family", name="Copied Family", aliases=(),
                    variants=tuple(replace(v, id=f"copied-{v.id}", name=f"Copied {v.name}", hf_repo=f"copies/copied-{v.id}", aliases=())
                                   for v in family.variants))
    assert with_family(stamped, moved).stamp == ""
    folder = tmp_path / "mine" / "models"
    folder.mkdir(parents=True)
    (folder / f"{family.id}.yaml").write_text(stamped.file_of(family.id).read_text())
    assert apply_overlays(stamped, [tmp_path / "mine"]).stamp == ""
