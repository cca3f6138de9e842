"""The catalog's data model.

A *family* (one YAML file under ``catalog/models/``) holds the facts its variants share (developer,
license, languages, strengths and challenges) and a list of *variants*, each a concrete checkpoint
on Hugging Face with its architecture numbers. Every group of facts names the sources it comes
from by key; the keys resolve to the family's ``sources`` table, and a dangling key is an error.

The classes are plain frozen dataclasses, so commands can use them without importing pydantic.
``llmguide.catalog.validate`` checks YAML data against them with pydantic (types, the constraints
in the annotations, ``__post_init__`` checks) and rejects unknown keys, so a typo in YAML is
reported with its file, line and field rather than silently ignored.
"""

from __future__ import annotations

import re
import operator
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:  # at run time, llmguide.catalog.validate installs these names before validating
    from typing import Annotated  # noqa: F401

    from llmguide.catalog.constraints import (  # noqa: F401
        Flag, HfRepo, LanguageCode, LicenseId, MinLen, Month, MonthOrDate, PositiveInt,
        OllamaTag, QuantName, Slug, SourceKeys, Text, Url, Within,
    )

Kind = Literal["base", "chat", "instruct", "code", "python"]
Modality = Literal["text", "image", "audio", "video"]
Specialty = Literal[
    "chat", "code", "python", "infilling", "reasoning", "math", "tool-use", "vision",
    "multilingual", "long-context", "summarization", "fine-tuning-base",
]
Dtype = Literal["float32", "float16", "bfloat16"]
# Low-bit formats a developer ships weights in (served as shipped by vLLM/SGLang): INT4 with one
# BF16 scale per group, FP8 (E4M3) with one FP32 scale per 128x128 block, MXFP4 (E8M0 scale per
# 32), NVFP4 (FP8 scale per 16 plus one FP32 per tensor).
NativeFormat = Literal["int4", "fp8", "mxfp4", "nvfp4"]
NativeScope = Literal["routed-experts", "linear"]
UploadFormat = Literal["gguf", "fp8", "awq", "gptq", "mlx", "nvfp4", "mxfp4", "int4", "bf16"]
# One character per layer (see ArchitectureFacts.layer_pattern).
LAYER_KINDS = "ASLMPCXH-E"
CommercialUse = Literal["yes", "no", "restricted"]

# pydantic config: unknown keys are errors, and so are NaN and infinities in any float field.
FORBID = {"extra": "forbid", "allow_inf_nan": False}

