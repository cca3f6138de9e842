"""Value constraints of the catalog schema, for pydantic.

The schema's annotations are strings (``from __future__ import annotations``) that name these
aliases; they are only resolved when pydantic builds validators, which ``validate.py`` does after
``install()`` has put these names into the schema modules. Commands served from the catalog cache
never import this module (nor annotated_types, nor pydantic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from annotated_types import GroupedMetadata, Ge, Gt, Le, MinLen, Predicate  # noqa: F401 - Ge is exported through NAMES
from pydantic import Strict

_SLUG = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_HF_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
_MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
_DATE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")
_URL = re.compile(r"https?://\S+")
_LICENSE_ID = re.compile(r"(LicenseRef-)?[A-Za-z0-9.+-]+")
_LANG = re.compile(r"[a-z]{2}")
_QUANT = re.compile(r"[A-Z0-9_]+")
_OLLAMA = re.compile(r"([a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?")


# Named predicates: pydantic reports a failure as "Predicate <name> failed", so the names explain.
def lowercase_slug(v: str) -> bool:
    return bool(_SLUG.fullmatch(v)) and len(v) <= 80


def owner_slash_name(v: str) -> bool:
    return bool(_HF_REPO.fullmatch(v))


def year_month(v: str) -> bool:
    return bool(_MONTH.fullmatch(v))


def year_month_or_date(v: str) -> bool:
    return bool(_DATE.fullmatch(v))


def http_url(v: str) -> bool:
    return bool(_URL.fullmatch(v))


def spdx_or_licenseref(v: str) -> bool:
    return bool(_LICENSE_ID.fullmatch(v))


def iso_639_1_code(v: str) -> bool:
    return bool(_LANG.fullmatch(v))


def upper_case_quant_name(v: str) -> bool:
    return bool(_QUANT.fullmatch(v))


def ollama_tag(v: str) -> bool:
    """name[:tag] or namespace/name[:tag], as ``ollama pull`` takes it."""
    return bool(_OLLAMA.fullmatch(v)) and len(v) <= 120


class Within(GroupedMetadata):
    """The range ``llmguide.model.limits.LIMITS`` gives a field (``Annotated[int, Within("layers")]``),
    strictly typed: a YAML ``true`` is not the number 1, nor ``"32"`` the number 32."""

    __slots__ = ("field",)

    def __init__(self, field: str):
        from llmguide.model.limits import LIMITS

        if field not in LIMITS:
            raise KeyError(f"no limit for {field!r} in llmguide/model/limits.py")
        self.field = field

    def __iter__(self) -> Iterator[Any]:
        from llmguide.model.limits import LIMITS

        limit = LIMITS[self.field]
        yield Strict()
        if limit.low_open or (limit.integer and limit.low == 1):  # "greater than 0" reads better than ">= 1"
            yield Gt(limit.low - (0 if limit.low_open else 1))
        else:
            yield Ge(limit.low)
        yield Le(limit.high)


# Numbers are strict: pydantic's lax mode would take a YAML true as 1 and the text "7" as 7.
# Non-finite floats are refused by the models' config (schema.FORBID: allow_inf_nan False).
Slug = Annotated[str, Predicate(lowercase_slug)]
SourceKeys = Annotated[tuple[Slug, ...], MinLen(1)]
PositiveInt = Annotated[int, Strict(), Gt(0)]
PositiveFloat = Annotated[float, Strict(), Gt(0)]
Number = Annotated[float, Strict()]  # any finite number, never true or "0.5"
Flag = Annotated[bool, Strict()]
Text = Annotated[str, MinLen(3)]
Url = Annotated[str, Predicate(http_url)]
Month = Annotated[str, Predicate(year_month)]
MonthOrDate = Annotated[str, Predicate(year_month_or_date)]
LicenseId = Annotated[str, Predicate(spdx_or_licenseref)]
LanguageCode = Annotated[str, Predicate(iso_639_1_code)]
HfRepo = Annotated[str, Predicate(owner_slash_name)]
OllamaTag = Annotated[str, Predicate(ollama_tag)]
QuantName = Annotated[str, Predicate(upper_case_quant_name)]
Weight = Annotated[float, Strict(), Gt(0), Le(1)]

NAMES = {name: value for name, value in globals().items() if name[0].isupper() and name != "NAMES"}


def install(*modules) -> None:
    """Make the constraint names resolvable in the given schema modules."""
    for module in modules:
        for name, value in NAMES.items():
            module.__dict__.setdefault(name, value)
