"""The rule registry is checked: unique codes, one job per rule, every rule documented."""

from __future__ import annotations

import pytest

from llmguide.errors import UsageError
from llmguide.rules.engine import make_request
from llmguide.estimate.ladder import LADDER
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


@pytest.mark.parametrize("flags", [dict(vram=24, ram=64), dict(vram=8), dict(ram=16)])
def test_rules_not_marked_per_fit_do_not_read_the_fit(catalog, flags):
    """The engine judges a rule without ``per_fit`` once per model: it must give the same answer for
    every quantization and placement of that model (and the per-fit ones must differ somewhere)."""
    from llmguide.hardware.flags import from_flags
    from llmguide.model.architecture import Architecture
    from llmguide.quality.task import quality
    from llmguide.rules.base import Candidate, Env
    from llmguide.estimate.ladder import quant_options

    hw = from_flags(flags.get("vram"), flags.get("ram"), devices=catalog.hardware)
    req = make_request(catalog, "code", 8192, ["en"], license="permissive", min_speed=5)
    env = Env(catalog, req, hw)
    varied: set[str] = set()
    for family, variant in catalog.variants()[::3]:
        arch = Architecture.from_facts(variant.architecture)
        q = quality(catalog, "code", family, variant)
        options, smallest = quant_options(arch, req.context, hw)
        cands = [Candidate(family, variant, arch, f, smallest, q) for f in options]
        cands.append(Candidate(family, variant, arch, None, smallest, q))  # nothing fits
        for rule in hard_rules() + soft_rules():
            job = rule.check or rule.score
            answers = {repr(job(c, env)) for c in cands if rule.check or c.fit is not None or not rule.per_fit}
            if rule.per_fit:
                varied |= {rule.code} if len(answers) > 1 else set()
            else:
                assert len(answers) <= 1, (rule.code, variant.id, answers)
    assert {"H5", "S2"} <= varied


@pytest.mark.parametrize("flags", [dict(vram=24, ram=64), dict(vram=8), dict(ram=16)])
def test_scores_stay_under_their_ceilings(catalog, flags):
    """recommend bounds a model's score by the soft rules' ceilings before trying its options: no
    score may pass its rule's ceiling, and every per-fit soft rule has one (else nothing is bounded)."""
    from llmguide.hardware.flags import from_flags
    from llmguide.model.architecture import Architecture
    from llmguide.quality.task import quality
    from llmguide.rules.base import Candidate, Env
    from llmguide.estimate.ladder import quant_options

    assert all(r.ceiling is not None for r in soft_rules() if r.per_fit)
    bounded = [r for r in soft_rules() if r.ceiling is not None]
    assert {"S4", "S7", "S8"} <= {r.code for r in bounded}
    hw = from_flags(flags.get("vram"), flags.get("ram"), devices=catalog.hardware)
    for task in ("chat", "code", "reasoning"):
        for context in (2048, 32768):
            env = Env(catalog, make_request(catalog, task, context, min_speed=20), hw)
            for family, variant in catalog.variants()[::2]:
                arch = Architecture.from_facts(variant.architecture)
                q = quality(catalog, task, family, variant)
                options, smallest = quant_options(arch, context, hw)
                for fit in options:
                    for rule in bounded:
                        assert rule.rate(Candidate(family, variant, arch, fit, smallest, q), env).points <= rule.ceiling, rule.code


def test_only_soft_rules_have_ceilings():
    with pytest.raises(RuntimeError, match="only a soft rule"):
        register(Rule("Z8", "x", "x", check=lambda c, e: None, ceiling=0.0))  # type: ignore[arg-type,return-value]


def test_only_soft_rules_have_points():
    with pytest.raises(RuntimeError, match="only a soft rule has points"):
        register(Rule("Z7", "x", "x", check=lambda c, e: None, points=lambda c, e: 0.0))  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize("task", ["chat", "code", "multilingual"])
def test_points_alone_are_the_scores_points(catalog, task):
    """The bound reads a soft rule's points without its reason (``rate_points``): for every rule
    and model they must be the points its full score gives, else a model could be pruned wrongly."""
    from llmguide.hardware.flags import from_flags
    from llmguide.model.architecture import Architecture
    from llmguide.quality.task import quality
    from llmguide.rules.base import Candidate, Env
    from llmguide.estimate.ladder import quant_options

    hw = from_flags(12, 32, devices=catalog.hardware)
    env = Env(catalog, make_request(catalog, task, 8192), hw)
    with_points = [r for r in soft_rules() if r.points is not None]
    assert "S1" in {r.code for r in with_points}
    s1 = RULES["S1"]
    seen: set[float] = set()
    for family, variant in catalog.variants():
        arch = Architecture.from_facts(variant.architecture)
        options, smallest = quant_options(arch, 8192, hw)
        for fit in [None, *options[:1]]:
            c = Candidate(family, variant, arch, fit, smallest, quality(catalog, task, family, variant))
            for rule in soft_rules():
                if fit is None and rule.per_fit:
                    continue
                points = rule.rate_points(c, env)
                assert points == rule.rate(c, env).points, (rule.code, variant.id)
                if rule.points is not None:
                    seen.add(points)
            # and S1's, worked out here on their own: what the score shows is what the bound reads
            assert s1.rate_points(c, env) == (round(c.quality.ranked_points, 2) if c.quality else 0.0)
    assert len(seen) > 10  # the points differ between models: the check compared something
