"""The catalog cache writes whole files or none, leaves no temporary file behind, and a damaged or
unwritable cache only costs a rebuild, never the command."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

import pytest

from llmguide.catalog import cache, load_catalog
from llmguide.catalog.loader import Catalog


@pytest.fixture()
def folder(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def small():
    """A small picklable stand-in: the cache does not look inside what it stores."""
    return {"families": list(range(1000))}


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_normal_write_leaves_one_file_and_no_temporary(folder, small):
    cache.write_key("abc", small)
    assert _names(folder) == ["catalog-abc.pickle"]
    assert cache.read_key("abc") == small
    cache.write_key("abc", small)  # again, over the existing file
    cache.write_key("def", small)  # a newer key replaces the older one
    assert _names(folder) == ["catalog-def.pickle"]


def test_user_and_shipped_entries_are_kept_apart(folder, small):
    cache.write_key("abc", small)
    cache.write_key("user-xyz", small)
    assert _names(folder) == ["catalog-abc.pickle", "catalog-user-xyz.pickle"]


def test_a_failed_rename_leaves_no_temporary_and_fails_nothing(folder, small, monkeypatch):
    def fail(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(cache.os, "replace", fail)
    cache.write_key("abc", small)  # no exception
    assert _names(folder) == []


def test_a_full_disk_leaves_no_temporary_and_keeps_the_old_file(folder, small, monkeypatch):
    cache.write_key("abc", small)
    before = (folder / "catalog-abc.pickle").read_bytes()
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(cache.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
        cache.write_key("abc", {"other": 1})
    assert _names(folder) == ["catalog-abc.pickle"]
    assert (folder / "catalog-abc.pickle").read_bytes() == before
    assert cache.read_key("abc") == small


def test_an_interrupt_while_writing_removes_the_temporary_and_goes_on(folder, small, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.write_key("abc", small)
    assert _names(folder) == []


def test_an_unpicklable_catalog_warns_once_and_writes_nothing(folder):
    with pytest.warns(RuntimeWarning, match="catalog cache is not written"):
        cache.write_key("abc", {"f": lambda: 0})
    assert _names(folder) == []


def test_an_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch, small):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(blocker / "cache"))  # cannot be made
    cache.write_key("abc", small)
    assert cache.read_key("abc") is None
    assert isinstance(load_catalog(use_cache=True), Catalog)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_cache_folder_is_skipped(folder, small):
    folder.mkdir()
    folder.chmod(0o500)
    try:
        cache.write_key("abc", small)
        assert _names(folder) == []
    finally:
        folder.chmod(0o700)


def test_commands_run_with_an_unwritable_cache(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = cli("show", "zephyr", env={"LLMGUIDE_CACHE_DIR": str(blocker / "cache")})
    assert r.exit_code == 0 and r.stderr == ""


@pytest.mark.parametrize("entry", ["catalog", "rows"])
@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage", "old format", "first format", "wrong length", "flipped byte"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(folder, damage, entry):
    """A damaged entry, the catalog's or its list rows', is seen when read, and made again from the
    catalog files: even when the catalog was handed out before it was read (Catalog.deferred)."""
    from llmguide.catalog.loader import rows_key

    catalog = load_catalog(use_cache=True)  # writes the cache
    key = catalog.stamp if entry == "catalog" else rows_key(catalog.stamp)
    path = folder / f"catalog-{key}.pickle"
    assert sorted(folder.glob("catalog-*.pickle")) == sorted([folder / f"catalog-{catalog.stamp}.pickle",
                                                              folder / f"catalog-{rows_key(catalog.stamp)}.pickle"])
    good = path.read_bytes()
    damaged = {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "garbage": b"\x00\xff" * 1000,
        "old format": good[cache._HEADER:],  # a bare pickle, as older versions wrote
        "first format": b"llmguide-catalog-cache\n" + (len(good) - cache._HEADER).to_bytes(8, "little") + good[cache._HEADER:],
        "wrong length": good + b"x",
        # inside a part the catalog unpickles only when first used: caught by the checksum, not later
        "flipped byte": good[: len(good) // 2] + bytes([good[len(good) // 2] ^ 0xFF]) + good[len(good) // 2 + 1:],
    }[damage]
    path.write_bytes(damaged)
    assert cache.read_key(key) is None
    again = load_catalog(use_cache=True)
    assert isinstance(again, Catalog) and again.listing == catalog.listing
    assert len(again.families) == len(catalog.families) and again.names.keys() == catalog.names.keys()
    assert path.read_bytes() == good or cache.read_key(key) is not None  # rewritten whole


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_in_place_of_the_cache_file_is_not_opened(folder):
    folder.mkdir()
    os.mkfifo(folder / "catalog-abc.pickle")
    start = time.perf_counter()
    assert cache.read_key("abc") is None
    assert time.perf_counter() - start < 5


def test_temporaries_of_killed_runs_are_swept_but_fresh_ones_kept(folder, small):
    folder.mkdir()
    stale, fresh = folder / ".catalog-old.tmp", folder / ".catalog-new.tmp"
    stale.write_bytes(b"partial")
    fresh.write_bytes(b"being written")
    old = time.time() - 2 * cache._STALE_TMP_S
    os.utime(stale, (old, old))
    cache.write_key("abc", small)
    assert _names(folder) == [".catalog-new.tmp", "catalog-abc.pickle"]


def test_a_dangling_link_in_the_catalog_does_not_break_the_key(catalog_copy):
    (catalog_copy / "models" / "gone.yaml").symlink_to(catalog_copy / "nowhere.yaml")
    key = cache.cache_key(catalog_copy)
    assert key and key != cache.cache_key(Path(catalog_copy.parent))


def test_equal_parts_are_stored_once_and_read_back_equal(folder):
    """Variants that repeat their family's facts share one object each in the cache: a smaller
    pickle, the same catalog."""
    import pickle
    from dataclasses import replace

    from llmguide.catalog.listing import listed
    from llmguide.cli.serialize import list_dict

    catalog = load_catalog()
    fam = next(f for f in catalog.families if len(f.variants) >= 2)
    copies = tuple(replace(v, id=f"{v.id}-copy{i}", name=f"{v.name} copy {i}", hf_repo=f"{v.hf_repo}-copy{i}", aliases=())
                   for i in range(50) for v in fam.variants[:1])
    big = replace(catalog, families=(*catalog.families, replace(fam, id=f"{fam.id}-copies", name=f"{fam.name} copies", aliases=(),
                                                                variants=copies)))
    before = len(pickle.dumps(big, protocol=pickle.HIGHEST_PROTOCOL))
    expected = list_dict(list(big.listing))
    cache.write_key("user-test", big)
    back = cache.read_key("user-test")
    assert isinstance(back, Catalog)
    assert list_dict(list(back.listing)) == expected  # the rows kept in the entry
    assert list_dict([listed(f, v) for f, v in back.variants()]) == expected  # and as the families read back give them
    shared = back.families[-1].variants
    assert all(v.architecture is shared[0].architecture and v.context is shared[0].context for v in shared)
    assert len(pickle.dumps(back, protocol=pickle.HIGHEST_PROTOCOL)) < before


def test_catalog_entries_read_back_field_for_field(catalog):
    """Entries pickle as their field values (catalog/schema.py): every field of every entry reads
    back equal, nested entries included, and nothing else is carried."""
    import pickle
    from dataclasses import fields, is_dataclass

    def same(a, b) -> bool:
        if is_dataclass(a) and not isinstance(a, type):
            return type(a) is type(b) and set(vars(b)) == {f.name for f in fields(b)} and \
                all(same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
        if isinstance(a, tuple):
            return isinstance(b, tuple) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(a, dict):
            return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
        return a == b

    families = catalog.families
    back = pickle.loads(pickle.dumps(families, protocol=pickle.HIGHEST_PROTOCOL))
    assert same(families, back)


def test_an_entry_pickled_by_another_layout_is_refused_or_read_whole(catalog):
    """An entry's values are read back by position: a tuple of another length (another version of
    the class) is refused, never misplaced; the default dict form still reads."""
    from llmguide.catalog.schema import Release

    release = catalog.families[0].variants[0].release
    fresh = Release.__new__(Release)
    with pytest.raises(ValueError, match="values for"):
        fresh.__setstate__(("2024-01",))
    fresh.__setstate__(dict(vars(release)))
    assert vars(fresh) == vars(release)


def test_a_cached_catalog_lists_without_reading_its_families(folder):
    """A catalog read from the cache keeps its families and evidence packed until first used:
    `list` reads only its rows. Read later, they are the catalog's own."""
    from llmguide.catalog.listing import list_rows, listed

    fresh = load_catalog(use_cache=True)  # built, and written
    back = load_catalog(use_cache=True)  # read back
    assert back is not fresh and back.stamp == fresh.stamp
    assert list_rows(back) == [listed(f, v) for f, v in fresh.variants()]
    assert "families" not in back.__dict__ and "evidence" not in back.__dict__
    assert [f.id for f in back.families] == [f.id for f in fresh.families]
    assert back.evidence.rows == fresh.evidence.rows
    # the name index comes back with them, naming the families' own objects
    assert back.names.keys() == fresh.names.keys()
    fam, var = back.names["zephyr7bbeta"]
    assert fam in back.families and var in fam.variants
    assert list_rows(back, task="code") == list_rows(fresh, task="code")
    assert list_rows(back, family="llama2") == list_rows(fresh, family="llama2")
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        back.nothing  # noqa: B018 - what is not a packed field is missing as usual


