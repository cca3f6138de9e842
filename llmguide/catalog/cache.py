"""A per-user cache of the validated catalog, so commands start fast.

Validating the catalog means building pydantic validators and checking every file, which costs
more than the rest of a ``show``. The validated ``Catalog`` is pickled into the user cache
directory under a key made of the llmguide version and every catalog file's path, size and
modification time (and those of the catalog code): any edit, or a new version, misses the cache
and validates afresh. A cache that cannot be read or written is skipped; the answer is the same
either way.

A cache file is written whole or not at all: into a temporary file in the cache folder, renamed
over the old one (``os.replace``), the temporary removed on any failure. It starts with a magic
word, the length of the pickle that follows and its checksum, so a truncated, empty or damaged
file (a crash, a full disk, a bad sector) is seen as such, ignored and rebuilt.
"""

from __future__ import annotations

import os
import pickle
import stat
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from llmguide import __version__


def cache_dir() -> Path:
    override = os.environ.get("LLMGUIDE_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("llmguide", appauthor=False))


def cache_key(root: Path) -> str:
    """Changes with the version, with any catalog file, and with the code that defines the classes."""
    code = Path(__file__).resolve().parent
    limits = code.parent / "model" / "limits.py"  # the schema's bounds come from there
    return stamped_key([__version__, str(root.resolve())],
                       [*sorted(root.rglob("*.yaml")), *sorted(root.rglob("*.csv")), *sorted(code.glob("*.py")), limits])


def stamped_key(parts: list[str], paths: Sequence[str | os.PathLike[str]]) -> str:
    """A short key that changes with ``parts`` and with each file's path, size and modification
    time (stat follows links: their targets count; a dangling one still changes the key, and
    reading it says what is wrong)."""
    stamps = list(parts)
    here = os.getcwd()
    for path in paths:
        name = os.path.join(here, path)  # as Path.absolute() has it (not normalized), without a Path per file
        try:
            st = os.stat(path)
        except OSError:
            stamps.append(f"{name}:missing")
            continue
        stamps.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    text = "\n".join(stamps).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(text):x}"  # zlib: no hashlib import


def files_key(base_key: str, files: Sequence[str | os.PathLike[str]]) -> str:
    """A key for a catalog built from the cached base plus ``files`` (user catalogs): changes with
    any of them."""
    return "user-" + stamped_key([base_key], files)


_MAGIC = b"llmguide-catalog-cache 2\n"
# The magic word, the pickle's length (8 bytes) and its CRC-32 (4 bytes), little-endian. The
# checksum matters because a catalog reads some of its parts only when first used: damage found
# then could no longer be answered by rebuilding.
_HEADER = len(_MAGIC) + 12
_STALE_TMP_S = 3600  # a temporary file this old belongs to no running writer: a crashed run left it


def _entry(key: str) -> Path:
    return cache_dir() / f"catalog-{key}.pickle"


def has_key(key: str) -> bool:
    """Whether something is stored under ``key`` (a plain file; whether it is whole is found when
    it is read)."""
    try:
        return stat.S_ISREG(os.stat(_entry(key)).st_mode)
    except (OSError, ValueError):
        return False


def read_key(key: str):
    """What is stored under ``key``, or None: missing, truncated, corrupt or not a plain file."""
    path = _entry(key)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # opening a FIFO would wait for a writer
            return None
        with path.open("rb") as fh:
            head = fh.read(_HEADER)
            size = os.fstat(fh.fileno()).st_size
            length, crc = head[len(_MAGIC):-4], head[-4:]
            if head[: len(_MAGIC)] != _MAGIC or int.from_bytes(length, "little") != size - _HEADER:
                return None  # not ours, or cut short
            payload = fh.read()
            if zlib.crc32(payload).to_bytes(4, "little") != crc:
                return None  # damaged
            return loads(payload)
    except Exception:  # noqa: BLE001 - a missing, stale or damaged cache is simply rebuilt
        return None


