"""How good one model is at one task, from its own evidence or, failing that, an estimate.

A model is judged in each mode it was evaluated in (instruct; thinking or non-thinking for hybrid
models; a reasoning effort where one was set), never mixing modes, and the best mode is the one
recommended (the answer says which to run). Base-model scores count only for base models.

Within a mode the model is judged on the first rung of the task's ladder where it has a linked
score: the task's own benchmark first, then independent evaluators' related benchmarks, then
makers' reports. Makers' numbers carry an extra uncertainty (harnesses and prompts differ from
maker to maker, and self-reports lean favourable). A model without any score on the ladder is
*estimated*, in this order: from its overall measures (the task's ``general`` list, linked like the
rest); from the nearest sibling in its family, moved along the size trend; from its size and release
date alone. Every value carries its uncertainty, and models are ranked on the value less one
uncertainty: an estimate cannot outrank a comparable model with strong own evidence on hope alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from llmguide.catalog.evidence import Evidence
from llmguide.catalog.loader import Catalog
from llmguide.catalog.schema import Family, Variant
from llmguide.quality import kept
from llmguide.quality.scale import TaskScale, build_scale

MAKER_UNCERTAINTY = 0.3  # extra uncertainty of a maker's own number, in units of the scale's spread
SECONDARY_UNCERTAINTY = 0.1  # a figure read in a third party's copy
HIGH_CONFIDENCE, MEDIUM_CONFIDENCE = 6.0, 15.0  # uncertainty in points below which a value is high, medium
GENERAL_UNCERTAINTY = 0.25  # an overall measure says this little about a task, at best
SIZE_UNCERTAINTY = 0.5  # size and release date alone say little: at least half the scale's spread
DESIGN_UNCERTAINTY = 0.5  # a dense sibling of a mixture-of-experts model (or the reverse) says less
SIBLING_UNCERTAINTY = 0.25  # a sibling is a different checkpoint; the doubt grows by this much per size doubling


@dataclass(frozen=True)
class Used:
    """One score a judgement rests on, and what it is worth on the task's scale."""

    row: Evidence
    value: float  # on the task scale
    points: float
    se: float
    parts: tuple["Used", ...] = ()  # when this is the mean of several main benchmarks
    se_points: float = 0.0  # the uncertainty in points


@dataclass(frozen=True)
class Quality:
    """A model's quality at a task, on the task's scale and in points (0 = no skill, 100 = best open model)."""

    value: float
    se: float
    points: float
    ranked_points: float  # points less one uncertainty: what ranking uses
    basis: str  # "own", "general", "sibling" or "size"
    confidence: str  # "high", "medium" or "low"
    mode: tuple[str, str] | None  # (setting, effort) to run the model in, when evidence says
    rung: int | None  # ladder rung of the evidence (0 = the task's main benchmark)
    used: tuple[Used, ...] = ()
    note: str = ""

    @property
    def estimated(self) -> bool:
        return self.basis != "own"


@dataclass(frozen=True)
class TaskModel:
    """Everything needed to judge models at one task: the linked scale and the size trend."""

    task_id: str
    scale: TaskScale
    trend: tuple[float, float, float, float]  # intercept, per doubling of size, per year, residual sd
    within: float = 0.0  # per doubling of size between siblings of one family
    own: dict[str, Quality | None] = field(default_factory=dict)  # variant id -> its own-evidence judgement


_CACHE: dict[tuple[int, str], tuple[Catalog, TaskModel | None]] = {}


