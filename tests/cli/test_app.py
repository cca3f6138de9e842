"""The app as a whole: version, help, bare invocation, colour, the error boundary."""

from __future__ import annotations

import pytest

import subprocess
import sys

from llmguide import __version__


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"llmguide {__version__}"


def test_help_lists_the_commands(cli):
    r = cli("--help")
    assert r.exit_code == 0
    for cmd in ("show", "compare", "list", "recommend"):
        assert cmd in r.stdout


def test_short_help_flag(cli):
    assert cli("recommend", "-h").exit_code == 0


def test_bare_command_shows_help(cli):
    r = cli()
    assert r.exit_code == 2
    assert "recommend" in r.output


def test_unknown_command(cli):
    r = cli("recomend")
    assert r.exit_code == 2
    assert "No such command" in r.stderr


def test_no_color_means_no_escape_codes(cli):
    r = cli("show", "zephyr", env={"NO_COLOR": "1", "FORCE_COLOR": None})
    assert "\x1b[" not in r.stdout


def test_internal_errors_become_one_line(cli, monkeypatch):
    import llmguide.cards

    def boom(*a, **k):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(llmguide.cards, "make_card", boom)
    r = cli("show", "zephyr")
    assert r.exit_code == 1
    assert "internal error" in r.stderr and "synthetic failure" in r.stderr


@pytest.mark.parametrize("args", [
    ["why-not", "0", "--gpu", "M2 Max"],  # found by tests/cli/test_cli_properties.py
    ["fit", "no-such-model", "--gpu", "M2 Max"],
    ["recommend", "--task", "nonsense", "--gpu", "M2 Max"],
    ["fit", "zephyr", "--gpu", "M2 Max", "--quant", "Q9_X"],  # after a note on how 'zephyr' was read, too
])
def test_a_failed_command_says_its_error_alone(cli, args):
    """The hardware or a name was noted ("assuming 32 GB") before the command failed: the error line
    and its hint are all of stderr, as docs/reliability.md promises."""
    r = cli(*args)
    assert r.exit_code in (1, 2) and r.stderr.startswith("Error: "), r.stderr
    assert "Note:" not in r.stderr and r.stdout == ""


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_command_that_answers_writes_its_notes_first(cli, json_flag):
    r = cli("fit", "zephyr", "--gpu", "M2 Max", *json_flag)
    assert r.exit_code == 0
    notes = [line for line in r.stderr.splitlines() if line.startswith("Note:")]
    assert len(notes) == 2 and "M2 Max" in notes[0] and "'zephyr' is the Zephyr family" in notes[1]


def test_python_dash_m_entry_point_works():
    r = subprocess.run([sys.executable, "-m", "llmguide", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and __version__ in r.stdout


def test_debug_env_reraises(cli):
    r = cli("show", "mixtrl", env={"LLMGUIDE_DEBUG": "1"})
    assert r.exit_code == 1
    assert r.exception is not None


@pytest.mark.parametrize("command", ["recommend", "why-not", "fit", "deploy"])
def test_hardware_flags_are_one_group(cli, command):
    """Declared once (common.hardware_options) and shown together in --help."""
    out = cli(command, "--help").stdout
    panel = out[out.index("Hardware (default: this machine, detected)"):]
    for flag in ("--gpu", "--gpus", "--vram", "--ram", "--bandwidth", "--cpu-bandwidth", "--cpu-only"):
        assert flag in panel, (command, flag)
    assert ("--headroom" in panel) == (command != "deploy")


def test_hardware_options_needs_its_parameter():
    from llmguide.cli.common import hardware_options

    def no_spec(x: int = 1) -> None: ...

    with pytest.raises(TypeError, match="no hardware_spec parameter"):
        hardware_options()(no_spec)


def test_a_command_loads_its_own_module_only():
    """Commands are made when looked up: `list --json` loads neither the other commands, the
    cards and the estimator, nor rich."""
    script = (
        "import os, sys\n"
        "from llmguide.cli.app import main\n"
        "sys.argv = ['llmguide', 'list', '--json']\n"
        "out = os.dup(1); os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "os.dup2(out, 1)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    loaded = set(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split())
    assert "llmguide.cli.cmd_list" in loaded
    unwanted = {"llmguide.cli.cmd_fit", "llmguide.cli.cmd_show", "llmguide.cards", "llmguide.estimate.memory", "rich"}
    assert not loaded & unwanted


def test_every_command_module_is_listed_once():
    """Each llmguide/cli/cmd_*.py registers the command COMMANDS names it by, and only that one."""
    from pathlib import Path

    import typer

    from llmguide.cli import app as app_module

    modules = sorted(p.stem for p in Path(app_module.__file__).parent.glob("cmd_*.py"))
    assert sorted(app_module.COMMANDS.values()) == modules
    group = typer.main.get_command(app_module.app)
    for name in app_module.COMMANDS:
        assert name in group.commands and group.commands[name].name == name


def test_a_command_added_the_usual_way_runs_beside_the_listed_ones(monkeypatch):
    """The app makes its own commands when looked up; one added with app.command() still runs,
    and the typo hint still knows every command without making them."""
    import importlib

    import typer
    from typer.testing import CliRunner

    from llmguide.cli import app as app_module

    fresh = typer.Typer(cls=app_module.GuardedGroup, add_completion=False)
    fresh.callback()(lambda: None)
    fresh.command("hello")(lambda: typer.echo("hi"))
    imported = []
    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: imported.append(name) or real(name, *a))
    runner = CliRunner()
    assert runner.invoke(fresh, ["hello"]).stdout == "hi\n"
    assert "llmguide.cli.cmd_show" not in imported
    r = runner.invoke(fresh, ["shwo"])
    assert r.exit_code == 2 and "show" in r.output
    assert "llmguide.cli.cmd_show" not in imported
