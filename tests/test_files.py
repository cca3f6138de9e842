"""Files llmguide writes are written whole or not at all (calibrations, measurements, generated docs)."""

from __future__ import annotations

import os

import pytest

from llmguide.model.files import write_atomic


def test_write_atomic_replaces_the_file(tmp_path):
    path = tmp_path / "sub" / "cal.json"
    write_atomic(path, "one")
    write_atomic(path, "two")
    assert path.read_text() == "two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["cal.json"]


@pytest.mark.parametrize("fail_at", ["write", "replace"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, fail_at):
    path = tmp_path / "cal.json"
    path.write_text("old")
    if fail_at == "replace":
        monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    else:
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cal.json"]


def test_calibration_save_on_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch):
    from llmguide.estimate import calibration

    monkeypatch.setattr(calibration, "_path", lambda: tmp_path / "calibration.json")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    cal = calibration.Calibration(**{f: _example(f) for f in calibration.Calibration.__dataclass_fields__})
    with pytest.raises(OSError):
        calibration.save(cal)
    assert list(tmp_path.iterdir()) == []


def _example(field: str):
    return {"decode_factor": 1.0, "prefill_factor": 1.0}.get(field, "x")
