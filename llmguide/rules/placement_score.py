"""S3 placement: when speed cannot be estimated, up to 20 points for the share of layers left to the CPU.

A split model decodes several times slower than one that fits the GPU. When the speed (or, for a
split, the bound its CPU share sets) is known, S5 prices that directly and this rule adds nothing;
otherwise the share of layers on the CPU is the best proxy for the slowdown.
"""

from __future__ import annotations

from llmguide.fit import cpu_share_speed_bound
from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

OFFLOAD_PENALTY = 20.0  # points for a model entirely on the CPU of a machine that has a GPU


def _s3(c: Candidate, env: Env) -> Score:
    p = c.fit.placement
    if p is None or not env.hardware.vram or p.mode == "gpu":
        return Score("S3", 0.0, "runs in one place")
    off = 1 - p.gpu_layers / c.arch.layers  # share of the layers left to the CPU
    where = f"{p.gpu_layers}/{c.arch.layers} layers on the GPU, the rest on the CPU"
    if c.fit.speed is not None or cpu_share_speed_bound(c.arch, c.fit.estimate.quant, env.hardware, p) is not None:
        return Score("S3", 0.0, f"{where}: its speed is counted by S5")
    return Score("S3", round(-OFFLOAD_PENALTY * off, 2), f"{where}: slow (speed not estimated)")


register(Rule("S3", "placement", "Penalty for layers left to the CPU, when the speed itself is unknown.", score=_s3))