# Set by the llmguide script, whose process ends with its command: what is read from the cache
# lives until then and holds no cycles, so it is frozen out of the cyclic collector's sight
# (gc.freeze) as soon as it is read, a catalog's packed parts (loader.py) included, and so is what
# the command builds (cli/common.settle). A process that goes on (the MCP server, a program using
# the API, the tests) keeps collecting.
FREEZE = False


def loads(payload: bytes):
    """Unpickle what this cache wrote (an entry, or a part a catalog keeps packed)."""
    import gc

    paused = gc.isenabled()
    gc.disable()  # unpickling makes many objects and no cycles: the collector would only rescan them
    try:
        return pickle.loads(payload)
    finally:
        if FREEZE:
            gc.freeze()
        if paused:
            gc.enable()


def share_equal_parts(catalog) -> None:
    """Make the catalog's equal parts one object each: a pickle stores a shared object once, so a
    catalog of many variants that repeat their family's or base model's facts (architecture,
    context, release, licence, notes) caches in about half the bytes and loads in a third of the
    time. The parts are frozen, so sharing changes no answer; the rules that memoize a verdict on a
    licence or language entry by identity (rules/license_policy.py, rules/language.py) only find
    it shared more often."""
    from dataclasses import fields, is_dataclass

    seen: dict = {}

    def canonical(value):
        if value is None or isinstance(value, (bool, int, float)):
            return value
        try:
            key = (type(value), value if isinstance(value, str) else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - a part that cannot be pickled alone is left as it is
            return value
        return seen.setdefault(key, value)

    def share(obj, skip: tuple[str, ...] = ()) -> None:
        for f in fields(obj):
            if f.name in skip:
                continue
            value = getattr(obj, f.name)
            same = canonical(value)
            if same is not value:
                object.__setattr__(obj, f.name, same)  # frozen: the equal value, not a change

    for family in getattr(catalog, "families", ()):
        if is_dataclass(family) and not isinstance(family, type):
            share(family, skip=("variants",))
            for variant in getattr(family, "variants", ()):
                share(variant)


def write_key(key: str, catalog) -> None:
    """Store ``catalog`` under ``key``, dropping older entries of its kind (shipped, user or prices).

    Never fails the command: a cache folder that cannot be made or written (a read-only home, a
    full disk) means running without a cache."""
    try:
        share_equal_parts(catalog)
        payload = pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - a catalog that cannot be pickled is a bug, not the user's problem
        import warnings

        warnings.warn(f"llmguide: the catalog cache is not written: {type(exc).__name__}: {exc}", RuntimeWarning, stacklevel=2)
        return
    from llmguide.model.files import write_atomic

    target = _entry(key)
    folder = target.parent
    try:
        write_atomic(target, [_MAGIC, len(payload).to_bytes(8, "little"), zlib.crc32(payload).to_bytes(4, "little"), payload],
                     prefix=".catalog-")
    except OSError:
        return  # read-only home, full disk: run without a cache
    kind = _kind(key)
    now = time.time()
    try:
        for old in folder.iterdir():
            name = old.name
            if name.startswith("catalog-") and name.endswith(".pickle"):
                if old != target and _kind(name.removeprefix("catalog-")) == kind:
                    old.unlink(missing_ok=True)
            elif name.startswith(".catalog-") and name.endswith(".tmp") and now - old.stat().st_mtime > _STALE_TMP_S:
                old.unlink(missing_ok=True)  # left by a run that was killed while writing
    except OSError:
        pass


def _kind(key: str) -> str:
    """What an entry holds: the shipped catalog (''), a catalog with user files ('user'), the
    estimator's stored weight prices ('prices', estimate/prices.py) or one task's quality table
    ('quality-TASK-CATALOG', quality/kept.py): what comes before the digest that ends every key
    (``stamped_key``'s, which holds no '-'). A new entry replaces the old ones of its kind only."""
    return key.removesuffix(".pickle").rpartition("-")[0]
