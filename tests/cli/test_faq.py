"""``llmguide faq``: the questions the product promises to answer, each pointing at commands that
run and at glossary terms that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from llmguide.errors import CatalogError
from llmguide.knowledge.faq import load_faq
from tests.conftest import flat

ROOT = Path(__file__).resolve().parents[2]
FAQ = load_faq()


@pytest.mark.parametrize("topic, expected", [
    ("open source", "open-vs-commercial"), ("commercial", "open-vs-commercial"), ("specialized", "specialized-vs-general"),
    ("ethics", "ethics-at-scale"), ("production", "production-checklist"), ("deployment", "production-checklist"),
    ("quantisation", "which-quantization"), ("speed", "how-fast"), ("vram", "will-it-fit"),
])
def test_the_questions_are_found_by_their_words(topic, expected):
    assert FAQ.get(topic).id == expected


def test_the_production_answer_points_at_deploy_and_names_the_frameworks(cli):
    text = flat(cli("faq", "production").stdout)
    assert "llmguide deploy llama-3.1-8b-instruct --users 32 --gpu h100-sxm" in text
    for name in ("BentoML", "TorchServe", "TensorFlow Serving", "ONNX Runtime", "vLLM", "health checks", "metrics"):
        assert name in text
    assert "llmguide explain tensor-parallel" in text


def test_the_list_and_json(cli):
    text = flat(cli("faq").stdout)
    assert all(q.id in text for q in FAQ.questions)
    one = cli.json("faq", "ethics")
    assert one["id"] == "ethics-at-scale" and one["sources"]
    assert [q["id"] for q in cli.json("faq")["questions"]] == [q.id for q in FAQ.questions]


def test_unknown_topic(cli):
    r = cli("faq", "weather")
    assert r.exit_code == 1 and "Unknown FAQ topic 'weather'" in r.stderr


def test_docs_faq_md_is_current(cli):
    assert cli("faq", "--markdown").stdout == (ROOT / "docs" / "faq.md").read_text(), \
        "docs/faq.md is stale: run 'llmguide faq --markdown > docs/faq.md'"


@pytest.mark.parametrize("command", sorted({c for q in FAQ.questions for c in q.commands}))
def test_every_suggested_command_runs(cli, command):
    args = shlex.split(command)[1:]
    if any(a.startswith("./") for a in args) or args[0] == "hardware":
        assert cli(args[0], "--help").exit_code == 0
        return
    r = cli(*args)
    assert r.exit_code == 0, r.output


def test_see_also_must_name_glossary_terms(tmp_path):
    import shutil

    shutil.copy(ROOT / "catalog" / "glossary.yaml", tmp_path / "glossary.yaml")
    (tmp_path / "faq.yaml").write_text(
        "sources:\n  s: {title: A source, url: 'https://example.org'}\nquestions:\n"
        "  - {id: aa, question: Why?, answer: Because., sources: [s], see_also: [no-such-term]}\n")
    with pytest.raises(CatalogError) as e:
        load_faq(tmp_path / "faq.yaml")
    assert "see_also 'no-such-term' is not a glossary term id" in "\n".join(e.value.problems)