# _Record: the catalog's records are frozen dataclasses without generated __repr__/__eq__: they are
# compared by identity (each is loaded once), and skipping the generated methods makes defining the
# classes, which every command pays for at start-up, about a third cheaper.


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Source:
    """Where a fact was read: a URL, what it is, and when it was published or read."""

    __pydantic_config__ = FORBID
    url: Url
    title: Text
    date: MonthOrDate | None = None


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class License:
    __pydantic_config__ = FORBID
    id: LicenseId
    name: str
    commercial_use: CommercialUse
    limits: tuple[str, ...] = ()
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Languages:
    """Natural languages as ISO 639-1 codes. ``codes`` empty means the developer does not say.

    ``claimed_count`` records a developer's claim of support for that many languages (or more)
    that its sources do not list one by one."""

    __pydantic_config__ = FORBID
    codes: tuple[LanguageCode, ...]
    claimed_count: PositiveInt | None = None  # "over 140 languages", when the developer does not list them
    note: str | None = None
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Claims:
    """Statements in our own words (strengths, challenges, weaknesses) and their source."""

    __pydantic_config__ = FORBID
    items: Annotated[tuple[Text, ...], MinLen(1)]
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Release:
    __pydantic_config__ = FORBID
    month: Month
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Params:
    """Parameter counts as the developer publishes them, in billions (active only for MoE)."""

    __pydantic_config__ = FORBID
    total_b: Annotated[float, Within("params_b")]
    active_b: Annotated[float, Within("params_b")] | None = None
    note: str | None = None  # why the architecture's count differs from the published figure, if it does
    sources: SourceKeys

    def __post_init__(self) -> None:
        if self.active_b is not None and self.active_b > self.total_b:
            raise ValueError(f"active_b {self.active_b} is larger than total_b {self.total_b}")


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class ArchitectureFacts:
    """The numbers of ``config.json`` that decide memory and speed.

    ``intermediate_size`` is the dense FFN width, or the per-expert width for MoE models when
    ``moe_intermediate_size`` is not given. ``sliding_window_layers`` counts the layers whose KV
    cache runtimes cap at ``sliding_window`` tokens; 0 means every layer keeps the full context (as
    llama.cpp and vLLM do for Mistral 7B v0.1, whose config names a window the runtimes do not
    apply). ``model_type`` is config.json's: it implies the details configs leave out (biases on
    Qwen2's q/k/v, Gemma's extra norms, Phi-3's fused projections); see llmguide/model/config.py.
    DeepSeek-style models add ``shared_experts``, ``dense_layers`` (first_k_dense_replace) and the
    MLA ranks; hybrid models count their ``linear_attention_layers``.
    """

    __pydantic_config__ = FORBID
    # Every number's range is llmguide/model/limits.py's (Within), strictly typed.
    layers: Annotated[int, Within("layers")]
    hidden_size: Annotated[int, Within("hidden_size")]
    intermediate_size: Annotated[int, Within("intermediate_size")]
    attention_heads: Annotated[int, Within("attention_heads")]
    kv_heads: Annotated[int, Within("kv_heads")]
    head_dim: Annotated[int, Within("head_dim")]
    vocab_size: Annotated[int, Within("vocab_size")]
    tied_embeddings: Flag = False
    experts: Annotated[int, Within("experts")] | None = None
    experts_per_token: Annotated[int, Within("experts_per_token")] | None = None
    sliding_window: Annotated[int, Within("sliding_window")] | None = None
    sliding_window_layers: Annotated[int, Within("sliding_window_layers")] = 0
    model_type: Annotated[str, MinLen(2)] = "llama"
    moe_intermediate_size: Annotated[int, Within("moe_intermediate_size")] | None = None
    shared_experts: Annotated[int, Within("shared_experts")] = 0
    dense_layers: Annotated[int, Within("dense_layers")] = 0
    q_lora_rank: Annotated[int, Within("q_lora_rank")] | None = None
    kv_lora_rank: Annotated[int, Within("kv_lora_rank")] | None = None
    qk_rope_head_dim: Annotated[int, Within("qk_rope_head_dim")] | None = None
    qk_nope_head_dim: Annotated[int, Within("qk_nope_head_dim")] | None = None
    v_head_dim: Annotated[int, Within("v_head_dim")] | None = None
    linear_attention_layers: Annotated[int, Within("linear_attention_layers")] = 0
    # Per-layer layout of hybrid models, one character per layer (overrides the counts above):
    # A full attention, S sliding-window attention, L linear attention (Gated DeltaNet), M Mamba2,
    # P attention and Mamba2 side by side (Falcon-H1), C short convolution (LFM2), X compressed
    # sparse attention and H heavily compressed attention (DeepSeek V4, both over a sliding
    # window). Each of those layers has an FFN, except when the pattern also has FFN-only blocks,
    # '-' (dense) or 'E' (MoE), as Nemotron-H's hybrid_override_pattern does.
    layer_pattern: Annotated[str, MinLen(1)] | None = None
    # Mamba2 mixers: heads x head_dim channels, a state of ssm_state_size per channel, groups of B/C.
    ssm_heads: Annotated[int, Within("ssm_heads")] | None = None
    ssm_head_dim: Annotated[int, Within("ssm_head_dim")] | None = None
    ssm_state_size: Annotated[int, Within("ssm_state_size")] | None = None
    ssm_groups: Annotated[int, Within("ssm_groups")] = 1
    ssm_conv_kernel: Annotated[int, Within("ssm_conv_kernel")] = 4
    # Gated DeltaNet (linear attention): key/value heads and sizes, causal convolution kernel.
    linear_key_heads: Annotated[int, Within("linear_key_heads")] | None = None
    linear_value_heads: Annotated[int, Within("linear_value_heads")] | None = None
    linear_key_head_dim: Annotated[int, Within("linear_key_head_dim")] | None = None
    linear_value_head_dim: Annotated[int, Within("linear_value_head_dim")] | None = None
    linear_conv_kernel: Annotated[int, Within("linear_conv_kernel")] = 4
    # Short-convolution blocks (LFM2): kernel length (the state keeps kernel-1 tokens).
    short_conv_kernel: Annotated[int, Within("short_conv_kernel")] | None = None
    # DeepSeek sparse attention: the lightning indexer's heads and key size (one cached key per token).
    index_heads: Annotated[int, Within("index_heads")] | None = None
    index_head_dim: Annotated[int, Within("index_head_dim")] | None = None
    index_topk: Annotated[int, Within("index_topk")] | None = None
    # DeepSeek V4: KV compression of the X and H layers (tokens per stored row) and low-rank output.
    csa_compression: Annotated[int, Within("csa_compression")] | None = None
    hca_compression: Annotated[int, Within("hca_compression")] | None = None
    o_lora_rank: Annotated[int, Within("o_lora_rank")] | None = None
    o_groups: Annotated[int, Within("o_groups")] | None = None
    # Gemma 3n / Gemma 4 E-models: per-layer embeddings (a table of per_layer_vocab_size rows of
    # layers x per_layer_embedding_dim) and the last kv_shared_layers reusing earlier layers' KV.
    per_layer_embedding_dim: Annotated[int, Within("per_layer_embedding_dim")] | None = None
    per_layer_vocab_size: Annotated[int, Within("per_layer_vocab_size")] | None = None
    kv_shared_layers: Annotated[int, Within("kv_shared_layers")] = 0
    # Vision/audio encoders and their projector, in billions: not in the decoder's count; llama.cpp
    # loads them from a separate mmproj file (F16) when images or audio are given.
    encoder_params_b: Annotated[float, Within("encoder_params_b")] | None = None
    sources: SourceKeys

    def __post_init__(self) -> None:
        if self.layer_pattern is not None:
            self._check_pattern()
        if self.dense_layers + self.linear_attention_layers > self.layers:
            raise ValueError("dense_layers or linear_attention_layers exceed layers")
        if (self.kv_lora_rank is None) != (self.qk_rope_head_dim is None):
            raise ValueError("kv_lora_rank and qk_rope_head_dim go together (multi-head latent attention)")
        if (self.experts is None) != (self.experts_per_token is None):
            raise ValueError("experts and experts_per_token go together")
        from llmguide.model.limits import relation_problems  # the rules config.json and GGUF headers pass too

        problems = relation_problems(self.numbers())
        if problems:
            raise ValueError("; ".join(problems))
        if self.sliding_window_layers and self.sliding_window is None:
            raise ValueError("sliding_window_layers needs sliding_window")
        self._check_priceable()

    def _check_priceable(self) -> None:
        """Every size the layer kinds need is given: the tensors can be listed (else a variant
        would pass validation and fail when first priced)."""
        from llmguide.model.architecture import Architecture
        from llmguide.model.tensors import tensors

        try:
            list(tensors(Architecture.from_facts(self)))
        except ValueError as exc:
            raise ValueError(str(exc)) from None

    def _check_pattern(self) -> None:
        p = self.layer_pattern or ""
        if len(p) != self.layers:
            raise ValueError(f"layer_pattern has {len(p)} characters for {self.layers} layers")
        bad = sorted(set(p) - set(LAYER_KINDS))
        if bad:
            raise ValueError(f"layer_pattern: unknown layer kind(s) {''.join(bad)} (use {LAYER_KINDS})")
        if (self.sliding_window_layers or self.linear_attention_layers) and p:
            raise ValueError("give either layer_pattern or sliding_window_layers/linear_attention_layers, not both")
        needs = {"M": ("ssm_heads", "ssm_head_dim", "ssm_state_size"), "P": ("ssm_heads", "ssm_head_dim", "ssm_state_size"),
                 "L": ("linear_key_heads", "linear_value_heads", "linear_key_head_dim", "linear_value_head_dim"),
                 "C": ("short_conv_kernel",), "S": ("sliding_window",), "X": ("csa_compression", "sliding_window"),
                 "H": ("hca_compression", "sliding_window"), "E": ("experts",)}
        for kind, names in needs.items():
            missing = [n for n in names if kind in p and getattr(self, n) is None]
            if missing:
                raise ValueError(f"layer_pattern has '{kind}' layers but no {', '.join(missing)}")
        if not any(k in p for k in "APXH"):
            raise ValueError("layer_pattern has no attention layer (A, P, X or H)")

    def numbers(self) -> dict[str, object]:
        """The architecture numbers without the sources."""
        names = _NUMBER_FIELDS.get(type(self))
        if names is None:
            names = _NUMBER_FIELDS[type(self)] = tuple(f.name for f in fields(self) if f.name != "sources")
        return dict(zip(names, operator.attrgetter(*names)(self)))


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Context:
    """The longest context the developer supports, in tokens, and the native (trained) length when
    the longest is reached by extension (YaRN, RoPE scaling)."""

    __pydantic_config__ = FORBID
    length: Annotated[int, Within("context_length")]
    native: Annotated[int, Within("context_length")] | None = None
    note: str | None = None
    sources: SourceKeys

    def __post_init__(self) -> None:
        if self.native is not None and self.native > self.length:
            raise ValueError(f"native context {self.native} is longer than the supported {self.length}")


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NativeQuant:
    """Weights the developer ships in a low-bit format (served as shipped): which format, which
    tensors it covers (the routed experts, or every linear layer but embeddings and output), the
    group size where the format has a choice (INT4), and the format of the other linear layers."""

    __pydantic_config__ = FORBID
    format: NativeFormat
    applies_to: NativeScope
    group_size: PositiveInt | None = None
    rest: Literal["bf16", "fp8"] = "bf16"  # the other linear layers (DeepSeek V4: FP4 experts, FP8 elsewhere)
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Upload:
    """One downloadable copy of the weights: the maker's own or a well-known quantizer's."""

    __pydantic_config__ = FORBID
    repo: HfRepo
    format: UploadFormat
    # For a GGUF repository: the quantizations it holds as single files (what `-hf REPO:QUANT`
    # can fetch), as seen in the source; empty when not recorded.
    quants: tuple[QuantName, ...] = ()


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Downloads:
    """Where to get the weights beyond ``hf_repo``: quantized repositories and Ollama tags."""

    __pydantic_config__ = FORBID
    repos: tuple[Upload, ...] = ()
    ollama: tuple[OllamaTag, ...] = ()
    sources: SourceKeys


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Variant:
    __pydantic_config__ = FORBID
    id: Slug
    name: str
    aliases: tuple[str, ...] = ()
    hf_repo: HfRepo
    kind: Kind
    summary: Text
    specialties: tuple[Specialty, ...] = ()
    modalities: Annotated[tuple[Modality, ...], MinLen(1)] = ("text",)
    native_dtype: Dtype | None = None
    native_quant: NativeQuant | None = None
    sources: SourceKeys
    release: Release
    params: Params
    architecture: ArchitectureFacts
    context: Context
    license: License | None = None
    languages: Languages | None = None  # only when this variant's languages differ from the family's
    downloads: Downloads | None = None
    notes: tuple[str, ...] = ()


