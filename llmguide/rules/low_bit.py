"""S9 low-bit: a 2-bit (or lower) quantization is a last resort.

Q2_K and the IQ2/IQ1 types lose much of a dense model's quality (S2 counts the measured loss), and
their loss is the least certain. A 2-bit pick is marked down 10 points, so it ranks above a pick of
3 bits or more only when it is better by more than that, and the answer says so. The same margin
applies to every 2-bit pick, so it changes no order among them.
"""

from __future__ import annotations

from llmguide.quality.quant import low_bit
from llmguide.rules.base import Candidate, Env, Score
from llmguide.rules.registry import Rule, register

LOW_BIT_MARGIN = 10.0


def _low_bit(c: Candidate, env: Env) -> Score:
    quant = c.fit.estimate.quant if c.fit else ""
    if not low_bit(quant):
        return Score("S9", 0.0, f"{quant or 'no quantization'}: 3 bits or more")
    return Score("S9", -LOW_BIT_MARGIN, f"{quant} is 2-bit: a last resort, ranked below any 3-bit-or-better pick within {LOW_BIT_MARGIN:g} points")


register(Rule("S9", "low-bit", "2-bit quantizations rank below 3-bit-or-better picks within 10 points.", score=_low_bit, per_fit=True, ceiling=0.0))
