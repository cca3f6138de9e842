"""H7 min-speed (this module) and H8 max-ttft (max_ttft.py): fast enough, and soon enough.

A limit the hardware description cannot answer (a GPU without its bandwidth or FP16 throughput)
is a usage error up front; a model whose own placement leaves the answer unknown (time to first
token with layers on the CPU, whose throughput is not modelled) is rejected with that reason,
never let through unverified.
"""

from __future__ import annotations

from llmguide.errors import UsageError
from llmguide.hardware.profile import Hardware
from llmguide.rules.base import Candidate, Env, Request, Verdict
from llmguide.rules.registry import Rule, register


def check_answerable(request: Request, hw: Hardware) -> None:
    """Refuse limits that no model could be checked against on this hardware."""
    gpu = bool(hw.vram)
    if request.min_speed is not None and gpu and not hw.gpu_bandwidth:
        raise UsageError("--min-speed needs the GPU's memory bandwidth.", "Pass --gpu NAME (e.g. --gpu rtx-4090) or --bandwidth GB/s.")
    if request.max_ttft is not None and (gpu and not hw.gpu_flops or not hw.known):
        # On the CPU, prompt processing is estimated from the cores' compute (detected or assumed).
        hint = "Pass --gpu NAME (e.g. --gpu rtx-4090); a preset knows its FP16 throughput."
        raise UsageError("--max-ttft needs a GPU with known FP16 throughput.", hint)


def _min_speed(c: Candidate, env: Env) -> Verdict:
    want = env.request.min_speed
    if want is None:
        return NO_LIMIT
    speed = c.fit.speed if c.fit else None
    if speed is None:
        return Verdict("H7", False, "speed unknown for this hardware", "pass --gpu NAME or --bandwidth GB/s")
    tps = speed.decode_tokens_per_s
    if tps >= want:
        return Verdict("H7", True, f"{tps:.0f} tok/s meets {want:g}")
    return Verdict("H7", False, f"{tps:.0f} tok/s is below {want:g}", "a smaller quantization or model, or faster memory")


NO_LIMIT = Verdict("H7", True, "no minimum speed asked")  # verdicts are frozen: one serves every model

register(Rule("H7", "min-speed", "Generation must reach --min-speed tokens per second.", check=_min_speed, per_fit=True))