# A variant note that starts so marks an entry nobody reviewed ('llmguide catalog add hf:ORG/NAME'
# writes one); recommend shows it beside the model's quality estimate.
UNVETTED = "Unvetted:"


def unvetted(variant: "Variant") -> str | None:
    """The note that marks ``variant`` as unvetted, if it has one."""
    return next((n for n in variant.notes if n.startswith(UNVETTED)), None)


def languages_of(family: "Family", variant: "Variant | None") -> Languages:
    """The languages that apply to a variant: its own when it has them, else its family's."""
    return (variant.languages if variant is not None and variant.languages is not None else family.languages)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Family:
    __pydantic_config__ = FORBID
    id: Slug
    name: str
    aliases: tuple[str, ...] = ()
    developer: str
    description: Annotated[str, MinLen(10)]
    about_sources: SourceKeys
    license: License
    languages: Languages
    strengths: Claims
    challenges: Claims
    weaknesses: Claims | None = None
    sources: Annotated[dict[Slug, Source], MinLen(1)]
    variants: Annotated[tuple[Variant, ...], MinLen(1)]

    def __post_init__(self) -> None:
        missing = sorted(k for k in _cited_keys(self) if k not in self.sources)
        if missing:
            raise ValueError(f"source key(s) not in this family's sources: {', '.join(missing)}")


