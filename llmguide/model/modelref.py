"""What ``fit`` can be pointed at: a catalog variant, a config.json, a model directory, a .gguf, or
a Hugging Face repository (``hf:ORG/NAME``, ``hf:ORG/NAME-GGUF:Q4_K_M``).

All end as a ``ModelRef``: an ``Architecture`` plus the identity a report shows (and, for a GGUF
file, its exact tensor sizes). Reading a directory reads its config.json only; reading a GGUF
reads its header only, never the weights; a Hub repository is read the same way, remotely
(``llmguide.model.hub``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmguide.catalog.loader import Catalog
from llmguide.catalog.schema import Context, Family, Params, Variant
from llmguide.errors import LLMGuideError, UsageError
from llmguide.estimate.gpu_formats import GpuFormat, native_format
from llmguide.model.architecture import Architecture
from llmguide.model.params import ParamCount, count_params

if TYPE_CHECKING:  # the readers are imported where a file or folder is read: a catalog variant needs none
    from llmguide.model.gguf_file import GGUFInfo
    from llmguide.model.safetensors_header import SafetensorsInfo

@dataclass(frozen=True)
class ModelRef:
    id: str
    hf_repo: str | None
    arch: Architecture
    max_context: int | None
    source: str  # catalog | config.json path | .gguf path
    gguf: GGUFInfo | None = None
    safetensors: SafetensorsInfo | None = None  # the folder's own weights, when it has them
    native: GpuFormat | None = None  # the low-bit format the developer ships the weights in, if any
    published: Params | None = None  # the catalog's published parameter counts
    context_facts: Context | None = None  # the catalog's context: longest supported, native, how it is extended
    modalities: tuple[str, ...] = ("text",)
    uploads: tuple[tuple[str, str], ...] = ()  # (repository, format) of known quantized copies
    gguf_files: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (GGUF repository, its single-file quantizations; () = not recorded)
    ollama_tags: tuple[str, ...] = ()  # the catalog's Ollama library tags
    named_quant: str | None = None  # a GGUF quantization the name carried (qwen2.5-coder:32b-instruct-q5_K_M)
    note: str | None = None  # how a loose name (an Ollama tag, a one-variant family) was read
    kind: str | None = None  # the catalog variant's kind (instruct, chat, code, python, base)
    hub_quant: str | None = None  # a GGUF file on the Hub, by the quantization its hf:ORG/NAME:QUANT name picked

    def gpu_format(self, name: str) -> GpuFormat:
        """A GPU runtime's format by name; ``NATIVE`` is this model's low-bit release as shipped."""
        from llmguide.estimate.gpu_formats import GPU_FORMATS, NATIVE

        return self.native if name == NATIVE and self.native else GPU_FORMATS[name]

    def upload(self, fmt: str) -> str | None:
        """A known repository with the weights in ``fmt`` (awq, gptq, fp8, gguf, mlx ...): the
        developer's own first."""
        owner = (self.hf_repo or "").split("/")[0].lower()
        found = sorted((r for r, f in self.uploads if f == fmt), key=lambda r: r.split("/")[0].lower() != owner)
        return found[0] if found else None

    def gguf_upload(self, quant: str) -> tuple[str | None, str | None]:
        """The GGUF repository to fetch ``quant`` from, and a caution when the catalog does not
        record that the repository holds that file: a repository whose recorded files include it
        first (the developer's own before others), else one whose files are not recorded."""
        owner = (self.hf_repo or "").split("/")[0].lower()
        ordered = sorted(self.gguf_files, key=lambda rq: rq[0].split("/")[0].lower() != owner)
        for repo, quants in ordered:
            if quant.upper() in quants:
                return repo, None
        for repo, quants in ordered:
            if not quants:
                return repo, f"the catalog does not record {repo}'s files: check it holds the {quant} file"
        if ordered:
            held = "; ".join(f"{r}: {', '.join(q)}" for r, q in ordered)
            return None, f"no recorded GGUF upload holds {quant} ({held})"
        return None, None

    def gguf_source(self, quant: str) -> tuple[str | None, str, str | None]:
        """(repository, quantization, caution) to fetch this model's GGUF from: the file an
        ``hf:ORG/NAME:QUANT`` name read, from its repository; else ``quant`` from ``gguf_upload``."""
        if self.hub_quant:
            return self.upload("gguf"), self.hub_quant, None
        repo, caution = self.gguf_upload(quant)
        return repo, quant, caution

    @property
    def params(self) -> ParamCount:
        """The published figures and the count from the architecture."""
        return count_params(self.arch, self.published)


