"""The models already on this machine: found in the stores of Ollama, LM Studio, the Hugging Face
cache and llama.cpp, each read through its header only, and matched to the catalog.

``default_roots`` says where each store lives, from the environment and the platform (every
path can be given instead, for tests or other machines); ``scan`` walks the stores
(``llmguide.model.installed_stores``), reads each model (a GGUF header, or a config.json with
its safetensors headers) and matches it (``llmguide.model.installed_match``). Whatever is wrong
with one model (a blob missing, a download unfinished, a file that is not GGUF) is a problem of
that model, never an error of the scan. docs/installed.md has the paths per platform.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from llmguide.catalog.loader import Catalog
from llmguide.errors import LLMGuideError
from llmguide.model.files import os_problem, shown_path
from llmguide.model.installed_ollama import ollama
from llmguide.model.installed_stores import Found, Walk, given_folder, hf_cache, llamacpp, lmstudio
from llmguide.model.installed_roots import STORES, StoreRoot, default_roots, parse_stores, with_paths
from llmguide.model.modelref import ModelRef

if TYPE_CHECKING:
    from llmguide.model.installed_match import Matcher

MAX_ENTRIES = 10_000  # files and folders looked at in one scan
_WALKERS = {"ollama": ollama, "lmstudio": lmstudio, "hf": hf_cache, "llama.cpp": llamacpp, "path": given_folder}


@dataclass(frozen=True)
class InstalledModel:
    """One model found on disk, as read from its header."""

    store: str
    name: str  # as the store shows it: an Ollama tag, REPO/FILE, a path
    path: str  # the GGUF file (the first part of a split one) or the model folder
    format: str  # "gguf" or "safetensors"
    repo: str | None  # the Hugging Face repository, when the store records it
    file_bytes: int | None  # on disk: every part of a split GGUF, or the safetensors tensors
    parts: int  # files of a split GGUF (1 otherwise)
    quant: str | None  # the GGUF file type (Q4_K_M), or the safetensors' main dtype (BF16)
    architecture: str | None  # as the header names it (llama, qwen2, gemma3)
    catalog_id: str | None  # the catalog variant it is, when matched
    match: str  # how it was matched, or why it was not
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    ref: ModelRef | None = field(default=None, compare=False, repr=False)  # what fit estimates; None when unreadable


@dataclass(frozen=True)
class Scan:
    roots: tuple[StoreRoot, ...]  # every folder searched, in order
    models: tuple[InstalledModel, ...]
    notes: tuple[str, ...] = ()  # about the stores: unfinished downloads, unreadable folders, the scan cut short

    def ranking_quants(self, known: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The catalog variants installed, each with the GGUF quantizations installed (``known``:
        those the ranking has quality figures for); an empty tuple where every quantization counts
        (a safetensors copy, or a type the ranking cannot judge)."""
        known = set(known)
        out: dict[str, tuple[str, ...] | None] = {}
        for m in self.models:
            if m.catalog_id is None or m.ref is None:
                continue
            quants = out.get(m.catalog_id, ())
            if m.format == "gguf" and m.quant in known and quants is not None:
                out[m.catalog_id] = tuple(dict.fromkeys((*quants, m.quant)))
            else:
                out[m.catalog_id] = None
        return {vid: q or () for vid, q in out.items()}


def scan(roots: Iterable[StoreRoot], catalog: Catalog, limit: int = MAX_ENTRIES) -> Scan:
    """Every model in ``roots``, read and matched; ``limit``: files and folders looked at in all."""
    from llmguide.model.installed_match import Matcher

    roots = tuple(roots)
    walk, matcher = Walk(limit), Matcher(catalog)
    models: list[InstalledModel] = []
    seen: set[str] = set()
    for root in roots:
        if not root.exists:
            continue
        for found in _WALKERS[root.store](root.path, walk):
            key = os.path.realpath(found.path)
            if key not in seen:  # a folder given that is also a store, a store inside another
                seen.add(key)
                models.append(read_found(found, matcher))
    notes = list(walk.notes)
    if walk.stopped:
        notes.append(f"The scan stopped after looking at {walk.limit:,} files and folders, so some models may be missing; "
                     "scan fewer stores (--store) or one folder (--store none --path DIR).")
    return Scan(roots, tuple(models), tuple(notes))


