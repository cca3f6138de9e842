"""The ranking's written-out constructors make what the dataclasses' own would: a candidate (at an
option too, ``at``) and a rejection (``Rejected``, with its failed verdicts), frozen, every field set."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields, replace

import pytest

from llmguide.estimate.ladder import quant_options
from llmguide.hardware.flags import from_flags
from llmguide.model.architecture import Architecture
from llmguide.rules.base import Candidate, Verdict
from llmguide.rules.engine import Rejected
from llmguide.rules.judge import at


def test_a_candidate_at_an_option_is_the_candidate_with_that_fit(catalog):
    family, variant = catalog.variants()[0]
    arch = Architecture.from_facts(variant.architecture)
    options, smallest = quant_options(arch, 4096, from_flags(24, 64, devices=catalog.hardware))
    base = Candidate(family, variant, arch, None, smallest)
    assert len(options) > 1
    for fit in options:
        made = at(base, fit)
        assert made == replace(base, fit=fit) and made.fit is fit and base.fit is None
        assert set(vars(made)) == {f.name for f in fields(Candidate)}
        with pytest.raises(FrozenInstanceError):
            made.fit = None  # type: ignore[misc]
    assert Candidate(family, variant, arch, None, smallest).quality is None  # the default kept


def test_a_rejection_keeps_its_failed_verdicts(catalog):
    family, variant = catalog.variants()[0]
    cand = Candidate(family, variant, Architecture.from_facts(variant.architecture), None, None)  # type: ignore[arg-type]
    verdicts = (Verdict("H1", True, "ok"), Verdict("H2", False, "no"), Verdict("H5", False, "too big", "Q2_K"))
    made = Rejected(cand, verdicts)
    assert made.failed == verdicts[1:] and made.verdicts == verdicts and made.candidate is cand
    assert made == Rejected(candidate=cand, verdicts=verdicts)
    assert set(vars(made)) == {f.name for f in fields(Rejected)}
    with pytest.raises(FrozenInstanceError):
        made.verdicts = ()  # type: ignore[misc]
