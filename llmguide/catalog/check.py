"""``catalog validate``: every problem in a catalog or a family file, not only the first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmguide.errors import CatalogError


@dataclass(frozen=True)
class Report:
    files: int
    problems: tuple[str, ...]  # "file: line N: field 'x': message"

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_path(path: Path, base=None) -> Report:
    """Check a catalog folder (with models/), a folder of family files, or one family file.

    Each file is validated on its own, so one broken file does not hide the others; then the
    whole is checked together (unique ids and names, benchmarks defined), on top of ``base``
    (the shipped catalog) when ``path`` is not a full catalog."""
    from llmguide.catalog.loader import load_catalog
    from llmguide.catalog.overlay import apply_overlays, family_files
    from llmguide.catalog.reference import QuantTable, TaskTable
    from llmguide.catalog.schema import Family
    from llmguide.catalog.yamlfile import read_model
    from llmguide.hardware.presets import HardwareFile

    problems: list[str] = []
    full = path.is_dir() and (path / "models").is_dir() and (path / "tasks.yaml").is_file()
    checks: list[tuple[Path, type]] = []
    if full:
        checks += [(path / "tasks.yaml", TaskTable), (path / "quants.yaml", QuantTable)]
    fam_files, hw_files = family_files(path)
    checks += [(f, Family) for f in fam_files] + [(h, HardwareFile) for h in hw_files]
    for file, model in checks:
        try:
            read_model(file, model)
        except CatalogError as exc:
            problems += [f"{exc.path}: {p}" for p in exc.problems]
    if not problems:
        try:
            if full:
                load_catalog(path)
            else:
                apply_overlays(base if base is not None else load_catalog(use_cache=True), [path])
        except CatalogError as exc:
            problems += [f"{exc.path}: {p}" for p in exc.problems]
    from llmguide.knowledge.faq import load_faq
    from llmguide.knowledge.glossary import load_glossary

    knowledge = [(path / name, load) for name, load in (("glossary.yaml", load_glossary), ("faq.yaml", load_faq))
                 if path.is_dir() and (path / name).is_file()]
    for file, load in knowledge:
        try:
            load(file)
        except CatalogError as exc:
            problems += [f"{exc.path}: {p}" for p in exc.problems]
    return Report(len(checks) + len(knowledge), tuple(problems))
