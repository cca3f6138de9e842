"""The Python API: the same answers as the command line, as frozen data.

Every function takes plain values (names as a user types them, sizes in GB, tokens) and returns the
library's own frozen results; nothing is printed, and bad input raises ``LLMGuideError``
(``UsageError`` for an impossible request). The catalog is the shipped one; pass ``catalog=`` to
use another (``llmguide.catalog.load_catalog(path)``). Two names differ from the commands because
a package of that name exists: ``plan_deployment`` (``deploy``) and ``hardware_spec`` (the
hardware given, not detected).

Hardware is given as with the CLI: a GPU preset name, or memory sizes in GB; it is never detected
here. Pass ``hardware=`` (a ``Hardware``, e.g. from ``hardware_spec`` or, with detection,
``llmguide.hardware.resolve.resolve``) to plan with hardware already resolved: the command line
does that, then makes one call here per command.

    >>> import llmguide
    >>> rec = llmguide.recommend("code", vram=24, top=3)
    >>> [r.candidate.variant.id for r in rec.top]        # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmguide.deploy import Deployment
    from llmguide.estimate.fit import FamilyFit, FitReport
    from llmguide.rules.engine import WhyNot
    from llmguide.cards import Card
    from llmguide.catalog.listing import ListedModel
    from llmguide.catalog.loader import Catalog
    from llmguide.hardware.profile import Hardware
    from llmguide.estimate.installed import InstalledReport
    from llmguide.model.installed import Scan
    from llmguide.model.modelref import ModelRef
    from llmguide.rules.engine import Recommendation
    from pathlib import Path

DEFAULT_QUANTS = "Q4_K_M,Q5_K_M,Q6_K,Q8_0,F16"
DEFAULT_GPU_FORMATS = "BF16,FP8,AWQ"  # --backend vllm or transformers
PICK_QUANT = "Q4_K_M"  # a family's pick must run whole at this quantization or better


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    from llmguide.catalog.loader import load_catalog

    return load_catalog()


def hardware_spec(gpu: str | None = None, *, vram: float | None = None, ram: float | None = None, gpus: int | None = None,
                  bandwidth: float | None = None, cpu_bandwidth: float | None = None, headroom: str | None = None,
                  cpu_only: bool = False, catalog: Catalog | None = None) -> Hardware:
    """The hardware to plan for, from a preset name (``"4090"``, ``"2x RTX 3090"``, ``"M2 Max 38-core"``)
    and/or sizes in GB, as the CLI's ``--gpu/--vram/--ram/--gpus/--bandwidth/--cpu-bandwidth/--headroom/--cpu-only``."""
    from llmguide.hardware.resolve import resolve
    from llmguide.hardware.spec import HardwareSpec

    cat = catalog or _shipped()
    spec = HardwareSpec(gpu=gpu, gpus=gpus, vram=vram, ram=ram, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth,
                        cpu_only=cpu_only, headroom=headroom)
    return resolve(spec, cat.hardware, detect=False)[0]


def recommend(task: str = "chat", *, gpu: str | None = None, vram: float | None = None, ram: float | None = None,
              gpus: int | None = None, bandwidth: float | None = None, cpu_bandwidth: float | None = None,
              context: int | None = None, languages: list[str] | None = None, license: str | None = None,
              min_speed: float | None = None, max_ttft: float | None = None, modalities: list[str] | None = None,
              top: int = 5, sort: str = "score", hardware: Hardware | None = None,
              catalog: Catalog | None = None, installed: Scan | None = None) -> Recommendation:
    """The models for ``task`` on this hardware, ranked and explained (``llmguide recommend``).
    ``installed`` (from ``scan_installed``): rank only the catalog variants installed, each at the
    GGUF quantizations installed (every quantization for a safetensors copy, or a type without
    quality figures); installed models that match no variant cannot be ranked."""
    from llmguide.rules.engine import make_request
    from llmguide.rules.engine import recommend as rank

    cat = catalog or _shipped()
    request = make_request(cat, task, context, languages, top, license=license, min_speed=min_speed,
                           max_ttft=max_ttft, modalities=modalities)
    hw = hardware or hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    only = installed.ranking_quants(q.name for q in cat.quants.quants) if installed is not None else None
    rec = rank(cat, request, hw, sort, only=only)
    if installed is None:
        return rec
    from dataclasses import replace

    copies = tuple((m.catalog_id, m.quant, m.store, m.name, m.path) for m in installed.models
                   if m.catalog_id and m.ref is not None and m.format == "gguf")
    return replace(rec, installed=copies)


