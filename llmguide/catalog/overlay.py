"""User catalogs: families and hardware presets that add to, or replace, the shipped ones.

Sources, later ones winning: the shipped catalog, the user catalog folder in the platform's config
directory (``<config>/llmguide/catalog``, see ``user_catalog_dir``), the paths in
``LLMGUIDE_CATALOG`` (separated by the platform's path separator), then ``--catalog PATH`` options.
A path is a family file (``*.yaml``) or a folder holding ``models/*.yaml`` and/or
``hardware/*.yaml`` (or family files directly), and optionally ``evidence.csv``, whose rows are
added to the shipped evidence. A family with the id of an existing one replaces
it whole; new ids are added. The result is checked like the shipped catalog (unique names,

"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from llmguide.catalog.loader import Catalog
from llmguide.errors import CatalogError

ENV = "LLMGUIDE_CATALOG"


def user_catalog_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("llmguide", appauthor=False)) / "catalog"


def overlay_paths(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    paths: list[Path] = []
    user = user_catalog_dir()
    if user.is_dir():
        paths.append(user)
    env = os.environ.get(ENV)
    if env:
        paths += [Path(p) for p in env.split(os.pathsep) if p]
    return paths + list(extra)


def family_files(path: Path) -> tuple[list[Path], list[Path]]:
    """(family files, hardware files) a catalog path stands for."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        raise CatalogError(str(path), ["no such file or folder"])
    models = path / "models"
    families = sorted((models if models.is_dir() else path).glob("*.yaml"))
    hardware = sorted((path / "hardware").glob("*.yaml"))
    return families, hardware


def apply_overlays(base: Catalog | Callable[[], Catalog], paths: list[Path], use_cache: bool = False) -> Catalog:
    """The base catalog (or a function that loads it) with the user catalogs at ``paths`` on top.
    With ``use_cache``, the merged catalog is kept in the user cache keyed by every file involved
    (stats), so a large user catalog is parsed and validated once, not on every command; the base
    is then loaded only when the cache misses."""
    def loaded() -> Catalog:
        return base if isinstance(base, Catalog) else base()

    if not paths:
        return loaded()
    if not use_cache:
        return _merge(loaded(), paths)
    from llmguide.catalog import cache
    from llmguide.catalog.paths import catalog_dir

    files: list[Path] = []
    for path in paths:
        fam, hw = family_files(path)
        files += [*fam, *hw] + ([path / "evidence.csv"] if path.is_dir() and (path / "evidence.csv").is_file() else [])
    key = cache.files_key(cache.cache_key(catalog_dir()), files)
    cached = cache.read_key(key)
    if cached is not None:
        return cached
    merged = _merge(loaded(), paths)
    cache.write_key(key, merged)
    return merged


def _merge(base: Catalog, paths: list[Path]) -> Catalog:
    from llmguide.catalog.schema import Family
    from llmguide.catalog.yamlfile import read_model
    from llmguide.hardware.presets import HardwareFile

    from llmguide.catalog.evidence import EvidenceTable, read_evidence

    families = {f.id: f for f in base.families}
    files = dict(base._files)
    devices = {d.id: d for d in base.hardware}
    evidence = list(base.evidence.rows)
    for path in paths:
        if path.is_dir() and (path / "evidence.csv").is_file():  # the user's own scores, same format
            evidence += read_evidence(path / "evidence.csv", base.tasks.benchmarks).rows
        fam_files, hw_files = family_files(path)
        for f in fam_files:
            fam = read_model(f, Family)
            families[fam.id] = fam
            files[fam.id] = f
        for h in hw_files:
            for dev in read_model(h, HardwareFile).devices:
                devices[dev.id] = dev
    merged = replace(base, families=tuple(families.values()), _files=files, hardware=tuple(devices.values()),
                     evidence=EvidenceTable(tuple(evidence), base.evidence.path))
    merged.__dict__.pop("names", None)  # rebuild the name index over the merged families
    merged.names  # duplicate names across shipped and user entries fail here, with the file
    ids = [v.id for f in merged.families for v in f.variants]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CatalogError(str(files.get(dupes[0], paths[-1])), [f"variant id '{dupes[0]}' is used by two families"])
    return merged
