"""Whatever the request, no model that recommend ranks breaks a hard constraint it was given."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmguide.hardware.flags import from_flags
from llmguide.rules import registry
from llmguide.rules.engine import make_request, recommend
from llmguide.rules.license_policy import PERMISSIVE

GPUS = ["rtx-3090", "rtx-4090", "a100-sxm-80gb", "h100-sxm-80gb", None]


@st.composite
def requests(draw):
    gpu = draw(st.sampled_from(GPUS))
    return {
        "task": draw(st.sampled_from(["chat", "code", "reasoning", "long-context", "multilingual"])),
        "gpu": gpu,
        "gpus": draw(st.sampled_from([1, 2, 4])) if gpu else None,
        "ram": draw(st.sampled_from([None, 16, 64])) if gpu else draw(st.sampled_from([16, 32, 128])),
        "context": draw(st.sampled_from([None, 8192, 32768, 131072])),
        "license": draw(st.sampled_from([None, "permissive", "commercial", "Apache-2.0"])),
        "min_speed": draw(st.sampled_from([None, 5.0, 30.0, 100.0])),
        "max_ttft": draw(st.sampled_from([None, 0.25, 2.0])) if gpu else None,
        "modality": draw(st.sampled_from([None, ["image"]])),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_no_ranked_model_breaks_a_hard_constraint(catalog, q):
    req = make_request(catalog, q["task"], q["context"], None, 5, license=q["license"],
                       min_speed=q["min_speed"], max_ttft=q["max_ttft"], modalities=q["modality"])
    hw = from_flags(None, q["ram"], gpu=q["gpu"], gpus=q["gpus"], devices=catalog.hardware)
    rec = recommend(catalog, req, hw)
    budget = hw.vram_budget + hw.ram_budget
    for r in rec.ranked:
        c = r.candidate
        lic = c.variant.license or c.family.license
        assert c.variant.context.length >= req.context
        assert c.fit.estimate.total <= budget
        assert set(req.modalities) <= set(c.variant.modalities)
        if req.license == "permissive":
            assert lic.id.lower() in PERMISSIVE and lic.commercial_use == "yes"
        elif req.license == "commercial":
            assert lic.commercial_use in ("yes", "restricted")
        elif req.license:
            assert lic.id == req.license
        if req.min_speed:
            assert c.fit.speed.decode_tokens_per_s >= req.min_speed
        if req.max_ttft:
            assert c.fit.speed.ttft_s <= req.max_ttft
    assert len(rec.ranked) + len(rec.rejected) == len(catalog.variants())


@contextmanager
def every_model_in_full():
    """The per-fit soft rules without their ceilings: recommend then scores every model in full."""
    saved = dict(registry.RULES)
    registry.RULES.update({code: replace(r, ceiling=None) for code, r in saved.items() if r.ceiling is not None})
    try:
        yield
    finally:
        registry.RULES.clear()
        registry.RULES.update(saved)


def _ranking(rows):
    return [(r.rank, r.candidate.variant.id, r.score, r.fit.estimate.quant, [s.reason for s in r.scores]) for r in rows]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(), st.sampled_from([1, 2, 5, 20]))
def test_bounding_scores_changes_no_ranking(catalog, q, top):
    """recommend scores in full only the models whose best possible score reaches the first ranks;
    the others' scores are finished when the whole ranking is asked for. Both give the ranking, the
    first ranks and the rejections that scoring every model does."""
    req = make_request(catalog, q["task"], q["context"], None, top, license=q["license"],
                       min_speed=q["min_speed"], max_ttft=q["max_ttft"], modalities=q["modality"])
    hw = from_flags(None, q["ram"], gpu=q["gpu"], gpus=q["gpus"], devices=catalog.hardware)
    bounded = recommend(catalog, req, hw)
    with every_model_in_full():
        full = recommend(catalog, req, hw)
    assert full.rest is None
    assert _ranking(bounded.top) == _ranking(full.top)
    assert bounded.eligible == full.eligible == len(full.ranked)
    assert [(j.candidate.variant.id, j.verdicts) for j in bounded.rejected] == [(j.candidate.variant.id, j.verdicts) for j in full.rejected]
    assert _ranking(bounded.ranked) == _ranking(full.ranked)


def test_models_below_the_first_ranks_are_scored_only_when_asked(catalog):
    req = make_request(catalog, "chat", top=1)
    rec = recommend(catalog, req, from_flags(24, 64, devices=catalog.hardware))
    assert len(rec.leading) == 1 and rec.rest is not None and rec.eligible > 50
    assert "ranked" not in rec.__dict__  # the view of the first ranks did not finish the rest
    assert len(rec.top) == 1 and "ranked" not in rec.__dict__
    assert len(rec.ranked) == rec.eligible and [r.rank for r in rec.ranked] == list(range(1, rec.eligible + 1))


def test_copies_of_a_recommendation_share_its_rest(catalog, monkeypatch):
    """The ranks after the first are worked out once, for a recommendation and the copies made of
    it (why-not --json copies it to list every eligible model)."""
    from llmguide.cli.serialize import recommendation_dict_all
    from llmguide.rules import judge

    req = make_request(catalog, "chat", top=1)
    rec = recommend(catalog, req, from_flags(24, 64, devices=catalog.hardware))
    calls = []
    real = judge.Judge.options
    monkeypatch.setattr(judge.Judge, "options", lambda self, *a: (calls.append(1), real(self, *a))[1])
    copy = replace(rec, sort="score")
    assert _ranking(copy.ranked) == _ranking(rec.ranked)
    once = len(calls)
    assert once > 0
    assert len(recommendation_dict_all(rec)) == rec.eligible
    assert len(calls) == once


def test_a_recommendation_built_whole_counts_its_eligible(catalog):
    rec = recommend(catalog, make_request(catalog, "chat", top=3), from_flags(24, 64, devices=catalog.hardware))
    built = type(rec)(rec.request, rec.hardware, rec.ranked, rec.rejected)  # no rest, no count given
    assert built.eligible == len(rec.ranked) == rec.eligible and _ranking(built.top) == _ranking(rec.top)
