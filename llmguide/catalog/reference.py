"""Schema of the catalog's reference tables: benchmarks and tasks (``tasks.yaml``) and
quantization presets (``quants.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from llmguide.catalog.schema import FORBID, Kind, Modality, Source, Specialty

if TYPE_CHECKING:  # installed by llmguide.catalog.validate before validating
    from typing import Annotated  # noqa: F401

    from llmguide.catalog.constraints import Ge, MinLen, Number, PositiveFloat, PositiveInt, QuantName, Slug, SourceKeys  # noqa: F401

Unit = Literal["percent", "index", "elo", "ten"]


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)  # see schema._Record
class BenchmarkDef:
    """A benchmark as one evaluator runs it: scores are compared only within one of these (and
    within one version of it). ``floor`` is what a model with no skill scores (the chance level of
    a multiple-choice test, 0 for pass rates, an Elo no one prefers): quality is measured above it."""

    __pydantic_config__ = FORBID
    name: str
    measures: str
    evaluator: Annotated[str, MinLen(2)]
    unit: Unit
    floor: Number = 0.0

    @property
    def independent(self) -> bool:
        """Run by an evaluator that ran every model the same way (not the model's maker)."""
        return self.evaluator != "maker"


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)  # see schema._Record
class Task:
    """What a user can ask for with ``--task`` and what serving it takes."""

    __pydantic_config__ = FORBID
    name: str
    aliases: tuple[Slug, ...] = ()  # other words for it that --task takes ("coding", "agents", "rag")
    description: str
    serves_kinds: Annotated[tuple[Kind, ...], MinLen(1)]
    scale: Slug  # the benchmark whose units the task's quality is expressed in
    ladder: Annotated[tuple[Annotated[tuple[Slug, ...], MinLen(1)], ...], MinLen(1)]  # rungs, best evidence first
    general: tuple[Slug, ...] = ()  # overall measures: used only to estimate, with low confidence
    usable_speed: PositiveFloat  # generated tokens/s below which an answer is too slow to use
    prefers_specialties: tuple[Specialty, ...] = ()
    needs_specialties: tuple[Specialty, ...] = ()
    needs_modalities: tuple[Modality, ...] = ()
    min_context: PositiveInt | None = None
    min_languages: PositiveInt | None = None


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)  # see schema._Record
class TaskTable:
    __pydantic_config__ = FORBID
    benchmarks: dict[Slug, BenchmarkDef]
    tasks: dict[Slug, Task]

    def task_id(self, name: str) -> str | None:
        """The task a word names: its id or one of its aliases, in any case; None if none."""
        key = name.strip().lower().replace("_", "-").replace(" ", "-")
        if key in self.tasks:
            return key
        return next((tid for tid, t in self.tasks.items() if key in t.aliases), None)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)  # see schema._Record
class Quant:
    """A GGUF quantization preset as llama.cpp's quantizer names it, with its published quality loss."""

    __pydantic_config__ = FORBID
    name: QuantName
    description: str
    ppl_delta: Number
    ref_model: str
    kld: Annotated[Number, Ge(0)]  # mean KL divergence from the 16-bit model (Llama-3-8B)
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)  # see schema._Record
class QuantTable:
    __pydantic_config__ = FORBID
    sources: dict[Slug, Source]
    quants: Annotated[tuple[Quant, ...], MinLen(1)]
