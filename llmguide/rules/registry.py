"""The rule registry: every rule has a unique code, a name and a one-line summary for users.

Hard rules decide eligibility (``check`` returns a ``Verdict``); soft rules add points to rank
the eligible (``score`` returns a ``Score``). Registering a code twice fails at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from llmguide.rules.base import Candidate, Env, Score, Verdict


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Callable[[Candidate, Env], Verdict] | None = None
    score: Callable[[Candidate, Env], Score] | None = None
    # Whether the rule reads the candidate's fit (quantization, placement, speed). A rule that does
    # not is judged once per model instead of once per quantization tried.
    per_fit: bool = False
    # The most points a soft rule can give (0: a penalty only). When every per-fit soft rule has
    # one, ``recommend`` bounds a model's score before trying its quantizations (the rules without
    # one are scored for the bound) and works out in full only the models that can reach the first
    # ranks (rules/engine.py).
    ceiling: float | None = None
    # A soft rule's points alone, without the reason: what the bound reads for each model below
    # the first ranks (thousands over a large catalog). Left out: the score's points.
    points: Callable[[Candidate, Env], float] | None = None

    @property
    def hard(self) -> bool:
        return self.check is not None

    def judge(self, c: Candidate, env: Env) -> Verdict:
        """A hard rule's verdict on ``c``."""
        if self.check is None:
            raise TypeError(f"rule {self.code} scores; it does not judge")
        return self.check(c, env)

    def rate(self, c: Candidate, env: Env) -> Score:
        """A soft rule's score of ``c``."""
        if self.score is None:
            raise TypeError(f"rule {self.code} judges; it does not score")
        return self.score(c, env)

    def rate_points(self, c: Candidate, env: Env) -> float:
        """A soft rule's points for ``c`` (``rate(c, env).points``, without writing the reason)."""
        return self.points(c, env) if self.points is not None else self.rate(c, env).points


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise RuntimeError(f"rule code {rule.code} registered twice ({RULES[rule.code].name}, {rule.name})")
    if (rule.check is None) == (rule.score is None):
        raise RuntimeError(f"rule {rule.code} must define exactly one of check or score")
    if rule.points is not None and rule.hard:
        raise RuntimeError(f"rule {rule.code}: only a soft rule has points")
    if rule.ceiling is not None and rule.hard:
        raise RuntimeError(f"rule {rule.code}: only a soft rule has a ceiling")
    RULES[rule.code] = rule
    return rule


def hard_rules() -> list[Rule]:
    _load()
    return sorted((r for r in RULES.values() if r.hard), key=lambda r: r.code)


def soft_rules() -> list[Rule]:
    _load()
    return sorted((r for r in RULES.values() if not r.hard), key=lambda r: r.code)


def _load() -> None:
    # Importing the modules registers their rules; the list is explicit so nothing loads by accident.
    from llmguide.rules import (  # noqa: F401
        capabilities, context, context_margin, evidence, fits, headroom_score, language, license_policy, low_bit, max_ttft,
        min_speed, quant_loss, recency, serves_task, specialty, speed_score,
    )