def model_ref(catalog: Catalog, name: str) -> ModelRef:
    from llmguide.catalog.lookup import resolve  # (here: a ranking makes a catalog variant's
    from llmguide.model.hub import is_hub_name   # reference by variant_ref, without names)

    if is_hub_name(name):
        try:
            return hub_ref(name)
        except LLMGuideError as exc:
            raise _with_catalog_hint(exc, catalog, name) from None
    path = Path(name)
    if name.lower().endswith(".gguf") or _is_gguf_file(path):  # an Ollama blob has no extension
        from llmguide.model.gguf_file import read_gguf

        info = read_gguf(path)
        return ModelRef(info.name or path.stem, None, info.arch, info.max_context, str(path), info)
    if name.endswith(".json") or _on_disk(path):
        return _from_path(path)
    match = resolve(catalog, name)
    if match.variant is None:
        if len(match.family.variants) == 1:
            only = match.family.variants[0]
            return variant_ref(only, note=f"'{name}' is the {match.family.name} family: its one variant, {only.id}")
        ids = ", ".join(v.id for v in match.family.variants[:6])
        raise UsageError(f"'{name}' is a family of {len(match.family.variants)} variants; name one.", f"Try one of: {ids}.")
    return variant_ref(match.variant, match.quant, match.note)


def family_variants(catalog: Catalog, name: str) -> tuple[Family, tuple[ModelRef, ...]] | None:
    """Every variant of the family ``name`` means, when it means a family of several; else None
    (a variant, a one-variant family, a file or a folder)."""
    from llmguide.catalog.lookup import resolve
    from llmguide.model.hub import is_hub_name

    path = Path(name)
    if is_hub_name(name) or name.lower().endswith((".gguf", ".json")) or _on_disk(path):
        return None
    match = resolve(catalog, name)
    if match.variant is not None or len(match.family.variants) == 1:
        return None
    return match.family, tuple(variant_ref(v) for v in match.family.variants)


def _is_gguf_file(path: Path) -> bool:
    """A regular file that starts with GGUF's magic bytes (a FIFO or device is never opened)."""
    import os
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(4) == b"GGUF"
    except (OSError, ValueError):
        return False


def _on_disk(path: Path) -> bool:
    """Whether a name is a file or folder here; a name the system cannot look up (too long, not
    allowed) is not one, and is then read as a model name."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def variant_ref(v: Variant, named_quant: str | None = None, note: str | None = None) -> ModelRef:
    nq = v.native_quant
    native = native_format(nq.format, nq.applies_to, nq.group_size, nq.rest) if nq else None
    return ModelRef(v.id, v.hf_repo, Architecture.from_facts(v.architecture), v.context.length, "catalog", native=native,
                    published=v.params, context_facts=v.context, modalities=tuple(v.modalities),
                    uploads=tuple((u.repo, u.format) for u in v.downloads.repos) if v.downloads else (),
                    gguf_files=tuple((u.repo, u.quants) for u in v.downloads.repos if u.format == "gguf") if v.downloads else (),
                    ollama_tags=tuple(v.downloads.ollama) if v.downloads else (),
                    named_quant=named_quant, note=note, kind=v.kind)


def _from_path(path: Path) -> ModelRef:
    from llmguide.model.config import config_name, from_config, max_context, read_config
    from llmguide.model.files import shown_path
    from llmguide.model.safetensors_header import read_folder

    try:
        folder = path.is_dir()
    except OSError:
        folder = False
    config = path / "config.json" if folder else path
    if folder and not _on_disk(config):
        raise LLMGuideError(f"{shown_path(path)}: no config.json found", "Point at a model folder or its config.json.")
    data = read_config(config)  # a regular file, size capped, strict JSON (llmguide.model.files)
    arch = from_config(data, shown_path(config))
    name = config_name(data, config.parent.name if folder else config.stem)
    st = read_folder(config.parent)
    return ModelRef(name, None, arch, max_context(data, shown_path(config)), str(config), safetensors=st)


def _with_catalog_hint(exc: LLMGuideError, catalog: Catalog, name: str) -> LLMGuideError:
    """A Hub failure for a repository the catalog holds: the catalog's entry answers offline."""
    repo = name[3:].split(":", 1)[0].strip().lower()
    known = next((v.id for _, v in catalog.variants() if (v.hf_repo or "").lower() == repo), None)
    if known and not exc.hint:
        exc.hint = f"The catalog has this repository as {known}, which needs no network: give that name instead."
    return exc


def hub_ref(name: str) -> ModelRef:
    """``hf:ORG/NAME`` (its config.json and safetensors headers) or ``hf:ORG/NAME-GGUF:QUANT``
    (one GGUF file's header), read from the Hugging Face Hub (``llmguide.model.hub``)."""
    from llmguide.model.config import from_config, max_context
    from llmguide.model.hub import read_model

    hub = read_model(name)
    if hub.gguf is not None:
        g = hub.gguf
        return ModelRef(f"{hub.repo}:{hub.name.quant}", hub.repo, g.arch, g.max_context, str(hub.name), g,
                        uploads=((hub.repo, "gguf"),), note=hub.describe(), hub_quant=hub.name.quant)
    where = f"{hub.name}: config.json"
    data = hub.config or {}
    return ModelRef(hub.repo, hub.repo, from_config(data, where), max_context(data, where), str(hub.name),
                    safetensors=hub.safetensors, note=hub.describe())
