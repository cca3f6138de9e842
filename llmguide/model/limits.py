"""The physical limits of a model, checked where its numbers come in.

Every architecture number llmguide reads, from a catalog entry, a config.json, a safetensors
header or a GGUF header, passes the same ranges: ``LIMITS`` below, stated once, each with the
real model that sets the scale. They are generous on purpose (several times the largest released
model), so that no real model is refused, while a damaged or hostile file (a million layers, a
negative head size, NaN) is refused at once with a message naming the file and the field, instead
of hanging the estimator or giving a negative memory that "fits".

The catalog schema takes its field bounds from here (``llmguide.catalog.constraints.Within``);
the config.json and GGUF readers call ``check`` before building an ``Architecture``. How the
files themselves are read (regular files only, sizes capped, JSON strictly) is
``llmguide.model.files``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from llmguide import units as _units
from llmguide.errors import LLMGuideError
from llmguide.model.files import clean_text


class Limit:
    """The range of one number: ``low`` to ``high`` inclusive (``low`` excluded when
    ``low_open``), a whole number unless ``integer`` is False, and the real model that sets the
    scale (``why``), which messages quote. (A plain class: a NamedTuple costs milliseconds at
    start-up, which every command pays.)"""

    __slots__ = ("low", "high", "why", "integer", "low_open")

    def __init__(self, low: int | float, high: int | float, why: str, integer: bool = True, low_open: bool = False):
        self.low, self.high, self.why, self.integer, self.low_open = low, high, why, integer, low_open

    def __repr__(self) -> str:
        return f"Limit({self.low!r}, {self.high!r}, {self.why!r}, integer={self.integer}, low_open={self.low_open})"


MAX_CONTEXT = _units.MAX_CONTEXT  # 2**27 = 134,217,728 tokens, the most a user may ask for too
MAX_PARAMS_B = 100_000.0  # parameters in billions: 100 trillion
_WIDE = 1 << 20  # FFN widths

# Field names are the Architecture's (and the catalog's ArchitectureFacts'), plus context_length
# and params_b (the catalog's published counts, in billions, as the code keeps them).
LIMITS: dict[str, Limit] = {
    # Depth: Llama 3.1 405B has 126 layers, Nemotron-H's hybrid pattern 118 blocks.
    "layers": Limit(1, 1024, "Llama 3.1 405B has 126 layers"),
    # Widths: Llama 3.1 405B's hidden size is 16,384 (PaLM's 18,432).
    "hidden_size": Limit(1, 131_072, "Llama 3.1 405B's is 16,384"),
    # FFN widths: Llama 3.1 405B's is 53,248 (PaLM's 73,728); per-expert widths are smaller.
    "intermediate_size": Limit(1, _WIDE, "Llama 3.1 405B's is 53,248"),
    "moe_intermediate_size": Limit(1, _WIDE, "Llama 4 Maverick's experts are 8,192 wide"),
    "shared_expert_intermediate_size": Limit(1, _WIDE, "Qwen MoE shared experts are at most a few times 10,000 wide"),
    # Attention: DeepSeek V3 and Llama 3.1 405B have 128 query heads.
    "attention_heads": Limit(1, 1024, "DeepSeek V3 has 128"),
    # KV heads: at most the query heads, and a divisor of them (see _relations).
    "kv_heads": Limit(1, 1024, "DeepSeek V3 has 128"),
    # Head sizes: DeepSeek V4's heads are 512 wide; llama.cpp's MLA keys are 576.
    "head_dim": Limit(1, 2048, "DeepSeek V4's are 512"),
    # Vocabulary: Gemma 3 has 262,144 tokens, Gemma 3n's per-layer table 262,400.
    "vocab_size": Limit(1, 4_000_000, "Gemma 3 has 262,144"),
    "per_layer_vocab_size": Limit(1, 4_000_000, "Gemma 3n has 262,144"),
    # Experts: Kimi K2 has 384, Qwen3-Next and Nemotron 3 Super 512, Switch-C 2,048. One expert
    # is a dense FFN: readers take 0 or 1 as "no experts".
    "experts": Limit(2, 4096, "Kimi K2 has 384, Switch-C 2,048"),
    "experts_per_token": Limit(1, 4096, "Nemotron 3 Super routes 22"),
    "shared_experts": Limit(0, 1024, "Nemotron 3 Super has 8"),
    # Layer counts within the depth (each also at most ``layers``, see _relations).
    "dense_layers": Limit(0, 1024, "Llama 4 Maverick has 24"),
    "sliding_window_layers": Limit(0, 1024, "Gemma 3 27B has 52"),
    "linear_attention_layers": Limit(0, 1024, "Qwen3-Next has 36"),
    "kv_shared_layers": Limit(0, 1024, "Gemma 3n E2B shares 20"),
    # Tokens: Llama 4 Scout supports 10M; a window is at most a context.
    "sliding_window": Limit(1, MAX_CONTEXT, "Llama 4 Scout's whole context is 10M"),
    "context_length": Limit(1, MAX_CONTEXT, "Llama 4 Scout supports 10M"),
    "index_topk": Limit(1, MAX_CONTEXT, "DeepSeek V3.2 keeps 2,048"),
    # Multi-head latent attention (DeepSeek): low-rank widths below the hidden size, head parts
    # like head_dim.
    "q_lora_rank": Limit(1, 131_072, "DeepSeek V3's is 1,536"),
    "kv_lora_rank": Limit(1, 131_072, "DeepSeek V3's is 512"),
    "o_lora_rank": Limit(1, 131_072, "DeepSeek V4's is 1,024"),
    "qk_rope_head_dim": Limit(1, 2048, "DeepSeek V3's is 64"),
    "qk_nope_head_dim": Limit(1, 2048, "DeepSeek V3's is 128"),
    "v_head_dim": Limit(1, 2048, "DeepSeek V3's is 128"),
    "o_groups": Limit(1, 1024, "DeepSeek V4 Pro has 16"),
    # Mamba2 mixers: Granite 4.0-H Small has 128 heads of 64, states of 128; Nemotron-H 8 groups.
    "ssm_heads": Limit(1, 16_384, "Granite 4.0-H Small has 128"),
    "ssm_head_dim": Limit(1, 4096, "Falcon-H1 3B's are 128"),
    "ssm_state_size": Limit(1, 4096, "Falcon-H1 3B's is 256"),
    "ssm_groups": Limit(1, 1024, "Nemotron-H has 8"),
    "ssm_conv_kernel": Limit(1, 256, "Mamba2's is 4"),
    # Gated DeltaNet / linear attention: MiniMax-M1 has 64 heads of 128.
    "linear_key_heads": Limit(1, 1024, "MiniMax-M1 has 64"),
    "linear_value_heads": Limit(1, 1024, "MiniMax-M1 has 64"),
    "linear_key_head_dim": Limit(1, 2048, "MiniMax-M1's are 128"),
    "linear_value_head_dim": Limit(1, 2048, "MiniMax-M1's are 128"),
    "linear_conv_kernel": Limit(1, 256, "Qwen3-Next's is 4"),
    # Short convolutions (LFM2): a kernel of 3.
    "short_conv_kernel": Limit(1, 256, "LFM2's is 3"),
    # DeepSeek sparse attention's indexer, and DeepSeek V4's KV compression (tokens per row).
    "index_heads": Limit(1, 1024, "DeepSeek V3.2 has 64"),
    "index_head_dim": Limit(1, 2048, "DeepSeek V3.2's is 128"),
    "csa_compression": Limit(1, 65_536, "DeepSeek V4 compresses 4 tokens"),
    "hca_compression": Limit(1, 65_536, "DeepSeek V4 compresses 128 tokens"),
    # Gemma 3n's per-layer embeddings: 256 per layer.
    "per_layer_embedding_dim": Limit(1, 131_072, "Gemma 3n's are 256"),
    # Parameter counts, in billions as the catalog writes them: DeepSeek V4 Pro has 1,600B;
    # vision/audio encoders a few billion (InternViT-6B).
    "params_b": Limit(0, MAX_PARAMS_B, "DeepSeek V4 Pro has 1,600B", integer=False, low_open=True),
    "encoder_params_b": Limit(0, MAX_PARAMS_B, "InternViT has 6B", integer=False, low_open=True),
}

HINT = ("No released model has numbers like these: the file is damaged or not what it claims to be. "
        "The accepted ranges are in llmguide/model/limits.py.")


def shown(value: object) -> str:
    """A value as a message quotes it: JSON's spelling, huge numbers by their length, text cleaned."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10 ** 4000 else 4000
        return f"a {digits}-digit number" if digits > 24 else str(value)
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return repr(clean_text(value, 60))
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def whole(value: Any) -> Any:
    """A float that is a whole number (``4096.0``, as some writers spell integers) as an int;
    anything else unchanged, for the check to judge."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def value_problem(name: str, value: object, limit: Limit) -> str | None:
    """What is wrong with one number, as ``'name: message'``, or None."""
    if isinstance(value, bool):
        return f"{name}: {shown(value)} is a yes/no value, not a number"
    if isinstance(value, str):
        return f"{name}: {shown(value)} is text, not a number"
    if not isinstance(value, (int, float)):
        return f"{name}: {shown(value)} is not a number"
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"{name}: {shown(value)} is not a finite number"
        if limit.integer:
            return f"{name}: {value!r} is {'written as a decimal, not' if value.is_integer() else 'not'} a whole number"
    low, high = limit.low, limit.high
    if value > high:
        return f"{name}: {shown(value)} is more than {high:,}, far beyond any real model ({limit.why})"
    if value < low or (limit.low_open and value == low):
        if limit.low_open and low == 0 or (limit.integer and low == 1):
            return f"{name}: {shown(value)} must be positive"
        if low == 0:
            return f"{name}: {shown(value)} must not be negative"
        return f"{name}: {shown(value)} must be at least {low}"
    return None


def problems(values: Mapping[str, object], names: Mapping[str, str] | None = None) -> list[str]:
    """Every way ``values`` (architecture numbers by field name; None = not given) breaks the
    limits, as ``'field: message'`` strings. ``names`` maps a field to what the source calls it
    (``num_key_value_heads``, ``llama.attention.head_count_kv``), for the messages."""
    names = names or {}
    found = []
    for field, value in values.items():
        limit = LIMITS.get(field)
        if limit is not None and value is not None:
            problem = value_problem(names.get(field, field), value, limit)
            if problem:
                found.append(problem)
    return found or relation_problems(values, names)


def relation_problems(values: Mapping[str, object], names: Mapping[str, str] | None = None) -> list[str]:
    """The rules between numbers (each already in range): KV heads divide the query heads, a
    token is routed to at most every expert, the counts of special layers stay within the depth,
    an indexer has a key size."""
    names = names or {}

    def n(field: str) -> str:
        return names.get(field, field)

    def get(field: str) -> int | None:
        value = values.get(field)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    found = []
    heads, kv = get("attention_heads"), get("kv_heads")
    if heads and kv and heads % kv:
        found.append(f"{n('kv_heads')}: {n('attention_heads')} {heads} is not a multiple of {n('kv_heads')} {kv} "
                     "(each KV head serves the same number of query heads)")
    experts, per_token = get("experts"), get("experts_per_token")
    if experts and per_token and per_token > experts:
        found.append(f"{n('experts_per_token')}: {per_token} is larger than {n('experts')} {experts}")
    layers = get("layers")
    for field in ("dense_layers", "sliding_window_layers", "linear_attention_layers", "kv_shared_layers"):
        count = get(field)
        if layers and count and count > layers:
            found.append(f"{n(field)}: {count} is larger than {n('layers')} {layers}")
    if get("index_heads") and not get("index_head_dim"):
        found.append(f"{n('index_heads')}: an indexer needs {n('index_head_dim')} too")
    return found


def check(values: Mapping[str, object], source: str, names: Mapping[str, str] | None = None) -> None:
    """Raise ``LLMGuideError`` ``'source: field: message'`` for the first problem (and count the rest)."""
    found = problems(values, names)
    if found:
        more = f" (and {len(found) - 1} more problem(s))" if len(found) > 1 else ""
        raise LLMGuideError(f"{source}: {found[0]}{more}", HINT)
