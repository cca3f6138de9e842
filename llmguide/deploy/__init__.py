"""``deploy``: a serving plan (backend, format, GPUs, parallelism, capacity, speed) and its commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the planner and its commands are imported from their modules: recommend uses only run.py
    from llmguide.deploy.commands import Step
    from llmguide.deploy.plan import DeployRequest, Plan
    from llmguide.hardware.profile import Hardware


@dataclass(frozen=True)
class Deployment:
    """``plan_deployment``: the plan, what was asked, the hardware, and the steps and checklist to run it."""

    plan: Plan
    request: DeployRequest
    hardware: Hardware
    steps: tuple[Step, ...]
    checklist: tuple[str, ...]
    kubernetes: str | None = None  # a manifest (YAML) when more than one server process serves the plan


__all__ = ["Deployment"]
