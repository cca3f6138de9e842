"""S5 speed: nothing lost at or above the usable speed, 20 points per halving below it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmguide.rules.speed_score import MAX_PENALTY, POINTS_PER_HALVING, _speed

USABLE = 10.0


def _score(tps, min_speed=None, mode=None):
    speed = None if tps is None else SimpleNamespace(decode_tokens_per_s=tps)
    cand = SimpleNamespace(arch=None, fit=SimpleNamespace(speed=speed, placement=None, estimate=SimpleNamespace(quant="Q4_K_M")),
                           quality=SimpleNamespace(mode=mode) if mode else None)
    env = SimpleNamespace(request=SimpleNamespace(min_speed=min_speed, task=SimpleNamespace(usable_speed=USABLE)), hardware=None)
    return _speed(cand, env)


def test_half_the_usable_speed_costs_one_halving():
    s = _score(USABLE / 2)
    assert s.points == pytest.approx(-POINTS_PER_HALVING)
    assert "below the usable 10 tok/s" in s.reason


def test_unknown_speed_costs_nothing_and_says_so():
    s = _score(None)
    assert s.points == 0 and "not estimated" in s.reason


def test_min_speed_raises_the_target():
    assert _score(30).points == 0
    assert _score(30, min_speed=60).points == pytest.approx(-POINTS_PER_HALVING)


def test_thinking_mode_needs_twice_the_speed():
    assert _score(15).points == 0
    s = _score(10, mode=("thinking", ""))
    assert s.points == pytest.approx(-POINTS_PER_HALVING) and "thinking mode" in s.reason


@given(st.floats(0.001, 1000), st.floats(0.001, 1000))
def test_faster_never_scores_lower(a, b):
    slow, fast = sorted((a, b))
    assert -MAX_PENALTY <= _score(slow).points <= _score(fast).points <= 0


def test_a_split_on_an_unknown_gpu_is_judged_by_its_cpu_share(catalog):
    from llmguide.hardware.flags import from_flags
    from llmguide.rules.engine import make_request, recommend

    rec = recommend(catalog, make_request(catalog, "chat", top=40), from_flags(8, 32))
    by_id = {r.candidate.variant.id: r for r in rec.ranked}
    dense, moe = by_id["gemma-4-31b-it"], by_id["gemma-4-26b-a4b-it"]
    assert dense.candidate.fit.placement.mode == "split"
    assert moe.candidate.fit.placement.mode == "expert_offload"  # its experts in RAM, the rest on the GPU
    s5 = {r: next(s for s in by_id[r].scores if s.code == "S5") for r in ("gemma-4-31b-it", "gemma-4-26b-a4b-it")}
    assert s5["gemma-4-31b-it"].points < -5 and "at most" in s5["gemma-4-31b-it"].reason
    assert s5["gemma-4-26b-a4b-it"].points == 0
    assert moe.rank < dense.rank
