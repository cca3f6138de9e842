"""H6 license: the model's license must meet the policy asked for with --license.

``permissive`` means Apache-2.0, MIT or a BSD license with no further terms (an MIT fine-tune of a
Llama base is not: the base model's terms still apply); ``commercial`` means any
license that allows commercial use, with or without limits (the limits are shown); anything else is
an SPDX id (or LicenseRef-) the license must be, compared without regard to case.
"""

from __future__ import annotations

from functools import lru_cache


from llmguide.catalog.schema import License, close_matches
from llmguide.errors import UsageError
from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register

PERMISSIVE = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause"}
POLICIES = ("permissive", "commercial")


def parse_policy(catalog, text: str | None) -> str | None:
    """Check a --license value: a policy name or a license id some catalog model carries."""
    if text is None:
        return None
    key = text.strip().lower()
    if key in POLICIES:
        return key
    known = {lic.id.lower(): lic.id for f in catalog.families for lic in _licenses(f)}
    for k, original in known.items():
        if key in (k, k.removeprefix("licenseref-")):
            return original
    choices = [*POLICIES, *sorted(known.values(), key=str.lower)]
    close = close_matches(text.strip(), choices, cutoff=0.5)
    hint = f"Did you mean: {', '.join(close)}?" if close else f"Use 'permissive', 'commercial' or one of: {', '.join(choices[2:])}."
    raise UsageError(f"No catalog model carries the license '{text}'.", hint)


def _licenses(family):
    yield family.license
    for v in family.variants:
        if v.license is not None:
            yield v.license


def _license(c: Candidate, env: Env) -> Verdict:
    return _meets(c.variant.license or c.family.license, env.request.license)


# Verdicts are frozen: one per license entry and policy serves every variant that shares the entry
# (the lru holds the entry, so its identity stays its own).
@lru_cache(maxsize=1024)
def _meets(lic: License, policy: str | None) -> Verdict:
    if policy is None:
        return Verdict("H6", True, f"license {lic.id} (no policy asked)")
    wanted = policy.lower()
    if wanted == "permissive":
        # an MIT-tagged fine-tune of a Llama base still carries Llama's terms (commercial_use restricted)
        ok = lic.id.lower() in PERMISSIVE and lic.commercial_use == "yes"
        why = "a permissive license (Apache-2.0, MIT, BSD, with no further terms)"
    elif wanted == "commercial":
        ok = lic.commercial_use in ("yes", "restricted")
        why = "a license that allows commercial use"
    else:
        ok = lic.id.lower() == wanted
        why = f"license {policy}"
    limits = f"; limits: {'; '.join(lic.limits)}" if ok and lic.limits else ""
    if ok:
        return Verdict("H6", True, f"{lic.id} meets {why}{limits}")
    return Verdict("H6", False, f"{lic.id} ({lic.commercial_use.replace('yes', 'commercial use allowed').replace('no', 'non-commercial')}) is not {why}")


register(Rule("H6", "license", "The license must meet --license: an SPDX id, 'permissive' or 'commercial'.", check=_license))
