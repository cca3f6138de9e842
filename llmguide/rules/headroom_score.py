"""S6 headroom: a small penalty when the chosen fit leaves under 10% of the usable memory spare.

Usable memory already excludes the reserve kept for the system (--headroom). A model that fills
the rest runs, but a longer prompt than planned, a second context or another program pushes it
over; up to 1 point is lost as the spare share falls from 10% to nothing: enough to break a tie
between two quantizations of equal expected quality, never to outweigh quality. A split model
fills the GPU by design and is judged by S3 and S5 instead.
"""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Score
from llmguide.estimate.fit import TIGHT_SHARE, spare_share
from llmguide.rules.registry import Rule, register

HEADROOM_PENALTY = 1.0


def _headroom(c: Candidate, env: Env) -> Score:
    p = c.fit.placement if c.fit else None
    if p is None:
        return Score("S6", 0.0, "memory not checked")
    if p.mode in ("split", "expert_offload"):
        return Score("S6", 0.0, "split: the GPU is filled by design")
    spare = spare_share(p, env.hardware)
    if spare >= TIGHT_SHARE:
        return Score("S6", 0.0, f"{spare:.0%} of usable memory to spare")
    return Score("S6", -HEADROOM_PENALTY * (1 - spare / TIGHT_SHARE), f"only {spare:.0%} of usable memory to spare")


register(Rule("S6", "headroom", "Penalty when the fit leaves under 10% of usable memory spare.", score=_headroom, per_fit=True, ceiling=0.0))
