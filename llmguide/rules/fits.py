"""H5 fits: the model runs on the hardware at some step of the quantization ladder
(estimate/ladder.py), or the verdict says what is missing."""

from __future__ import annotations

from functools import lru_cache

from llmguide.estimate.placement import Placement
from llmguide.model.architecture import Architecture

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register
from llmguide.units import fmt_gib, fmt_gib_or_mib


def _fits(c: Candidate, env: Env) -> Verdict:
    hw = env.hardware
    if not hw.known:
        return Verdict("H5", True, "fit not checked: no hardware given")
    if c.fit is not None and c.fit.placement is not None:
        return _fits_at(c.fit.placement, c.fit.estimate.quant, c.fit.estimate.total, c.arch)
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


@lru_cache(maxsize=4096)  # verdicts are frozen: fine-tunes share their base's architecture, so its fits
def _fits_at(p: Placement, quant: str, total: int, arch: Architecture) -> Verdict:
    if p.mode == "gpu":
        where = "on the GPU"
    elif p.mode == "cpu":
        where = "in RAM (CPU)"
    elif p.mode == "split":
        where = f"split: {p.gpu_layers}/{arch.layers} layers on the GPU"
    elif p.mode == "expert_offload":
        where = f"on the GPU with the routed experts of {p.cpu_moe_layers} layer(s) in RAM ({p.flags(arch)})"
    else:
        raise ValueError(f"a fit placed nowhere ({p.mode})")
    return Verdict("H5", True, f"fits {where} at {quant}: {fmt_gib(total)} needed")


register(Rule("H5", "fits", "Must fit the given memory (with headroom) at some quantization down to Q2_K.", check=_fits, per_fit=True))
