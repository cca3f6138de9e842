"""Load the whole catalog once and check it as a registry.

Checks that cross files live here: ids and aliases unique across the catalog, benchmark names
defined in ``tasks.yaml``. Every failure is a ``CatalogError`` naming the file and the problem.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmguide.catalog.listing import ListedModel, listed
from llmguide.catalog.paths import catalog_dir
from llmguide.errors import CatalogError

if TYPE_CHECKING:  # imported where used: `list` over a cached catalog reads no family, task or device
    from llmguide.catalog.evidence import EvidenceTable
    from llmguide.catalog.reference import QuantTable, Task, TaskTable
    from llmguide.catalog.schema import Family, Variant
    from llmguide.hardware.presets import Device


def _no_evidence() -> EvidenceTable:
    from llmguide.catalog.evidence import EvidenceTable

    return EvidenceTable((), "")


@dataclass(frozen=True)
class Catalog:
    """The loaded catalog: families in file order, plus the reference tables.

    A catalog kept in the user cache (catalog/cache.py) is read part by part as it is used
    (``deferred``): its list rows from an entry of their own, the rest from the catalog's entry,
    in which its families, its evidence and its name index are packed in pickles of their own,
    each read back the first time it is used (``_PACKED``, ``names``). ``list`` over a
    cached catalog of thousands of variants reads its rows only; ``show`` does not build the name
    index again, and ``recommend`` does not read it.
    """

    families: tuple[Family, ...]
    tasks: TaskTable
    quants: QuantTable
    root: Path
    # family id -> its file, as text: a cached catalog of thousands of files spent more time
    # building Path objects when read back than on anything else in its families
    _files: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # (no field but the stamp has a plain default: a class attribute would answer for a deferred
    # catalog's field before it is read)
    hardware: tuple[Device, ...] = field(default_factory=tuple)
    evidence: EvidenceTable = field(default_factory=_no_evidence)
    _device_files: dict[str, Path] = field(default_factory=dict, compare=False, repr=False)
    # The cache key it was stored under ("": not from the cache): what is worked out from the
    # whole catalog, and kept between runs, is keyed by it (quality/kept.py). A catalog made from
    # another (a user's files merged, a Hub family added) has other contents: its stamp is "".
    stamp: str = field(default="", compare=False, repr=False)

    def variants(self) -> list[tuple[Family, Variant]]:
        return [(fam, var) for fam in self.families for var in fam.variants]

    @classmethod
    def deferred(cls, key: str, build: Callable[[], Catalog]) -> Catalog:
        """The catalog kept in the cache under ``key``, read as it is used: nothing yet. Should
        its entry be gone or damaged when first read, ``build`` makes the catalog again from the
        files as they are then (and keeps it under their key)."""
        catalog = object.__new__(cls)
        catalog.__dict__.update(stamp=key, _build=build)
        return catalog

    @cached_property
    def listing(self) -> tuple[ListedModel, ...]:
        """Every variant as ``llmguide list`` shows it, in catalog order (catalog/listing.py).
        A cached catalog keeps them in an entry of their own (``rows_key``)."""
        from llmguide.catalog import cache

        kept = cache.read_key(rows_key(self.stamp)) if self.stamp else None
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == ListedModel._fields:
            return tuple(map(partial(tuple.__new__, ListedModel), kept[1]))  # ListedModel._make, in C
        rows = tuple(listed(f, v) for f, v in self.variants())
        if self.stamp:
            cache.write_key(rows_key(self.stamp), (ListedModel._fields, tuple(map(tuple, rows))))
        return rows

    def __getstate__(self) -> dict[str, Any]:
        import pickle

        state: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _PACKED}
        state["_packed"] = {name: pickle.dumps(getattr(self, name), protocol=pickle.HIGHEST_PROTOCOL) for name in _PACKED}
        # the name index as numbers: what each name means, counted over the families in order
        number = {id(fam if var is None else var): n for n, (fam, var) in enumerate(_meanings(self.families))}
        coded = {key: number[id(fam if var is None else var)] for key, (fam, var) in self.names.items()}
        state["_names"] = pickle.dumps(coded, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _read(self) -> None:
        """Read a deferred catalog's entry (or build it again), once."""
        with _READING:  # two threads must not each set half of their own copy
            build = self.__dict__.get("_build")
            if build is None:
                return
            from llmguide.catalog import cache

            whole = cache.read_key(self.stamp)
            if not isinstance(whole, Catalog):
                whole = build()
                if whole.stamp != self.stamp:  # the files changed since: what was read of the old ones goes
                    self.__dict__.clear()
            for name, value in whole.__dict__.items():
                self.__dict__.setdefault(name, value)
            self.__dict__.pop("_build", None)

    def _unpack(self, name: str) -> None:
        """Read back a field a cached catalog keeps packed (``_PACKED``), once."""
        from llmguide.catalog.cache import loads

        with _READING:
            blob = self.__dict__.get("_packed", {}).get(name)
            if blob is not None and name not in self.__dict__:
                self.__dict__[name] = loads(blob)

    if not TYPE_CHECKING:  # to the type checker, the fields are plain fields
        def __getattr__(self, name: str) -> Any:
            """A field of a deferred catalog, or a packed one, read the first time it is used."""
            known = self.__dict__
            if name in _FIELDS:
                if "_build" in known:
                    self._read()
                if name in _PACKED and name not in known:
                    self._unpack(name)
                if name in known:  # (read now, or by another thread since the lookup that failed)
                    return known[name]
            raise AttributeError(f"'Catalog' object has no attribute '{name}'")

    def task(self, task_id: str) -> Task:
        return self.tasks.tasks[task_id]

    def file_of(self, family_id: str) -> Path:
        return Path(self._files[family_id])

    @cached_property
    def newest_month(self) -> str:
        """The latest release month of any variant ("YYYY-MM"): the catalog's own "now"."""
        # (the latest month of the full dates is the latest of their months: one slice, not one per variant)
        return max((v.release.month for fam in self.families for v in fam.variants), default="")[:7]

    @cached_property
    def names(self) -> dict[str, tuple[Family, Variant | None]]:
        """Every normalized name (ids, names, aliases, Hugging Face repos) to what it means."""
        from llmguide.catalog.schema import normalize

        if "_build" in self.__dict__:
            self._read()
        with _READING:
            if "names" in self.__dict__:  # built with the catalog, or decoded by another thread
                return self.__dict__["names"]
            coded = self.__dict__.pop("_names", None)
            if coded is not None:  # a cached catalog's index, kept as numbers (__getstate__)
                from llmguide.catalog.cache import loads

                meant = list(_meanings(self.families))
                self.__dict__["names"] = decoded = {key: meant[n] for key, n in loads(coded).items()}
                return decoded
        index: dict[str, tuple[Family, Variant | None]] = {}
        owner: dict[str, str] = {}

        def add(name: str, target: tuple[Family, Variant | None], where: str) -> None:
            key = normalize(name)
            if not key:
                return
            if key in index and index[key] != target:
                raise CatalogError(where, [f"name '{name}' is already used by {owner[key]}"])
            index[key] = target
            owner[key] = where

        for fam in self.families:
            path = str(self._files.get(fam.id, fam.id))
            for name in (fam.id, fam.name, *fam.aliases):
                add(name, (fam, None), path)
        for fam in self.families:
            path = str(self._files.get(fam.id, fam.id))
            for var in fam.variants:
                repo_name = var.hf_repo.split("/", 1)[1]
                for name in (var.id, var.name, var.hf_repo, repo_name, *var.aliases):
                    if index.get(normalize(name)) == (fam, None) and name != var.id and len(fam.variants) == 1:
                        continue  # a one-variant family may share its name with that variant
                    add(name, (fam, var), path)
        return index


