"""The quantization ladder: at which GGUF presets a model runs on the hardware, where, and how fast.

The ladder runs from Q8_0 (indistinguishable from 16-bit) down to Q2_K. ``quant_options`` lists
every step that fits in one place (all on the GPU, or all in RAM on a machine without a GPU
budget), with an MoE's routed experts in RAM, and the steps that fit split between GPU and system
RAM (Q4_K_M, Q3_K_M, Q2_K: more bits would push layers off the GPU and slow every token).
``recommend`` then picks, per model, the option with the best expected score (rules/engine.py).

``choose_quant`` keeps the simpler rule other commands use (deploy): the highest step that leaves
10% of the usable memory spare, else the highest that fits; a --min-speed moves down to the first
step that is fast enough.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from llmguide.estimate.fit import TIGHT_SHARE, calibrate, placement_speed, spare_share
from llmguide.estimate.memory import MemoryEstimate, estimate_memory
from llmguide.estimate.placement import Placement, place
from llmguide.estimate.speed import Speed
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture


@dataclass(frozen=True)
class QuantOption:
    """One step of the ladder a model can run at: its memory estimate, where it runs and how fast."""

    estimate: MemoryEstimate
    placement: Placement | None  # None when no hardware was given
    speed: Speed | None = None  # None when unknown (no bandwidth) or not checked


LADDER = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")
UNCHECKED_QUANT = "Q4_K_M"  # shown when no hardware is given: the common default
OFFLOAD_ORDER = ("Q4_K_M", "Q3_K_M", "Q2_K")  # larger presets cannot split where Q4_K_M does not


def quant_options(
    arch: Architecture, context: int, hw: Hardware, sequences: int = 1, encoder: bool = False,
    smallest: MemoryEstimate | None = None, steps: tuple[str, ...] | None = None,
) -> tuple[list[QuantOption], MemoryEstimate]:
    """Every ladder step that fits ``hw`` in one place, and from Q4_K_M down the ones that fit split
    between GPU and RAM, best quality first, with speeds; and the smallest estimate tried. Without
    hardware, the common default alone. ``encoder``: images or audio will be given (mmproj loaded).
    ``smallest``: the last step's estimate, when the caller already made it. ``steps``: the
    quantizations to try instead of the ladder, largest first (``installed_steps``: the files a
    user has), each wherever it fits, split included."""
    ladder = steps or LADDER
    smallest = smallest or estimate_step(arch, ladder[-1], context, sequences, encoder)
    if not hw.known:
        shown = UNCHECKED_QUANT if UNCHECKED_QUANT in ladder else ladder[0]
        return [QuantOption(estimate_step(arch, shown, context, sequences, encoder), None)], smallest
    options = _uncalibrated_options(arch, ladder, context, sequences, encoder, hw, steps is not None)
    return [_calibrated(o, hw) for o in options] if hw.machine else list(options), smallest


# A catalog of thousands of variants holds far fewer architectures (fine-tunes share their base's
# config, and equal architectures are one object: model/architecture.py), so a step's estimate,
# placement and speed are worked out once per architecture and machine in a process.
@lru_cache(maxsize=8192)
def estimate_step(arch: Architecture, quant: str, context: int, sequences: int, encoder: bool) -> MemoryEstimate:
    return estimate_memory(arch, quant, context, sequences=sequences, encoder=encoder)


def _calibrated(option: QuantOption, hw: Hardware) -> QuantOption:
    """The option with this machine's stored calibration applied (after the caches: a calibration
    stored while a process runs, by the MCP server's bench, counts)."""
    if option.speed is None or option.placement is None:
        return option
    speed = calibrate(option.speed, hw, option.placement)
    return option if speed is option.speed else replace(option, speed=speed)  # none stored: the cached option itself


@lru_cache(maxsize=4096)
def _uncalibrated_options(arch: Architecture, ladder: tuple[str, ...], context: int, sequences: int, encoder: bool,
                          hw: Hardware, any_split: bool) -> tuple[QuantOption, ...]:
    """The steps of ``ladder`` that fit, once per architecture, context and machine."""
    steps = (_option(arch, estimate_step(arch, q, context, sequences, encoder), hw, any_split, calibrated=False) for q in ladder)
    return tuple(o for o in steps if o is not None)


def installed_steps(arch: Architecture, quants: tuple[str, ...]) -> tuple[str, ...]:
    """``quants`` as ``quant_options`` takes them: each once, the largest file first."""
    from llmguide.estimate.weights import gguf_file_bytes

    return tuple(sorted(dict.fromkeys(quants), key=lambda q: -gguf_file_bytes(arch, q)))


def _option(arch: Architecture, e: MemoryEstimate, hw: Hardware, any_split: bool = False,
            calibrated: bool = True) -> QuantOption | None:
    """One ladder step as an option, or None. In one place, or with an MoE's experts in RAM, at
    every step that fits; split by layers too, from Q4_K_M down (at any step with ``any_split``:
    a file the user has), when RAM allows it: a split Q4_K_M of a sparse model can beat its Q2_K
    on the GPU, and the scores decide."""
    w = place(arch, e, hw)
    if w.mode in ("gpu", "cpu", "expert_offload") or (w.fits and (any_split or e.quant in OFFLOAD_ORDER)):
        return QuantOption(e, w, placement_speed(arch, e.quant, hw, w, calibrated=calibrated))
    return None


def choose_quant(
    arch: Architecture, context: int, hw: Hardware, min_speed: float | None = None, sequences: int = 1,
) -> tuple[QuantOption | None, MemoryEstimate]:
    """The best fit on ``hw`` and the smallest estimate tried (for "needs N GiB more"), with a
    cache for ``sequences`` parallel sequences of ``context`` tokens.

    With ``min_speed`` (tokens/s) the first step down the ladder that is fast enough wins: a
    smaller quantization reads fewer bytes per token. If none is, the best-quality fit is
    returned and the speed rule (H7) says by how much it falls short."""
    options, smallest = quant_options(arch, context, hw, sequences)
    if not hw.known:
        return options[0], smallest
    # in one place if possible; there, a step that leaves 10% of the memory spare beats a tighter one above it
    chosen = [f for f in options if _whole(f.placement)] or options
    chosen.sort(key=lambda f: f.placement is not None and _whole(f.placement) and spare_share(f.placement, hw) < TIGHT_SHARE)
    for fit in chosen:
        if min_speed is None or (fit.speed is not None and fit.speed.decode_tokens_per_s >= min_speed):
            return fit, smallest
    return (chosen[0] if chosen else None), smallest


def _whole(p: Placement | None) -> bool:
    """All on the GPU, or all in RAM on a machine without a GPU."""
    return p is not None and p.mode in ("gpu", "cpu")
