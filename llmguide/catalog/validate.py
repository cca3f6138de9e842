"""Validate plain data (parsed YAML) into the catalog's dataclasses with pydantic.

pydantic is imported here only, so a command served from the catalog cache never loads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=None)
def _adapter(cls: type):
    from pydantic import TypeAdapter

    from llmguide.catalog import constraints, reference, schema
    from llmguide.hardware import presets

    constraints.install(schema, reference, presets)
    return TypeAdapter(cls)


def validate(data: object, cls: type[T]) -> T:
    """Return ``data`` as a ``cls``; raises ``pydantic.ValidationError`` with field paths."""
    return _adapter(cls).validate_python(data)  # type: ignore[arg-type]  # a class is hashable


def validation_error_type():
    from pydantic import ValidationError

    return ValidationError
