"""H3 context: the model must support the context the user plans to use."""

from __future__ import annotations

from functools import lru_cache

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register
from llmguide.units import fmt_tokens


def _context(c: Candidate, env: Env) -> Verdict:
    return _covers(c.variant.context.length, max(env.request.context, env.request.task.min_context or 0))


@lru_cache(maxsize=1024)  # verdicts are frozen: one per window and plan serves every model
def _covers(have: int, wanted: int) -> Verdict:
    if have >= wanted:
        return Verdict("H3", True, f"context {fmt_tokens(have)} covers {fmt_tokens(wanted)}")
    return Verdict("H3", False, f"context {fmt_tokens(have)} is shorter than the {fmt_tokens(wanted)} asked for")


register(Rule("H3", "context", "The model's supported context must cover the context asked for.", check=_context))
