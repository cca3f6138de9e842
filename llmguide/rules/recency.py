"""S8 recency: a small penalty for an *estimated* model released long before the newest in the catalog.

A model judged on its own evidence is already compared with today's models on the same benchmark;
an estimate (from a sibling or an overall index) is not, and newer training recipes do more with
the same size. A model loses 1.5 points per year of age beyond the first,
at most 3, counted from the newest release month in the catalog (not today's date, so answers do
not drift with the calendar).
"""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

POINTS_PER_YEAR = 1.5
MAX_PENALTY = 3.0


def _months(month: str) -> int:
    year, mon = month[:7].split("-")
    return int(year) * 12 + int(mon)


def _recency(c: Candidate, env: Env) -> Score:
    released, newest = c.variant.release.month[:7], env.catalog.newest_month
    age = (_months(newest) - _months(released)) / 12
    if c.quality is not None and not c.quality.estimated:
        return Score("S8", 0.0, f"released {released}; judged on its own evidence against current models")
    penalty = min(MAX_PENALTY, max(0.0, age - 1) * POINTS_PER_YEAR)
    points = -penalty if penalty else 0.0
    return Score("S8", points, f"released {released}, {age:.1f} years before the newest in the catalog ({newest})")


register(Rule("S8", "recency", "Penalty for estimated models released more than a year before the newest in the catalog.", score=_recency,
              ceiling=0.0))
