"""H8 max-ttft: the first token of a 512-token prompt must come within --max-ttft seconds."""

from __future__ import annotations

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register


def _max_ttft(c: Candidate, env: Env) -> Verdict:
    limit = env.request.max_ttft
    if limit is None:
        return NO_LIMIT
    speed = c.fit.speed if c.fit else None
    if speed is None or speed.ttft_s is None:
        return Verdict("H8", False, "time to first token unknown for this hardware", "a GPU preset with FP16 throughput")
    if speed.ttft_s <= limit:
        return Verdict("H8", True, f"first token in {speed.ttft_s:.2f} s, within {limit:g} s")
    return Verdict("H8", False, f"first token in {speed.ttft_s:.2f} s, over {limit:g} s", "a shorter prompt, a smaller model or a faster GPU")


NO_LIMIT = Verdict("H8", True, "no time-to-first-token limit asked")  # verdicts are frozen: one serves every model

register(Rule("H8", "max-ttft", "The first token must come within --max-ttft seconds.", check=_max_ttft, per_fit=True))
