"""Display helpers shared by the views: units always labelled, ranges and licenses in words."""

from __future__ import annotations

from llmguide.catalog.languages import language_name
from llmguide.catalog.schema import License
from llmguide.units import fmt_gib, fmt_tokens

COMMERCIAL = {"yes": "commercial use allowed", "no": "non-commercial only", "restricted": "commercial use with limits"}


def run_heading(what: str, runtime: str):
    """'Get and run WHAT with RUNTIME (--runtime the others ...):', the head of a run-command block."""
    from rich.text import Text

    from llmguide.deploy.run import RUNTIME_NAMES

    others = " or ".join(r for r in RUNTIME_NAMES if r != runtime)
    return Text.assemble((f"Get and run {what}with {RUNTIME_NAMES[runtime]}", "bold"),
                         (f" (--runtime {others} for the others):", "dim"))


def span(value, fmt=str) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return f"{fmt(value[0])}–{fmt(value[1])}"
    if isinstance(value, list):
        return ", ".join(fmt(v) for v in value) if value else "—"
    return fmt(value)


def billions(b: float) -> str:
    return f"{b:g}B"


def gib(n: int) -> str:
    return fmt_gib(n)


def tokens(n: int) -> str:
    return fmt_tokens(n)


def license_line(lic: License) -> str:
    return f"{lic.name} ({lic.id}) — {COMMERCIAL[lic.commercial_use]}"


def languages_line(codes: list[str], note: str | None) -> str:
    text = ", ".join(f"{language_name(c)} ({c})" for c in codes) if codes else "not documented"
    return f"{text}. {note}" if note else text


def short_license(license_id: str, commercial_use: str) -> str:
    name = license_id.removeprefix("LicenseRef-")
    return name + {"yes": "", "restricted": " (limits)", "no": " (NC)"}[commercial_use]
