"""``installed``: how each model found on this machine runs here.

Each readable model is priced by ``fit`` (``llmguide.estimate.fit``), the one estimator every
command uses: a GGUF file at its own tensors, exactly as its header lists them; a safetensors
folder at its weights as they are (fit's ``safetensors`` row). A model that cannot be read, or
that the estimator refuses, keeps its problems and has no estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.errors import LLMGuideError
from llmguide.estimate.fit import SAFETENSORS_LABEL, FitEstimate, fit
from llmguide.hardware.profile import Hardware
from llmguide.model.installed import InstalledModel, Scan
from llmguide.units import check_context


@dataclass(frozen=True)
class InstalledRun:
    """One installed model and how it runs here (``estimate`` None when it could not be priced)."""

    model: InstalledModel
    estimate: FitEstimate | None
    problems: tuple[str, ...] = ()  # the model's own, and the estimator's

    @property
    def tokens_per_s(self) -> float | None:
        speed = self.estimate.speed if self.estimate is not None else None
        return speed.decode_tokens_per_s if speed is not None else None


@dataclass(frozen=True)
class InstalledReport:
    """``installed``: what was searched and found, and each model's fit on ``hardware``."""

    scan: Scan
    hardware: Hardware
    context: int
    runs: tuple[InstalledRun, ...]


def fit_installed(scan: Scan, hw: Hardware, context: int = 4096) -> InstalledReport:
    """Every model of ``scan`` priced on ``hw`` with ``context`` tokens of KV cache."""
    check_context(context)
    runs = []
    for m in scan.models:
        estimate, problems = None, list(m.problems)
        if m.ref is not None:
            quants = (m.ref.gguf.file_type,) if m.ref.gguf is not None else (SAFETENSORS_LABEL,)
            try:
                estimate = fit(m.ref, hw, quants, context)[0]
            except LLMGuideError as exc:
                problems.append(f"cannot be estimated: {exc.message}")
        runs.append(InstalledRun(m, estimate, tuple(problems)))
    return InstalledReport(scan, hw, context, tuple(runs))
