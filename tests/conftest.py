"""Shared fixtures: the shipped catalog (loaded once) and a CLI runner with a pinned width."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmguide.catalog import load_catalog
from llmguide.catalog.paths import catalog_dir
from llmguide.cli.app import app

WIDTH = "100"


def returns_quickly(call, seconds: float = 5.0):
    """Run ``call`` in a thread: a blocked open of a FIFO fails the test instead of hanging it."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def flat(text: str) -> str:
    """Rendered output with box drawing removed and whitespace collapsed, for phrase checks."""
    for ch in "│╭╮╰╯─┃┏┓┗┛━":
        text = text.replace(ch, " ")
    return " ".join(text.split())


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture()
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped catalog, to break in tests."""
    dest = tmp_path / "catalog"
    shutil.copytree(catalog_dir(), dest)
    return dest


def command_of(args) -> str | None:
    """The command a CLI argument list runs (global options skipped), as json_schema names it."""
    words = list(args)
    while words and words[0].startswith("-"):
        words = words[2:] if words[0] == "--catalog" else words[1:]
    if not words:
        return None
    return f"catalog {words[1]}" if words[0] == "catalog" and len(words) > 1 else words[0]


def check_json_schema(args, stdout: str) -> None:
    """Every --json output a test produces must validate against its command's schema."""
    from llmguide.cli.json_schema import COMMANDS

    command = command_of(args)
    if command not in COMMANDS:
        return
    validator = _validator(command)
    errors = sorted(validator.iter_errors(json.loads(stdout)), key=lambda e: list(e.absolute_path))
    assert not errors, f"llmguide {' '.join(args)}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors[:5])


def strict_json(text: str):
    """JSON as strict parsers read it: NaN, Infinity and -Infinity are not JSON."""
    def refuse(constant):
        raise AssertionError(f"{constant} in --json output")

    return json.loads(text, parse_constant=refuse)


_VALIDATORS: dict = {}


def _validator(command: str):
    if command not in _VALIDATORS:
        import jsonschema

        from llmguide.cli.json_schema import schema_for

        schema = schema_for(command)
        jsonschema.Draft202012Validator.check_schema(schema)
        _VALIDATORS[command] = jsonschema.Draft202012Validator(schema)
    return _VALIDATORS[command]


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict | None = None):
        base = {"COLUMNS": WIDTH, "NO_COLOR": "1", "LLMGUIDE_DEBUG": None}
        base.update(env or {})
        result = self.runner.invoke(app, list(args), env=base, prog_name="llmguide")
        assert "Traceback" not in result.output, result.output
        if "--json" in args and result.exit_code == 0:
            strict_json(result.stdout)
            check_json_schema(args, result.stdout)
        return result

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture()
def cli() -> Cli:
    return Cli()


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the catalog cache of test runs out of the user's cache directory."""
    import os

    old = os.environ.get("LLMGUIDE_CACHE_DIR")
    os.environ["LLMGUIDE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("LLMGUIDE_CACHE_DIR", None)
    else:
        os.environ["LLMGUIDE_CACHE_DIR"] = old




@pytest.fixture(autouse=True)
def _fixed_machine(monkeypatch):
    """Commands detect hardware when given no flags; tests plan for one fixed machine instead."""
    from llmguide.hardware import detect
    from llmguide.hardware.accelerators import Machine

    machine = Machine("Test CPU", 8, 32 << 30, 28 << 30)
    monkeypatch.setattr(detect, "detect_machine", lambda *a, **k: machine)
    return machine
