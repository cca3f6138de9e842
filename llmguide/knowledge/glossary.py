"""The glossary behind ``llmguide explain``: terms kept as data in ``catalog/glossary.yaml``.

The file is validated like the rest of the catalog (unknown keys and wrong types are errors with
file, line and field), then checked as a registry: ids, terms and aliases are unique across
entries, every ``see_also`` names another entry and every source key exists. Lookup accepts an id,
a term or an alias in any spelling (case, spaces, dashes) and a small typo; otherwise it fails
with "did you mean".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, get_args

from annotated_types import Len, MaxLen

from llmguide.catalog.paths import catalog_dir
from llmguide.catalog.schema import FORBID, Source
from llmguide.knowledge.kb import find, index, read_cached

Kind = Literal["concept", "inference", "quantization", "parallelism", "technique", "search", "tool"]
KINDS: tuple[str, ...] = get_args(Kind)  # the order `explain` lists them in


@dataclass(frozen=True, kw_only=True)
class Term:
    __pydantic_config__ = FORBID
    id: Annotated[str, Len(2, 40)]
    term: str
    kind: Kind
    text: Annotated[str, MaxLen(600)]  # short, in our words
    aliases: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()  # llmguide commands that show the idea at work
    see_also: tuple[str, ...] = ()
    sources: Annotated[tuple[str, ...], Len(1)]

    @property
    def summary(self) -> str:
        """The first sentence."""
        return self.text.split(". ")[0].rstrip(".") + "."


@dataclass(frozen=True, kw_only=True)
class GlossaryFile:
    __pydantic_config__ = FORBID
    sources: dict[str, Source]
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    sources: dict[str, Source]
    names: dict[str, Term] = field(repr=False)  # normalized id, term and aliases -> entry

    def get(self, name: str) -> Term:
        return find(self.names, name, "term", "llmguide explain lists every term.")


def path() -> Path:
    return catalog_dir() / "glossary.yaml"


def load_glossary(file: Path | None = None) -> Glossary:
    """The glossary in ``file`` (default: the catalog's), read once per version of the file."""
    return read_cached(file or path(), _parse)


def _parse(file: Path) -> Glossary:
    from llmguide.catalog.yamlfile import read_model

    data = read_model(file, GlossaryFile)
    names = index(str(file), data.terms, data.sources, lambda t: (t.term, *t.aliases))
    order = {k: n for n, k in enumerate(KINDS)}
    terms = tuple(sorted(data.terms, key=lambda t: (order[t.kind], t.term.lower())))
    return Glossary(terms, data.sources, names)
