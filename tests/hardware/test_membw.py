"""RAM bandwidth: a short bounded measurement, stored per machine, used for that machine's CPU speeds."""

from __future__ import annotations

import json

import pytest

from llmguide.errors import LLMGuideError
from llmguide.hardware import membw


def test_the_measurement_reads_memory_and_is_bounded():
    gbs, workers = membw.measure(total_bytes=16 << 20, seconds=0.05, workers=1)
    assert workers == 1 and 0.5 < gbs < 2000


def test_a_stored_measurement_is_used_for_its_machine_only(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMGUIDE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(membw, "measure", lambda **kw: (42.04, 2))
    m = membw.measure_and_store("CPU X")
    assert m.gbs == 42.0 and membw.stored("CPU X").gbs == 42.0 and membw.stored("CPU Y") is None
    data = json.loads((tmp_path / membw.FILE_NAME).read_text())
    assert [row["machine"] for row in data["measurements"]] == ["CPU X"]


def test_implausible_or_broken_files_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMGUIDE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(membw, "measure", lambda **kw: (0.01, 1))
    with pytest.raises(LLMGuideError, match="not a plausible"):
        membw.measure_and_store("CPU X")
    (tmp_path / membw.FILE_NAME).write_text("{not json")
    with pytest.raises(LLMGuideError, match=membw.FILE_NAME):
        membw.stored("CPU X")