def read_found(found: Found, matcher: Matcher) -> InstalledModel:
    """A found model read through its header, with its problems, and matched to the catalog."""

    problems = list(found.problems)
    ref = None
    file_bytes = parts = quant = arch_name = header_name = None
    if not problems:
        try:
            ref = _read(found)
        except LLMGuideError as exc:
            problems.append(_without_path(exc.message, found.path))
        except OSError as exc:  # the file changed while it was read (a download, a removal)
            problems.append(f"cannot be read: {os_problem(exc)}")
    if ref is not None and ref.gguf is not None:
        g = ref.gguf
        file_bytes, quant, arch_name, header_name = g.file_bytes, g.file_type, g.arch.arch, g.name
        parts = g.parts
    elif ref is not None:
        st = ref.safetensors
        arch_name = ref.arch.arch
        if st is None:
            problems.append("config.json but no .safetensors weights beside it (not downloaded, or another format)")
            ref = None
        else:
            file_bytes, quant = st.tensor_bytes, st.main_dtype
    if file_bytes is None and not found.problems:  # (with a problem of the store's, the path is not the model's file)
        file_bytes = _regular_size(found.path)
    if found.expected_bytes and file_bytes is not None and found.format == "gguf" and file_bytes != found.expected_bytes:
        problems.append(f"the blob has {file_bytes:,} bytes, the manifest says {found.expected_bytes:,} (damaged or unfinished)")
        ref = None
    file_name = found.path.name if found.format == "gguf" and found.store != "ollama" else None
    hit = matcher.match(store=found.store, name=found.name, repo=found.repo, file_name=file_name,
                        arch=ref.arch if ref is not None else None, header_name=header_name)
    return InstalledModel(found.store, text(found.name), text(str(found.path)), found.format,
                          text(found.repo) if found.repo else None, file_bytes, parts or 1, quant, arch_name, hit.variant,
                          text(hit.how), tuple(text(p) for p in problems), tuple(text(n) for n in found.notes), ref)


def text(value: str) -> str:
    """A name from the file system as valid text: bytes that are not UTF-8 (kept by Python as
    lone surrogates, which no output can encode) become U+FFFD."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that does not stand for a byte
        return value.encode("utf-8", "replace").decode("utf-8")


def _read(found: Found) -> ModelRef:
    """The model as ``fit`` estimates it: a GGUF's exact tensors, or a folder's config.json and safetensors."""
    if found.format == "gguf":
        from llmguide.model.gguf_file import read_gguf

        info = read_gguf(found.path)
        return ModelRef(id=found.name, hf_repo=None, arch=info.arch, max_context=info.max_context, source=str(found.path),
                        gguf=info)
    from llmguide.model.config import from_config, max_context, read_config
    from llmguide.model.safetensors_header import read_folder

    config = found.path / "config.json"
    data = read_config(config)
    where = shown_path(config)
    return ModelRef(id=found.name, hf_repo=None, arch=from_config(data, where), max_context=max_context(data, where),
                    source=str(config), safetensors=read_folder(found.path))


def _without_path(message: str, path: Path) -> str:
    """A reader's message without the model's own path in front (the entry shows it)."""
    for prefix in (f"{path}: ", f"{shown_path(path)}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _regular_size(path: Path) -> int | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    import stat

    return st.st_size if stat.S_ISREG(st.st_mode) else None


__all__ = ["STORES", "InstalledModel", "Scan", "StoreRoot", "default_roots", "parse_stores", "scan", "text", "with_paths"]
