"""S2 quantization loss: the share of the model's task quality its quantization gives up.

llmguide/quality/quant.py turns llama.cpp's measured KL divergence of the preset (on Llama-3-8B)
into an expected share of quality lost, scaled to the model's size (dense-equivalent size for MoE
models); ranking counts twice that, the cautious end of the estimate. The points lost are that
share of S1's points.
"""

from __future__ import annotations

from llmguide.quality.quant import expected_loss, loss_size, ranking_loss
from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register


def _s2(c: Candidate, env: Env) -> Score:
    if c.fit is None:  # scores are only asked of a model that fits
        return Score("S2", 0.0, "no quantization chosen")
    quant = c.fit.estimate.quant
    info = next(q for q in env.catalog.quants.quants if q.name == quant)
    expected = expected_loss(info, c.variant, c.arch)
    counted = ranking_loss(expected)
    base = max(0.0, c.quality.ranked_points) if c.quality else 0.0
    size = loss_size(c.variant)
    what = f"{size:.3g}B dense-equivalent" if c.variant.params.active_b else f"{size:.3g}B"
    reason = f"{quant} loses {expected:.1%} of the quality ({what}); ranking counts {counted:.1%}"
    return Score("S2", round(-base * counted, 2), reason)


register(Rule("S2", "quant-loss", "Quality lost to the chosen quantization (measured KL divergence, scaled to model size).",
              score=_s2, per_fit=True, ceiling=0.0))
