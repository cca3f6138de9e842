"""The shapes rules work on: what the user asked for, one candidate model, and a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

from llmguide.catalog.loader import Catalog
from llmguide.catalog.reference import Task
from llmguide.catalog.schema import Family, Variant
from llmguide.estimate.ladder import QuantOption
from llmguide.estimate.memory import MemoryEstimate
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture
from llmguide.quality.task import Quality

DEFAULT_CONTEXT = 4096


@dataclass(frozen=True)
class Request:
    """What the user asked for. ``context`` is the planned context in tokens."""

    task_id: str
    task: Task
    context: int
    context_given: bool
    languages: tuple[str, ...] = ()
    top: int = 5
    license: str | None = None  # an SPDX id, "permissive" or "commercial"
    min_speed: float | None = None  # generated tokens per second
    max_ttft: float | None = None  # seconds to the first token
    modalities: tuple[str, ...] = ()  # input kinds the model must take, beyond the task's
    prompt_tokens: int = 512


@dataclass(frozen=True)
class Candidate:
    family: Family
    variant: Variant
    arch: Architecture
    fit: QuantOption | None  # how it runs; None when nothing fits (the fit rule explains)
    smallest: MemoryEstimate  # the smallest estimate tried, for "needs N GiB more"
    quality: Quality | None = None  # quality at the task at full precision (None: no evidence in the catalog)

    def __init__(self, family: Family, variant: Variant, arch: Architecture, fit: QuantOption | None,
                 smallest: MemoryEstimate, quality: Quality | None = None) -> None:
        # (written out: a frozen dataclass's own __init__ sets each field through object.__setattr__,
        # twice as slow, and a ranking makes one candidate per model and per option it judges)
        fields_ = self.__dict__
        fields_["family"], fields_["variant"], fields_["arch"] = family, variant, arch
        fields_["fit"], fields_["smallest"], fields_["quality"] = fit, smallest, quality


@dataclass(frozen=True)
class Verdict:
    code: str
    passed: bool
    reason: str
    would_fit_with: str | None = None


@dataclass(frozen=True)
class Score:
    code: str
    points: float
    reason: str
    estimated: bool = False


@dataclass(frozen=True)
class Env:
    """Everything a rule may consult besides the candidate."""

    catalog: Catalog
    request: Request
    hardware: Hardware
    notes: list[str] = field(default_factory=list)
