"""A catalog family made from a Hugging Face repository (``llmguide catalog add hf:ORG/NAME``).

What the Hub says about a model, written in the catalog's own format so that ``recommend``,
``show`` and ``why-not`` treat it like any other entry: the architecture numbers of its config.json
(exactly the keys of a catalog ``architecture:`` block), its parameters (from the safetensors
headers, else counted from the architecture), its context length, the licence on its model card,
the month the repository was made, and the pages all of it was read from, dated today. Nothing in
it was reviewed by a person, so every variant carries a note starting ``Unvetted:``
(``llmguide.catalog.schema.UNVETTED``), which ``recommend`` shows beside its quality estimate;
without benchmark rows of its own its quality is estimated from its size and release date, as for
any catalog model without evidence.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmguide.catalog.schema import UNVETTED, ArchitectureFacts, Family
from llmguide.errors import LLMGuideError

if TYPE_CHECKING:
    from llmguide.catalog.loader import Catalog
    from llmguide.model.hub import HubModel

# The model card's licence ids (huggingface.co/docs/hub/repositories-licenses) as SPDX ids, and
# whether they allow commercial use.
_LICENSES: dict[str, tuple[str, str]] = {
    "apache-2.0": ("Apache-2.0", "yes"), "mit": ("MIT", "yes"), "bsd-2-clause": ("BSD-2-Clause", "yes"),
    "bsd-3-clause": ("BSD-3-Clause", "yes"), "cc0-1.0": ("CC0-1.0", "yes"), "unlicense": ("Unlicense", "yes"),
    "cc-by-4.0": ("CC-BY-4.0", "yes"), "cc-by-sa-4.0": ("CC-BY-SA-4.0", "yes"), "mpl-2.0": ("MPL-2.0", "yes"),
    "gpl-3.0": ("GPL-3.0", "yes"), "lgpl-3.0": ("LGPL-3.0", "yes"), "agpl-3.0": ("AGPL-3.0", "yes"),
    "cc-by-nc-4.0": ("CC-BY-NC-4.0", "no"), "cc-by-nc-sa-4.0": ("CC-BY-NC-SA-4.0", "no"),
    "cc-by-nc-nd-4.0": ("CC-BY-NC-ND-4.0", "no"), "cc-by-nc-2.0": ("CC-BY-NC-2.0", "no"),
    "llama2": ("LicenseRef-Llama-2-Community", "restricted"), "llama3": ("LicenseRef-Llama-3-Community", "restricted"),
    "llama3.1": ("LicenseRef-Llama-3.1-Community", "restricted"), "llama3.2": ("LicenseRef-Llama-3.2-Community", "restricted"),
    "llama3.3": ("LicenseRef-Llama-3.3-Community", "restricted"), "llama4": ("LicenseRef-Llama-4-Community", "restricted"),
    "gemma": ("LicenseRef-Gemma-Terms-of-Use", "restricted"),
}
_FLOAT_BITS = {"F64": 64, "F32": 32, "F16": 16, "BF16": 16, "F8_E4M3": 8, "F8_E5M2": 8}


def family_data(hub: HubModel, arch: Any, today: date | None = None) -> dict:
    """The family file's content (plain data, in the catalog's key order) for the repository
    ``hub`` read from the Hub, whose config.json gave ``arch``."""
    from llmguide.model.config import max_context
    from llmguide.model.params import count_params

    if hub.config is None or hub.gguf is not None:
        raise LLMGuideError(f"{hub.name}: 'catalog add' reads a model repository's config.json; name the repository "
                            "the weights come from, not one GGUF file")
    day = (today or date.today()).isoformat()
    repo, model = hub.repo, hub.repo.split("/", 1)[1]
    slug = _slug(model)
    lic_id, lic_name, commercial = _license(hub)
    counted = count_params(arch)
    total_b, params_note = _params(hub, counted.counted_total)
    context = max_context(hub.config, f"{hub.name}: config.json") or 4096
    kind, kind_why = _kind(hub, model)
    dropped = _dropped(arch, hub)
    not_reviewed = (f"{UNVETTED} read from {hub.page} by 'llmguide catalog add' on {day}; nobody has checked these "
                    "facts, and the catalog has no benchmark results for it, so its quality is estimated from its size "
                    "and release month.")
    variant: dict[str, Any] = {
        "id": slug,
        "name": model,
        "hf_repo": repo,
        "kind": kind,
        "summary": f"{repo} as its Hugging Face repository describes it (unvetted).",
        "specialties": ["code"] if re.search(r"cod(e|er)", model, re.I) else [],
        "sources": ["hf-page"],
        "release": {"month": hub.created or day[:7], "sources": ["hf-page"]},
        "params": {"total_b": total_b, **({"active_b": round(counted.counted_active / 1e9, 2)} if counted.is_moe else {}),
                   "note": params_note, "sources": ["hf-config"]},
        "architecture": {**architecture_facts(arch, _model_type(hub.config)), "sources": ["hf-config"]},
        "context": {"length": context, "note": "max_position_embeddings in config.json", "sources": ["hf-config"]},
        "notes": [not_reviewed, kind_why, *([dropped] if dropped else [])],
    }
    if not variant["specialties"]:
        del variant["specialties"]
    return {
        "id": f"hf-{slug}"[:80].rstrip("-."),
        "name": f"{model} (Hugging Face)",
        "developer": repo.split("/")[0],
        "description": (f"{repo}, added from its Hugging Face repository by 'llmguide catalog add' on {day}: the "
                        "architecture from config.json, the parameters from the safetensors headers, the licence from "
                        "the model card. Unvetted: nobody has reviewed it, and the catalog holds no benchmark results for it."),
        "about_sources": ["hf-page"],
        "license": {"id": lic_id, "name": lic_name, "commercial_use": commercial,
                    "limits": ["Not reviewed by llmguide: read the licence on the model page before you rely on it."]
                    + (["The repository is gated: accept its terms on the model page to download it."] if hub.gated else []),
                    "sources": ["hf-page"]},
        "languages": {"codes": [], "note": "Not read from the Hub: the model card's languages are not recorded.",
                      "sources": ["hf-page"]},
        "strengths": {"items": ["Unvetted: no strengths recorded; see the model card."], "sources": ["hf-page"]},
        "challenges": {"items": ["Unvetted: added from the Hub without review or benchmark results, so its quality is an "
                                 "estimate from its size and release month."], "sources": ["hf-page"]},
        "sources": {
            "hf-page": {"url": hub.page, "title": f"{repo} on Hugging Face (model card and files)", "date": day},
            "hf-config": {"url": hub.file_url("config.json"), "title": f"config.json of {repo} at {hub.revision[:12]}",
                          "date": day},
        },
        "variants": [variant],
    }


def architecture_facts(arch: Any, model_type: str) -> dict:
    """The catalog's ``architecture:`` keys for ``arch`` (without sources): every number a catalog
    entry holds, defaults left out."""
    out: dict[str, Any] = {"model_type": model_type}
    for f in fields(ArchitectureFacts):
        if f.name in ("sources", "model_type"):
            continue
        value = getattr(arch, f.name)
        if f.default is not MISSING and f.default == value:
            continue
        out[f.name] = value
    return {k: out[k] for k in ("model_type", *(f.name for f in fields(ArchitectureFacts))) if k in out}


def _model_type(config: dict) -> str:
    """config.json's model_type as ``from_config`` reads it (the language model's, for a multimodal one)."""
    from llmguide.model.files import clean_text

    text = config.get("text_config")
    merged = {**config, **text} if isinstance(text, dict) else config
    value = merged.get("model_type")
    return clean_text(value, 64) if isinstance(value, str) and value.strip() else "llama"


def _dropped(arch: Any, hub: HubModel) -> str | None:
    """What config.json says that the catalog's architecture block cannot hold (its model type
    implies the rest), as a note; None when the entry prices the model exactly as config.json does."""
    from llmguide.catalog.validate import validate
    from llmguide.model.architecture import Architecture

    facts = validate({**architecture_facts(arch, _model_type(hub.config or {})), "sources": ["hf-config"]}, ArchitectureFacts)
    again = Architecture.from_facts(facts)
    differ = [f.name for f in fields(arch) if f.name != "arch" and getattr(arch, f.name) != getattr(again, f.name)]
    if not differ:
        return None
    return ("config.json also gives " + ", ".join(f"{n} = {getattr(arch, n)!r}" for n in differ)
            + f", which the catalog format cannot hold: 'llmguide fit {hub.name}' prices it exactly.")


def _slug(name: str) -> str:
    """A catalog id from a repository name: lower case, runs of other characters as '-'."""
    text = re.sub(r"[^a-z0-9.]+", "-", name.lower())
    text = re.sub(r"[-.]{2,}", lambda m: "-" if "-" in m.group() else ".", text).strip("-.")
    return text[:77].rstrip("-.") or "model"


def _license(hub: HubModel) -> tuple[str, str, str]:
    """(SPDX id or LicenseRef, name, commercial use) from the model card's licence."""
    given = (hub.license or "").strip().lower()
    if given in _LICENSES:
        spdx, commercial = _LICENSES[given]
        return spdx, f"{hub.license} (as the model card names it)", commercial
    if not given:
        return "LicenseRef-Not-Given", "No licence is given on the model card", "no"
    name = hub.license_name if given == "other" and hub.license_name else given
    ref = re.sub(r"[^A-Za-z0-9.+-]+", "-", name).strip("-") or "Other"
    return f"LicenseRef-{ref}"[:120], f"{name} (as the model card names it)", "restricted"


