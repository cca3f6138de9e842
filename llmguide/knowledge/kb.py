"""What the glossary and the FAQ share: a checked registry of named entries with sources, and a
forgiving lookup (any spelling of an id, title or alias, a small typo, or "did you mean")."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from llmguide.catalog.schema import MAX_GUESS_CHARS, normalize
from llmguide.errors import CatalogError, UnknownNameError

class Entry(Protocol):
    """What every glossary term and FAQ entry has."""

    @property
    def id(self) -> str: ...
    @property
    def see_also(self) -> tuple[str, ...]: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def commands(self) -> tuple[str, ...]: ...


E = TypeVar("E", bound=Entry)
T = TypeVar("T")
TYPO_CUTOFF = 0.85  # a name this close to one entry, and clearly closer than to any other, is a typo of it


def index(file: str, entries: Sequence[E], sources: dict, names_of: Callable[[E], Iterable[str]],
          see_also_ids: Iterable[str] = (), see_also_kind: str = "term", label: str = "terms") -> dict[str, E]:
    """Normalized name -> entry. Names must be unique across entries, ``see_also`` must name ids in
    ``see_also_ids`` (default: the entries' own), sources must be keys of ``sources``, and commands
    must be llmguide's; every problem is reported with the file."""
    problems: list[str] = []
    names: dict[str, E] = {}
    ids = set(see_also_ids) or {e.id for e in entries}
    for i, e in enumerate(entries):
        where = f"{label}[{i}] ({e.id})"
        for name in dict.fromkeys((e.id, *names_of(e))):
            key = normalize(name)
            other = names.get(key)
            if other is not None and other is not e:
                problems.append(f"{where}: '{name}' is already a name of '{other.id}'")
            names[key] = e
        problems += [f"{where}: see_also '{s}' is not a {see_also_kind} id" for s in e.see_also if s not in ids or s == e.id]
        problems += [f"{where}: source '{s}' is not under sources" for s in e.sources if s not in sources]
        problems += [f"{where}: command '{c}' does not start with 'llmguide '" for c in e.commands if not c.startswith("llmguide ")]
    if problems:
        raise CatalogError(file, problems)
    return names


def find(names: dict[str, E], name: str, kind: str, list_hint: str) -> E:
    key = normalize(name)
    if key in names:
        return names[key]
    hits: list[str] = []
    if len(key) <= MAX_GUESS_CHARS:  # a longer one is no typo of any name (see close_matches), and slow to compare
        scores: dict[str, float] = {}  # entry id -> its best-matching name's similarity
        by_id: dict[str, E] = {}
        for k, e in names.items():
            by_id[e.id] = e
            scores[e.id] = max(scores.get(e.id, 0.0), difflib.SequenceMatcher(None, key, k).ratio())
        ranked = sorted(scores, key=lambda i: scores[i], reverse=True)
        if ranked and scores[ranked[0]] >= TYPO_CUTOFF and (len(ranked) == 1 or scores[ranked[1]] < scores[ranked[0]] - 0.05):
            return by_id[ranked[0]]
        hits = [i for i in ranked if scores[i] >= 0.6]
        hits += [e.id for k, e in names.items() if len(key) >= 3 and key in k and e.id not in hits]
    error = UnknownNameError(kind, name, hits[:4])
    error.hint = error.hint or list_hint
    raise error


def read_cached(file: Path, parse: Callable[[Path], T]) -> T:
    """``parse(file)``, done once per version of the file (its modification time and size)."""
    try:
        st = file.stat()
    except OSError as exc:
        raise CatalogError(str(file), [f"cannot read file: {exc}"]) from None
    return _parsed(parse, file, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _parsed(parse, file: Path, _mtime: int, _size: int):
    return parse(file)
