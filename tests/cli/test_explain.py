"""``llmguide explain``: the glossary as data, its registry checks, fuzzy lookup, and every
command an entry suggests really running."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from llmguide.errors import CatalogError
from llmguide.knowledge.glossary import load_glossary
from tests.conftest import flat

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = load_glossary()

# What the issue asks the glossary to cover, and the words llmguide's own output uses.
REQUIRED = [
    "tokenization", "context", "parameters", "training vs inference", "fine-tuning", "embeddings",
    "quantization", "lora", "zero-shot", "few-shot", "in-context learning", "instruction tuning", "rlhf",
    "vector search", "pq", "hnsw", "lsh", "llama.cpp", "gptq", "peft", "llama-cpp-python",
    "text-generation-webui", "langchain", "vllm with ray", "deepspeed", "transformers",
    "kv cache", "gqa", "moe", "sliding window", "k-quants", "q4_0", "iq4_xs", "mxfp4", "awq", "fp8",
    "offload", "tensor parallel", "pipeline parallel", "ttft", "tok/s", "flash attention", "gguf", "mmap",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_term_resolves(name):
    term = GLOSSARY.get(name)
    assert term.text and term.sources


@pytest.mark.parametrize("typed, expected", [
    ("KV Cache", "kv-cache"), ("quantisation", "quantization"), ("flash atention", "flash-attention"),
    ("Grouped Query Attention", "gqa"), ("Q4_K_M", "k-quants"), ("-ngl", "offload"),
])
def test_other_spellings_and_typos_find_the_entry(typed, expected):
    assert GLOSSARY.get(typed).id == expected


def test_unknown_term_says_did_you_mean(cli):
    r = cli("explain", "paralel")
    assert r.exit_code == 1
    assert "Unknown term 'paralel'" in r.stderr and "Did you mean: " in r.stderr and "tensor-parallel" in r.stderr
    r = cli("explain", "xyzzy")
    assert r.exit_code == 1 and "llmguide explain lists every term" in r.stderr


def test_one_term_shows_text_commands_related_terms_and_sources(cli):
    text = flat(cli("explain", "gqa").stdout)
    assert "Grouped-query attention (GQA)" in text and "query heads share one key and value head" in text
    assert "llmguide show llama-3.1-8b-instruct" in text and "KV cache (kv-cache)" in text
    assert "https://arxiv.org/abs/2305.13245" in text


def test_the_list_names_every_term(cli):
    text = flat(cli("explain").stdout)
    assert all(t.id in text for t in GLOSSARY.terms)
    assert f"{len(GLOSSARY.terms)} terms" in text


def test_json_is_pure_and_complete(cli):
    one = cli.json("explain", "lora")
    assert one["id"] == "lora" and one["sources"][0]["url"].startswith("https://")
    every = cli.json("explain")
    assert [t["id"] for t in every["terms"]] == [t.id for t in GLOSSARY.terms]


def test_docs_glossary_md_is_current(cli):
    assert cli("explain", "--markdown").stdout == (ROOT / "docs" / "glossary.md").read_text(), \
        "docs/glossary.md is stale: run 'llmguide explain --markdown > docs/glossary.md'"


SUGGESTED = sorted({c for t in GLOSSARY.terms for c in t.commands})


@pytest.mark.parametrize("command", SUGGESTED)
def test_every_suggested_command_runs(cli, command):
    """A suggestion that fails is worse than none. Commands about the reader's own file only need
    to name a real command."""
    args = shlex.split(command)[1:]
    if any(a.startswith("./") for a in args):
        assert cli(args[0], "--help").exit_code == 0
        return
    r = cli(*args)
    assert r.exit_code == 0, r.output


def _write(tmp_path, body: str) -> Path:
    p = tmp_path / "glossary.yaml"
    p.write_text("sources:\n  s: {title: A source, url: 'https://example.org'}\nterms:\n" + body)
    return p


@pytest.mark.parametrize("body, problem", [
    ("  - {id: aa, term: A, kind: concept, text: x, sources: [s]}\n  - {id: bb, term: a, kind: concept, text: x, sources: [s]}\n",
     "'a' is already a name of 'aa'"),
    ("  - {id: aa, term: A, kind: concept, text: x, sources: [s], see_also: [zz]}\n", "see_also 'zz' is not a term id"),
    ("  - {id: aa, term: A, kind: concept, text: x, sources: [nope]}\n", "source 'nope' is not under sources"),
    ("  - {id: aa, term: A, kind: concept, text: x, sources: [s], commands: ['rm -rf /']}\n", "does not start with 'llmguide '"),
    ("  - {id: aa, term: A, kind: feeling, text: x, sources: [s]}\n", "line 4: field 'terms.0.kind'"),
    ("  - {id: aa, term: A, kind: concept, text: x, sources: [s], colour: red}\n", "unknown field"),
    ("  - {id: aa, term: A, kind: concept, text: x, sources: []}\n", "field 'terms.0.sources'"),
])
def test_a_broken_glossary_names_file_line_and_field(tmp_path, body, problem):
    with pytest.raises(CatalogError) as e:
        load_glossary(_write(tmp_path, body))
    assert problem in "\n".join(e.value.problems)
    assert str(tmp_path) in e.value.path


def test_catalog_validate_checks_the_glossary(cli, tmp_path):
    import shutil

    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    assert cli("catalog", "validate", str(tmp_path / "catalog")).exit_code == 0
    g = tmp_path / "catalog" / "glossary.yaml"
    g.write_text(g.read_text().replace("see_also: [gqa, context, sliding-window]", "see_also: [gqa, nothing-here]"))
    r = cli("catalog", "validate", str(tmp_path / "catalog"))
    assert r.exit_code == 1 and "see_also 'nothing-here' is not a term id" in r.output
