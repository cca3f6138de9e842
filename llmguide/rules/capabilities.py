"""H2 capabilities: the inputs (--modality, images for vision) and specialties (tool use) the task needs."""

from __future__ import annotations

from functools import lru_cache

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register


def _capabilities(c: Candidate, env: Env) -> Verdict:
    task = env.request.task
    return _has((*task.needs_modalities, *env.request.modalities), tuple(task.needs_specialties),
                tuple(c.variant.modalities), tuple(c.variant.specialties))


@lru_cache(maxsize=1024)  # verdicts are frozen: one per need and offer serves every model
def _has(wanted: tuple[str, ...], needs_specialties: tuple[str, ...], modalities: tuple[str, ...],
         specialties: tuple[str, ...]) -> Verdict:
    missing_mod = [m for m in dict.fromkeys(wanted) if m not in modalities]
    if missing_mod:
        return Verdict("H2", False, f"does not take {', '.join(missing_mod)} input")
    missing_spec = [s for s in needs_specialties if s not in specialties]
    if missing_spec:
        return Verdict("H2", False, f"no documented support for {', '.join(missing_spec)}")
    return Verdict("H2", True, "has the capabilities the task needs")


register(Rule("H2", "capabilities", "Input modalities and specialties the task needs (images, tool use).", check=_capabilities))
