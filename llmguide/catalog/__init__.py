"""The model catalog: schema (pydantic), YAML loader with file/line errors, and name lookup.

The package's names are loaded on first use, so importing one of its modules (``schema``, as the
hardware presets do) does not pull in the loader, which itself needs the hardware presets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmguide.catalog.loader import Catalog, load_catalog  # noqa: F401
    from llmguide.catalog.lookup import Match, resolve  # noqa: F401

__all__ = ["Catalog", "Match", "load_catalog", "resolve"]
_WHERE = {"Catalog": "loader", "load_catalog": "loader", "Match": "lookup", "resolve": "lookup"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"llmguide.catalog.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'llmguide.catalog' has no attribute {name!r}")
