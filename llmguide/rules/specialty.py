"""S4 specialty: +2 when the model specialises in what the task prefers.

A tie-breaker only: how good a specialist is shows in its task evidence (S1)."""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

SPECIALTY_BONUS = 2.0


def _s4(c: Candidate, env: Env) -> Score:
    shared = [s for s in env.request.task.prefers_specialties if s in c.variant.specialties]
    if shared:
        return Score("S4", SPECIALTY_BONUS, f"specialises in {', '.join(shared)}")
    return Score("S4", 0.0, "no matching specialty")


register(Rule("S4", "specialty", "Small bonus (+2) for models specialised in what the task prefers.", score=_s4))
