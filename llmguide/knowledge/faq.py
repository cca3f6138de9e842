"""The questions behind ``llmguide faq``: kept as data in ``catalog/faq.yaml``.

Each answer is in our words, names its sources, points at the llmguide commands that work the
question out for the reader's own case, and at glossary terms (``see_also`` must be glossary ids).
Checked and looked up like the glossary (``kb``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from annotated_types import Len, MaxLen

from llmguide.catalog.paths import catalog_dir
from llmguide.catalog.schema import FORBID, Source
from llmguide.knowledge.kb import find, index, read_cached


@dataclass(frozen=True, kw_only=True)
class Question:
    __pydantic_config__ = FORBID
    id: Annotated[str, Len(2, 40)]
    question: str
    answer: Annotated[str, MaxLen(1000)]
    aliases: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()  # glossary ids
    sources: Annotated[tuple[str, ...], Len(1)]


@dataclass(frozen=True, kw_only=True)
class FaqFile:
    __pydantic_config__ = FORBID
    sources: dict[str, Source]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Faq:
    questions: tuple[Question, ...]
    sources: dict[str, Source]
    names: dict[str, Question]

    def get(self, topic: str) -> Question:
        return find(self.names, topic, "FAQ topic", "llmguide faq lists every question.")


def load_faq(file: Path | None = None) -> Faq:
    """The FAQ in ``file`` (default: the catalog's), read once per version of the file."""
    return read_cached(file or catalog_dir() / "faq.yaml", _parse)


def _parse(file: Path) -> Faq:
    from llmguide.catalog.yamlfile import read_model
    from llmguide.knowledge.glossary import load_glossary

    data = read_model(file, FaqFile)
    terms = [t.id for t in load_glossary(file.parent / "glossary.yaml").terms]
    names = index(str(file), data.questions, data.sources, lambda q: (q.question, *q.aliases),
                  see_also_ids=terms, see_also_kind="glossary term", label="questions")
    return Faq(data.questions, data.sources, names)