def _params(hub: HubModel, counted: int) -> tuple[float, str]:
    """Total parameters in billions, and where the figure comes from."""
    st = hub.safetensors
    if st and st.dtype_bytes and set(st.dtype_bytes) <= set(_FLOAT_BITS):
        n = sum(b * 8 // _FLOAT_BITS[d] for d, b in st.dtype_bytes.items())
        return round(n / 1e9, 2), (f"Counted from the tensors in the safetensors headers ({n:,} parameters); "
                                   f"the architecture counts {counted:,}.")
    why = "no safetensors files" if not st else "quantized safetensors weights"
    return round(counted / 1e9, 2), f"Counted from the architecture in config.json ({why})."


def _kind(hub: HubModel, model: str) -> tuple[str, str]:
    words = set(re.split(r"[^a-z0-9]+", model.lower()))
    if "base" in words:
        return "base", "Kind: base, from the repository name."
    if "chat" in words:
        return "chat", "Kind: chat, from the repository name."
    if words & {"instruct", "it", "sft", "dpo", "rlhf", "thinking"}:
        return "instruct", "Kind: instruct, from the repository name."
    if "conversational" in hub.tags:
        return "instruct", "Kind: instruct, as the Hub tags the repository conversational (it has a chat template)."
    return "base", "Kind: base, as neither the name nor the Hub's tags say it was tuned to follow instructions."


# --- Adding it --------------------------------------------------------------------------------


def hub_family(name: str, today: date | None = None) -> Family:
    """The family ``catalog add`` would write for ``hf:ORG/NAME``, checked like a catalog file."""
    return _checked(_read(name, today), name)


def _read(name: str, today: date | None) -> dict:
    from llmguide.model.config import from_config
    from llmguide.model.hub import read_model

    hub = read_model(name)
    if hub.offline:
        raise LLMGuideError(f"{hub.name}: HF_HUB_OFFLINE is set; a catalog entry needs the licence and the "
                            "safetensors headers, which are read over the network")
    arch = from_config(hub.config or {}, f"{hub.name}: config.json")
    return family_data(hub, arch, today)


def _checked(data: dict, name: str) -> Family:
    from llmguide.catalog.validate import validate, validation_error_type

    try:
        return validate(data, Family)
    except validation_error_type() as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LLMGuideError(f"{name}: what the Hub says does not make a valid catalog entry ({where}: {first['msg']})") from None


def with_family(catalog: Catalog, family: Family, file: Path | None = None) -> Catalog:
    """``catalog`` with ``family`` added; a name it shares with an entry is an error naming that entry."""
    clash = clashes(catalog, family)
    if clash:
        raise LLMGuideError(clash)
    merged = replace(catalog, stamp="", families=(*catalog.families, family),  # other contents: not the cached catalog
                     _files={**catalog._files, family.id: str(file or Path(f"{family.id}.yaml"))})
    return merged


def clashes(catalog: Catalog, family: Family, replacing: Path | None = None) -> str | None:
    """The first name of ``family`` that the catalog already uses (ids, names, repositories), as a
    message naming the entry that has it; entries of the file ``replacing`` do not count."""
    from llmguide.catalog.schema import normalize

    names = catalog.names
    mine = [family.id, family.name, *family.aliases]
    for v in family.variants:
        mine += [v.id, v.name, v.hf_repo, v.hf_repo.split("/", 1)[1], *v.aliases]
    for n in mine:
        hit = names.get(normalize(n))
        if hit is None:
            continue
        fam, var = hit
        where = catalog._files.get(fam.id)
        if replacing is not None and where is not None and _same(Path(where), replacing):
            continue
        what = f"variant '{var.id}' of family '{fam.id}'" if var else f"family '{fam.id}'"
        return (f"'{n}' is already in the catalog: {what}" + (f" ({where})" if where else "")
                + f"; 'llmguide fit {var.id if var else fam.id}' uses that entry, and 'llmguide fit hf:{family.variants[0].hf_repo}' "
                "reads the repository itself")
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def add_family(name: str, catalog: Catalog, folder: Path, force: bool = False, today: date | None = None) -> Path:
    """Write the family file for ``hf:ORG/NAME`` into ``folder`` (atomically) and return its path.
    An existing file is replaced only with ``force``; a name the catalog already uses elsewhere is
    an error naming the entry."""
    import yaml

    from llmguide.model.files import shown_path, write_atomic

    data = _read(name, today)
    family = _checked(data, name)
    path = folder / f"{family.id}.yaml"
    try:
        exists = path.exists()
    except OSError:
        exists = False
    if exists and not force:
        raise LLMGuideError(f"{shown_path(path)} exists (family '{family.id}'); add --force to replace it")
    clash = clashes(catalog, family, replacing=path)
    if clash:
        raise LLMGuideError(clash)
    head = (f"# {data['variants'][0]['hf_repo']}, read from the Hugging Face Hub by 'llmguide catalog add' on "
            f"{data['sources']['hf-page']['date']}.\n# Unvetted: nobody has reviewed these facts; edit them, "
            "or delete this file.\n")
    text = head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    try:
        write_atomic(path, text)
    except OSError as exc:
        from llmguide.model.files import os_problem

        raise LLMGuideError(f"{shown_path(path)}: cannot write: {os_problem(exc)}") from None
    return path