def task_model(catalog: Catalog, task_id: str) -> TaskModel | None:
    """The task's scale and size trend, computed once per catalog (None: no evidence at all)."""
    hit = _CACHE.get((id(catalog), task_id))
    if hit is not None and hit[0] is catalog:
        return hit[1]
    task = catalog.task(task_id)
    floors = {k: b.floor for k, b in catalog.tasks.benchmarks.items()}
    percent = catalog.tasks.benchmarks[task.scale].unit == "percent"
    scale = build_scale(catalog.evidence, task, floors, percent, independent_benchmarks(catalog))
    model = None
    if scale is not None:
        bare = TaskModel(task_id, scale, (0.0, 0.0, 0.0, scale.spread))  # judging own evidence needs only the scale
        judged = {v.id: _own(catalog, bare, v) for _, v in catalog.variants()}
        own = [(v, q) for _, v in catalog.variants() if v.kind != "base" and (q := judged[v.id]) is not None]
        model = TaskModel(task_id, scale, _trend(own, scale.spread), _within_any(catalog, own), judged)
    if len(_CACHE) > 64:  # a long-lived process (the tests) loads many catalogs: keep the recent ones
        _CACHE.clear()
    _CACHE[(id(catalog), task_id)] = (catalog, model)
    return model


def independent_benchmarks(catalog: Catalog) -> frozenset[str]:
    return frozenset(k for k, b in catalog.tasks.benchmarks.items() if b.independent)


def quality(catalog: Catalog, task_id: str, family: Family, variant: Variant) -> Quality | None:
    """The variant's quality at the task (None only when the catalog holds no evidence for it)."""
    return qualities(catalog, task_id)(family, variant)


def qualities(catalog: Catalog, task_id: str) -> Callable[[Family, Variant], Quality | None]:
    """``quality`` for many variants of one catalog at one task (a ranking): the judgements kept
    between runs (quality/kept.py) are looked up once, not once per variant."""
    judged = kept.table(catalog, task_id)
    if judged is None:
        return lambda family, variant: _judge(catalog, task_id, family, variant)

    def of(family: Family, variant: Variant) -> Quality | None:
        found = judged.get(variant.id, _MISSING)
        if found is _MISSING:
            found = judged[variant.id] = _judge(catalog, task_id, family, variant)
        return found  # type: ignore[return-value]

    return of


_MISSING = object()


def _judge(catalog: Catalog, task_id: str, family: Family, variant: Variant) -> Quality | None:
    model = task_model(catalog, task_id)
    if model is None:
        return None
    own = _own_of(catalog, model, variant)
    if own is not None:
        return own
    sib = _from_sibling(catalog, model, family, variant)
    if sib is not None:
        return sib
    return _from_size(model, variant)


def _own_of(catalog: Catalog, model: TaskModel, variant: Variant) -> Quality | None:
    """The variant's own-evidence judgement, as computed with the task model (a user catalog's
    variant that was not there then is judged now)."""
    return model.own[variant.id] if variant.id in model.own else _own(catalog, model, variant)


def _own(catalog: Catalog, model: TaskModel, variant: Variant) -> Quality | None:
    """From the variant's own scores, in its best mode (see the module docstring)."""
    task = catalog.task(model.task_id)
    rows = catalog.evidence.for_variant(variant.hf_repo, variant.kind)
    if not rows:
        return None
    modes = sorted({r.mode for r in rows})
    # Makers' numbers count only when no independent evaluator ran the model, in any mode.
    for makers in (False, True):
        judged = []
        for mode in modes:
            mode_rows = _newest([r for r in rows if r.mode == mode or (r.setting == mode[0] and not r.effort)])
            q = _judge_mode(catalog, model, task, mode_rows, mode, makers)
            if q is not None:
                judged.append(q)
        if judged:
            return max(judged, key=lambda q: q.ranked_points)
    return None


def _judge_mode(catalog: Catalog, model: TaskModel, task, rows: list[Evidence], mode, makers: bool) -> Quality | None:
    """The first ladder rung with evidence, with the general measures beside it (each weighted by
    its precision); makers' reports only when ``makers`` is set."""
    used = {r.benchmark: u for r in rows if (u := _use(catalog, model, r)) is not None}
    allowed = {b for b in used if makers or catalog.tasks.benchmarks[b].independent}
    general = [used[b] for b in task.general if b in allowed]
    for rung_no, rung in enumerate(task.ladder):
        on_rung = [used[b] for b in rung if b in allowed]
        if on_rung:
            if rung_no == 0 and len(on_rung) > 1:  # the task's own benchmarks count alike
                on_rung = [_mean(model, on_rung)]
            return _combine(model, on_rung, general, mode, rung_no, "own")
    if general:
        return _combine(model, [], general, mode, None, "general")
    return None


