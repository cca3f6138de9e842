"""User catalogs: families and hardware presets that add to, or replace, the shipped ones.

Sources, later ones winning: the shipped catalog, the user catalog folder in the platform's config
directory (``<config>/llmguide/catalog``, see ``user_catalog_dir``), the paths in
``LLMGUIDE_CATALOG`` (separated by the platform's path separator), then ``--catalog PATH`` options.
A path is a family file (``*.yaml``) or a folder holding ``models/*.yaml`` and/or
``hardware/*.yaml`` (or family files directly), and optionally ``evidence.csv``, whose rows are
added to the shipped evidence. A family with the id of an existing one replaces
it whole; new ids are added (a family file must be named after its id, as in the shipped catalog, so
a copied file whose id was left unchanged does not replace a family unseen). The result is checked
like the shipped catalog: names unique across families, variants and devices, each clash reported
with both files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from llmguide.catalog.loader import Catalog, cached, check_file_name, check_hardware_names
from llmguide.errors import CatalogError

ENV = "LLMGUIDE_CATALOG"


def user_catalog_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("llmguide", appauthor=False)) / "catalog"


def overlay_paths(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    paths: list[Path] = []
    user = user_catalog_dir()
    try:
        if user.is_dir():
            paths.append(user)
    except OSError as exc:  # an unreadable HOME or config folder: the shipped catalog still answers
        from llmguide.errors import warn

        warn(f"cannot read your catalog folder {user} ({exc.strerror or exc}); using the shipped catalog only")
    env = os.environ.get(ENV)
    if env:
        paths += [Path(p) for p in env.split(os.pathsep) if p]
    return paths + list(extra)


def family_files(path: Path) -> tuple[list[Path], list[Path]]:
    """(family files, hardware files) a catalog path stands for. A file is a family file, or a
    hardware file when its folder is named ``hardware``; anything but a folder is taken for a file,
    so a FIFO or a device is refused by the reader with what it is."""
    families, hardware = file_names(path)
    return [Path(f) for f in families], [Path(h) for h in hardware]


def file_names(path: Path) -> tuple[list[str], list[str]]:
    """``family_files`` as text: the cache key of thousands of family files is worked out on every
    run, and making a ``Path`` of each cost more than the stats."""
    try:
        os.lstat(path)
        is_dir = path.is_dir()
    except FileNotFoundError:
        raise CatalogError(str(path), ["no such file or folder"]) from None
    except OSError as exc:  # a name too long, a folder on the way not readable
        from llmguide.model.files import os_problem

        raise CatalogError(str(path), [f"cannot read: {os_problem(exc)}"]) from None
    except ValueError:
        raise CatalogError(str(path), ["cannot read: the path contains a NUL character"]) from None
    if not is_dir:
        return ([], [str(path)]) if path.parent.name == "hardware" else ([str(path)], [])
    models = path / "models"
    return _yaml_in(models if models.is_dir() else path), _yaml_in(path / "hardware")


def _yaml_in(folder: Path) -> list[str]:
    """The ``*.yaml`` entries of one folder (as ``folder.glob("*.yaml")`` has them: hidden ones too,
    case folded where the system folds case; none when it cannot be read), in name order."""
    suffix = os.path.normcase(".yaml")
    try:
        with os.scandir(folder) as entries:
            found = [(name, e.path) for e in entries if (name := os.path.normcase(e.name)).endswith(suffix)]
    except OSError:
        return []
    return [path for _, path in sorted(found)]


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

    def key() -> str:  # of every file involved, as they are now
        files: list[str | Path] = []
        for path in paths:
            fam, hw = file_names(path)
            files += [*fam, *hw] + ([path / "evidence.csv"] if path.is_dir() and (path / "evidence.csv").is_file() else [])
        return cache.files_key(cache.cache_key(catalog_dir()), files)

    return cached(key, lambda: _merge(loaded(), paths))


def _merge(base: Catalog, paths: list[Path]) -> Catalog:
    from llmguide.catalog.schema import Family
    from llmguide.catalog.yamlfile import read_model
    from llmguide.hardware.presets import HardwareFile

    from llmguide.catalog.evidence import EvidenceTable, read_evidence

    families = {f.id: f for f in base.families}
    files = dict(base._files)
    devices = {d.id: d for d in base.hardware}
    device_files = dict(base._device_files)
    evidence = list(base.evidence.rows)
    for path in paths:
        fam_files, hw_files = family_files(path)  # first: it says what is wrong with a path
        if path.is_dir() and (path / "evidence.csv").is_file():  # the user's own scores, same format
            evidence += read_evidence(path / "evidence.csv", base.tasks.benchmarks).rows
        here: dict[str, Path] = {}  # a device id twice in one catalog is a mistake; a later catalog replaces
        for f in fam_files:
            fam = read_model(f, Family)
            check_file_name(f, fam)
            families[fam.id] = fam
            files[fam.id] = str(f)
        for h in hw_files:
            for dev in read_model(h, HardwareFile).devices:
                if dev.id in here:
                    raise CatalogError(str(h), [f"device id '{dev.id}' is also used in {here[dev.id]}"])
                here[dev.id] = h
                devices[dev.id] = dev
                device_files[dev.id] = h
    merged = replace(base, stamp="", families=tuple(families.values()), _files=files, hardware=tuple(devices.values()),
                     evidence=EvidenceTable(tuple(evidence), base.evidence.path), _device_files=device_files)
    merged.names  # duplicate names across shipped and user entries fail here, with the file
    check_hardware_names(merged.hardware, device_files)
    owner: dict[str, Family] = {}
    for fam in merged.families:
        for var in fam.variants:
            other = owner.setdefault(var.id, fam)
            if other is not fam:
                raise CatalogError(str(files.get(fam.id, paths[-1])), [
                    f"variant id '{var.id}' is also used by family '{other.id}' in {files.get(other.id, '?')}"])
    return merged