def scan_installed(stores: str | list[str] | None = None, paths: list[str] | None = None, *,
                   catalog: Catalog | None = None) -> Scan:
    """The models on this machine (``llmguide installed``, without the fit): the stores named
    (``"ollama,lmstudio,hf,llama.cpp"``, the default all; ``"none"``) at their usual places (from
    the environment: ``OLLAMA_MODELS``, ``HF_HUB_CACHE``, ``LLAMA_CACHE`` ...) and the folders in
    ``paths``, each model read through its header and matched to the catalog. For other places,
    ``llmguide.model.installed.scan`` takes the folders themselves."""
    from llmguide.model.installed import default_roots, parse_stores, scan, with_paths

    roots = with_paths(default_roots(parse_stores(stores)), paths or [])
    return scan(roots, catalog or _shipped())


def installed(stores: str | list[str] | None = None, paths: list[str] | None = None, *, gpu: str | None = None,
              vram: float | None = None, ram: float | None = None, gpus: int | None = None,
              bandwidth: float | None = None, cpu_bandwidth: float | None = None, context: int = 4096,
              hardware: Hardware | None = None, catalog: Catalog | None = None,
              scan: Scan | None = None) -> InstalledReport:
    """The models on this machine and how each runs on this hardware (``llmguide installed``):
    ``scan_installed``, then ``fit`` of each model as it is (a GGUF at its own quantization, a
    safetensors folder at its weights). ``scan``: a scan already made."""
    from llmguide.estimate.installed import fit_installed

    cat = catalog or _shipped()
    found = scan or scan_installed(stores, paths, catalog=cat)
    hw = hardware or hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    return fit_installed(found, hw, context)


def why_not(model: str, task: str = "chat", *, gpu: str | None = None, vram: float | None = None, ram: float | None = None,
            gpus: int | None = None, bandwidth: float | None = None, cpu_bandwidth: float | None = None,
            context: int | None = None, languages: list[str] | None = None, license: str | None = None,
            min_speed: float | None = None, max_ttft: float | None = None, modalities: list[str] | None = None,
            hardware: Hardware | None = None, catalog: Catalog | None = None) -> WhyNot:
    """Why one variant is, or is not, recommended for ``task`` here (``llmguide why-not``)."""
    from llmguide.catalog.lookup import resolve
    from llmguide.rules.engine import WhyNot

    cat, model = _with_hub(catalog or _shipped(), model)
    hw = hardware or hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    rec = recommend(task, context=context, languages=languages, license=license, min_speed=min_speed, max_ttft=max_ttft,
                    modalities=modalities, top=1, hardware=hw, catalog=cat)
    picked = _family_pick(cat, model, hw, rec.request.context)
    if picked is not None:
        vid, note = picked.id, picked.note
    else:
        match = resolve(cat, model)
        vid = match.variant.id if match.variant else match.family.variants[0].id  # a one-variant family: that variant
        note = match.note if match.variant else f"'{model}' is the {match.family.name} family: its one variant, {vid}"
    ranked = next((r for r in rec.ranked if r.candidate.variant.id == vid), None)
    rejected = next((j for j in rec.rejected if j.candidate.variant.id == vid), None)
    return WhyNot(rec, ranked, rejected, note)


