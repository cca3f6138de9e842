"""S4 specialty: +2 when a model whose task quality is estimated from overall measures (an overall
index, or size) specialises in what the task prefers.

How good a specialist is shows in its own task evidence, and a sibling's estimate carries the
family's specialty with it; only an estimate from overall measures misses it (a code model does
better at code than its overall index says), so only that gets the bonus."""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

SPECIALTY_BONUS = 2.0


def _s4(c: Candidate, env: Env) -> Score:
    shared = [s for s in env.request.task.prefers_specialties if s in c.variant.specialties]
    if not shared:
        return Score("S4", 0.0, "no matching specialty")
    if c.quality is not None and c.quality.basis not in ("general", "size"):
        return Score("S4", 0.0, f"specialises in {', '.join(shared)} (already in its task evidence)")
    return Score("S4", SPECIALTY_BONUS, f"specialises in {', '.join(shared)}")


register(Rule("S4", "specialty", "Small bonus (+2) for a specialist whose task quality is estimated from overall measures.", score=_s4,
              ceiling=SPECIALTY_BONUS))