def _mean(model: TaskModel, used: list[Used]) -> Used:
    """The plain mean of several main benchmarks (one number for the rung)."""
    value = sum(u.value for u in used) / len(used)
    se = min(u.se for u in used)
    return Used(used[0].row, value, model.scale.points(value), se, tuple(used), model.scale.span_points(se))


def _newest(rows: list[Evidence]) -> list[Evidence]:
    """One version per benchmark: the newest (a leaderboard's later snapshot supersedes the earlier).
    A score without a stated effort counts for each effort of its setting (LMArena runs the default)."""
    best: dict[str, Evidence] = {}
    for r in rows:
        cur = best.get(r.benchmark)
        if cur is None or (r.source_date, bool(r.effort)) > (cur.source_date, bool(cur.effort)):
            best[r.benchmark] = r
    return list(best.values())


def _use(catalog: Catalog, model: TaskModel, row: Evidence) -> Used | None:
    link = model.scale.links.get(row.instrument)
    if link is None:
        return None
    se = link.se
    spread = model.scale.spread
    if not catalog.tasks.benchmarks[row.benchmark].independent:
        se = math.hypot(se, MAKER_UNCERTAINTY * spread)
    if row.status:
        se = math.hypot(se, SECONDARY_UNCERTAINTY * spread)
    value = model.scale.clamp(link.map(row.score))
    return Used(row, value, model.scale.points(value), se, (), model.scale.span_points(se))


def _combine(model: TaskModel, on_rung: list[Used], general: list[Used], mode, rung: int | None, basis: str) -> Quality:
    """A rung's scores and the general measures beside them: their mean weighted by precision, with
    the uncertainty of the surest (scores of one model on related benchmarks are not independent,
    so they do not add up). A general measure is never surer than GENERAL_UNCERTAINTY: it does not
    test the task."""
    spread = model.scale.spread
    general = [replace(u, se=max(u.se, GENERAL_UNCERTAINTY * spread)) for u in general]
    used = [*on_rung, *general]
    floor_se = 0.05 * spread  # even the scale itself is one run of one harness
    weights = [1.0 / max(u.se, floor_se) ** 2 for u in used]
    value = sum(w * u.value for w, u in zip(weights, used)) / sum(weights)
    se = min(max(u.se, floor_se) for u in used)
    def flat(us):
        return sorted((p for u in us for p in (u.parts or (u,))), key=lambda p: p.se)
    shown = tuple(flat(on_rung) + flat(general))  # the rung's own scores first, the surest first
    return _quality(model, value, se, basis, mode, rung, shown)


def _quality(model: TaskModel, value: float, se: float, basis: str, mode, rung, used=(), note="") -> Quality:
    scale = model.scale
    if basis != "own":
        value = min(value, scale.top)  # an estimate never claims more than the best model measured
    doubt = scale.span_points(se)
    confidence = "high" if doubt < HIGH_CONFIDENCE else "medium" if doubt < MEDIUM_CONFIDENCE else "low"
    if basis != "own" and confidence == "high":
        confidence = "medium"  # an estimate is never sure
    points = scale.points(value)
    ranked = max(0.0, scale.points(value - se))  # no skill is the floor: a doubt cannot go below it
    return Quality(value, se, points, ranked, basis, confidence, mode, rung, used, note)


