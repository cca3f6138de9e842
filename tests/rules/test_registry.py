"""The rule registry is checked: unique codes, one job per rule, every rule documented."""

from __future__ import annotations

import pytest

from llmguide.errors import UsageError
from llmguide.rules.engine import make_request
from llmguide.rules.fit import LADDER
from llmguide.rules.registry import RULES, Rule, hard_rules, register, soft_rules


def test_rules_are_registered_with_summaries():
    codes = [r.code for r in hard_rules() + soft_rules()]
    assert codes == sorted(set(codes), key=codes.index)
    assert {f"H{i}" for i in range(1, 9)} | {f"S{i}" for i in (1, 2, 4, 5, 6, 7, 8, 9)} <= set(codes)
    for rule in RULES.values():
        assert rule.name and len(rule.summary) > 20


def test_every_rule_lives_in_its_own_module():
    rules = hard_rules() + soft_rules()
    modules = [(r.check or r.score).__module__ for r in rules]
    assert len(set(modules)) == len(rules), modules


def test_duplicate_code_fails():
    hard_rules()
    with pytest.raises(RuntimeError, match="registered twice"):
        register(Rule("H1", "again", "a duplicate rule for the test", check=lambda c, e: None))


def test_rule_needs_exactly_one_job():
    with pytest.raises(RuntimeError, match="exactly one"):
        register(Rule("X9", "neither", "has neither check nor score"))


def test_ladder_quants_are_in_the_catalog(catalog):
    names = {q.name for q in catalog.quants.quants}
    assert set(LADDER) <= names


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"task": "cod"}, "Unknown task 'cod'"),
        ({"task": "code", "context": 0}, "--context must be a positive"),
        ({"task": "code", "top": 0}, "--top must be at least 1"),
        ({"task": "code", "languages": ["klingon"]}, "Unknown language 'klingon'"),
    ],
)
def test_bad_requests_are_usage_errors(catalog, kwargs, message):
    with pytest.raises(UsageError, match=message):
        make_request(catalog, **kwargs)
