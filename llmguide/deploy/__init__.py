"""``deploy``: a serving plan (backend, format, GPUs, parallelism, capacity, speed) and its commands."""

from __future__ import annotations

from dataclasses import dataclass

from llmguide.deploy.commands import Step, checklist, commands
from llmguide.deploy.plan import BACKENDS, DeployRequest, Plan, plan
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


__all__ = ["BACKENDS", "DeployRequest", "Deployment", "Plan", "Step", "checklist", "commands", "plan"]
