"""llmguide: which open LLM to pick, and whether and how it runs on your hardware.

The package is a quiet library with a thin command-line front end (``llmguide.cli``). The Python
API (``llmguide.recommend``, ``why_not``, ``fit``, ``show``, ``compare``, ``plan_deployment``, ``hardware_spec``,
``installed``, ``scan_installed``; see
``llmguide.api`` and docs/api.md) returns frozen data and raises ``LLMGuideError`` subclasses; it
never prints. Its functions are loaded on first use, so the command line starts as fast as before.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["Deployment", "FamilyFit", "FitReport", "InstalledReport", "WhyNot", "__version__", "compare", "fit", "fit_family",
           "hardware_spec", "installed", "list_models", "plan_deployment", "recommend", "scan_installed", "show", "why_not"]


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        from llmguide import api

        return getattr(api, name)
    raise AttributeError(f"module 'llmguide' has no attribute {name!r}")
