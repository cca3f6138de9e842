"""H4 languages: every language asked for must be one the developer documents.

A family whose developer claims support for 100 or more languages without listing them (Gemma:
"over 140 languages") passes for a language it does not list, and the reason says so: among that
many, every language llmguide knows is expected, but the claim is the developer's, not a list.
"""

from __future__ import annotations

from functools import lru_cache

from llmguide.catalog.languages import language_name
from llmguide.catalog.schema import Languages, languages_of
from llmguide.rules.base import Candidate, Env, Verdict
from llmguide.rules.registry import Rule, register


BROAD_CLAIM = 100  # a claim of this many languages covers any language asked for


def _languages(c: Candidate, env: Env) -> Verdict:
    return _documented(languages_of(c.family, c.variant), tuple(env.request.languages), env.request.task.min_languages)


# Verdicts are frozen: one per language entry and request serves every variant that shares the
# entry (the lru holds the entry, so its identity stays its own).
@lru_cache(maxsize=1024)
def _documented(langs: Languages, wanted: tuple[str, ...], min_count: int | None) -> Verdict:
    codes, claimed = langs.codes, langs.claimed_count or 0
    if not codes and not claimed and (wanted or min_count):
        return Verdict("H4", False, "the developer does not document which languages it supports")
    missing = [code for code in wanted if code not in codes]
    if missing and claimed < BROAD_CLAIM:
        names = ", ".join(language_name(m) for m in missing)
        return Verdict("H4", False, f"{names} not among its documented languages ({', '.join(codes)})")
    if min_count and max(len(codes), claimed) < min_count:
        return Verdict("H4", False, f"documents {len(codes)} language(s); the task needs at least {min_count}")
    if missing:
        names = ", ".join(language_name(m) for m in missing)
        return Verdict("H4", True, f"{names} not listed, but the developer claims over {claimed} languages")
    if wanted:
        return Verdict("H4", True, f"supports {', '.join(language_name(w) for w in wanted)}")
    return Verdict("H4", True, "no language constraint")


register(Rule("H4", "languages", "Every language asked for must be documented by the developer.", check=_languages))
