"""The share of quality a quantization keeps: less with fewer bits, less on smaller models."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from llmguide.quality.quant import expected_loss, low_bit, ranking_loss

LADDER = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")


def _quants(catalog):
    return {q.name: q for q in catalog.quants.quants}


def _dense(catalog, size):
    var = next(v for _, v in catalog.variants() if v.id == "llama-3.1-8b-instruct")
    return replace(var, params=replace(var.params, total_b=size, active_b=None))


def test_fewer_bits_lose_more(catalog):
    q, var = _quants(catalog), _dense(catalog, 8.0)
    losses = [expected_loss(q[name], var) for name in LADDER]
    assert losses == sorted(losses) and losses[0] < 0.005 and 0.25 < losses[-1] < 0.4


@given(st.floats(0.5, 1000), st.floats(0.5, 1000))
def test_larger_models_lose_less(catalog, a, b):
    q = _quants(catalog)
    small, large = sorted((a, b))
    for name in LADDER:
        assert expected_loss(q[name], _dense(catalog, large)) <= expected_loss(q[name], _dense(catalog, small)) + 1e-12


def test_ranking_counts_the_cautious_end(catalog):
    q, var = _quants(catalog), _dense(catalog, 27.0)
    assert ranking_loss(expected_loss(q["Q4_K_M"], var)) == 2 * expected_loss(q["Q4_K_M"], var)


def test_gpt_oss_keeps_its_released_experts(catalog):
    """Every preset stores gpt-oss's experts in MXFP4, as released: only the rest can lose."""
    q = _quants(catalog)
    oss = next(v for _, v in catalog.variants() if v.id == "gpt-oss-120b")
    dense = _dense(catalog, 120.0)
    assert expected_loss(q["Q2_K"], oss) < 0.1 * expected_loss(q["Q2_K"], dense)


def test_two_bit_names():
    assert low_bit("Q2_K") and low_bit("IQ2_XXS") and low_bit("iq1_s")
    assert not low_bit("Q3_K_M") and not low_bit("Q4_K_M")