# What a pickled catalog keeps packed, each in a pickle of its own read back the first time it is
# used: what ``list`` does not need, and most of the bytes (a user catalog of 15,000 variants: the
# families take 36 ms to unpickle, the evidence 6 ms, which a warm ``recommend`` does not read:
# task quality is kept). Its name index, which takes 0.4 s to build, is kept apart as numbers
# (``names``): read back only by a command that looks up a name.
_PACKED = ("families", "evidence")
_FIELDS = frozenset(f.name for f in fields(Catalog))
_READING = threading.RLock()


def _meanings(families: Iterable[Family]) -> Iterator[tuple[Family, Variant | None]]:
    """What a name can mean, in a fixed order: each family, then each of its variants."""
    for fam in families:
        yield fam, None
        for var in fam.variants:
            yield fam, var


def rows_key(key: str) -> str:
    """The cache key of the list rows of the catalog kept under ``key``."""
    return f"rows-{key}"


def cached(keyed: Callable[[], str], build: Callable[[], Catalog]) -> Catalog:
    """The catalog kept in the user cache under the key of its files as they are (``keyed``),
    read as it is used (``Catalog.deferred``); when there is none, ``build``'s, kept there with
    its list rows. A catalog is kept only once it has been checked whole, and its key changes
    with every file it was built from: what is wrong with the files is found here. (Should the
    entry vanish before it is read, and the files have changed since, the catalog is built
    from them then, and is theirs.)"""
    from llmguide.catalog import cache

    def build_and_keep(key: str | None = None) -> Catalog:
        key = key or keyed()
        catalog = build()
        object.__setattr__(catalog, "stamp", key)  # a catalog just made, no one else's: its name index stays
        cache.write_key(key, catalog)
        catalog.listing  # noqa: B018 - worked out, and kept
        return catalog

    key = keyed()
    return Catalog.deferred(key, build_and_keep) if cache.has_key(key) else build_and_keep(key)