def test_a_deferred_catalog_answers_every_field_as_the_whole_one(folder):
    """Each field of a catalog handed out before its entry is read is the entry's: none is
    answered by a class-level default (a deferred catalog once had no GPUs)."""
    import pickle
    from dataclasses import fields

    load_catalog(use_cache=True)  # written
    whole = load_catalog(use_cache=True)
    whole.families  # noqa: B018 - read whole
    for f in fields(Catalog):
        deferred = load_catalog(use_cache=True)
        assert "_build" in deferred.__dict__, "read as it is used"
        assert pickle.dumps(getattr(deferred, f.name)) == pickle.dumps(getattr(whole, f.name)), f.name
        assert "_build" not in deferred.__dict__ or f.name == "stamp", f"{f.name} answered without reading the entry"


def test_a_folders_yaml_files_are_listed_as_glob_lists_them(tmp_path):
    """The user catalog's files are listed with os.scandir (their stats make the cache key on
    every run): the same files, in the same order, as Path.glob('*.yaml') sorted by name."""
    from llmguide.catalog.overlay import _yaml_in, family_files

    models = tmp_path / "cat" / "models"
    models.mkdir(parents=True)
    for name in ("b.yaml", "a.yaml", ".hidden.yaml", ".yaml", "notes.txt", "x.yml", "Z.yaml", "c.yaml.bak"):
        (models / name).write_text("")
    (models / "dir.yaml").mkdir()
    (models / "link.yaml").symlink_to(models / "a.yaml")
    (models / "dangling.yaml").symlink_to(models / "gone.yaml")
    expected = sorted((str(p) for p in models.glob("*.yaml")), key=lambda p: os.path.normcase(os.path.basename(p)))
    assert _yaml_in(models) == expected
    assert [str(p) for p in family_files(tmp_path / "cat")[0]] == expected
    assert _yaml_in(tmp_path / "missing") == []
