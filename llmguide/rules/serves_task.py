"""H1 serves-task: the model's kind (chat, instruct, code, base) must serve the task."""

from __future__ import annotations

from functools import lru_cache

from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register

KIND_WORDS = {
    "base": "a pretrained base model (it continues text; it is not tuned to follow instructions)",
    "chat": "a chat model",
    "instruct": "an instruction-tuned model",
    "code": "a code-completion model",
    "python": "a Python code model",
}


def _serves_task(c: Candidate, env: Env) -> Verdict:
    task = env.request.task
    return _kind_verdict(c.variant.kind, task.name, tuple(task.serves_kinds))


@lru_cache(maxsize=256)  # verdicts are frozen: one per kind and task serves every model
def _kind_verdict(kind: str, task_name: str, serves: tuple[str, ...]) -> Verdict:
    if kind in serves:
        return Verdict("H1", True, f"{KIND_WORDS[kind]} serves {_lower_first(task_name)}")
    return Verdict("H1", False, f"{KIND_WORDS[kind]}; {_lower_first(task_name)} needs one of: {', '.join(serves)}")


register(Rule("H1", "serves-task", "The model's kind (chat, instruct, code, base) must serve the task.", check=_serves_task))


def _lower_first(name: str) -> str:
    """'Long documents and RAG' -> 'long documents and RAG': keep acronyms as written."""
    return name[:1].lower() + name[1:]
