"""Benchmark evidence: one sourced score per row of ``catalog/evidence.csv``.

Each row names the model by its Hugging Face repository (so a model the catalog does not hold yet
still counts when scores are put on one scale), the benchmark as an id of ``catalog/benchmarks.yaml``
(benchmark and evaluator), the version or harness, the score, the setting the model ran in
(instruct, thinking, non-thinking, base), the reasoning effort where one was set, the evaluator,
and the source URL and date. ``status`` marks what could not be checked against the primary source:
``secondary`` (read in a third party's copy) or ``doubt``.

Problems are reported with the file, the line and the column, like the YAML files'.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from llmguide.errors import CatalogError

COLUMNS = ("hf_repo", "model", "benchmark", "version", "score", "setting", "effort", "evaluator",
           "source_url", "source_date", "status", "notes")
SETTINGS = ("instruct", "thinking", "non-thinking", "base")
EFFORTS = ("", "low", "medium", "high")
STATUSES = ("", "secondary", "doubt")
MAX_BYTES = 8 * 1024 * 1024  # the shipped file is ~1 MB; a larger one is not evidence but a mistake
MAKER_VERSION = "as reported by makers"


class Evidence(NamedTuple):
    """One published score of one model (see the module docstring for the fields). A named tuple:
    thousands are read from the catalog cache on every command, four times faster than objects."""

    hf_repo: str
    model: str
    benchmark: str
    version: str
    score: float
    setting: str
    effort: str
    evaluator: str
    source_url: str
    source_date: str
    status: str
    notes: str
    line: int

    @property
    def repo_key(self) -> str:
        return self.hf_repo.lower()

    @property
    def mode_label(self) -> str:
        """The mode in words: 'thinking', 'thinking, effort high'."""
        return self.setting + (f", effort {self.effort}" if self.effort else "")

    @property
    def mode(self) -> tuple[str, str]:
        """How the model was run: (setting, effort). Scores of one model in two modes are never mixed."""
        return self.setting, self.effort

    @property
    def instrument(self) -> tuple[str, str]:
        """What a score can be compared with: the same benchmark (and evaluator) and version. Makers'
        numbers are one instrument per benchmark whatever version they name: each maker runs its own
        harness, so their version labels ("maker IT eval", "v6") do not make them comparable."""
        return self.benchmark, (MAKER_VERSION if self.evaluator == "maker" else self.version)


@dataclass(frozen=True, repr=False, eq=False)
class EvidenceTable:
    rows: tuple[Evidence, ...]
    path: str

    @cached_property
    def by_repo(self) -> dict[str, tuple[Evidence, ...]]:
        index: dict[str, list[Evidence]] = defaultdict(list)
        for row in self.rows:
            index[row.repo_key].append(row)
        return {k: tuple(v) for k, v in index.items()}

    def of(self, hf_repo: str) -> tuple[Evidence, ...]:
        return self.by_repo.get(hf_repo.lower(), ())

    def for_variant(self, hf_repo: str, kind: str) -> list[Evidence]:
        """A variant's rows: base-model scores for a base model, the others for every other kind
        (a base model's numbers never stand for its instruct sibling, nor the reverse)."""
        return [r for r in self.of(hf_repo) if (r.setting == "base") == (kind == "base")]


def read_evidence(path: Path, benchmarks: Mapping[str, object]) -> EvidenceTable:
    """Read and check ``evidence.csv``; ``benchmarks`` is the registry the ids must resolve in."""
    from llmguide.catalog.textfile import read_text

    text = read_text(path, MAX_BYTES, "evidence")  # a plain file only, refused before reading when too large
    lines = text.splitlines()  # one row per line: the file is written without line breaks in fields
    if not lines:
        raise CatalogError(str(path), [f"line 1: the header must be: {','.join(COLUMNS)}"])
    rows: list[Evidence] = []
    problems: list[str] = []
    for line, raw in enumerate(lines, start=1):
        try:
            values = next(csv.reader([raw], strict=True), [])
        except csv.Error as exc:  # an unclosed quote, a field over the csv module's limit
            problems.append(f"line {line}: not a CSV row ({exc})")
            continue
        if line == 1:
            if tuple(values) != COLUMNS:
                raise CatalogError(str(path), [f"line 1: the header must be: {','.join(COLUMNS)}"])
            continue
        if not values:
            continue
        try:
            rows.append(_row(values, line, benchmarks))
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise CatalogError(str(path), problems)
    return EvidenceTable(tuple(rows), str(path))


def _valid_date(text: str) -> bool:
    """The catalog's date rule (YYYY-MM or YYYY-MM-DD), and a day the month has."""
    import datetime

    from llmguide.catalog.constraints import year_month_or_date

    if not year_month_or_date(text):
        return False
    try:
        datetime.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


def _row(values: list[str], line: int, benchmarks: Mapping[str, object]) -> Evidence:
    from llmguide.catalog.constraints import http_url, owner_slash_name  # the YAML files' own rules

    if len(values) != len(COLUMNS):
        raise ValueError(f"{len(values)} fields, expected {len(COLUMNS)}")
    rec = dict(zip(COLUMNS, values))
    for name in ("hf_repo", "model", "benchmark", "version", "setting", "evaluator", "source_url"):
        if not rec[name].strip():
            raise ValueError(f"field '{name}': required")
    if not owner_slash_name(rec["hf_repo"]):
        raise ValueError(f"field 'hf_repo': '{rec['hf_repo']}' is not ORG/NAME")
    if rec["benchmark"] not in benchmarks:
        raise ValueError(f"field 'benchmark': '{rec['benchmark']}' is not a benchmark of tasks.yaml")
    try:
        score = float(rec["score"])
    except ValueError:
        raise ValueError(f"field 'score': '{rec['score']}' is not a number") from None
    if not math.isfinite(score):
        raise ValueError(f"field 'score': {rec['score']} is not a finite number")
    for name, allowed in (("setting", SETTINGS), ("effort", EFFORTS), ("status", STATUSES)):
        if rec[name] not in allowed:
            raise ValueError(f"field '{name}': '{rec[name]}' is not one of: {', '.join(a or '(empty)' for a in allowed)}")
    if not http_url(rec["source_url"]):
        raise ValueError(f"field 'source_url': '{rec['source_url']}' is not a URL")
    if rec["source_date"] and not _valid_date(rec["source_date"]):
        raise ValueError(f"field 'source_date': '{rec['source_date']}' is not a date (YYYY-MM or YYYY-MM-DD)")
    want = getattr(benchmarks[rec["benchmark"]], "evaluator", None)
    if want is not None and rec["evaluator"] != want:
        raise ValueError(f"field 'evaluator': '{rec['evaluator']}' but {rec['benchmark']} is run by '{want}'")
    return Evidence(rec["hf_repo"], rec["model"], rec["benchmark"], rec["version"], score, rec["setting"],
                    rec["effort"], rec["evaluator"], rec["source_url"], rec["source_date"], rec["status"],
                    rec["notes"], line)
