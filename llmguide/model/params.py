"""One truth for parameter counts: the developer's published figure and the estimator's own count.

The published figure names the model everywhere (``397B (17B active)``); the count from the
architecture is what memory and speed are computed from. Where the two differ by more than the
published figure's precision, the count is shown beside it with the catalog's reason
(``params.note``: a vision encoder or MTP layer not counted, rounding in the name).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.model.architecture import Architecture
from llmguide.model.tensors import active_parameter_count, parameter_count
from llmguide.units import fmt_params


@dataclass(frozen=True)
class ParamCount:
    counted_total: int
    counted_active: int
    is_moe: bool
    published_total_b: float | None = None
    published_active_b: float | None = None
    note: str | None = None  # why the count differs from the published figure

    @property
    def label(self) -> str:
        """``'397B (17B active)'``: the published figure when there is one, else the count."""
        if self.published_total_b is not None:
            total = f"{self.published_total_b:g}B"
            active = f"{self.published_active_b:g}B" if self.published_active_b else None
        else:
            total = fmt_params(self.counted_total)
            active = fmt_params(self.counted_active) if self.is_moe else None
        return f"{total} ({active} active)" if active else total

    @property
    def counted_label(self) -> str:
        return fmt_params(self.counted_total) + (f" ({fmt_params(self.counted_active)} active)" if self.is_moe else "")

    @property
    def differs(self) -> bool:
        """Whether the count is off the published figure by more than that figure's precision (and 2%)."""
        if self.published_total_b is None:
            return False
        pairs = [(self.counted_total, self.published_total_b)]
        if self.published_active_b:
            pairs.append((self.counted_active, self.published_active_b))
        return any(abs(counted / 1e9 - published) > max(precision(published), 0.02 * published) for counted, published in pairs)

    @property
    def explanation(self) -> str | None:
        """One line for a report, or None when the two agree."""
        if not self.differs:
            return None
        why = self.note or "The published figure is the developer's rounding, or counts parts the estimate leaves out."
        return f"Counted from the architecture: {self.counted_label}; memory and speed use the count. {why}"

    def as_dict(self) -> dict:
        return {
            "counted_total": self.counted_total,
            "counted_active": self.counted_active,
            "published_total_b": self.published_total_b,
            "published_active_b": self.published_active_b,
            "differs": self.differs,
            "note": self.note if self.differs else None,
        }


def precision(published_b: float) -> float:
    """Half a unit of the figure's last digit, and at least 1% ('7' is 6.5-7.5B, '46.7' 46.65-46.75)."""
    text = f"{published_b:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return max(0.01 * published_b, 0.5 * 10 ** -decimals)


def count_params(arch: Architecture, published=None, counted: tuple[int, int] | None = None) -> ParamCount:
    """``published``: the catalog's ``Params`` (total_b, active_b, note), when the model has one.
    ``counted``: (total, active) as counted already (``estimate.weights.counted_params`` keeps them)."""
    total, active = counted or (parameter_count(arch), active_parameter_count(arch))
    return ParamCount(
        counted_total=total,
        counted_active=active,
        is_moe=arch.is_moe,
        published_total_b=getattr(published, "total_b", None),
        published_active_b=getattr(published, "active_b", None),
        note=getattr(published, "note", None),
    )
