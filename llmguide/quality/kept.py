"""Task quality kept between runs.

A variant's quality at a task depends on the whole catalog (its evidence, its siblings, the trend
of every measured model) and on nothing the user asks besides the task: not the hardware, not the
context. So a command that judges many variants (``recommend`` over a catalog of thousands) keeps
what it judged in the user cache, one table per catalog and task, and the next run reads it back
instead of building the task's scale and trend again. A table is keyed by the catalog's own cache
key (``Catalog.stamp``: every catalog file's stat), the task, llmguide's version and the code of
this package, so an edited catalog file or a new release judges afresh.

Only the command line turns this on (``enable``), only for a catalog that came from the cache,
and a process that judged fewer than ``ENOUGH`` new variants of a task writes nothing. A missing,
damaged or unwritable file costs a recomputation, never a command.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmguide.catalog.loader import Catalog
    from llmguide.quality.task import Quality

ENOUGH = 24  # new judgements in one process before a table is worth writing

_state = {"enabled": False}
_tables: dict[str, tuple[dict[str, Quality | None], int]] = {}  # key -> (variant id -> quality, entries read)


def enable() -> None:
    """Keep task quality between runs in this process (the command line calls this)."""
    _state["enabled"] = True


def table(catalog: Catalog, task_id: str) -> dict[str, Quality | None] | None:
    """The kept judgements of ``catalog``'s variants at ``task_id`` (read on first use, and filled
    by the caller), or None when nothing is kept."""
    if not _state["enabled"] or not catalog.stamp:
        return None
    key = _key(catalog.stamp, task_id)
    found = _tables.get(key)
    if found is None:
        from llmguide.catalog import cache

        from llmguide.quality.task import Quality

        stored = cache.read_key(key)
        values = stored if isinstance(stored, dict) and all(q is None or isinstance(q, Quality) for q in stored.values()) else {}
        found = _tables[key] = (values, len(values))
    return found[0]


def save() -> None:
    """Write each table that gained ``ENOUGH`` judgements (never fails the command)."""
    from llmguide.catalog import cache

    for key, (values, read) in list(_tables.items()):
        if len(values) - read >= ENOUGH:
            cache.write_key(key, _shared(values))
            _tables[key] = (values, len(values))


def _shared(values: dict[str, Quality | None]) -> dict[str, Quality | None]:
    """The table with equal judgements as one object (variants of one size and release month,
    judged from the trend alike), so the file stores each once."""
    one: dict = {}
    out: dict[str, Quality | None] = {}
    for vid, q in values.items():
        try:
            out[vid] = one.setdefault(q, q)
        except TypeError:  # pragma: no cover - a judgement that cannot be hashed is kept as it is
            out[vid] = q
    return out


@lru_cache(maxsize=64)
def _key(stamp: str, task_id: str) -> str:
    """``quality-TASK-CATALOG-`` and a digest of the catalog's key, the version and this package's code."""
    from llmguide import __version__
    from llmguide.catalog.cache import stamped_key

    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    # the shipped catalog and one with user files keep a table each: switching does not evict the other
    which = "user" if stamp.startswith("user-") else "shipped"
    return f"quality-{task_id}-{which}-" + stamped_key([__version__, stamp, task_id], code)
