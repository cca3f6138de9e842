"""Which catalog variant an installed model is, and how that was decided.

In order, the first that answers wins:

1. **Recorded**: the Ollama tag is one the catalog records for a variant (``downloads.ollama``),
   or the Hugging Face repository is the variant's own or a recorded copy (``hf_repo``,
   ``downloads.repos``).
2. **Name**: the Ollama tag, the repository, the file name or the name in the GGUF header,
   read by the catalog's name lookup (``llmguide.catalog.lookup.resolve``: ``qwen2.5:7b``,
   ``bartowski/Qwen2.5-7B-Instruct-GGUF``, ``Qwen2.5-7B-Instruct-Q4_K_M``).

In both, a variant with another depth or width than the file's header is not taken (the name
says one model, the file holds another).
3. **Architecture and name**: the variants whose layers, width, heads, KV heads and experts are
   the file's, narrowed to the families the names mention (the most specific family wins:
   ``qwen2.5-coder`` over ``qwen2.5``), then by the kind the name asks for (instruct, base), and
   for an Ollama tag to the tuned variants (Ollama's library tags are). Taken only when one is left.

Otherwise the model is not matched, and ``how`` says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmguide.catalog.loader import Catalog
from llmguide.catalog.schema import Family, Variant
from llmguide.errors import LLMGuideError
from llmguide.model.architecture import Architecture

_TOKENS = re.compile(r"[a-z]+|\d+(?:\.\d+)*")
_KINDS = {"instruct": "instruct", "it": "instruct", "chat": "instruct", "base": "base", "pt": "base"}


@dataclass(frozen=True)
class CatalogMatch:
    variant: str | None  # the catalog variant's id, or None
    how: str  # how it was matched, or why it was not


def _fingerprint(a: Architecture) -> tuple[int, int, int, int, int]:
    return a.layers, a.hidden_size, a.attention_heads, a.kv_heads, a.experts or 0


def _tokens(text: str) -> set[str]:
    return set(_TOKENS.findall(text.lower()))


class Matcher:
    """Matching against one catalog; its indexes are built once per scan."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tags: dict[str, str] = {}
        self.repos: dict[str, str] = {}
        self.shapes: dict[tuple, list[tuple[Family, Variant]]] = {}
        self.archs: dict[str, Architecture] = {}
        for fam, var in catalog.variants():
            downloads = var.downloads
            for tag in downloads.ollama if downloads else ():
                self.tags.setdefault(tag.lower(), var.id)
            for repo in (var.hf_repo, *(u.repo for u in downloads.repos)) if downloads else (var.hf_repo,):
                self.repos.setdefault(repo.lower(), var.id)
            arch = Architecture.from_facts(var.architecture)
            self.archs[var.id] = arch
            self.shapes.setdefault(_fingerprint(arch), []).append((fam, var))

    def match(self, *, store: str, name: str, repo: str | None, file_name: str | None, arch: Architecture | None,
              header_name: str | None) -> CatalogMatch:
        ollama_tag = name if store == "ollama" and repo is None else None
        conflict = None
        recorded = [(self.tags.get(ollama_tag.lower()) if ollama_tag else None, "Ollama tag", ollama_tag),
                    (self.repos.get(repo.lower()) if repo else None, "repository", repo)]
        for vid, what, text in recorded:
            if vid is not None and (arch is None or _same_shape(self.archs[vid], arch)):
                return CatalogMatch(vid, f"{what} recorded in the catalog")
            if vid is not None:
                conflict = conflict or f"the catalog records '{text}' for {vid}, but the file's layers or width differ"
        texts = [t for t in (ollama_tag, repo, _stem(file_name), header_name) if t]
        for text in texts:
            vid = self._by_name(text)
            if vid is None:
                continue
            if arch is None or _same_shape(self.archs[vid], arch):
                return CatalogMatch(vid, f"name '{text}'")
            conflict = conflict or f"the name '{text}' reads as {vid}, but the file's layers or width differ"
        if arch is None:
            return CatalogMatch(None, conflict or "no catalog variant has this name (and the file could not be read)")
        return self._by_shape(arch, texts, store, conflict)

    def _by_name(self, text: str) -> str | None:
        from llmguide.catalog.lookup import resolve

        try:
            found = resolve(self.catalog, text)
        except LLMGuideError:
            return None
        if found.variant is not None:
            return found.variant.id
        return found.family.variants[0].id if len(found.family.variants) == 1 else None

    def _by_shape(self, arch: Architecture, texts: list[str], store: str, conflict: str | None) -> CatalogMatch:
        same = self.shapes.get(_fingerprint(arch), [])
        if not same:
            return CatalogMatch(None, conflict or "no catalog variant has this name or this architecture")
        words = set().union(*(_tokens(t) for t in texts)) if texts else set()
        named = [(fam, var, len(_family_tokens(fam))) for fam, var in same if _family_tokens(fam) <= words]
        if not named:
            ids = ", ".join(v.id for _, v in same[:4])
            return CatalogMatch(None, conflict or f"the architecture is that of {ids}, but the name does not say which family")
        best = max(n for _, _, n in named)
        left = [var for _, var, n in named if n == best]
        asked = {_KINDS[w] for w in words if w in _KINDS}
        if len(left) > 1 and asked:
            left = [v for v in left if _KINDS.get(v.kind, v.kind) in asked] or left
        if len(left) > 1 and store == "ollama":
            left = [v for v in left if v.kind in ("instruct", "chat")] or left
        if len(left) > 1:
            return CatalogMatch(None, f"the architecture and name fit several variants: {', '.join(v.id for v in left[:4])}")
        return CatalogMatch(left[0].id, "architecture and name" + (f" ({conflict})" if conflict else ""))


def _family_tokens(fam: Family) -> set[str]:
    return _tokens(fam.id)


def _same_shape(expected: Architecture, found: Architecture) -> bool:
    """The depth and width agree (the parts a name cannot get wrong without being another model)."""
    return (expected.layers, expected.hidden_size) == (found.layers, found.hidden_size)


def _stem(file_name: str | None) -> str | None:
    """A GGUF file's name without ``.gguf`` and a split suffix (``-00001-of-00003``)."""
    if not file_name:
        return None
    stem = re.sub(r"\.gguf$", "", file_name, flags=re.IGNORECASE)
    return re.sub(r"-\d{5}-of-\d{5}$", "", stem) or None
