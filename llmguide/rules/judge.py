"""The rules applied to one request: each model's verdicts and scores.

A rule that does not read the fit (``per_fit=False``) is judged once per model, the others once
per option tried; the rules memoize verdicts on what they read, so a verdict shared by many models
is built once.
"""

from __future__ import annotations

from collections.abc import Iterable

from llmguide.estimate.fit import spare_share
from llmguide.estimate.ladder import QuantOption
from llmguide.hardware.profile import Hardware
from llmguide.rules.base import Candidate, Env, Score, Verdict
from llmguide.rules.registry import Rule

Judged = tuple[float, Candidate, "tuple[Score, ...] | None", "tuple[Verdict, ...]"]
Explained = tuple[Candidate, tuple[Verdict, ...]]


class Judge:
    def __init__(self, env: Env, hard: list[Rule], soft: list[Rule]):
        self.env, self.soft = env, soft
        self._fixed_checks = [(r.code, r.check) for r in hard if not r.per_fit]
        # in rule order: (code, None) for a rule judged once per model, (code, check) for a per-fit one
        self._order = [(r.code, r.check if r.per_fit else None) for r in hard]

    def fixed(self, base: Candidate) -> dict[str, Verdict]:
        """The verdicts of the hard rules that do not read the fit."""
        env = self.env
        return {code: check(base, env) for code, check in self._fixed_checks}  # type: ignore[misc]  # hard: has a check

    def verdicts(self, cand: Candidate, fixed: dict[str, Verdict]) -> Explained:
        """Every hard rule's verdict on ``cand``, in rule order (``fixed``: those judged once per model)."""
        env = self.env
        return cand, tuple(fixed[code] if check is None else check(cand, env) for code, check in self._order)

    def until_eligible(self, base: Candidate, options: list[QuantOption],
                       fixed: dict[str, Verdict]) -> list[Explained] | None:
        """None as soon as one of the model's options passes every hard rule; else every option's verdicts."""
        failing = []
        for fit in options:
            judged = self.verdicts(at(base, fit), fixed)
            if all(v.passed for v in judged[1]):
                return None
            failing.append(judged)
        return failing

    def options(self, cands: list[Candidate], fixed: dict[str, Verdict]) -> list[Judged]:
        """(total, candidate, scores or None when a hard rule fails, verdicts) for each option of one model."""
        if not cands:
            return []
        first = cands[0]
        fixed_scores: dict[str, Score] = {}
        out: list[Judged] = []
        for cand in cands:
            verdicts = self.verdicts(cand, fixed)[1]
            if not all(v.passed for v in verdicts):
                out.append((0.0, cand, None, verdicts))
                continue
            if not fixed_scores:
                fixed_scores = {r.code: r.rate(first, self.env) for r in self.soft if not r.per_fit}
            scores = tuple(fixed_scores[r.code] if r.code in fixed_scores else r.rate(cand, self.env) for r in self.soft)
            out.append((sum(s.points for s in scores), cand, scores, verdicts))
        return out

    def best(self, judged: list[Judged]) -> Judged | None:
        """Of one model's judged options, the best total score (spare memory breaking ties), or None
        when every option fails a hard rule."""
        passing = [j for j in judged if j[2] is not None]
        hw = self.env.hardware
        return max(passing, key=lambda j: (j[0], _spare(j[1], hw))) if passing else None


def at(base: Candidate, fit: QuantOption) -> Candidate:
    """The model at one of its options (``dataclasses.replace`` costs more than the judging)."""
    return Candidate(base.family, base.variant, base.arch, fit, base.smallest, base.quality)


def fewest_failures(judged: Iterable[Explained], floor: int = 0) -> Explained | None:
    """The first option that fails the fewest hard rules. ``floor``: how many every option fails
    (the rules judged once per model); an option failing only those ends the search."""
    best: tuple[int, Candidate, tuple[Verdict, ...]] | None = None
    for cand, verdicts in judged:
        fails = sum(not v.passed for v in verdicts)
        if best is None or fails < best[0]:
            best = (fails, cand, verdicts)
        if fails <= floor:
            break
    return (best[1], best[2]) if best else None


def _spare(cand: Candidate, hw: Hardware) -> float:
    p = cand.fit.placement if cand.fit else None
    return spare_share(p, hw) if p is not None and p.mode in ("gpu", "cpu") else 0.0
