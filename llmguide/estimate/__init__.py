"""The one estimator: every memory figure llmguide shows comes from here.

``weights`` prices each tensor at the block type a runtime really stores it in, ``kv_cache`` sizes
the attention cache from layers x KV heads x head dim x tokens, ``runtime`` adds the buffers the
runtime allocates, and ``memory.estimate_memory`` puts them together. ``placement`` decides where
an estimate fits on given hardware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmguide.estimate.memory import MemoryEstimate, estimate_memory  # noqa: F401

__all__ = ["MemoryEstimate", "estimate_memory"]


def __getattr__(name: str) -> Any:
    """The package's names load on first use: importing one module of it (the weight prices every
    command keeps, estimate/prices.py) does not load the estimator."""
    if name in __all__:
        from llmguide.estimate import memory

        return getattr(memory, name)
    raise AttributeError(f"module 'llmguide.estimate' has no attribute {name!r}")
