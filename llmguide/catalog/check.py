"""``catalog validate``: every problem in a catalog or a family file, not only the first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from llmguide.errors import CatalogError

# A single file of one of these names (outside a models/ folder) is checked as that table, not as a family.
_TABLES = ("tasks.yaml", "quants.yaml", "glossary.yaml", "faq.yaml")


@dataclass(frozen=True)
class Report:
    files: int
    problems: tuple[str, ...]  # "file: line N: field 'x': message"

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_path(path: Path, base=None) -> Report:
    """Check a catalog folder (with models/), a folder of family files, or one file.

    Each file is validated on its own, so one broken file does not hide the others; then the
    whole is checked together (unique ids and names, benchmarks defined), on top of ``base``
    (the shipped catalog) when ``path`` is not a full catalog. One file is checked as what its
    name and folder say: ``hardware/*.yaml`` as hardware presets, ``tasks.yaml``, ``quants.yaml``,
    ``glossary.yaml`` and ``faq.yaml`` as those tables, any other as a family file. A path that
    holds no catalog file at all is a problem too, not a clean bill."""
    from llmguide.catalog.overlay import family_files

    try:
        fam_files, hw_files = family_files(path)
    except CatalogError as exc:  # no such path, or one that cannot be read
        return Report(0, tuple(f"{exc.path}: {p}" for p in exc.problems))
    if not path.is_dir() and path.name in _TABLES and path.parent.name != "models":
        return _validate_table(path)
    full = path.is_dir() and (path / "models").is_dir() and (path / "tasks.yaml").is_file()
    evidence = [path / "evidence.csv"] if path.is_dir() and (path / "evidence.csv").is_file() else []
    knowledge = [path / name for name in ("glossary.yaml", "faq.yaml") if path.is_dir() and (path / name).is_file()]
    if not (fam_files or hw_files or evidence or knowledge):
        return Report(0, (f"{path}: no catalog files found here (models/*.yaml, hardware/*.yaml, *.yaml family "
                          "files or evidence.csv); is this the right folder?",))
    problems = _each_file(path, full, fam_files, hw_files)
    if not problems:
        problems += _together(path, full, base)
    for file in knowledge:
        problems += _problems(_knowledge_loader(file.name), file)
    files = (2 if full else 0) + len(fam_files) + len(hw_files) + len(knowledge)
    return Report(files, tuple(problems))


def _each_file(path: Path, full: bool, fam_files: list[Path], hw_files: list[Path]) -> list[str]:
    from llmguide.catalog.loader import file_name_problem
    from llmguide.catalog.reference import QuantTable, TaskTable
    from llmguide.catalog.schema import Family
    from llmguide.catalog.yamlfile import read_model
    from llmguide.hardware.presets import HardwareFile

    problems: list[str] = []
    checks: list[tuple[Path, type]] = []
    if full:
        checks += [(path / "tasks.yaml", TaskTable), (path / "quants.yaml", QuantTable)]
    checks += [(f, Family) for f in fam_files] + [(h, HardwareFile) for h in hw_files]
    for file, model in checks:
        try:
            data: object = read_model(file, model)
        except CatalogError as exc:
            problems += [f"{exc.path}: {p}" for p in exc.problems]
            continue
        if isinstance(data, Family) and file.stem != data.id:
            problems.append(f"{file}: line {_line_of_id(file)}: {file_name_problem(file, data.id)}")
    return problems


def _together(path: Path, full: bool, base) -> list[str]:
    """The checks across files: ids and names unique, benchmarks and quants defined."""
    from llmguide.catalog.loader import load_catalog
    from llmguide.catalog.overlay import apply_overlays

    try:
        if full:
            load_catalog(path)
        else:
            apply_overlays(base if base is not None else load_catalog(use_cache=True), [path])
    except CatalogError as exc:
        return [f"{exc.path}: {p}" for p in exc.problems]
    return []


def _validate_table(path: Path) -> Report:
    from llmguide.catalog import loader
    from llmguide.catalog.reference import QuantTable, TaskTable
    from llmguide.catalog.yamlfile import read_model

    def tasks(file: Path) -> None:
        loader._check_tasks(file, read_model(file, TaskTable))

    def quants(file: Path) -> None:
        loader._check_quants(file, read_model(file, QuantTable))

    check = {"tasks.yaml": tasks, "quants.yaml": quants}.get(path.name) or _knowledge_loader(path.name)
    return Report(1, tuple(_problems(check, path)))


def _knowledge_loader(name: str):
    from llmguide.knowledge.faq import load_faq
    from llmguide.knowledge.glossary import load_glossary

    return load_glossary if name == "glossary.yaml" else load_faq


def _problems(check, file: Path) -> list[str]:
    try:
        check(file)
    except CatalogError as exc:
        return [f"{exc.path}: {p}" for p in exc.problems]
    return []


def _line_of_id(file: Path) -> int:
    """The line of the top-level ``id:`` key (1 when it cannot be told)."""
    from llmguide.catalog.textfile import read_text
    from llmguide.catalog.yamlfile import MAX_BYTES

    try:
        text = read_text(file, MAX_BYTES)
    except CatalogError:  # pragma: no cover - the file was just read
        return 1
    match = re.search(r"^id\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
