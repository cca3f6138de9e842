"""The glossary behind ``llmguide explain``: terms kept as data in ``catalog/glossary.yaml``.

The file is validated like the rest of the catalog (unknown keys and wrong types are errors with
file, line and field), then checked as a registry: ids, terms and aliases are unique across
entries, every ``see_also`` names another entry and every source key exists. Lookup accepts an id,
a term or an alias in any spelling (case, spaces, dashes) and a small typo; otherwise it fails
with "did you mean".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from annotated_types import Len, MaxLen

from llmguide.catalog.paths import catalog_dir
from llmguide.catalog.schema import FORBID, Source, normalize
from llmguide.errors import CatalogError, UnknownNameError

Kind = Literal["concept", "inference", "quantization", "parallelism", "technique", "search", "tool"]
KINDS: tuple[str, ...] = Kind.__args__  # the order `explain` lists them in
TYPO_CUTOFF = 0.85  # a name this close to one entry, and clearly closer than to any other, is a typo of it


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
        key = normalize(name)
        if key in self.names:
            return self.names[key]
        scores: dict[str, float] = {}  # entry id -> its best-matching name's similarity
        for k, t in self.names.items():
            scores[t.id] = max(scores.get(t.id, 0.0), difflib.SequenceMatcher(None, key, k).ratio())
        ranked = sorted(scores, key=scores.get, reverse=True)
        if scores[ranked[0]] >= TYPO_CUTOFF and (len(ranked) == 1 or scores[ranked[1]] < scores[ranked[0]] - 0.05):
            return next(t for t in self.terms if t.id == ranked[0])
        hits = [i for i in ranked if scores[i] >= 0.6]
        hits += [t.id for k, t in self.names.items() if len(key) >= 3 and key in k and t.id not in hits]
        error = UnknownNameError("term", name, hits[:4])
        error.hint = error.hint or "llmguide explain lists every term."
        raise error


def path() -> Path:
    return catalog_dir() / "glossary.yaml"


def load_glossary(file: Path | None = None) -> Glossary:
    """The glossary in ``file`` (default: the catalog's), read once per version of the file."""
    file = file or path()
    try:
        st = file.stat()
    except OSError as exc:
        raise CatalogError(str(file), [f"cannot read file: {exc}"]) from None
    return _load(file, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _load(file: Path, _mtime: int, _size: int) -> Glossary:
    from llmguide.catalog.yamlfile import read_model

    data = read_model(file, GlossaryFile)
    problems: list[str] = []
    names: dict[str, Term] = {}
    ids = {t.id for t in data.terms}
    for i, t in enumerate(data.terms):
        where = f"terms[{i}] ({t.id})"
        for name in dict.fromkeys((t.id, t.term, *t.aliases)):
            key = normalize(name)
            other = names.get(key)
            if other is not None and other is not t:
                problems.append(f"{where}: '{name}' is already a name of '{other.id}'")
            names[key] = t
        problems += [f"{where}: see_also '{s}' is not a term id" for s in t.see_also if s not in ids or s == t.id]
        problems += [f"{where}: source '{s}' is not under sources" for s in t.sources if s not in data.sources]
        problems += [f"{where}: command '{c}' does not start with 'llmguide '" for c in t.commands if not c.startswith("llmguide ")]
    if problems:
        raise CatalogError(str(file), problems)
    order = {k: n for n, k in enumerate(KINDS)}
    terms = tuple(sorted(data.terms, key=lambda t: (order[t.kind], t.term.lower())))
    return Glossary(terms, data.sources, names)