def _from_sibling(catalog: Catalog, model: TaskModel, family: Family, variant: Variant) -> Quality | None:
    """The nearest sibling with evidence (same kind counts as nearer), moved along the size trend."""
    options = []
    for sib in family.variants:
        if sib.id == variant.id or (sib.kind == "base") != (variant.kind == "base"):
            continue
        q = _own_of(catalog, model, sib)
        if q is None:
            continue
        other_design = bool(sib.params.active_b) != bool(variant.params.active_b)  # dense vs mixture of experts
        # Across designs, what a model knows grows with all its weights: a 26B-A4B sibling is far
        # more than one doubling above a 4B dense model, whatever its dense-equivalent size says.
        size = (lambda v: v.params.total_b) if other_design else _size
        gap = math.log2(size(variant) / size(sib))
        options.append((abs(gap) + 0.5 * (sib.kind != variant.kind) + other_design, gap, sib, q, other_design))
    if not options:
        return None
    _, gap, sib, q, other_design = min(options, key=lambda o: o[0])
    value = q.value + model.within * gap
    spread = model.scale.spread
    se = math.sqrt(q.se ** 2 + (SIBLING_UNCERTAINTY * spread) ** 2 * (1 + gap ** 2)
                   + (DESIGN_UNCERTAINTY * spread) ** 2 * other_design)
    note = f"from {sib.id} ({q.points:.0f} points), {gap:+.1f} size doublings"
    return _quality(model, model.scale.clamp(value), se, "sibling", q.mode, None, q.used, note)


def _from_size(model: TaskModel, variant: Variant) -> Quality:
    """The catalog's trend: quality against dense-equivalent size and release date."""
    a, per_doubling, per_year, sd = model.trend
    size = _size(variant)
    value = a + per_doubling * math.log2(size) + per_year * _years(variant)
    sd = max(sd, SIZE_UNCERTAINTY * model.scale.spread)  # the fit's own residuals flatter it
    note = f"from size ({size:.3g}B dense-equivalent) and release ({variant.release.month[:7]})"
    return _quality(model, model.scale.clamp(value), sd, "size", None, None, (), note)


def _size(variant: Variant) -> float:
    """Dense-equivalent size in billions: the geometric mean of total and active for MoE models."""
    p = variant.params
    return math.sqrt(p.total_b * p.active_b) if p.active_b else p.total_b


def _years(variant: Variant) -> float:
    y, m = variant.release.month[:7].split("-")
    return int(y) + (int(m) - 1) / 12 - 2023


def _trend(own: list[tuple[Variant, Quality]], spread: float) -> tuple[float, float, float, float]:
    """Least squares of quality on log2(size) and release year over the models with own evidence."""
    rows = [(1.0, math.log2(_size(v)), _years(v), q.value) for v, q in own if q.basis == "own"]
    if len(rows) < 8:  # a task with little evidence of its own (vision): its general measures
        rows = [(1.0, math.log2(_size(v)), _years(v), q.value) for v, q in own]
    if len(rows) < 8:
        return (0.0, 0.0, 0.0, spread)
    coef = _solve([[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)],
                  [sum(r[i] * r[3] for r in rows) for i in range(3)])
    if coef is None:
        return (0.0, 0.0, 0.0, spread)
    resid = [r[3] - sum(c * x for c, x in zip(coef, r[:3])) for r in rows]
    sd = math.sqrt(sum(e * e for e in resid) / (len(rows) - 3))
    return (coef[0], max(0.0, coef[1]), coef[2], sd)


def _within(catalog: Catalog, own: list[tuple[Variant, Quality]]) -> float:
    """Quality per doubling of size among siblings (one family, one release): the slope of quality
    on log2(size) after each family's own mean is taken out (a fixed-effects fit)."""
    family_of = {v.id: f.id for f, v in catalog.variants()}
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for v, q in own:
        groups.setdefault((family_of[v.id], v.release.month[:4]), []).append((math.log2(_size(v)), q.value))
    sxy = sxx = 0.0
    for pts in groups.values():
        if len(pts) < 2:
            continue
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        sxy += sum((x - mx) * (y - my) for x, y in pts)
        sxx += sum((x - mx) ** 2 for x, _ in pts)
    return max(0.0, sxy / sxx) if sxx else 0.0


def _within_any(catalog: Catalog, own: list[tuple[Variant, Quality]]) -> float:
    """The sibling slope from own evidence, or, for a task with little of it (vision), from every
    judgement the catalog's models have."""
    return _within(catalog, [(v, q) for v, q in own if q.basis == "own"]) or _within(catalog, own)


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination for the 3x3 normal equations (None when singular)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[piv][col]) < 1e-12:
            return None
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]

