"""The command line's contract under hostile input and broken environments: one line, exit 0/1/2,
strict JSON, nothing from data read as markup or terminal codes, no partial output.
One test per class the fuzz campaign found (docs/reliability.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from llmguide.catalog.paths import catalog_dir
from tests.conftest import returns_quickly, strict_json

LLMGUIDE = [sys.executable, "-m", "llmguide"]


def run(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The real program in a fresh interpreter (for what CliRunner cannot fake: encodings, fds)."""
    base = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    base.pop("LLMGUIDE_DEBUG", None)
    return subprocess.run([*LLMGUIDE, *args], env={**base, **(env or {})}, capture_output=True, timeout=60, **kw)


@pytest.mark.parametrize("args", [
    ["recommend", "--vram", "24", "--bandwidth", "900", "--min-speed", "inf"],
    ["recommend", "--vram", "24", "--bandwidth", "900", "--min-speed", "nan"],
    ["recommend", "--vram", "24", "--max-ttft", "inf"],
    ["recommend", "--vram", "1e999"],
    ["recommend", "--vram", "nan"],
    ["recommend", "--cpu-bandwidth", "nan"],
    ["recommend", "--cpu-bandwidth", "inf"],
    ["fit", "zephyr", "--gpu", "4090", "--bandwidth", "inf"],
    ["deploy", "zephyr", "--gpu", "H100 80GB", "--target-tps", "nan"],
    ["deploy", "zephyr", "--gpu", "H100 80GB", "--target-tps", "inf"],
    ["deploy", "zephyr", "--gpu", "H100 80GB", "--users", "99999999999"],
    ["fit", "zephyr", "--gpu", "4090", "--gpus", "1000000"],
    ["fit", "zephyr", "--vram", "24", "-c", "9" * 400],
    ["fit", "zephyr", "--vram", "24", "-c", "1000000000"],
    ["fit", "zephyr", "--vram", "24", "--prompt-tokens", "9" * 400],
    ["deploy", "zephyr", "--gpu", "H100 80GB", "--users", "9" * 400],
])
def test_non_finite_and_absurd_numbers_are_usage_errors(cli, args):
    r = cli(*args, "--json")
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and len(lines) == 2 and lines[1], r.stderr  # a message, then what to try


def test_non_finite_numbers_never_reach_json(capsys, monkeypatch):
    """Whatever slips past the inputs, the JSON writer turns a non-finite number into null."""
    from llmguide.cli.console import emit_json

    emit_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": -float("inf")}})
    assert strict_json(capsys.readouterr().out) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


@pytest.mark.parametrize("orjson", [True, False])
def test_json_writers_agree(monkeypatch, orjson):
    """orjson writes the JSON when installed, the standard library otherwise and for what orjson
    does not take: the same indented text for what commands write, strict JSON whatever the data."""
    import json
    import sys

    from llmguide.cli.console import json_text

    if not orjson:
        monkeypatch.setitem(sys.modules, "orjson", None)  # import fails: the standard library writes
    data = {"id": "zephyr-7b-β", "n": [1, 2.5, -0.0, 1e-3, 123456789.125, True, None], "empty": {}, "none": [],
            "nested": [{"a": {"b": [{}]}}], "quote": 'say "hi"\n\t\u0001'}
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert json_text(data, ascii_only=True) == json.dumps(data, indent=2)  # ASCII escapes: the standard writer
    for odd in ({"big": 2 ** 70}, {1: "int key"}, {"nan": float("nan"), "inf": [float("-inf")]}, {"tiny": [1e-7, 2.5e-300, 1e22]}):
        assert json.loads(json_text(odd)) == json.loads(json.dumps(odd).replace("NaN", "null").replace("-Infinity", "null"))
    from dataclasses import dataclass
    from datetime import date

    @dataclass
    class Point:
        x: int

    for refused in ({"point": Point(1)}, {"day": date(2026, 12, 6)}):  # both writers refuse what json cannot take
        with pytest.raises(TypeError):
            json_text(refused)


