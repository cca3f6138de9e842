"""Put every benchmark a task may use on the task's scale, through the models that have both.

A score is only comparable with scores of the same benchmark and version (an *instrument*). To
judge a model that lacks the task's main benchmark, its other scores are *linked* to it: over the
models (in the same mode) that have both instruments, the least-squares line that predicts the
scale from the other instrument. A prediction is pulled toward the middle by the correlation, as it
should be: a model at the top of an overall index is expected near, not at, the top of a coding
benchmark. A link is made only from at least ``MIN_OVERLAP`` shared models whose scores agree in
order (correlation at least ``MIN_CORRELATION``). Its uncertainty is the spread of what the line
leaves unexplained, sigma * sqrt(1 - r^2), in units of the scale's spread sigma over all its models
(the shared models may be a narrow band), with r the correlation's lower 68% bound (Fisher's z less
one standard error), so that six shared models count for less than sixty; or, when the relation
bends (MATH-500 saturates where AIME still spreads), the line's actual miss on the shared models,
whichever is larger. An instrument with too
few models in common with the scale is linked through one already linked (the path with the
smallest uncertainty wins), so uncertainties add up along a chain.

The population is every row of the evidence table, including models the catalog does not hold:
scales then do not move when a user adds a model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from llmguide.catalog.evidence import Evidence, EvidenceTable
from llmguide.catalog.reference import Task

MIN_OVERLAP = 6
MIN_CORRELATION = 0.5

Instrument = tuple[str, str]  # (benchmark id, version)
Key = tuple[str, str, str]  # (repository, setting, effort): one model run one way


@dataclass(frozen=True)
class Link:
    """How one instrument's scores map onto the task scale: ``scale = slope * score + intercept``."""

    instrument: Instrument
    slope: float
    intercept: float
    se: float  # uncertainty of a mapped score, in scale units
    shared: int  # models in common on the last step of the chain
    correlation: float  # on the last step
    via: tuple[Instrument, ...]  # instruments between this one and the scale (empty: direct)

    def map(self, score: float) -> float:
        return self.slope * score + self.intercept


@dataclass(frozen=True)
class TaskScale:
    scale: Instrument  # the instrument whose units the task is measured in (the version most models have)
    floor: float  # what a model with no skill scores on it
    top: float  # the best score of any model on it
    spread: float  # standard deviation of its scores (the unit of uncertainty)
    links: dict[Instrument, Link]
    ceiling: float  # the highest value a linked score may take: a little above the best measured

    def clamp(self, value: float) -> float:
        """A linked score is a straight-line map: far from the shared models it can leave the range
        the scale can take (an AIME score over 100%) or claim more than any model has shown. It is
        kept between the floor and a quarter of a spread above the best score measured."""
        return min(self.ceiling, max(self.floor, value))

    def points(self, value: float) -> float:
        """0 at the floor, 100 at the best open model on the scale."""
        return 100.0 * (value - self.floor) / (self.top - self.floor)

    def span_points(self, amount: float) -> float:
        """A distance on the scale (an uncertainty) in points."""
        return 100.0 * amount / (self.top - self.floor)


def population(table: EvidenceTable) -> dict[Instrument, dict[Key, float]]:
    """Each instrument's scores by model and mode (the mean where a source lists one twice)."""
    raw: dict[Instrument, dict[Key, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in table.rows:
        raw[row.instrument][_key(row)].append(row.score)
    return {inst: {k: sum(v) / len(v) for k, v in by.items()} for inst, by in raw.items()}


def _key(row: Evidence) -> Key:
    return row.repo_key, row.setting, row.effort


def build_scale(table: EvidenceTable, task: Task, floors: dict[str, float], percent: bool,
                bridges: frozenset[str] | None = None) -> TaskScale | None:
    """Link every instrument of the task's ladder and general list to its scale (None: no data).
    Only the benchmarks in ``bridges`` (all when None) may carry a chain to another: a maker's own
    numbers, each from its own harness, are linked but never link others."""
    pop = population(table)
    wanted = {task.scale, *(b for rung in task.ladder for b in rung), *task.general}
    insts = [i for i in pop if i[0] in wanted]
    scale_versions = [i for i in insts if i[0] == task.scale]
    if not scale_versions:
        return None
    scale = max(scale_versions, key=lambda i: len(pop[i]))  # the version most models have
    values = list(pop[scale].values())
    spread = _sd(values)
    if len(values) < 2 or spread == 0:
        return None
    links: dict[Instrument, Link] = {scale: Link(scale, 1.0, 0.0, 0.0, len(values), 1.0, ())}
    pending = [i for i in insts if i != scale]
    while pending:
        best: Link | None = None
        for inst in pending:
            for target, tlink in links.items():
                if bridges is not None and target != scale and target[0] not in bridges:
                    continue
                step = _equate(pop[inst], pop[target], spread)
                if step is None:
                    continue
                slope, intercept, se, n, r, rms = step
                se = max(se, abs(tlink.slope) * rms)  # a bent relation misses by more than r says
                total_se = math.hypot(tlink.se, se)
                if best is None or total_se < best.se:
                    via = () if target == scale else (target, *tlink.via)
                    best = Link(inst, tlink.slope * slope, tlink.slope * intercept + tlink.intercept,
                                total_se, n, r, via)
        if best is None:
            break
        links[best.instrument] = best
        pending.remove(best.instrument)
    top = max(values)
    ceiling = min(100.0 if percent else math.inf, top + 0.25 * spread)  # little beyond the best measured
    return TaskScale(scale, floors.get(task.scale, 0.0), top, spread, links, ceiling)


def _equate(src: dict[Key, float], dst: dict[Key, float], scale_spread: float) -> tuple[float, float, float, int, float, float] | None:
    """Least-squares map from ``src`` to ``dst`` units over the models both have, or None. The
    uncertainty is in the scale's units."""
    shared = [k for k in src if k in dst]
    if len(shared) < MIN_OVERLAP:
        return None
    xs = [src[k] for k in shared]
    ys = [dst[k] for k in shared]
    sx, sy = _sd(xs), _sd(ys)
    if sx == 0 or sy == 0:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    r = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / ((len(xs) - 1) * sx * sy)
    if r < MIN_CORRELATION:
        return None
    slope = r * sy / sx
    intercept = my - slope * mx
    r_low = math.tanh(math.atanh(min(r, 0.999)) - 1 / math.sqrt(len(shared) - 3))
    rms = math.sqrt(sum((y - slope * x - intercept) ** 2 for x, y in zip(xs, ys)) / (len(xs) - 2))
    return slope, intercept, scale_spread * math.sqrt(max(0.0, 1 - r_low ** 2)), len(shared), r, rms


def _sd(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
