"""What ``llmguide list`` shows of each variant: one row of plain values (``ListedModel``).

A catalog works out its rows once (``Catalog.listing``); a catalog kept in the user cache keeps
them in an entry of their own, as plain tuples: listing a cached catalog of thousands of variants
reads its rows only, not the catalog (see ``Catalog`` in loader.py). A filtered list (a task, a
family) needs the families and reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from llmguide.catalog.loader import Catalog
    from llmguide.catalog.schema import Family, Variant


class ListedModel(NamedTuple):
    """One variant as ``llmguide list`` shows it; the fields are the keys of ``list --json``."""

    id: str
    name: str
    family: str
    hf_repo: str
    kind: str
    params_b: float
    active_params_b: float | None  # mixture of experts: the parameters each token uses
    context_length: int
    license: str  # SPDX id or LicenseRef-...
    commercial_use: str  # yes, restricted or no
    specialties: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639-1 codes; empty when the developer does not list them


def listed(family: Family, variant: Variant) -> ListedModel:
    from llmguide.catalog.schema import languages_of

    lic = variant.license or family.license
    return ListedModel(variant.id, variant.name, family.id, variant.hf_repo, variant.kind, variant.params.total_b,
                       variant.params.active_b, variant.context.length, lic.id, lic.commercial_use,
                       variant.specialties, languages_of(family, variant).codes)


def list_rows(catalog: Catalog, task: str | None = None, family: str | None = None) -> list[ListedModel]:
    """The catalog's variants in catalog order, optionally only ``family``'s (a name as typed) or
    those that serve ``task``."""
    if task is None and family is None:
        return list(catalog.listing)
    rows = list(zip(catalog.variants(), catalog.listing))
    if family is not None:
        from llmguide.catalog.lookup import resolve

        match = resolve(catalog, family)
        rows = [r for r in rows if r[0][0].id == match.family.id]
    if task is not None:
        from llmguide.rules.engine import serves_task

        rows = [r for r in rows if serves_task(catalog, task, *r[0])]
    return [row for _, row in rows]