@pytest.mark.parametrize("data", [{"text": "zephyr-7b-β"}, {"big": 2 ** 70}, {"odd": "a\udcffb"}], ids=["orjson", "stdlib", "surrogate"])
@pytest.mark.parametrize("stream", ["utf-8", "utf-8 without buffer", "latin-1", "utf-16"])
def test_emit_json_writes_what_the_text_layer_would(monkeypatch, data, stream):
    """To a UTF-8 stdout with a buffer the JSON goes as bytes, after whatever the text layer held;
    elsewhere through the text layer (escaped to ASCII where the encoding is not UTF-8). Either way
    the bytes are those the text layer would write, its error handler honoured, or the same error."""
    import io
    import sys

    from llmguide.cli.console import _utf8, emit_json, json_text

    def make():
        raw = io.BytesIO()
        if stream.endswith("without buffer"):
            return raw, io.StringIO()
        encoding = stream.split()[0]
        return raw, io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape" if encoding == "utf-8" else "strict",
                                     newline="\n")

    def written(raw, out):
        out.flush()
        return out.getvalue() if isinstance(out, io.StringIO) else raw.getvalue()

    def outcome(write):
        raw, out = make()
        out.write("before\n")  # something a command printed first stays first
        try:
            write(out)
        except UnicodeError as exc:
            return type(exc)
        return written(raw, out)

    def through_text(out):
        out.write(json_text(data, ascii_only=not _utf8(out)) + "\n")

    def emitted(out):
        monkeypatch.setattr(sys, "stdout", out)
        emit_json(data)

    assert outcome(emitted) == outcome(through_text)