def fit(model: str, *, gpu: str | None = None, vram: float | None = None, ram: float | None = None, gpus: int | None = None,
        bandwidth: float | None = None, cpu_bandwidth: float | None = None, quants: str | None = None,
        context: int = 4096, kv_type: str = "f16", parallel: int = 1, backend: str = "llama.cpp",
        prompt_tokens: int = 512, flash_attention: bool = True, mmap: bool = True, depth: int = 0,
        gpu_layers: int | None = None, cpu_moe_layers: int | None = None, cpu_moe: bool = False,
        hardware: Hardware | None = None, catalog: Catalog | None = None) -> FitReport:
    """Memory, placement and speed of a model (catalog name, config.json, folder or .gguf) at each
    quantization (``llmguide fit``). ``quants`` is comma-separated, or ``"all"`` (default: the common
    GGUF presets, or BF16, FP8 and AWQ for vLLM and transformers). ``gpu_layers`` (``-ngl``),
    ``cpu_moe_layers`` (``--n-cpu-moe``) or ``cpu_moe`` (``--cpu-moe``) price that llama.cpp placement
    instead of choosing one."""
    from llmguide.errors import UsageError
    from llmguide.estimate.fit import FitReport, parse_quants
    from llmguide.estimate.fit import fit as run
    from llmguide.estimate.runtime import LlamaCppRun
    from llmguide.model.modelref import model_ref

    if cpu_moe_layers is not None and cpu_moe:
        raise UsageError("Give --n-cpu-moe N or --cpu-moe, not both.")
    if cpu_moe_layers is not None and cpu_moe_layers < 0:
        raise UsageError(f"--n-cpu-moe must be 0 or more, not {cpu_moe_layers}.")
    if (gpu_layers is not None or cpu_moe_layers is not None or cpu_moe) and backend != "llama.cpp":
        raise UsageError("The llama.cpp placement flags (-ngl, --n-cpu-moe, --cpu-moe) need --backend llama.cpp.")
    cat = catalog or _shipped()
    ref = model_ref(cat, model)
    hw = hardware or hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    gguf_engine = backend not in ("vllm", "transformers")
    default = DEFAULT_QUANTS if gguf_engine else DEFAULT_GPU_FORMATS
    chosen = quants or (ref.named_quant if gguf_engine else None) or default
    estimates = run(ref, hw, parse_quants(chosen, backend), context, kv_type=kv_type, parallel=parallel,
                    backend=backend, prompt_tokens=prompt_tokens, run=LlamaCppRun(flash_attention=flash_attention, mmap=mmap),
                    depth=depth, gpu_layers=gpu_layers, cpu_moe_layers=ref.arch.layers if cpu_moe else cpu_moe_layers)
    return FitReport(ref, hw, tuple(estimates))


def fit_family(family: str, *, hardware: Hardware | None = None, catalog: Catalog | None = None, **options) -> FamilyFit:
    """``fit`` for every variant of a family (``llmguide fit FAMILY``), with the one llmguide would
    pick; ``options`` are ``fit``'s. A name that is not a family of several variants is a usage error."""
    from llmguide.errors import UsageError
    from llmguide.estimate.fit import FamilyFit
    from llmguide.model.modelref import family_variants

    cat = catalog or _shipped()
    found = family_variants(cat, family)
    if found is None:
        raise UsageError(f"'{family}' is not a family of several variants.", f"Use: llmguide fit {family}")
    fam, refs = found
    hw = hardware or hardware_spec(options.pop("gpu", None), vram=options.pop("vram", None), ram=options.pop("ram", None),
                                   gpus=options.pop("gpus", None), bandwidth=options.pop("bandwidth", None),
                                   cpu_bandwidth=options.pop("cpu_bandwidth", None), catalog=cat)
    reports = tuple(fit(r.id, hardware=hw, catalog=cat, **options) for r in refs)
    best = _flagship([(r.model, r.runs_whole) for r in reports]) if hw.known else None
    return FamilyFit(fam, hw, reports, best.id if best else None)


