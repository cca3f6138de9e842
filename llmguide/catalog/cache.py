"""A per-user cache of the validated catalog, so commands start fast.

Validating the catalog means building pydantic validators and checking every file, which costs
more than the rest of a ``show``. The validated ``Catalog`` is pickled into the user cache
directory under a key made of the llmguide version and every catalog file's path, size and
modification time (and those of the catalog code): any edit, or a new version, misses the cache
and validates afresh. A cache
that cannot be read or written is skipped; the answer is the same either way.
"""

from __future__ import annotations

import os
import zlib
import pickle
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
    parts = [__version__, str(root.resolve())]
    code = Path(__file__).resolve().parent
    for path in [*sorted(root.rglob("*.yaml")), *sorted(root.rglob("*.csv")), *sorted(code.glob("*.py"))]:
        st = path.stat()
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return _digest(parts)


def _digest(parts: list[str]) -> str:
    text = "\n".join(parts).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(text):x}"  # zlib: no hashlib import


def files_key(base_key: str, files: list[Path]) -> str:
    """A key for a catalog built from the cached base plus ``files`` (user catalogs): changes with
    any of them."""
    parts = [base_key]
    for path in files:
        try:
            st = path.stat()
        except OSError:
            parts.append(f"{path}:missing")
            continue
        parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
    return "user-" + _digest(parts)


def read_key(key: str):
    import gc

    paused = gc.isenabled()
    gc.disable()  # unpickling makes many objects and no cycles: the collector would only rescan them
    try:
        with (cache_dir() / f"catalog-{key}.pickle").open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - a missing or stale cache is simply rebuilt
        return None
    finally:
        if paused:
            gc.enable()


def write_key(key: str, catalog) -> None:
    """Store ``catalog`` under ``key``, dropping older entries of its kind (shipped or user)."""
    import tempfile

    folder = cache_dir()
    user = key.startswith("user-")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"catalog-{key}.pickle"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # readers see the old file or the whole new one, never half
        for old in folder.glob("catalog-*.pickle"):
            if old != target and old.name.startswith("catalog-user-") == user:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # read-only home, full disk: run without a cache


def read(root: Path):
    return read_key(cache_key(root))


def write(root: Path, catalog) -> None:
    write_key(cache_key(root), catalog)
