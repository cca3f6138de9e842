"""S1 task quality: how good the model is at the task, from comparable evidence (llmguide/quality/).

Points run from 0 (no skill: the benchmark's floor) to 100 (the best open model on the task's
scale). The score counted is the value less one uncertainty, so a model judged on its own main
benchmark keeps nearly all of it and an estimate (from an overall index, a sibling, or size and
release date) gives up its doubt: it cannot outrank a comparable model with strong evidence on
hope alone. The reason names the evidence, its setting, evaluator and date, and the confidence, and
says so when the entry is unvetted (``catalog add hf:ORG/NAME``: read from the Hub, not reviewed).
"""

from __future__ import annotations

from llmguide.catalog.schema import unvetted
from llmguide.quality.task import Quality
from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

MODE_WORDS = {"thinking": "thinking mode", "non-thinking": "non-thinking mode", "instruct": "", "base": ""}


def mode_text(quality: Quality | None) -> str:
    """How to run the model for this score: 'thinking mode', 'reasoning effort high', or ''."""
    if quality is None or quality.mode is None:
        return ""
    setting, effort = quality.mode
    words = [MODE_WORDS.get(setting, setting)] if MODE_WORDS.get(setting) else []
    if effort:
        words.append(f"reasoning effort {effort}")
    return ", ".join(words)


def describe(q: Quality) -> str:
    """One line: the evidence (or how it was estimated), the value and the confidence."""
    if q.used and q.basis in ("own", "general"):
        first = q.used[0].row
        bench = f"{first.benchmark} {first.score:g}"
        more = f" +{len(q.used) - 1} more" if len(q.used) > 1 else ""
        what = f"{bench}{more} ({first.evaluator}, {first.source_date[:7]})"
        if q.basis == "general":
            what = f"estimated from {what}"
    else:
        what = f"estimated {q.note}"
    mode = mode_text(q)
    return f"{what}: {q.points:.0f} ± {q.points - q.ranked_points:.0f} points, {q.confidence} confidence" + (f"; {mode}" if mode else "")


def _s1(c: Candidate, env: Env) -> Score:
    q = c.quality
    flag = "; unvetted entry (added from the Hub, not reviewed)" if unvetted(c.variant) else ""
    if q is None:
        return Score("S1", 0.0, "no evidence for this task in the catalog" + flag, True)
    return Score("S1", _points(c, env), describe(q) + flag, q.estimated)


def _points(c: Candidate, env: Env) -> float:
    return round(c.quality.ranked_points, 2) if c.quality is not None else 0.0


register(Rule("S1", "task-quality", "Quality at the task from comparable evidence, less its uncertainty (0-100 points).",
              score=_s1, points=_points))