def load_catalog(root: Path | None = None, *, use_cache: bool = False) -> Catalog:
    """Read and check every file under ``root`` (default: the shipped catalog).

    With ``use_cache`` the validated catalog is kept in the user cache (see ``catalog.cache``).
    """
    root = root or catalog_dir()
    if use_cache:
        from llmguide.catalog import cache

        return cached(partial(cache.cache_key, root), partial(load_catalog, root))

    from llmguide.catalog.evidence import EvidenceTable, read_evidence
    from llmguide.catalog.reference import QuantTable, TaskTable
    from llmguide.catalog.schema import Family
    from llmguide.catalog.yamlfile import read_model  # yaml and pydantic only when validating

    models_dir = root / "models"
    if not models_dir.is_dir():
        raise CatalogError(str(root), ["no 'models' folder: this is not a catalog directory"])
    tasks = read_model(root / "tasks.yaml", TaskTable)
    quants = read_model(root / "quants.yaml", QuantTable)
    _check_tasks(root / "tasks.yaml", tasks)
    _check_quants(root / "quants.yaml", quants)

    families: list[Family] = []
    files: dict[str, str] = {}
    variant_ids: dict[str, Path] = {}
    for path in sorted(models_dir.glob("*.yaml")):
        fam = read_model(path, Family)
        check_file_name(path, fam)
        if fam.id in files:  # pragma: no cover - two files cannot both be named after one id
            raise CatalogError(str(path), [f"family id '{fam.id}' is also used in {files[fam.id]}"])
        files[fam.id] = str(path)
        for var in fam.variants:
            if var.id in variant_ids:
                raise CatalogError(str(path), [f"variant id '{var.id}' is also used in {variant_ids[var.id]}"])
            variant_ids[var.id] = path
        families.append(fam)
    if not families:
        raise CatalogError(str(models_dir), ["no family files (*.yaml) found"])
    evidence_path = root / "evidence.csv"
    evidence = read_evidence(evidence_path, tasks.benchmarks) if evidence_path.exists() else EvidenceTable((), "")
    devices, device_files = _load_hardware(root, read_model)
    catalog = Catalog(tuple(families), tasks, quants, root, files, devices, evidence, device_files)
    catalog.names  # build the name index now, so duplicate names fail at load time
    return catalog


