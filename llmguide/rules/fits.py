"""H5 fits: the model runs on the hardware at some step of the quantization ladder
(estimate/ladder.py), or the verdict says what is missing."""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register
from llmguide.units import fmt_gib, fmt_gib_or_mib


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