def _flagship(runs: list[tuple[ModelRef, bool]]) -> ModelRef | None:
    """The largest instruct or chat variant that runs whole (else the largest of any kind that does)."""
    fitting = [ref for ref, ok in runs if ok]
    tuned = [ref for ref in fitting if ref.kind in ("instruct", "chat")] or fitting
    return max(tuned, key=lambda r: r.params.counted_total, default=None)


def _family_pick(cat: Catalog, name: str, hw: Hardware, context: int) -> ModelRef | None:
    """For a family of several variants: its flagship that fits ``hw`` (see ``_flagship``), with a
    note saying so; None when ``name`` is not such a family."""
    from dataclasses import replace

    from llmguide.model.modelref import family_variants

    found = family_variants(cat, name)
    if found is None:
        return None
    fam, refs = found
    # The same test as fit FAMILY's pick: runs whole at Q4_K_M (a 2-bit 27B is not a better pick than a 6-bit 12B).
    runs = [(ref, hw.known and fit(ref.id, hardware=hw, quants=PICK_QUANT, context=context, catalog=cat).runs_whole)
            for ref in refs]
    picked = _flagship(runs)
    tuned = [r for r in refs if r.kind in ("instruct", "chat")] or list(refs)
    pick = picked or min(tuned, key=lambda r: r.params.counted_total)
    why = ("its largest instruct or chat variant that runs whole here at Q4_K_M or better" if picked
           else f"its smallest instruct or chat variant, as none runs whole here at {PICK_QUANT}")
    others = ", ".join(r.id for r in refs if r.id != pick.id)
    return replace(pick, note=f"'{name}' is the {fam.name} family: planning {pick.id}, {why} (others: {others})")


def show(name: str, *, context: int = 4096, catalog: Catalog | None = None) -> Card:
    """A family or variant with its facts, sources, evidence and memory (``llmguide show``)."""
    from llmguide.cards import make_card

    cat, name = _with_hub(catalog or _shipped(), name)
    return make_card(cat, name, context)


def list_models(task: str | None = None, family: str | None = None, *,
                catalog: Catalog | None = None) -> list[ListedModel]:
    """The catalog's variants as ``llmguide list`` shows them, in catalog order, optionally only
    those that serve ``task`` or belong to ``family`` (``llmguide list``)."""
    from llmguide.catalog.listing import list_rows

    return list_rows(catalog or _shipped(), task, family)


def compare(*names: str, context: int = 4096, catalog: Catalog | None = None) -> list[Card]:
    """Several families or variants side by side (``llmguide compare``)."""
    from llmguide.cards import compare_cards

    cat = catalog or _shipped()
    named = []
    for n in names:
        cat, n = _with_hub(cat, n)
        named.append(n)
    return compare_cards(cat, named, context)


def _with_hub(cat: Catalog, name: str) -> tuple[Catalog, str]:
    """For ``hf:ORG/NAME``: the catalog's own entry for the repository when it has one, else the
    entry ``catalog add`` would write, read from the Hub and added in memory (unvetted). Other
    names pass through."""
    from llmguide.model.hub import is_hub_name

    if not is_hub_name(name):
        return cat, name
    from llmguide.catalog.schema import normalize
    from llmguide.errors import UsageError
    from llmguide.model.hub import parse_name
    from llmguide.model.hub_family import hub_family, with_family

    hub = parse_name(name)
    if hub.quant:
        raise UsageError(f"'{name}' names one GGUF file; this command takes a model: hf:{hub.repo.removesuffix('-GGUF')}",
                         f"'llmguide fit {name}' reads the file's header.")
    if normalize(hub.repo) in cat.names:
        return cat, hub.repo
    family = hub_family(name)
    return with_family(cat, family), family.variants[0].id


