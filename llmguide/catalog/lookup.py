"""Turn what a user typed into a family or a variant, or a "did you mean" error.

A name is tried as it is first (ids, display names, aliases, Hugging Face repo ids, in any case and
spacing: ``catalog.names``). Then its decorations are taken off: an owner (``bartowski/``,
``unsloth/``), a GGUF repo suffix (``-GGUF``), a quantization (``:q5_K_M``, ``-Q4_K_M``, which the
match carries as ``quant``) and an Ollama tag (``llama3.3:70b``). What is left is read as a stem, a
size and words (``qwen2.5-coder`` / ``32b`` / ``instruct``) and compared with every variant's: the
stem must equal the variant's (or a family's name), or begin it (``deepseek-r1`` begins
``deepseek-r1-distill-qwen``), the size must be the variant's, and instruct or chat variants win
over base ones unless the name asks for a base model. docs/names.md has the rules and examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmguide.catalog.loader import Catalog
from llmguide.catalog.schema import Family, Variant, close_matches, normalize
from llmguide.errors import UnknownNameError


@dataclass(frozen=True)
class Match:
    """A resolved name: a whole family (``variant`` is None) or one variant of it. ``quant``: a GGUF
    quantization the name carried (``qwen2.5-coder:32b-instruct-q5_K_M``); ``note``: how a loose
    name was read, for the caller to show."""

    family: Family
    variant: Variant | None
    quant: str | None = None
    note: str | None = None

    @property
    def id(self) -> str:
        return self.variant.id if self.variant else self.family.id


# A size as model names write it: 70b, 0.5B, 8x7b, 135m, e4b (Gemma 3n's effective size).
_SIZE = re.compile(r"(?<![a-z0-9.])e?((?:\d+x)?\d+(?:\.\d+)?)([bm])(?![a-z0-9])")
_QUANT_TAIL = re.compile(r"[-_.:]((?:i?q\d[a-z0-9_]*)|f16|fp16|bf16|f32|mxfp4(?:_moe)?)$", re.I)
_GGUF_TAIL = re.compile(r"[-_.](?:i1[-_.])?gguf$", re.I)
_OLLAMA_TAG = re.compile(r":e?(?:\d+x)?\d+(?:\.\d+)?[bm]", re.I)  # name:70b, name:8x7b-instruct-q4_K_M
# Words that ask for a kind of variant (instruct and chat are one kind here: the tuned model).
_KIND_WORDS = {"base": "base", "pt": "base", "text": "base", "instruct": "instruct", "it": "instruct", "chat": "instruct",
               "code": "code", "python": "python"}


def resolve(catalog: Catalog, name: str) -> Match:
    """The family or variant ``name`` means (see the module docstring), or UnknownNameError with
    the closest names: same family and size first, then similar spellings."""
    # An Ollama tag (llama2:13b) means the tuned model: it is matched by stem and size first.
    ollama = _OLLAMA_TAG.search(name.rsplit("/", 1)[-1]) is not None
    hit = None if ollama else _exact(catalog, name)
    if hit is not None:
        return Match(*hit)
    cleaned, quant = _undecorate(name)
    hit = None if ollama else _exact(catalog, cleaned)
    if hit is not None:
        return Match(*hit, quant=quant)
    found = _by_stem_and_size(catalog, cleaned, repo="/" in name and not ollama)
    if found is not None:
        fam, var = found
        return Match(fam, var, quant, f"'{name}' is read as {var.id}")
    hit = _exact(catalog, cleaned) if ollama else None
    if hit is not None:
        return Match(*hit, quant=quant)
    raise UnknownNameError("model", name, suggest(catalog, name))


def _exact(catalog: Catalog, name: str) -> tuple[Family, Variant | None] | None:
    key = normalize(name)
    hit = catalog.names.get(key)
    if hit is None and key.endswith("hf"):
        hit = catalog.names.get(key[:-2])  # 'Llama-2-7b-chat-hf' style repo names
    if hit is None and "/" in name:
        return _exact(catalog, name.rsplit("/", 1)[1])  # another owner's copy: bartowski/Qwen2.5-7B-Instruct
    return hit


def _undecorate(name: str) -> tuple[str, str | None]:
    """``name`` without owner, GGUF suffix and quantization, and the quantization (GGUF preset
    spelling) if it named one."""
    from llmguide.estimate.gguf_rules import parse_preset

    text = name.strip().rsplit("/", 1)[-1]
    quant = None
    for _ in range(2):  # Repo-GGUF:Q4_K_M, or name-Q4_K_M-GGUF
        text = _GGUF_TAIL.sub("", text)
        m = _QUANT_TAIL.search(text)
        if m:
            q = m.group(1).upper().replace("FP16", "F16")
            if parse_preset(q) is not None or q in ("F16", "BF16", "F32", "MXFP4", "MXFP4_MOE"):
                quant, text = (quant or ("MXFP4_MOE" if q == "MXFP4" else q)), text[: m.start()]
    return text.replace(":", "-") if ":" in text else text, quant


@dataclass(frozen=True)
class _Parsed:
    stem: str  # normalized words before the size
    size: str | None  # "70b", "8x7b", "135m"
    after: str  # normalized words after the size
    words: frozenset[str]  # the words after the size, as typed (lower case)
    tokens: tuple[str, ...] = ()  # the stem as words and version numbers: llama-3.1 -> ("llama", "3.1")
    versions: frozenset[str] = frozenset()  # version numbers and dates after the size: v0.2 -> "0.2", 2507


_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)*")
_VERSION = re.compile(r"\d+\.\d+|\d{4}")


def _parse(text: str) -> _Parsed:
    low = text.lower()
    m = _SIZE.search(low)
    if not m:
        return _Parsed(normalize(low), None, "", frozenset(), tuple(_TOKEN.findall(low)))
    after = low[m.end():]
    return _Parsed(normalize(low[: m.start()]), m.group(1) + m.group(2), normalize(after),
                   frozenset(w for w in re.split(r"[^a-z0-9.]+", after) if w) | frozenset(re.split(r"[^a-z0-9]+", after)) - {""},
                   tuple(_TOKEN.findall(low[: m.start()])), frozenset(_VERSION.findall(after)))


def _by_stem_and_size(catalog: Catalog, text: str, repo: bool = False) -> tuple[Family, Variant] | None:
    q = _parse(text)
    if not q.size or not q.stem:
        return None
    best: tuple[tuple, Family, Variant] | None = None
    for fam in catalog.families:
        fam_names = {normalize(n) for n in (fam.id, fam.name, *fam.aliases)}
        for var in fam.variants:
            score = _score(q, fam_names, var, repo)
            if score is not None and (best is None or score > best[0]):
                best = (score, fam, var)
    return (best[1], best[2]) if best else None


def _score(q: _Parsed, fam_names: set[str], var: Variant, repo: bool = False) -> tuple | None:
    """How well a variant fits a parsed name (higher is better), or None when it does not."""
    repo_name = var.hf_repo.rsplit("/", 1)[-1]
    forms = [_parse(n) for n in (var.id, var.name, repo_name)]
    sized = [f for f in forms if f.size == q.size]
    size = q.size or ""
    if not sized and not any(f.size for f in forms) and size.endswith("b") and "x" not in size:
        # a name without a size (phi-3-medium-4k-instruct): its published parameters decide
        if abs(var.params.total_b - float(size[:-1])) <= 0.1 * var.params.total_b:
            sized = forms
    if not sized:
        return None
    def stem_score(f: _Parsed) -> int:
        if f.stem == q.stem or f.tokens == q.tokens:
            return 3
        return 2 if f.tokens[: len(q.tokens)] == q.tokens else 0  # deepseek-r1 begins deepseek-r1-distill-qwen; llama3 does not begin llama-3.1
    stem = max(stem_score(f) for f in sized)
    if not stem and q.stem in fam_names:
        stem = 2
    if not stem:
        return None
    if q.versions and not any(q.versions <= f.versions for f in sized):
        return None  # another version or date of the model (v0.2 is not v0.3; 2507 is not the original)
    asked_kinds = {_KIND_WORDS[w] for w in q.words if w in _KIND_WORDS}
    if asked_kinds and _KIND_WORDS.get(var.kind, var.kind) not in asked_kinds:
        return None  # the name asks for another kind (base, instruct, code); the catalog may not have it
    if repo and not asked_kinds and set(re.split(r"[^a-z0-9]+", repo_name.lower())) & {"instruct", "chat", "it"}:
        return None  # a repository named without "Instruct" is the base model, not its tuned sibling
    kind = {"instruct": 2, "chat": 2, "code": 1, "python": 1}.get(var.kind, 0)
    asked = max(len(q.words & f.words) for f in sized) if q.words else 0
    shortest = -min(len(f.after) for f in sized)  # qwen3-30b-a3b over qwen3-30b-a3b-instruct-2507 for "qwen3:30b"
    return (stem, asked, kind, shortest, var.release.month)


def suggest(catalog: Catalog, name: str, limit: int = 3) -> list[str]:
    """Close catalog ids for a name that did not resolve, best first: variants of the family the
    name starts with, nearest in size first; then similar spellings."""
    out: list[str] = []
    cleaned, _ = _undecorate(name)
    q = _parse(cleaned)
    if q.stem and q.size:
        wanted = _size_b(q.size)
        same_family = [(abs(_size_b(f.size) - wanted) / max(wanted, 1e-9), var.id)
                       for fam in catalog.families for var in fam.variants
                       for f in [_parse(var.id)]
                       if f.size and f.stem and (f.stem.startswith(q.stem) or q.stem.startswith(f.stem)) and len(q.stem) >= 3]
        out += [vid for _, vid in sorted(same_family)]
    key = normalize(cleaned)
    display: dict[str, str] = {}
    for norm, (fam, var) in catalog.names.items():
        display.setdefault(norm, var.id if var else fam.id)
    close = close_matches(key, display, n=limit * 4)
    if key:
        close += [k for k in display if k.startswith(key) or (len(key) >= 4 and key in k)]
    out += [display[norm] for norm in close]
    return list(dict.fromkeys(out))[:limit]


def _size_b(size: str) -> float:
    """Billions of parameters a size token says (8x7b counts 56)."""
    number, unit = size[:-1], size[-1]
    experts, _, each = number.rpartition("x")
    value = float(each) * (int(experts) if experts else 1)
    return value / 1000 if unit == "m" else value
