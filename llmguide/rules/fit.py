"""H5 fits: the quantizations a model can run at on the hardware, or what is missing.

The ladder runs from Q8_0 (indistinguishable from 16-bit) down to Q2_K. ``fit_options`` lists every
step that fits in one place (all on the GPU, or all in RAM on a machine without a GPU budget), and
the steps that fit split between GPU and system RAM (Q4_K_M, Q3_K_M, Q2_K: more bits would push
layers off the GPU and slow every token). ``recommend`` then picks, per model, the
option with the best expected score: quality after quantization, speed and constraints, with
spare memory as the tie-breaker (rules/engine.py).

``find_fit`` keeps the simpler rule other commands use (deploy): the highest step that leaves 10% of
the usable memory spare, else the highest that fits; a --min-speed moves down to the first step
that is fast enough.
"""

from __future__ import annotations

from collections.abc import Iterator

from llmguide.estimate.memory import MemoryEstimate, estimate_memory
from llmguide.estimate.placement import Placement, place
from llmguide.estimate.fit import TIGHT_SHARE, placement_speed, spare_share
from llmguide.hardware.profile import Hardware
from llmguide.model.architecture import Architecture
from llmguide.rules.base import Candidate, Env, Fit, Verdict
from llmguide.rules.registry import Rule, register
from llmguide.units import fmt_gib, fmt_gib_or_mib

LADDER = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")
UNCHECKED_QUANT = "Q4_K_M"  # shown when no hardware is given: the common default
OFFLOAD_ORDER = ("Q4_K_M", "Q3_K_M", "Q2_K")  # larger presets cannot split where Q4_K_M does not


def fit_options(
    arch: Architecture, context: int, hw: Hardware, sequences: int = 1, encoder: bool = False,
) -> tuple[list[Fit], MemoryEstimate]:
    """Every ladder step that fits ``hw`` in one place, and from Q4_K_M down the ones that fit split
    between GPU and RAM, best quality first, with speeds; and the smallest estimate tried. Without
    hardware, the common default alone. ``encoder``: images or audio will be given (mmproj loaded)."""
    estimates = [estimate_memory(arch, q, context, sequences=sequences, encoder=encoder) for q in LADDER]
    smallest = estimates[-1]
    if not hw.known:
        return [Fit(next(e for e in estimates if e.quant == UNCHECKED_QUANT), None)], smallest
    return [fit for fit in (_option(arch, e, hw) for e in estimates) if fit is not None], smallest


def options_smallest_first(arch: Architecture, smallest: MemoryEstimate, hw: Hardware, sequences: int = 1,
                           encoder: bool = False) -> Iterator[Fit]:
    """The options of ``fit_options`` from the smallest step up, each estimated only when asked
    (to explain a model that a rule rejects whatever its fit, the first that fits may do)."""
    if not hw.known:
        yield Fit(estimate_memory(arch, UNCHECKED_QUANT, smallest.context, sequences=sequences, encoder=encoder), None)
        return
    for q in reversed(LADDER):
        e = smallest if q == smallest.quant else estimate_memory(arch, q, smallest.context, sequences=sequences, encoder=encoder)
        fit = _option(arch, e, hw)
        if fit is not None:
            yield fit


def _option(arch: Architecture, e: MemoryEstimate, hw: Hardware) -> Fit | None:
    """One ladder step as an option, or None. In one place, or with an MoE's experts in RAM, at
    every step that fits; split by layers too, from Q4_K_M down, when RAM allows it: a split Q4_K_M
    of a sparse model can beat its Q2_K on the GPU, and the scores decide."""
    w = place(arch, e, hw)
    if w.mode in ("gpu", "cpu", "expert_offload") or (w.fits and e.quant in OFFLOAD_ORDER):
        return Fit(e, w, placement_speed(arch, e.quant, hw, w))
    return None


def find_fit(
    arch: Architecture, context: int, hw: Hardware, min_speed: float | None = None, sequences: int = 1,
) -> tuple[Fit | None, MemoryEstimate]:
    """The best fit on ``hw`` and the smallest estimate tried (for "needs N GiB more"), with a
    cache for ``sequences`` parallel sequences of ``context`` tokens.

    With ``min_speed`` (tokens/s) the first step down the ladder that is fast enough wins: a
    smaller quantization reads fewer bytes per token. If none is, the best-quality fit is
    returned and the speed rule (H7) says by how much it falls short."""
    options, smallest = fit_options(arch, context, hw, sequences)
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


def _fits(c: Candidate, env: Env) -> Verdict:
    hw = env.hardware
    if not hw.known:
        return Verdict("H5", True, "fit not checked: no hardware given")
    if c.fit is not None and c.fit.placement is not None:
        p, e = c.fit.placement, c.fit.estimate
        where = {"gpu": "on the GPU", "cpu": "in RAM (CPU)", "split": f"split: {p.gpu_layers}/{c.arch.layers} layers on the GPU",
                 "expert_offload": f"on the GPU with the routed experts of {p.cpu_moe_layers} layer(s) in RAM ({p.flags(c.arch)})"}[p.mode]
        return Verdict("H5", True, f"fits {where} at {e.quant}: {fmt_gib(e.total)} needed")
    need = c.smallest.total
    usable = hw.vram_budget + hw.ram_budget
    short = need - usable
    hint = f"needs {fmt_gib_or_mib(short)} more memory even at {c.smallest.quant}"
    if hw.vram and not hw.ram and not hw.unified:
        per_card = hw.vram_budget // hw.gpu_count
        for n in (2, 3, 4, 8):
            if n > hw.gpu_count and need + (n - 1) * c.smallest.compute <= n * per_card:
                hint += f"; fits on {n} such GPUs, or pass --ram to allow CPU offload"
                break
    return Verdict("H5", False, f"does not fit: {fmt_gib(need)} needed at {c.smallest.quant}, {fmt_gib(usable)} usable", hint)


register(Rule("H5", "fits", "Must fit the given memory (with headroom) at some quantization down to Q2_K.", check=_fits, per_fit=True))
