"""S5 speed: points lost when the chosen fit generates slower than the task's usable speed.

Each task names the speed below which an interactive answer is too slow to use (tasks.yaml,
``usable_speed``: 10 tokens/s for chat, 15 for code and tool use, whose answers are long and read in
a loop; --min-speed when higher). Below it a model loses 20 points for each halving of the speed
(every halving doubles the wait for an answer): half the usable speed costs 20, a quarter 40, at
most 60. A slow model must be clearly better to rank above a usable one; at or above the usable
speed nothing is lost. A model recommended in thinking mode writes its reasoning before the answer,
several times the answer's length (Artificial Analysis counts reasoning models' output tokens at
several times non-reasoning models' on the same evaluations), so its usable speed is counted
double: the same wait for an answer needs twice the generation speed. When the GPU's bandwidth is unknown, a model split
between GPU and CPU is judged by the speed its CPU share alone allows (an upper bound); a model
entirely on such a GPU loses nothing, and the reason says the speed was not estimated.
"""

from __future__ import annotations

import math

from llmguide.estimate.fit import cpu_share_speed_bound
from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

THINKING_FACTOR = 2.0
POINTS_PER_HALVING = 20.0
MAX_PENALTY = 60.0


def target_speed(c: Candidate, env: Env) -> tuple[float, str]:
    """The speed below which the candidate loses points, and where that number comes from."""
    usable = env.request.task.usable_speed * (THINKING_FACTOR if thinking(c) else 1.0)
    if env.request.min_speed and env.request.min_speed > usable:
        return env.request.min_speed, f"the {env.request.min_speed:g} tok/s asked (--min-speed)"
    why = " (thinking mode: twice the task's)" if thinking(c) else ""
    return usable, f"the usable {usable:g} tok/s{why}"


def thinking(c: Candidate) -> bool:
    return bool(c.quality and c.quality.mode and c.quality.mode[0] == "thinking")


def decode_speed(c: Candidate, env: Env) -> tuple[float | None, bool]:
    """(tokens/s, is an upper bound) of the candidate's fit, or (None, False) when unknown."""
    speed = c.fit.speed if c.fit else None
    if speed is not None:
        return speed.decode_tokens_per_s, False
    bound = cpu_share_speed_bound(c.arch, c.fit.estimate.quant, env.hardware, c.fit.placement) if c.fit else None
    return (bound, True) if bound is not None else (None, False)


def _speed(c: Candidate, env: Env) -> Score:
    target, usable = target_speed(c, env)
    tps, bound = decode_speed(c, env)
    if tps is None:
        return Score("S5", 0.0, "speed not estimated (no bandwidth known)")
    what = "at most " if bound else ""
    if tps >= target:
        return Score("S5", 0.0, f"{what}{tps:.0f} tok/s, at or above {usable}")
    note = " (the CPU share alone; GPU bandwidth unknown)" if bound else ""
    penalty = min(MAX_PENALTY, POINTS_PER_HALVING * math.log2(target / max(tps, 1e-9)))
    return Score("S5", round(-penalty, 2), f"{what}{tps:.1f} tok/s, below {usable}{note}")


register(Rule("S5", "speed", "Penalty for generating slower than the task's usable speed (or --min-speed).", score=_speed, per_fit=True, ceiling=0.0))
