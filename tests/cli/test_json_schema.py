"""Every command's --json output has a JSON Schema built from code (llmguide/cli/json_schema.py).

Every --json output the test suite produces is validated against it (tests/conftest.py); here, each
command is run at least once on purpose, the schema files in docs/schema/ are checked to be current,
and docs/json.md is checked to name the same keys.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from llmguide.cli.json_schema import COMMANDS, file_name, schema_for
from tests.conftest import command_of

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "docs" / "schema"

# One or more invocations per command (bench is covered by tests/cli/test_bench.py, which fakes
# the run; hardware by this machine's detection).
INVOCATIONS = [
    ["show", "zephyr"],
    ["show", "mixtral"],
    ["compare", "mixtral", "llama2"],
    ["list", "--task", "code"],
    ["recommend", "--task", "code", "--vram", "24"],
    ["recommend", "--gpu", "4090", "--ram", "64", "--max-ttft", "2", "--top", "3"],
    ["recommend", "--vram", "1"],
    ["why-not", "zephyr-7b-beta", "--vram", "24"],
    ["why-not", "llama-3.1-70b-instruct", "--vram", "8"],
    ["fit", "gpt-oss-120b", "--gpu", "4090", "--ram", "64"],
    ["fit", "llama-2-70b-chat", "--vram", "8"],
    ["fit", "llama-3.1-8b-instruct", "--gpu", "A100 80GB", "--backend", "vllm", "--quant", "BF16"],
    ["deploy", "llama-3.1-8b-instruct", "--users", "20", "--gpu", "A100 80GB"],
    ["deploy", "qwen3-8b", "--backend", "llama.cpp", "--vram", "24"],
    ["explain"],
    ["explain", "kv-cache"],
    ["faq"],
    ["faq", "ethics"],
    ["hardware"],
    ["catalog", "validate"],
    ["installed", "--store", "none", "--vram", "24"],  # the stores themselves: tests/cli/test_installed.py
]


def test_every_command_is_covered():
    assert {command_of(a) for a in INVOCATIONS} | {"bench"} == set(COMMANDS)


@pytest.mark.parametrize("args", INVOCATIONS, ids=" ".join)
def test_json_output_validates(cli, args):
    result = cli(*args, "--json")  # the fixture validates the output against the schema
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema_version"] == 1


@pytest.mark.parametrize("command", list(COMMANDS))
def test_schema_is_valid_and_its_file_current(command):
    schema = schema_for(command)
    jsonschema.Draft202012Validator.check_schema(schema)
    path = SCHEMA_DIR / file_name(command)
    assert path.is_file(), "run: python -m llmguide.cli.json_schema --write docs/schema"
    assert json.loads(path.read_text()) == schema, "docs/schema is stale: python -m llmguide.cli.json_schema --write docs/schema"


def test_schema_catches_an_unknown_or_a_missing_key(cli):
    out = cli.json("list", "--family", "zephyr")
    validator = jsonschema.Draft202012Validator(schema_for("list"))
    assert validator.is_valid(out)
    extra = {**out, "models": [{**out["models"][0], "surprise": 1}]}
    missing = {**out, "models": [{k: v for k, v in out["models"][0].items() if k != "license"}]}
    wrong = {**out, "models": [{**out["models"][0], "params_b": "7B"}]}
    assert not any(validator.is_valid(bad) for bad in (extra, missing, wrong))


def _keys(schema, defs, seen=None) -> set[str]:
    """Every property name a schema can contain, following its references."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                found |= _keys(defs[name], defs, seen)
        for key, value in schema.items():
            if key == "properties":
                found |= set(value)
            if key != "$defs":
                found |= _keys(value, defs, seen)
    elif isinstance(schema, list):
        for value in schema:
            found |= _keys(value, defs, seen)
    return found


def test_docs_json_md_names_the_schema_keys():
    """Each key a command's schema allows is named in docs/json.md, and each key docs/json.md's
    tables list is one some schema allows (the catalog's own fields are documented in
    docs/catalog-format.md and come from the catalog's schema)."""
    text = (ROOT / "docs" / "json.md").read_text()
    named = set(re.findall(r"`([a-z_][a-z0-9_]*)`", text)) | set(re.findall(r"[{,]\s*([a-z_][a-z0-9_]*)", text))
    catalog = set(_keys(schema_for("show")["$defs"]["family"], schema_for("show")["$defs"]))
    catalog |= set(_keys(schema_for("show")["$defs"]["variant"], schema_for("show")["$defs"]))
    allowed: set[str] = set()
    missing = {}
    for command in COMMANDS:
        schema = schema_for(command)
        keys = _keys(schema, schema["$defs"])
        allowed |= keys
        undocumented = sorted(keys - named - catalog)
        if undocumented:
            missing[command] = undocumented
    assert not missing, f"keys in the schema but not in docs/json.md: {missing}"
    table_keys, header = set(), ""
    for line in text.splitlines():
        if not line.startswith("|"):
            header = ""
            continue
        header = header or line.lower()
        row = re.match(r"\| ((?:`[a-z_][a-z0-9_]*`(?:, )?)+) \|", line)
        if row and header.startswith("| key |"):  # tables of keys (not the table of compared facts)
            table_keys |= set(re.findall(r"`([a-z_][a-z0-9_]*)`", row.group(1)))
    assert len(table_keys) > 100
    stray = sorted(table_keys - allowed - catalog)
    assert not stray, f"keys docs/json.md's tables list that no schema allows: {stray}"
