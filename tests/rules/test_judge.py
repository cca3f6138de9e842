"""The ranking's quick paths give what the plain ones would: its written-out constructors make a
candidate (at an option too, ``at``) and a rejection (with its failed verdicts), frozen, every
field set; ``Judge.verdicts`` gives every hard rule's verdict, in rule order."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields, replace

import pytest

from llmguide.estimate.ladder import quant_options
from llmguide.hardware.flags import from_flags
from llmguide.model.architecture import Architecture
from llmguide.quality.task import quality
from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.engine import Rejected, make_request
from llmguide.rules.judge import Judge, at
from llmguide.rules.registry import hard_rules, soft_rules


def test_a_candidate_at_an_option_is_the_candidate_with_that_fit(catalog):
    family, variant = catalog.variants()[0]
    arch = Architecture.from_facts(variant.architecture)
    options, smallest = quant_options(arch, 4096, from_flags(24, 64, devices=catalog.hardware))
    judged = quality(catalog, "chat", family, variant)
    base = Candidate(family, variant, arch, None, smallest, judged)
    assert len(options) > 1 and judged is not None
    for fit in options:
        made = at(base, fit)
        assert made == replace(base, fit=fit) and made.fit is fit and base.fit is None
        assert (made.family, made.variant, made.arch, made.smallest, made.quality) == (family, variant, arch, smallest, judged)
        assert set(vars(made)) == {f.name for f in fields(Candidate)}
        with pytest.raises(FrozenInstanceError):
            made.fit = None  # type: ignore[misc]
    assert Candidate(family, variant, arch, None, smallest).quality is None  # the default kept


def test_a_rejection_keeps_its_failed_verdicts(catalog):
    family, variant = catalog.variants()[0]
    cand = Candidate(family, variant, Architecture.from_facts(variant.architecture), None, None)  # type: ignore[arg-type]
    verdicts = (Verdict("H1", True, "ok"), Verdict("H2", False, "no"), Verdict("H5", False, "too big", "Q2_K"))
    made = Rejected(cand, verdicts)
    assert made.failed == verdicts[1:] and made.verdicts == verdicts and made.candidate is cand
    assert made == Rejected(candidate=cand, verdicts=verdicts)
    assert set(vars(made)) == {f.name for f in fields(Rejected)}
    with pytest.raises(FrozenInstanceError):
        made.verdicts = ()  # type: ignore[misc]


def test_verdicts_are_every_hard_rule_in_rule_order(catalog):
    """``Judge.verdicts`` takes the rules judged once per model from ``fixed`` and calls the others:
    the tuple must be each hard rule's own verdict, in rule order (views and --json list them so)."""
    hw = from_flags(8, 32, devices=catalog.hardware)
    env = Env(catalog, make_request(catalog, "code", 8192, min_speed=15, license="permissive"), hw)
    judge = Judge(env, hard_rules(), soft_rules())
    failing = 0
    for family, variant in catalog.variants()[::4]:
        arch = Architecture.from_facts(variant.architecture)
        options, smallest = quant_options(arch, 8192, hw)
        base = Candidate(family, variant, arch, None, smallest, quality(catalog, "code", family, variant))
        fixed = judge.fixed(base)
        for cand in [base, *(at(base, fit) for fit in options)]:
            got = judge.verdicts(cand, fixed)
            assert got[0] is cand
            assert got[1] == tuple(rule.judge(cand, env) for rule in hard_rules())
            failing += not all(v.passed for v in got[1])
    assert failing > 10  # some fail, fixed and per-fit rules alike: the order was checked on both