_NUMBER_FIELDS: dict[type, tuple[str, ...]] = {}  # the numbers' field names, per class, read once


def _cited_keys(obj: object) -> set[str]:
    """Every source key cited anywhere below ``obj`` (fields named ``sources`` or ``about_sources``)."""
    found: set[str] = set()
    if is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("sources", "about_sources") and isinstance(value, tuple):
                found.update(value)
            else:
                found |= _cited_keys(value)
    elif isinstance(obj, tuple):
        for item in obj:
            found |= _cited_keys(item)
    return found


MAX_GUESS_CHARS = 200  # no name llmguide knows is near this long: a longer one is not a typo of one


def close_matches(word: str, choices, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The "did you mean" guesses for ``word`` (``difflib``'s), none for a word far longer than
    any name, whose comparison would only cost time."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff) if len(word) <= MAX_GUESS_CHARS else []


def normalize(name: str) -> str:
    """The form names are compared in: lower case, letters and digits only (``'Llama 2'`` -> ``'llama2'``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


T = TypeVar("T")


def memoized_hash(cls: type[T]) -> type[T]:
    """Decorate a frozen dataclass (outside ``@dataclass``) so that each object works out its hash
    once, from every field's value gathered in C, and pickles as its field values (without that
    memo: string hashes are salted per process). For the classes that key caches looked up at
    every step of a ranking (``Architecture``, ``Hardware``): hashing their dozens of fields on
    each lookup cost more than the cached work."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(values(self))
            object.__setattr__(self, "_hash", cached)
        return cached

    setattr(cls, "__hash__", __hash__)
    _pickled_as_values(cls)
    return cls


def _pickled_as_values(cls: type) -> None:
    """Pickle ``cls`` as the tuple of its field values, not a dict of names to values: a cached
    catalog of thousands of variants reads back in about half the time (no name is stored or
    looked up per field). Anything else an instance holds is a per-process memo and is dropped."""
    names = tuple(f.name for f in fields(cls))

    def __getstate__(self) -> tuple:
        return tuple(self.__dict__[n] for n in names)

    def __setstate__(self, state: tuple | dict) -> None:
        if isinstance(state, dict):  # written as a dict of names (the default form)
            self.__dict__.update(state)
            return
        if len(state) != len(names):  # written by another version of the class: refuse, never misplace
            raise ValueError(f"{cls.__name__}: {len(state)} values for {len(names)} fields")
        self.__dict__.update(zip(names, state))

    setattr(cls, "__getstate__", __getstate__)
    setattr(cls, "__setstate__", __setstate__)


for _cls in dict.fromkeys(c for c in list(globals().values()) if isinstance(c, type) and is_dataclass(c) and c.__module__ == __name__):
    _pickled_as_values(_cls)
