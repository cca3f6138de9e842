"""Catalog files are read with bounded work: plain files only, a size cap, and clear errors.

Regressions of the fuzz campaign: a FIFO given as a catalog file blocked forever, nothing capped
the size of a file read, and OS errors surfaced raw.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from llmguide.catalog import load_catalog
from llmguide.catalog.schema import Family
from llmguide.catalog.yamlfile import MAX_BYTES, read_model
from llmguide.errors import CatalogError
from tests.conftest import returns_quickly

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="needs os.mkfifo")


def _unblock(fifo: Path) -> None:
    """Should a reader be stuck opening ``fifo``, open and close its write end to let it go."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    os.close(fd)


@fifo_only
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    try:
        with pytest.raises(CatalogError) as info:
            returns_quickly(lambda: read_model(fifo, Family), 10.0)
    finally:
        _unblock(fifo)
    err = info.value
    assert err.path == str(fifo) and "FIFO" in err.problems[0] and "plain file" in err.problems[0]


@fifo_only
def test_a_fifo_in_a_catalog_folder_is_refused(catalog_copy):
    fifo = catalog_copy / "models" / "zzz-pipe.yaml"
    os.mkfifo(fifo)
    try:
        with pytest.raises(CatalogError, match="zzz-pipe.yaml"):
            returns_quickly(lambda: load_catalog(catalog_copy), 10.0)
    finally:
        _unblock(fifo)


@fifo_only
def test_validate_and_catalog_option_refuse_a_fifo(cli, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    try:
        validate, listing = returns_quickly(lambda: (cli("catalog", "validate", str(fifo)), cli("--catalog", str(fifo), "list")), 10.0)
    finally:
        _unblock(fifo)
    assert validate.exit_code == 1 and "FIFO" in validate.stderr
    assert listing.exit_code == 1 and "FIFO" in listing.stderr


def test_a_device_is_refused(tmp_path):
    if not os.path.exists(os.devnull) or sys.platform == "win32":
        pytest.skip("needs /dev/null")
    link = tmp_path / "null.yaml"
    link.symlink_to(os.devnull)
    with pytest.raises(CatalogError, match="a device"):
        read_model(link, Family)


def test_a_folder_named_like_a_family_file_is_refused(catalog_copy):
    (catalog_copy / "models" / "zzz.yaml").mkdir()
    with pytest.raises(CatalogError, match="zzz.yaml: cannot read file: it is a folder"):
        load_catalog(catalog_copy)


def test_an_oversize_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no disk used
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(CatalogError) as err:
        read_model(big, Family)
    assert "at most 1,048,576 bytes (1 MiB)" in err.value.problems[0]
    assert not reads


def test_the_size_cap_is_far_above_every_shipped_file():
    from llmguide.catalog.paths import catalog_dir

    largest, path = max((p.stat().st_size, p) for p in catalog_dir().rglob("*.yaml"))
    assert largest * 2 < MAX_BYTES, f"{path} is over half of yamlfile.MAX_BYTES: raise the cap, or split the file"


def test_a_file_growing_past_the_cap_while_read_is_refused(tmp_path, monkeypatch):
    """The stat said small, the file then grew: no more than the cap (plus one byte) is read."""
    import stat

    from llmguide.catalog import textfile

    grown = tmp_path / "grown.yaml"
    grown.write_bytes(b"x" * 100)
    small = os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
    monkeypatch.setattr(textfile.os, "stat", lambda path: small)
    with pytest.raises(CatalogError, match="file is over 50 bytes"):
        textfile.read_bytes(grown, 50)


def test_a_name_too_long_is_a_clear_error(tmp_path):
    path = tmp_path / ("x" * 300 + ".yaml")
    with pytest.raises(CatalogError) as err:
        read_model(path, Family)
    assert "cannot read file" in err.value.problems[0]
    assert "too long" in err.value.problems[0] or "no such file" in err.value.problems[0]  # the OS decides


def test_permission_denied_is_a_clear_error(tmp_path, monkeypatch):
    from llmguide.catalog import textfile

    path = tmp_path / "x.yaml"
    path.write_text("id: x\n")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(textfile.os, "open", denied)
    with pytest.raises(CatalogError, match="cannot read file: permission denied"):
        read_model(path, Family)


def test_a_missing_file_and_a_nul_byte_in_a_name(tmp_path):
    with pytest.raises(CatalogError, match="cannot read file: no such file"):
        read_model(tmp_path / "gone.yaml", Family)
    with pytest.raises(CatalogError, match="cannot read file: the path contains a NUL character"):
        read_model(Path(str(tmp_path / "a\0b.yaml")), Family)


def test_bytes_that_are_not_utf8_are_reported_by_line(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"id: x\nname: caf\xe9\n")
    with pytest.raises(CatalogError, match=r"line 2: not UTF-8 text \(byte 0xe9\)"):
        read_model(path, Family)


@fifo_only
def test_evidence_csv_is_read_the_same_way(catalog_copy):
    evidence = catalog_copy / "evidence.csv"
    evidence.unlink()
    os.mkfifo(evidence)
    try:
        with pytest.raises(CatalogError) as info:
            returns_quickly(lambda: load_catalog(catalog_copy), 10.0)
    finally:
        _unblock(evidence)
    assert "evidence.csv" in str(info.value) and "FIFO" in str(info.value)
