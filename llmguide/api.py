"""The Python API: the same answers as the command line, as frozen data.

Every function takes plain values (names as a user types them, sizes in GB, tokens) and returns the
library's own frozen results; nothing is printed, and bad input raises ``LLMGuideError``
(``UsageError`` for an impossible request). The catalog is the shipped one; pass ``catalog=`` to
use another (``llmguide.catalog.load_catalog(path)``). Two names differ from the commands because
a package of that name exists: ``plan_deployment`` (``deploy``) and ``hardware_spec`` (the
hardware given, not detected). Hardware is given as with the CLI: a GPU
preset name, or memory sizes in GB; it is never detected here (the CLI's ``hardware`` command does
that).

    >>> import llmguide
    >>> rec = llmguide.recommend("code", vram=24, top=3)
    >>> [r.candidate.variant.id for r in rec.top]        # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmguide.cards import Card
    from llmguide.catalog.loader import Catalog
    from llmguide.deploy.plan import Plan
    from llmguide.estimate.fit import FitEstimate
    from llmguide.hardware.profile import Hardware
    from llmguide.rules.engine import Recommendation


@lru_cache(maxsize=1)
def _shipped() -> "Catalog":
    from llmguide.catalog.loader import load_catalog

    return load_catalog()


def hardware_spec(gpu: str | None = None, *, vram: float | None = None, ram: float | None = None, gpus: int | None = None,
             bandwidth: float | None = None, cpu_bandwidth: float | None = None, catalog: "Catalog | None" = None) -> "Hardware":
    """The hardware to plan for, from a preset name (``"4090"``, ``"2x RTX 3090"``, ``"M2 Max 38-core"``)
    and/or sizes in GB, as the CLI's ``--gpu/--vram/--ram/--gpus/--bandwidth/--cpu-bandwidth``."""
    from llmguide.hardware.resolve import resolve
    from llmguide.hardware.spec import HardwareSpec

    cat = catalog or _shipped()
    spec = HardwareSpec(gpu=gpu, gpus=gpus, vram=vram, ram=ram, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth)
    return resolve(spec, cat.hardware, detect=False)[0]


def recommend(task: str = "chat", *, gpu: str | None = None, vram: float | None = None, ram: float | None = None,
              gpus: int | None = None, bandwidth: float | None = None, cpu_bandwidth: float | None = None,
              context: int | None = None, languages: list[str] | None = None, license: str | None = None,
              min_speed: float | None = None, max_ttft: float | None = None, modalities: list[str] | None = None,
              top: int = 5, sort: str = "score", catalog: "Catalog | None" = None) -> "Recommendation":
    """The models for ``task`` on this hardware, ranked and explained (``llmguide recommend``)."""
    from llmguide.rules.engine import make_request
    from llmguide.rules.engine import recommend as rank

    cat = catalog or _shipped()
    request = make_request(cat, task, context, languages, top, license=license, min_speed=min_speed,
                           max_ttft=max_ttft, modalities=modalities)
    hw = hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    return rank(cat, request, hw, sort)


def fit(model: str, *, gpu: str | None = None, vram: float | None = None, ram: float | None = None, gpus: int | None = None,
        bandwidth: float | None = None, cpu_bandwidth: float | None = None, quants: str = "Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16",
        context: int = 4096, kv_type: str = "f16", parallel: int = 1, backend: str = "llama.cpp",
        gpu_layers: int | None = None, cpu_moe_layers: int | None = None,
        catalog: "Catalog | None" = None) -> "list[FitEstimate]":
    """Memory, placement and speed of a model (catalog name, config.json, folder or .gguf) at each
    quantization (``llmguide fit``). ``quants`` is comma-separated, or ``"all"``."""
    from llmguide.estimate.fit import fit as run
    from llmguide.estimate.fit import parse_quants
    from llmguide.model.modelref import model_ref

    cat = catalog or _shipped()
    ref = model_ref(cat, model)
    hw = hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    if backend in ("vllm", "transformers") and quants == "Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16":
        quants = "BF16,FP8,AWQ"
    return run(ref, hw, parse_quants(quants, backend), context, kv_type=kv_type, parallel=parallel, backend=backend,
               gpu_layers=gpu_layers, cpu_moe_layers=cpu_moe_layers)


def show(name: str, *, context: int = 4096, catalog: "Catalog | None" = None) -> "Card":
    """A family or variant with its facts, sources, evidence and memory (``llmguide show``)."""
    from llmguide.cards import make_card

    return make_card(catalog or _shipped(), name, context)


def compare(*names: str, context: int = 4096, catalog: "Catalog | None" = None) -> "list[Card]":
    """Several families or variants side by side (``llmguide compare``)."""
    from llmguide.cards import compare_cards

    return compare_cards(catalog or _shipped(), list(names), context)


def plan_deployment(model: str, *, users: int = 1, gpu: str | None = None, vram: float | None = None, ram: float | None = None,
           gpus: int | None = None, bandwidth: float | None = None, context: int = 4096, prompt_tokens: int = 1024,
           output_tokens: int = 256, target_tps: float | None = None, backend: str = "auto", nodes: int = 1,
           catalog: "Catalog | None" = None) -> "Plan":
    """A serving plan: engine, format, GPUs, capacity and speed (``llmguide deploy``; the name
    ``deploy`` is the package that makes it); its commands come from
    ``llmguide.deploy.commands(plan, request)``."""
    from llmguide.deploy import DeployRequest, plan
    from llmguide.model.modelref import model_ref

    cat = catalog or _shipped()
    hw = hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, catalog=cat)
    req = DeployRequest(users, context, prompt_tokens, output_tokens, target_tps, backend.lower(), nodes)
    return plan(model_ref(cat, model), hw, req)


__all__ = ["compare", "fit", "hardware_spec", "plan_deployment", "recommend", "show"]