@pytest.mark.parametrize("command", ["explain", "faq"])
def test_json_and_markdown_together_is_a_usage_error(cli, command):
    r = cli(command, "--markdown", "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert "cannot be used together" in r.stderr


def test_every_usage_error_says_what_to_try(cli):
    for args in (["recommend", "--top", "0"], ["fit", "zephyr", "--vram", "-4"], ["recommend", "--nope"],
                 ["deploy", "zephyr", "--gpu", "H100 80GB", "--users", "0"], ["fit"]):
        r = cli(*args)
        assert r.exit_code == 2, (args, r.output)
        lines = r.stderr.strip().splitlines()
        assert len(lines) >= 2 and lines[0].startswith("Error: "), (args, r.stderr)


@pytest.mark.parametrize("columns", ["0", "1", "-5", "wide", ""])
def test_any_columns_value_still_prints(cli, columns):
    r = cli("show", "zephyr", env={"COLUMNS": columns})
    assert r.exit_code == 0 and "Zephyr" in r.stdout and len(r.stdout) > 500


def test_unknown_long_name_is_shortened_and_hinted(cli):
    r = cli("show", "x" * 100_000)
    assert r.exit_code == 1
    assert len(r.stderr) < 400 and "100,000 characters" in r.stderr
    assert "llmguide list" in r.stderr


@pytest.mark.parametrize("command, lists", [("explain", "llmguide explain lists every term"),
                                             ("faq", "llmguide faq lists every question")])
def test_a_long_unknown_term_is_not_compared_and_says_where_the_list_is(cli, command, lists):
    r = returns_quickly(lambda: cli(command, "kv cache " * 5_000))
    assert r.exit_code == 1 and "Unknown" in r.stderr and lists in r.stderr and "Did you mean" not in r.stderr


@pytest.mark.parametrize("command", ["fit", "why-not", "deploy", "show"])
def test_a_name_too_long_for_a_file_is_read_as_a_model_name(cli, command):
    r = cli(command, "a" * 300, "--vram", "24") if command != "show" else cli(command, "a" * 300)
    assert r.exit_code == 1 and "Unknown model" in r.stderr and "internal error" not in r.stderr


@pytest.fixture()
def hostile_catalog(tmp_path: Path) -> Path:
    """Zephyr again, with rich markup in every text a view prints."""
    fam = yaml.safe_load((catalog_dir() / "models" / "zephyr.yaml").read_text())
    fam.update(id="zephyr-h", name="Zeph [bold]H[/]", aliases=[], description="desc [/INST] end")
    fam["strengths"]["items"] = ["good [/INST] at [red]things", "also [/]"]
    fam["challenges"]["items"] = ["bad [link=x]"]
    fam["license"]["name"] = "MIT [/]"
    for v in fam["variants"]:
        new_id = v["id"] + "-h"
        v.update(id=new_id, name=v["name"] + " [/INST]", summary="sum [/]", hf_repo="Hostile/" + new_id)
        v.pop("aliases", None)
        v.pop("downloads", None)
    path = tmp_path / "zephyr-h.yaml"
    path.write_text(yaml.safe_dump(fam, sort_keys=False))
    return path


@pytest.mark.parametrize("args", [
    ["show", "zephyr-h"], ["show", "zephyr-h", "--sources"], ["compare", "zephyr-h", "zephyr"], ["list"],
    ["recommend", "--vram", "8", "--explain"], ["fit", "zephyr-7b-beta-h", "--vram", "8"],
    ["why-not", "zephyr-7b-beta-h", "--vram", "8"], ["deploy", "zephyr-7b-beta-h", "--gpu", "H100 80GB"],
])
def test_markup_in_catalog_text_is_printed_as_written(cli, hostile_catalog, args):
    r = cli("--catalog", str(hostile_catalog), *args)
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output


def test_markup_in_catalog_text_shows_literally(cli, hostile_catalog):
    r = cli("--catalog", str(hostile_catalog), "show", "zephyr-h")
    assert "[/INST]" in r.stdout and "Zeph [bold]H[/]" in r.stdout


def test_terminal_codes_in_notes_and_errors_are_removed(cli):
    r = cli("show", "\x1b[2Jzeph\x07")
    assert "\x1b" not in r.output and "\x07" not in r.output


def test_probe_output_is_bounded_and_cleaned():
    from llmguide.hardware.probe import ProbeFailure, run_command

    with pytest.raises(ProbeFailure, match="more than"):
        run_command([sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('y' * 65536)"], timeout=20, max_bytes=1 << 20)
    assert run_command([sys.executable, "-c", "print('a\\x1b[31mb\\x07c')"]) == "abc\n"
    with pytest.raises(ProbeFailure, match=r"exited with 3: \[/\] bad"):
        run_command([sys.executable, "-c", "import sys; sys.stderr.write('[/] bad\\n'); sys.exit(3)"])


def test_markup_in_probe_errors_reaches_the_user_as_text(cli, monkeypatch):
    from llmguide.hardware import detect
    from llmguide.hardware.accelerators import Machine

    machine = Machine("Test CPU", 8, 32 << 30, 28 << 30, warnings=("nvidia-smi exited with 9: [/] driver [bold]gone",))
    monkeypatch.setattr(detect, "detect_machine", lambda *a, **k: machine)
    r = cli("hardware")
    assert r.exit_code == 0, r.output
    assert "[/] driver [bold]gone" in r.stderr


@pytest.mark.parametrize("args", [["--help"], ["show", "zephyr"], ["fit", "gpt-oss-20b", "--gpu", "4090"],
                                  ["recommend", "--vram", "24"], ["explain", "kv-cache"], ["show", "nope"]])
def test_an_ascii_terminal_gets_ascii_stand_ins(args):
    r = run(*args, env={"PYTHONIOENCODING": "ascii"})
    assert r.returncode in (0, 1), r.stderr
    assert b"internal error" not in r.stderr and b"Traceback" not in r.stderr
    r.stdout.decode("ascii")


def test_an_ascii_terminal_gets_ascii_json():
    r = run("show", "zephyr", "--json", env={"PYTHONIOENCODING": "ascii"})
    assert r.returncode == 0
    strict_json(r.stdout.decode("ascii"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["show", "zephyr"], ["list", "--json"]])
def test_a_full_stdout_is_one_line_and_exit_1(args):
    with open("/dev/full", "w") as full:
        r = subprocess.run([*LLMGUIDE, *args], stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 1
    assert r.stderr.decode().strip().splitlines() == ["Error: cannot write the output: No space left on device"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
def test_a_closed_stdout_is_one_line_and_exit_1():
    r = subprocess.run([*LLMGUIDE, "show", "zephyr"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                       preexec_fn=lambda: os.close(1))
    assert r.returncode == 1
    assert b"standard output is closed" in r.stderr and b"Traceback" not in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_a_reader_that_quits_early_ends_quietly():
    p = subprocess.Popen([*LLMGUIDE, "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=60) in (0, 1)
    assert b"Traceback" not in err and b"internal error" not in err


def test_an_unreadable_config_or_data_folder_degrades_to_the_defaults(cli, monkeypatch, tmp_path):
    """As under 'sudo -u': HOME's folders cannot be entered. The answer comes from the shipped
    catalog, uncalibrated, with a note saying so."""
    from pathlib import Path

    locked = str(tmp_path / "home")
    monkeypatch.setenv("XDG_CONFIG_HOME", f"{locked}/.config")
    monkeypatch.setenv("LLMGUIDE_DATA_DIR", f"{locked}/.local/share/llmguide")
    real_stat = Path.stat

    def stat(self, *a, **k):
        if str(self).startswith(locked):
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *a, **k)

    monkeypatch.setattr(Path, "stat", stat)
    r = cli("fit", "zephyr-7b-beta", "--gpu", "4090")
    assert r.exit_code == 0, r.output
    assert "Note: cannot read" in r.stderr and "Q4_K_M" in r.stdout