def _check_quants(path: Path, table: QuantTable) -> None:
    from llmguide.estimate.gguf_rules import parse_preset

    for q in table.quants:
        missing = [k for k in q.sources if k not in table.sources]
        if missing:
            raise CatalogError(str(path), [f"quant '{q.name}': source key '{missing[0]}' is not in this file's sources"])
        if parse_preset(q.name) is None:
            raise CatalogError(str(path), [f"quant '{q.name}' is not a preset the estimator knows"])


def _check_tasks(path: Path, table: TaskTable) -> None:
    words: dict[str, str] = {tid: tid for tid in table.tasks}
    for task_id, task in table.tasks.items():
        for alias in task.aliases:
            if alias in words:
                raise CatalogError(str(path), [f"task '{task_id}': alias '{alias}' already names task '{words[alias]}'"])
            words[alias] = task_id
    for task_id, task in table.tasks.items():
        named = [task.scale, *(b for rung in task.ladder for b in rung), *task.general]
        for bench in named:
            if bench not in table.benchmarks:
                raise CatalogError(str(path), [f"task '{task_id}': benchmark '{bench}' is not defined"])
        if len(set(named[1:])) != len(named) - 1:
            raise CatalogError(str(path), [f"task '{task_id}': a benchmark is listed twice in its ladder or general list"])


def check_file_name(path: Path, fam: Family) -> None:
    """A family file is named after its family: ``models/<id>.yaml``. The id decides which family a
    user's file adds or replaces, so a file whose name says otherwise (a copy whose id was not
    changed) would replace another family without a word."""
    if path.stem != fam.id:
        raise CatalogError(str(path), [file_name_problem(path, fam.id)])


def file_name_problem(path: Path, fam_id: str) -> str:
    return (f"file name should be '{fam_id}.yaml', after the family id '{fam_id}' (it is '{path.name}'): "
            "rename the file, or change the id if this is a new family")


def _load_hardware(root: Path, read_model) -> tuple[tuple[Device, ...], dict[str, Path]]:
    """Accelerator presets from ``root/hardware/*.yaml``, with the file of each; ids and names
    unique across the files."""
    from llmguide.hardware.presets import HardwareFile

    devices: list[Device] = []
    files: dict[str, Path] = {}
    for path in sorted((root / "hardware").glob("*.yaml")):
        for dev in read_model(path, HardwareFile).devices:
            if dev.id in files:
                raise CatalogError(str(path), [f"device id '{dev.id}' is also used in {files[dev.id]}"])
            files[dev.id] = path
            devices.append(dev)
    check_hardware_names(devices, files)
    return tuple(devices), files


def check_hardware_names(devices: Iterable[Device], files: Mapping[str, Path]) -> None:
    """Every device name (id, name, aliases, compared normalized) names one device only. A clash
    is reported with both devices and both files; every clash in the file of the first."""
    from llmguide.catalog.schema import normalize

    owner: dict[str, Device] = {}
    problems: list[tuple[str, str]] = []
    for dev in devices:
        for name in (dev.id, dev.name, *dev.aliases):
            key = normalize(name)
            if not key:
                continue
            other = owner.setdefault(key, dev)
            if other.id != dev.id:
                where = files.get(dev.id, "?")
                problems.append((str(where), f"hardware name '{name}' of device '{dev.id}' is already used by "
                                             f"device '{other.id}' in {files.get(other.id, '?')}"))
    if problems:
        raise CatalogError(problems[0][0], [msg for file, msg in problems if file == problems[0][0]])
