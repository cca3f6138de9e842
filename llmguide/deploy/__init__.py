"""``deploy``: a serving plan (backend, format, GPUs, parallelism, capacity, speed) and its commands."""

from llmguide.deploy.commands import Step, checklist, commands
from llmguide.deploy.plan import BACKENDS, DeployRequest, Plan, plan

__all__ = ["BACKENDS", "DeployRequest", "Plan", "Step", "checklist", "commands", "plan"]
