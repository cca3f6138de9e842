"""``recommend``: run every candidate through the hard rules, rank the survivors by soft scores.

For each model, every quantization that fits (estimate/ladder.py ``quant_options``) is tried: the one with
the best total score wins (its quality after quantization, its speed, the constraints), spare
memory breaking ties. The survivors are then ranked by score, or re-ordered by ``--sort``.

A model's score is bounded before its quantizations are tried: its task quality plus the most the
other soft rules can give (``Rule.ceiling``). Ranked by score, a model whose bound cannot reach the
first ranks is only checked for eligibility; its options are scored when the whole ranking is
asked for (``Recommendation.ranked``). The answer is the same either way.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

from llmguide.catalog.languages import parse_languages
from llmguide.catalog.loader import Catalog
from llmguide.catalog.schema import close_matches
from llmguide.units import check_context, check_positive
from llmguide.errors import UsageError
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture
from llmguide.quality.task import qualities
from llmguide.rules.base import DEFAULT_CONTEXT, Candidate, Env, Request, Score, Verdict
from llmguide.estimate import prices
from llmguide.estimate.ladder import LADDER, QuantOption, estimate_step, installed_steps, quant_options
from llmguide.estimate.memory import MemoryEstimate
from llmguide.rules.license_policy import parse_policy
from llmguide.rules.judge import Explained, Judge, Judged, at, fewest_failures
from llmguide.rules.registry import hard_rules, soft_rules
from llmguide.rules.min_speed import check_answerable
from llmguide.rules.speed_score import decode_speed

SORTS = ("score", "quality", "speed", "size")
GOOD_ENOUGH = 0.8  # --sort speed|size: first the models within this share of the best expected quality


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate: Candidate
    score: float
    scores: tuple[Score, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def estimated(self) -> bool:
        return any(s.estimated for s in self.scores)

    @property
    def fit(self) -> QuantOption:
        """How the model runs: a ranked model always fits (one that does not is rejected)."""
        if self.candidate.fit is None:
            raise ValueError(f"{self.candidate.variant.id} is ranked without a fit")
        return self.candidate.fit

    @property
    def expected_quality(self) -> float:
        """Task quality after quantization, in points (S1 + S2)."""
        return sum(s.points for s in self.scores if s.code in ("S1", "S2"))


@dataclass(frozen=True)
class Rejected:
    candidate: Candidate
    verdicts: tuple[Verdict, ...]  # every hard rule's verdict, in rule order
    # the verdicts that failed, asked for by every view of a rejection (thousands of them over a
    # large catalog): worked out as it is made, cheaper than a cached property's first read
    failed: tuple[Verdict, ...] = field(init=False, repr=False, compare=False)

    def __init__(self, candidate: Candidate, verdicts: tuple[Verdict, ...]) -> None:
        # (written out: a frozen dataclass's own __init__ sets each field through object.__setattr__,
        # twice as slow, and a ranking over a large catalog makes thousands of rejections)
        fields_ = self.__dict__
        fields_["candidate"], fields_["verdicts"] = candidate, verdicts
        fields_["failed"] = tuple(v for v in verdicts if not v.passed)


@dataclass(frozen=True)
class Recommendation:
    """The eligible models in rank order, and the rejected with their reasons.

    ``leading`` holds the first ranks, worked out in full; with ``--sort score`` a model whose
    best possible score cannot reach them is only checked for eligibility, and ``ranked`` (every
    eligible model in order) finishes their scores the first time it is asked for: ``rest`` works
    out the ranks after ``leading`` once, for this recommendation and its copies. ``eligible``:
    how many models are ranked in all (left out: counted)."""

    request: Request
    hardware: Hardware
    leading: tuple[Ranked, ...]
    rejected: tuple[Rejected, ...]
    sort: str = "score"
    # recommend --installed: (variant id, quantization, store, name, path) of each installed copy
    installed: tuple[tuple[str, str | None, str, str, str], ...] = ()
    eligible: int | None = None
    rest: Callable[[], tuple[Ranked, ...]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.eligible is None:
            object.__setattr__(self, "eligible", len(self.leading) + len(self.rest() if self.rest else ()))

    @cached_property
    def ranked(self) -> tuple[Ranked, ...]:
        return self.leading + (self.rest() if self.rest else ())

    @property
    def top(self) -> tuple[Ranked, ...]:
        n = self.request.top
        return self.leading[:n] if len(self.leading) >= min(n, self.eligible or 0) else self.ranked[:n]


MODALITIES = ("text", "image", "audio", "video")


def make_request(
    catalog: Catalog,
    task: str,
    context: int | None = None,
    languages: list[str] | None = None,
    top: int = 5,
    *,
    license: str | None = None,
    min_speed: float | None = None,
    max_ttft: float | None = None,
    modalities: list[str] | None = None,
) -> Request:
    """Validate what the user typed into a ``Request`` (usage errors exit 2)."""
    task_id = catalog.tasks.task_id(task)
    if task_id is None:
        words = {w: tid for tid, t in catalog.tasks.tasks.items() for w in (tid, *t.aliases)}
        close = list(dict.fromkeys(words[w] for w in close_matches(task.lower(), words, cutoff=0.5)))
        hint = f"Did you mean: {', '.join(close)}?" if close else f"Tasks: {', '.join(catalog.tasks.tasks)}."
        raise UsageError(f"Unknown task '{task}'.", hint)
    task = task_id
    if context is not None:
        check_context(context)
    if top <= 0:
        raise UsageError(f"--top must be at least 1, not {top}.")
    for flag, value, unit in (("--min-speed", min_speed, "tokens/s"), ("--max-ttft", max_ttft, "seconds")):
        if value is not None:
            check_positive(flag, value, unit=unit)
    mods = tuple(dict.fromkeys(m.strip().lower() for v in (modalities or []) for m in v.split(",") if m.strip()))
    bad = [m for m in mods if m not in MODALITIES]
    if bad:
        raise UsageError(f"Unknown modality '{bad[0]}'.", f"Use one of: {', '.join(MODALITIES)}.")
    spec = catalog.task(task)
    planned = context if context is not None else max(DEFAULT_CONTEXT, spec.min_context or 0)
    return Request(task, spec, planned, context is not None, parse_languages(languages or []), top,
                   parse_policy(catalog, license), min_speed, max_ttft, mods)


def recommend(catalog: Catalog, request: Request, hardware: Hardware, sort: str = "score",
              only: Mapping[str, tuple[str, ...]] | None = None) -> Recommendation:
    """``only``: rank just these variants (by id), each at the GGUF quantizations given instead of
    the ladder (an empty tuple: the ladder); ``recommend --installed``."""
    if sort not in SORTS:
        raise UsageError(f"Unknown sort '{sort}'.", f"Use one of: {', '.join(SORTS)}.")
    check_answerable(request, hardware)
    import gc

    from llmguide.estimate.calibration import held

    paused = gc.isenabled()
    gc.disable()  # ranking makes many short-lived objects and keeps a few per model, none in cycles:
    try:          # the cyclic collector would rescan the whole catalog over and over (a third of the time)
        with held():  # this machine's calibrations, read once for every option of every model
            return _rank(catalog, request, hardware, sort, only)
    finally:
        if paused:
            gc.enable()


def _rank(catalog: Catalog, request: Request, hardware: Hardware, sort: str,
          only: Mapping[str, tuple[str, ...]] | None = None) -> Recommendation:
    env = Env(catalog, request, hardware)
    soft = soft_rules()
    judge = Judge(env, hard_rules(), soft)
    media = bool(set(request.task.needs_modalities + request.modalities) - {"text"})
    # The most points a model can score: the soft rules without a ceiling are scored, the others
    # count their ceiling. Known when every per-fit soft rule declares one; None ranks every model in full.
    bounded = sort == "score" and all(r.ceiling is not None for r in soft if r.per_fit)
    ceiling = sum(r.ceiling or 0.0 for r in soft) if bounded else None
    scored_for_bound = [r for r in soft if r.ceiling is None]
    board: list[tuple[float, float, str]] = []  # the sort keys of the best request.top models so far
    scored: list[Judged] = []
    deferred: list[tuple[Candidate, list[QuantOption], dict[str, Verdict]]] = []  # eligible, below the board
    rejected: list[Rejected] = []
    # each architecture's smallest estimate and options, worked out once: the variants of a catalog
    # share few (fine-tunes have their base's, and equal ones are one object, model/architecture.py)
    fitted: dict[tuple[int, tuple[str, ...] | None], tuple[Architecture, MemoryEstimate, list[QuantOption]]] = {}
    models = catalog.variants()
    judged_quality = qualities(catalog, request.task_id)
    prices.expect(len(models) if only is None else len(only))
    for family, variant in models:
        if only is not None and variant.id not in only:
            continue
        arch = Architecture.from_facts(variant.architecture)
        steps = installed_steps(arch, only[variant.id]) if only and only[variant.id] else None
        known = fitted.get((id(arch), steps))
        if known is None or known[0] is not arch:  # (the object itself: an id is unique only while it lives)
            smallest = estimate_step(arch, (steps or LADDER)[-1], request.context, 1, media)
            known = fitted[id(arch), steps] = (arch, smallest, quant_options(
                arch, request.context, hardware, encoder=media, smallest=smallest, steps=steps)[0])
        _, smallest, options = known
        base = Candidate(family, variant, arch, None, smallest, judged_quality(family, variant))
        fixed = judge.fixed(base)  # the rules that do not read the fit, once per model
        explained: Explained | None
        if all(v.passed for v in fixed.values()):
            if ceiling is not None and options and len(board) == request.top and \
                    _below(board[-1], sum(r.rate_points(base, env) for r in scored_for_bound) + ceiling, variant):
                failing = judge.until_eligible(base, options, fixed)  # only whether it is eligible, for now
                if failing is None:
                    deferred.append((base, options, fixed))
                    continue
                explained = fewest_failures(failing[::-1])
            else:
                judged = judge.options([at(base, fit) for fit in options], fixed)
                best = judge.best(judged)
                if best is not None:
                    scored.append(best)
                    if ceiling is not None:
                        insort(board, _key(best))
                        del board[request.top:]
                    continue
                explained = fewest_failures((j[1], j[3]) for j in judged[::-1])
        else:  # rejected whatever its fit: explained by its smallest option that fails fewest
            explained = fewest_failures((judge.verdicts(at(base, fit), fixed) for fit in reversed(options)),
                                        floor=sum(not v.passed for v in fixed.values()))
        rejected.append(Rejected(*(explained or judge.verdicts(base, fixed))))  # None: no option at all
    scored.sort(key=_key)
    if ceiling is None:
        rows = _order(list(_numbered(scored, 0)), sort, _speeds(scored, env, sort))
        return Recommendation(request, hardware, tuple(replace(r, rank=i + 1) for i, r in enumerate(rows)),
                              tuple(rejected), sort, eligible=len(rows))
    first, later = scored[:request.top], scored[request.top:]

    @cache  # once, for this recommendation and the copies made of it (dataclasses.replace)
    def rest() -> tuple[Ranked, ...]:  # the models below the first ranks, scored in full
        more = later + [b for b in (judge.best(judge.options([at(base, fit) for fit in options], fixed))
                                    for base, options, fixed in deferred) if b]
        more.sort(key=_key)
        return _numbered(more, len(first))

    return Recommendation(request, hardware, _numbered(first, 0), tuple(rejected), sort,
                          eligible=len(scored) + len(deferred), rest=rest if later or deferred else None)


BOUND_SLACK = 1e-6  # scores are summed in another order than their bound: a rounding cannot prune a model


def _below(last: tuple[float, float, str], bound: float, variant) -> bool:
    """Whether a model scoring at most ``bound`` ranks after ``last`` (the board's last key) whatever
    its options score: such a model cannot reach the first ranks."""
    return (-(bound + BOUND_SLACK), -variant.params.total_b, variant.id) > last


def _key(j: Judged) -> tuple[float, float, str]:
    """The ranking order: the higher score, then the larger model, then the id."""
    return (-j[0], -j[1].variant.params.total_b, j[1].variant.id)


def _numbered(judged: list[Judged], before: int) -> tuple[Ranked, ...]:
    return tuple(Ranked(before + i + 1, c, round(total, 1), s or (), v) for i, (total, c, s, v) in enumerate(judged))


def _speeds(scored: list[Judged], env: Env, sort: str) -> dict[str, float | None]:
    return {c.variant.id: decode_speed(c, env)[0] for _, c, _, _ in scored} if sort == "speed" else {}


def _order(rows: list[Ranked], sort: str, speeds: dict[str, float | None]) -> list[Ranked]:
    """``score``: as ranked. ``quality``: by task quality after quantization. ``speed`` / ``size``:
    among the models whose expected quality is within 80% of the best's, the fastest (or smallest)
    first; the rest follow by score. ``speeds`` are S5's: the estimate, or a split model's bound."""
    if sort == "score" or not rows:
        return rows
    if sort == "quality":
        return sorted(rows, key=lambda r: -r.expected_quality)
    best = max(r.expected_quality for r in rows)
    good = [r for r in rows if r.expected_quality >= GOOD_ENOUGH * best]
    rest = [r for r in rows if r.expected_quality < GOOD_ENOUGH * best]
    if sort == "speed":
        def key(r: Ranked):
            tps = speeds.get(r.candidate.variant.id)
            return (tps is None, -(tps or 0.0))
    else:
        def key(r: Ranked):
            return r.candidate.fit.estimate.total if r.candidate.fit else 0
    return sorted(good, key=key) + rest


def serves_task(catalog: Catalog, task: str, family, variant) -> bool:
    """Whether a variant passes the rules that do not depend on hardware: kind, capabilities, the
    task's minimum context and number of languages (H1-H4 with the task's defaults)."""
    request = make_request(catalog, task)
    env = Env(catalog, request, Hardware())
    arch = Architecture.from_facts(variant.architecture)
    cand = Candidate(family, variant, arch, None, None)  # type: ignore[arg-type]
    return all(rule.judge(cand, env).passed for rule in hard_rules() if rule.code in ("H1", "H2", "H3", "H4"))


@dataclass(frozen=True)
class WhyNot:
    """``why_not``: the whole ranking it was judged in, and the model's place in it (ranked, or
    rejected with every hard rule's verdict)."""

    recommendation: Recommendation
    ranked: Ranked | None
    rejected: Rejected | None
    note: str | None = None  # how a loose name or a family was read
