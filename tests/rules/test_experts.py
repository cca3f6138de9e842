"""Expert situations (tests/rules/experts.yml): what a practitioner accepts in the top three.

Each situation was written from a practitioner's reasoning about the models, not from the engine's
output. A situation passes when the first pick is one the expert accepts, at least two of the top
three are, and none of the top three is one the expert rules out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from llmguide.hardware.flags import from_flags
from llmguide.rules.engine import make_request, recommend

SITUATIONS = yaml.safe_load((Path(__file__).parent / "experts.yml").read_text())


def run(catalog, req: dict):
    request = make_request(catalog, req["task"], req.get("context"), req.get("lang"), 3,
                           license=req.get("license"), min_speed=req.get("min_speed"), modalities=req.get("modality"))
    vram = None if req.get("cpu_only") else req.get("vram")
    gpu = None if req.get("cpu_only") else req.get("gpu")
    hw = from_flags(vram, req.get("ram"), gpu=gpu, gpus=req.get("gpus"), devices=catalog.hardware)
    return recommend(catalog, request, hw)


def test_there_are_enough_situations():
    assert len(SITUATIONS) >= 40
    assert len({s["id"] for s in SITUATIONS}) == len(SITUATIONS)


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s["id"] for s in SITUATIONS])
def test_expert_situation(catalog, situation):
    known = {v.id for _, v in catalog.variants()}
    assert set(situation["accept"]) <= known and set(situation.get("never", [])) <= known
    assert situation["why"].strip()
    rec = run(catalog, situation["request"])
    top = [r.candidate.variant.id for r in rec.top]
    accepted = [t for t in top if t in situation["accept"]]
    assert top and top[0] in situation["accept"], (top, situation["why"])
    assert len(accepted) >= min(2, len(top)), (top, situation["why"])
    assert not [t for t in top if t in situation.get("never", [])], (top, situation["why"])
