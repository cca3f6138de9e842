"""Ollama's model store: ``manifests/HOST/NAMESPACE/MODEL/TAG`` and ``blobs/``.

A manifest is a JSON document whose ``layers`` each have a ``mediaType``, a ``digest``
(``sha256:HEX``) and a ``size``; the layer of type ``application/vnd.ollama.image.model`` is the
GGUF file, kept as ``blobs/sha256-HEX``. A download in progress (or stopped) leaves
``blobs/sha256-HEX-partial*`` files, and the manifest is written only when the pull is done.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from llmguide.errors import LLMGuideError
from llmguide.model.files import read_json, shown_path
from llmguide.model.installed_stores import Found, Walk

MAX_MANIFEST_BYTES = 1 << 20  # an Ollama manifest is a few hundred bytes
MODEL_MEDIA = "application/vnd.ollama.image.model"
PROJECTOR_MEDIA = "application/vnd.ollama.image.projector"
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")


def ollama(root: Path, walk: Walk) -> Iterator[Found]:
    blobs = root / "blobs"
    partial = {e.name.split("-partial")[0]: e.name for e in walk.entries(blobs) if "-partial" in e.name}
    used: set[str] = set()
    for parts, entry in walk.files(root / "manifests", 3):
        if len(parts) != 4:
            continue
        host, namespace, model, tag = parts
        found = Found("ollama", _ollama_name(host, namespace, model, tag), Path(entry.path), "gguf",
                      repo=f"{namespace}/{model}" if host in ("hf.co", "huggingface.co") else None)
        _read_manifest(found, blobs, used, partial)
        yield found
    unused = sorted(name for blob, name in partial.items() if blob not in used)
    if unused:
        walk.notes.append(f"{shown_path(blobs)}: {len(unused)} unfinished download(s) ({unused[0][:19]}…-partial"
                          f"{', ...' if len(unused) > 1 else ''}) that no model uses yet: a pull still running or "
                          "stopped (run `ollama pull` again)")


def _ollama_name(host: str, namespace: str, model: str, tag: str) -> str:
    """The name Ollama shows: ``qwen2.5:7b``, ``user/model:tag``, ``hf.co/org/repo:Q4_K_M``."""
    if host == "registry.ollama.ai":
        return f"{model}:{tag}" if namespace == "library" else f"{namespace}/{model}:{tag}"
    return f"{host}/{namespace}/{model}:{tag}"


def _read_manifest(found: Found, blobs: Path, used: set[str], partial: dict[str, str]) -> None:
    """Point ``found`` at the manifest's model blob, or record why it cannot be."""
    try:
        data = read_json(found.path, "an Ollama manifest", MAX_MANIFEST_BYTES)
    except LLMGuideError as exc:
        found.problems.append(f"manifest unreadable: {exc.message}")
        return
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, list):
        found.problems.append(f"{shown_path(found.path)}: the manifest has no list of layers")
        return
    media = [layer for layer in layers if isinstance(layer, dict)]
    models = [layer for layer in media if layer.get("mediaType") == MODEL_MEDIA]
    if any(layer.get("mediaType") == PROJECTOR_MEDIA for layer in media):
        found.notes.append("has a vision projector layer (not counted in the size)")
    if not models:
        found.problems.append(f"{shown_path(found.path)}: no model layer ({MODEL_MEDIA}) in the manifest")
        return
    digest = models[0].get("digest")
    m = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
    if m is None:
        found.problems.append(f"{shown_path(found.path)}: the model layer's digest is not sha256:<64 hex digits>")
        return
    blob = f"sha256-{m.group(1)}"
    used.add(blob)
    found.path = blobs / blob
    size = models[0].get("size")
    found.expected_bytes = size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None
    if not os.path.lexists(found.path):
        found.problems.append(f"model blob {blob[:19]}… is " + (
            f"still downloading, or its download stopped ({blob[:19]}…-partial is there): run `ollama pull` again"
            if blob in partial else "missing from blobs/ (removed, or the store was copied without it)"))
