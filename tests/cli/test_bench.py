"""``llmguide bench``: measured against estimated, the stored calibration, and its error paths.

The runner (llama-cpp-python) is replaced by a stand-in with fixed speeds; the machine is a fixed
detected machine, so the tests do not depend on the computer they run on."""

from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("gguf")

from llmguide.estimate import bench as bench_module  # noqa: E402
from llmguide.estimate.bench import Measured  # noqa: E402
from llmguide.hardware import detect  # noqa: E402
from llmguide.hardware.accelerators import Machine  # noqa: E402
from tests.test_gguf_file import tiny_gguf  # noqa: E402,F401  (fixture)

MACHINE = Machine("Test CPU 9000", 8, 32 << 30, 30 << 30, (), (), cpu_isa="avx2")


@pytest.fixture(autouse=True)
def this_machine(monkeypatch, tmp_path):
    monkeypatch.setattr(detect, "detect_machine", lambda *a, **k: MACHINE)
    monkeypatch.setenv("LLMGUIDE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def runner(monkeypatch, cli, tiny_gguf):
    """A stand-in that measures 0.8x the estimated generation speed and 1.5x the prompt speed."""
    calls = []
    speed = cli.json("fit", str(tiny_gguf), "--prompt-tokens", "256", "--depth", "272", "--context", "288")["estimates"][0]["speed"]

    def fake(path, context, gpu_layers, threads, prompt_tokens, gen_tokens):
        calls.append((path, context, gpu_layers, threads, prompt_tokens, gen_tokens))
        return Measured(1.5 * (speed["prefill_tokens_per_s"] or 100), 0.8 * speed["decode_tokens_per_s"], "stand-in 1.0")

    monkeypatch.setattr(bench_module, "llama_cpp_runner", fake)
    return calls


def test_without_llama_cpp_python_it_says_how_to_install(cli, tiny_gguf, monkeypatch, this_machine):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails as if not installed
    r = cli("bench", str(tiny_gguf))
    assert r.exit_code == 1
    assert "pip install 'llmguide[bench]'" in r.stderr
    assert not this_machine.exists()  # nothing stored


def test_bench_compares_and_stores_the_calibration(cli, tiny_gguf, runner, this_machine):
    r = cli("bench", str(tiny_gguf), "--prompt-tokens", "256", "--gen-tokens", "32")
    assert r.exit_code == 0, r.output
    assert runner == [(str(tiny_gguf), 288, 0, None, 256, 32)]  # CPU only: no GPU layers
    assert "0.80" in r.stdout and "Calibration stored" in r.stdout
    stored = json.loads((this_machine / "calibration.json").read_text())["calibrations"]
    assert len(stored) == 1 and stored[0]["machine"] == "Test CPU 9000" and stored[0]["placement"] == "cpu"


def test_later_estimates_on_this_machine_use_it_and_say_so(cli, tiny_gguf, runner):
    before = cli.json("fit", str(tiny_gguf))["estimates"][0]["speed"]["decode_tokens_per_s"]
    report = cli.json("bench", str(tiny_gguf), "--prompt-tokens", "256", "--gen-tokens", "32")
    factor = report["calibration"]["decode_factor"]
    assert factor == pytest.approx(0.8, rel=1e-3)
    after = cli.json("fit", str(tiny_gguf))
    speed = after["estimates"][0]["speed"]
    assert speed["decode_tokens_per_s"] == pytest.approx(before * factor, rel=0.01)
    assert any("calibrated on this machine by llmguide bench" in b for b in speed["basis"])
    given = cli.json("fit", str(tiny_gguf), "--ram", "32")  # given hardware is not this machine
    assert not any("calibrated" in b for b in given["estimates"][0]["speed"]["basis"])


def test_no_save_only_reports(cli, tiny_gguf, runner, this_machine):
    r = cli("bench", str(tiny_gguf), "--no-save")
    assert r.exit_code == 0 and "not stored" in r.stdout
    assert not (this_machine / "calibration.json").exists()


def test_json_is_pure(cli, tiny_gguf, runner):
    data = cli.json("bench", str(tiny_gguf), "--prompt-tokens", "256", "--gen-tokens", "32")
    assert data["calibration"]["decode_factor"] == pytest.approx(0.8, rel=1e-3)
    assert data["placement"] == "cpu" and data["runtime"] == "stand-in 1.0"


@pytest.mark.parametrize("args", [["--prompt-tokens", "4"], ["--gen-tokens", "0"], ["--threads", "0"]])
def test_impossible_numbers_are_usage_errors(cli, tiny_gguf, runner, args):
    r = cli("bench", str(tiny_gguf), *args)
    assert r.exit_code == 2 and runner == []


def test_not_a_gguf_file(cli, tmp_path):
    r = cli("bench", str(tmp_path / "config.json"))
    assert r.exit_code == 2 and ".gguf" in r.stderr


def test_an_implausible_measurement_is_not_stored(cli, tiny_gguf, monkeypatch, this_machine):
    monkeypatch.setattr(bench_module, "llama_cpp_runner", lambda *a: Measured(1e12, 1e12, "broken"))
    r = cli("bench", str(tiny_gguf))
    assert r.exit_code == 1 and "not plausible" in r.stderr
    assert not (this_machine / "calibration.json").exists()


def test_a_corrupt_calibration_file_is_named(cli, tiny_gguf, runner, this_machine):
    this_machine.mkdir(parents=True)
    (this_machine / "calibration.json").write_text("{not json")
    r = cli("fit", str(tiny_gguf))
    assert r.exit_code == 1 and "calibration.json" in r.stderr
