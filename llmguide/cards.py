"""What ``show``, ``compare`` and ``list`` report: catalog facts joined with the estimator's numbers.

These functions return frozen data; the CLI renders it as tables or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.catalog.evidence import Evidence
from llmguide.catalog.loader import Catalog
from llmguide.catalog.lookup import Match, resolve
from llmguide.catalog.schema import Family, License, Variant
from llmguide.units import check_context
from llmguide.errors import UsageError
from llmguide.estimate.memory import MemoryEstimate, estimate_memory
from llmguide.model.architecture import Architecture
from llmguide.model.params import ParamCount, count_params

CARD_QUANTS = ("Q4_K_M", "Q8_0", "F16")
CARD_CONTEXT = 4096


@dataclass(frozen=True)
class VariantFacts:
    variant: Variant
    arch: Architecture
    count: ParamCount  # the published figures and the count from the architecture
    license: License
    memory: dict[str, MemoryEstimate]  # quant -> estimate at the card's context
    evidence: tuple[Evidence, ...] = ()  # its benchmark scores (catalog/evidence.csv), independent first


@dataclass(frozen=True)
class Card:
    """A family, with all its variants or just the one that was asked for."""

    family: Family
    variants: tuple[VariantFacts, ...]
    focus: Variant | None
    context: int
    note: str | None = None  # how a loose name (an Ollama tag, a GGUF repo) was read

    @property
    def id(self) -> str:
        return self.focus.id if self.focus else self.family.id


HEADLINE = ("aa-intelligence", "aa-coding", "lmarena-text-sc", "gpqa-diamond-aa", "aime-2025-aa", "tau2-telecom-aa", "aa-lcr")


def variant_evidence(catalog: Catalog, variant: Variant) -> tuple[Evidence, ...]:
    """The variant's scores: base-model scores only for base models; independent evaluators first,
    then newest first."""
    rows = catalog.evidence.for_variant(variant.hf_repo, variant.kind)
    rows.sort(key=lambda r: r.source_date, reverse=True)
    rows.sort(key=lambda r: (not catalog.tasks.benchmarks[r.benchmark].independent, r.benchmark not in HEADLINE))
    return tuple(rows)


def variant_facts(family: Family, variant: Variant, context: int, quants=CARD_QUANTS,
                  catalog: Catalog | None = None) -> VariantFacts:
    arch = Architecture.from_facts(variant.architecture)
    return VariantFacts(
        variant=variant,
        arch=arch,
        count=count_params(arch, variant.params),
        license=variant.license or family.license,
        memory={q: estimate_memory(arch, q, min(context, variant.context.length)) for q in quants},
        evidence=variant_evidence(catalog, variant) if catalog is not None else (),
    )


def make_card(catalog: Catalog, name: str, context: int = CARD_CONTEXT) -> Card:
    check_context(context)
    match: Match = resolve(catalog, name)
    chosen = (match.variant,) if match.variant else match.family.variants
    return Card(
        match.family,
        tuple(variant_facts(match.family, v, context, catalog=catalog) for v in chosen),
        match.variant,
        context,
        match.note,
    )


def compare_cards(catalog: Catalog, names: list[str], context: int = CARD_CONTEXT) -> list[Card]:
    if len(names) < 2:
        raise UsageError("compare needs at least two names.", "Example: llmguide compare mixtral llama2")
    cards = [make_card(catalog, n, context) for n in names]
    ids = [c.id for c in cards]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise UsageError(f"'{dupes[0]}' was named twice; compare different models.")
    return cards


def _span(values):
    """One value when all agree, else (min, max)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    return lo if lo == hi else (lo, hi)


def compared_facts(card: Card) -> dict[str, object]:
    """The facts ``compare`` lines up, as raw values (bytes, counts); ranges as (min, max)."""
    fam, vfs = card.family, card.variants
    facts: dict[str, object] = {
        "developer": fam.developer,
        "license": sorted({vf.license.id for vf in vfs}),
        "commercial_use": sorted({vf.license.commercial_use for vf in vfs}),
        "languages": list(fam.languages.codes),
        "variants": len(vfs),
        "kinds": sorted({vf.variant.kind for vf in vfs}),
        "params_b": _span([vf.variant.params.total_b for vf in vfs]),
        "active_params_b": _span([vf.variant.params.active_b or vf.variant.params.total_b for vf in vfs]),
        "context_length": _span([vf.variant.context.length for vf in vfs]),
        "release": _span([vf.variant.release.month for vf in vfs]),
        "specialties": sorted({s for vf in vfs for s in vf.variant.specialties}),
    }
    for q in CARD_QUANTS:
        facts[f"memory_{q}"] = _span([vf.memory[q].total for vf in vfs])
    for name in HEADLINE:  # the best score of any mode, per headline benchmark the variants have
        facts[f"benchmark_{name}"] = _span([max((r.score for r in vf.evidence if r.benchmark == name), default=None) for vf in vfs])
    return {k: v for k, v in facts.items() if not (k.startswith("benchmark_") and v is None)}


def differing_fields(cards: list[Card]) -> list[str]:
    """The compared facts whose values are not the same for every item (missing counts as different)."""
    rows = [compared_facts(c) for c in cards]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return [k for k in keys if len({repr(r.get(k)) for r in rows}) > 1]


def cited_by(card: Card) -> dict[str, list[str]]:
    """Source key -> the fact groups citing it, for the family and the variants on the card."""
    from dataclasses import fields

    uses: dict[str, list[str]] = {}

    def walk(obj, label: str) -> None:
        if not hasattr(obj, "__dataclass_fields__"):
            return
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("sources", "about_sources") and isinstance(value, tuple):
                group = label if f.name == "sources" else f"{label} description"
                for key in value:
                    uses.setdefault(key, [])
                    if group not in uses[key]:
                        uses[key].append(group)
            elif isinstance(value, tuple):
                for i, item in enumerate(value):
                    walk(item, f"{label}.{f.name}" if not hasattr(item, "id") else item.id)
            else:
                walk(value, f"{label}.{f.name}".lstrip("."))

    fam = card.family
    for name in ("license", "languages", "strengths", "challenges", "weaknesses"):
        walk(getattr(fam, name), name)
    for key in fam.about_sources:
        uses.setdefault(key, []).append("description")
    for vf in card.variants:
        walk(vf.variant, vf.variant.id)
    return uses
