"""S7 context margin: a small penalty when the model's context window barely covers the plan.

H3 already requires the window to cover the planned context. A window less than twice the plan
leaves no room for a conversation or a document that grows: -2 points below twice the plan,
-1 below four times it, nothing from four times up.
"""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register
from llmguide.units import fmt_tokens


def _context_margin(c: Candidate, env: Env) -> Score:
    window = c.variant.context.length
    planned = max(env.request.context, env.request.task.min_context or 0)  # what H3 asks for
    ratio = window / planned
    points = -2.0 if ratio < 2 else -1.0 if ratio < 4 else 0.0
    return Score("S7", points, f"window {fmt_tokens(window)} is {ratio:.1f}x the {fmt_tokens(planned)} planned")


register(Rule("S7", "context-margin", "Penalty when the context window is under 4x the context planned.", score=_context_margin, ceiling=0.0))