def add_to_catalog(name: str, *, to: str | Path | None = None, force: bool = False, catalog: Catalog | None = None) -> Path:
    """Write a user-catalog family file for a Hugging Face repository (``llmguide catalog add
    hf:ORG/NAME``) into ``to`` (default: the user catalog folder, which every command reads) and
    return its path. The entry is marked unvetted; a name the catalog already uses is an error
    naming that entry, and an existing file is replaced only with ``force``."""
    from pathlib import Path

    from llmguide.catalog.overlay import user_catalog_dir
    from llmguide.errors import UsageError
    from llmguide.model.hub_family import add_family
    from llmguide.model.hub import is_hub_name

    if not is_hub_name(name):
        raise UsageError(f"'{name}' is not a Hugging Face repository name.", "Write hf:ORG/NAME, e.g. hf:Qwen/Qwen2.5-7B-Instruct.")
    return add_family(name, catalog or _shipped(), Path(to) if to is not None else user_catalog_dir(), force)


def plan_deployment(model: str, *, users: int = 1, gpu: str | None = None, vram: float | None = None, ram: float | None = None,
                    gpus: int | None = None, bandwidth: float | None = None, cpu_bandwidth: float | None = None,
                    context: int = 4096, prompt_tokens: int = 1024, output_tokens: int = 256,
                    target_tps: float | None = None, backend: str = "auto", nodes: int = 1, max_gpus: int = 64,
                    size: bool | None = None, hardware: Hardware | None = None, catalog: Catalog | None = None) -> Deployment:
    """A serving plan: engine, format, GPUs, capacity and speed, with the commands to run it and the
    production checklist (``llmguide deploy``; the name ``deploy`` is the package that makes it).
    When no GPU count is given (``gpus``, a count in ``gpu`` such as ``"8x H100"``, or ``nodes``), a
    GPU engine's plan finds the fewest GPUs of the kind (at most ``max_gpus``) that hold the users;
    ``size`` says so explicitly (the command line passes it with ``hardware``)."""
    import re

    from llmguide.deploy import Deployment
    from llmguide.deploy.commands import checklist, commands
    from llmguide.deploy.plan import DeployRequest, plan
    from llmguide.model.modelref import model_ref

    cat = catalog or _shipped()
    if size is None:
        counted = bool(gpu and re.search(r"^\s*\d{1,2}\s*[x×*]|[x×*]\s*\d{1,2}\s*$", gpu, re.I))
        size = gpus is None and nodes == 1 and not counted and (hardware is None or hardware.gpu_count == 1)
    req = DeployRequest(users, context, prompt_tokens, output_tokens, target_tps, backend.lower(), nodes, size, max_gpus)
    hw = hardware or hardware_spec(gpu, vram=vram, ram=ram, gpus=gpus, bandwidth=bandwidth, cpu_bandwidth=cpu_bandwidth, catalog=cat)
    ref = _family_pick(cat, model, hw, context) or model_ref(cat, model)
    from llmguide.deploy.kubernetes import manifest

    p = plan(ref, hw, req)
    steps = tuple(commands(p, req))
    return Deployment(p, req, hw, steps, tuple(checklist(p, req)), manifest(p, steps, hw.gpu_family))


def __getattr__(name: str):
    """The result types, from where they are made (imported when asked, so the command line starts fast)."""
    homes = {"FitReport": "llmguide.estimate.fit", "FamilyFit": "llmguide.estimate.fit", "WhyNot": "llmguide.rules.engine",
             "Deployment": "llmguide.deploy", "InstalledReport": "llmguide.estimate.installed", "Scan": "llmguide.model.installed"}
    if name in homes:
        import importlib

        return getattr(importlib.import_module(homes[name]), name)
    raise AttributeError(f"module 'llmguide.api' has no attribute {name!r}")


__all__ = ["Deployment", "FamilyFit", "FitReport", "InstalledReport", "Scan", "WhyNot", "compare", "fit", "fit_family",
           "hardware_spec", "installed", "list_models", "plan_deployment", "recommend", "scan_installed", "show", "why_not",
           "add_to_catalog"]
