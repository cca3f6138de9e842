"""``Architecture`` from a Hugging Face ``config.json``.

Configs in the wild name the same numbers differently (``num_hidden_layers``/``n_layer``,
``num_key_value_heads``/``num_kv_heads``/``multi_query``), leave ``head_dim`` out or set it to
something other than hidden/heads, nest the language model under ``text_config`` (multimodal
models), and differ in details the config does not spell out but the model type implies (Qwen2
has biases on q/k/v, Gemma 2 has four norms per layer, Phi-3 stores q/k/v fused). This module
reads all of those into one ``Architecture``, and says clearly what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmguide.errors import LLMGuideError
from llmguide.model.architecture import Architecture
from llmguide.model.files import clean_text, read_json, shown_path
from llmguide.model.limits import HINT, LIMITS, MAX_PARAMS_B, Limit, check, shown, value_problem, whole

# Shape facts implied by the model type (the HF modelling code), for keys configs leave out.
_TYPE_DEFAULTS: dict[str, dict[str, Any]] = {
    "qwen2": {"attention_bias": True},
    "qwen2_moe": {"attention_bias": True, "shared_expert_gate": True},
    "qwen3": {"qk_norm": True},
    "qwen3_moe": {"qk_norm": True},
    "gemma": {"tied_embeddings": True},
    "gemma2": {"tied_embeddings": True, "extra_norms": 2},
    "gemma3": {"tied_embeddings": True, "extra_norms": 2, "qk_norm": True},
    "gemma3_text": {"tied_embeddings": True, "extra_norms": 2, "qk_norm": True},
    "phi3": {"fused_qkv": True, "fused_gate_up": True},
    "phi": {"gated_mlp": False, "attention_bias": True, "mlp_bias": True, "layer_norm_bias": True, "tied_embeddings": False},
    "falcon": {"gated_mlp": False, "fused_qkv": True, "layer_norm_bias": True, "tied_embeddings": True},
    "gpt_oss": {"attention_bias": True, "mlp_bias": True, "attention_sinks": True},
    "starcoder2": {"gated_mlp": False, "attention_bias": True, "mlp_bias": True, "layer_norm_bias": True},
    # 2025-2026 architectures (hybrid layouts are read by _layout below)
    "qwen3_next": {"qk_norm": True, "attention_output_gate": True, "shared_expert_gate": True},
    "qwen3_5": {"qk_norm": True, "attention_output_gate": True},
    "qwen3_5_moe": {"qk_norm": True, "attention_output_gate": True, "shared_expert_gate": True},
    "qwen3_5_text": {"qk_norm": True, "attention_output_gate": True},
    "qwen3_vl": {"qk_norm": True},
    "qwen3_vl_moe": {"qk_norm": True},
    "qwen3_omni_moe": {"qk_norm": True},
    "nemotron_h": {"gated_mlp": False},  # squared-ReLU MLPs and experts: up and down only
    "lfm2": {"qk_norm": True},
    "lfm2_moe": {"qk_norm": True},
    "gemma3n": {"tied_embeddings": True, "extra_norms": 2, "qk_norm": True},
    "gemma3n_text": {"tied_embeddings": True, "extra_norms": 2, "qk_norm": True},
    "deepseek_v4": {"shared_kv": True},
    "glm4_moe": {"attention_bias": True},
    "minimax_m2": {"qk_norm": True},
    "exaone4": {"qk_norm": True},
    "olmo3": {"qk_norm": True},
    "olmo2": {"qk_norm": True},
    "hunyuan_v1_moe": {"qk_norm": True},
    "apertus": {"gated_mlp": False, "qk_norm": True},
}
# Model types whose layers llmguide cannot price (rather than pricing them as a dense transformer).
UNSUPPORTED = {
    "jamba": "Mamba-1 layers", "mamba": "Mamba-1 layers", "falcon_mamba": "Mamba-1 layers",
    "rwkv": "RWKV layers", "rwkv6": "RWKV layers", "rwkv7": "RWKV layers", "recurrent_gemma": "RG-LRU layers",
    "phi4flash": "SambaY layers (Mamba, shared KV)", "minimax": "lightning-attention layers with their own sizes",
    "bamba": "Mamba2 layers without a layer list", "zamba2": "shared attention blocks",
    "nemotron-nas": "per-layer block configs", "deci": "per-layer block configs",
    "mllama": "cross-attention layers",
    "deepseek_v4": "compressed attention whose per-layer ratios llmguide does not read from config.json (the catalog's DeepSeek-V4 entries are priced)",
}
# The runtime (llama.cpp) name of the architecture where it differs from the HF model type.
_ARCH = {"mistral": "llama", "mixtral": "llama", "gemma3_text": "gemma3", "deepseek_v3": "deepseek2",
         "deepseek_v2": "deepseek2", "gpt_oss": "gpt-oss", "qwen3_next": "qwen3next", "qwen3_5": "qwen35",
         "qwen3_5_moe": "qwen35moe", "qwen3_5_text": "qwen35", "nemotron_h": "nemotron_h",
         "granitemoehybrid": "granitehybrid", "falcon_h1": "falcon-h1", "gemma3n_text": "gemma3n",
         "deepseek_v32": "deepseek2", "kimi_k2": "deepseek2", "kimi_k25": "deepseek2", "glm_moe_dsa": "glm-dsa",
         "glm4_moe": "glm4moe", "minimax_m2": "minimax-m2", "lfm2_moe": "lfm2moe"}


def type_defaults(model_type: str) -> dict[str, Any]:
    """Shape facts a model type implies (a copy)."""
    return dict(_TYPE_DEFAULTS.get(model_type, {}))


def runtime_arch(model_type: str) -> str:
    return _ARCH.get(model_type, model_type)


def _first(cfg: dict, *keys: str, default: Any = None) -> Any:
    for key in keys:
        value = cfg.get(key)
        if value is not None:
            return value
    return default


MAX_CONFIG_BYTES = 4 << 20  # a config.json is a few kB; a larger file is not one

# Numbers some dialects use to derive the architecture's (not architecture numbers themselves).
_INTERVAL = Limit(1, 1024, "Qwen3-Next puts full attention every 4th layer")
_EXPAND = Limit(1, 64, "Mamba2 expands the hidden size 2 times")
_MULTIPLE = Limit(1, 1 << 16, "LFM2 rounds FFN widths to 256")
_MULTIPLIER = Limit(0, 64, "LFM2's is 1.0", integer=False, low_open=True)
_EXPERT_COUNT = Limit(0, LIMITS["experts"].high, LIMITS["experts"].why)  # 0 or 1: a dense model
_LAYER_INDEX = Limit(0, LIMITS["layers"].high - 1, "layers are numbered from 0")


def read_config(path: str | Path) -> dict:
    """A config.json file as a dictionary, read at the edge: a regular file only (a FIFO never
    blocks), at most ``MAX_CONFIG_BYTES``, strict JSON (no NaN, Infinity or 400-digit numbers,
    nesting capped), an object at the top. Every problem is an ``LLMGuideError`` naming the file."""
    data = read_json(path, "a config.json", MAX_CONFIG_BYTES)
    if not isinstance(data, dict):
        raise LLMGuideError(f"{shown_path(path)}: expected a JSON object at the top level, not {shown(data)}",
                            "Point at a model folder or its config.json.")
    return data


def config_name(config: dict, fallback: str) -> str:
    """The model's name as config.json gives it (``_name_or_path``), without control characters
    and at most 200 characters; ``fallback`` when it gives none."""
    name = config.get("_name_or_path") if isinstance(config, dict) else None
    cleaned = clean_text(name).strip() if isinstance(name, str) else ""
    return cleaned or clean_text(fallback)


def max_context(config: dict, source: str = "config.json") -> int | None:
    """``max_position_embeddings`` (the language model's, for a multimodal config), checked
    against the context limit; None when the config gives none."""
    reader = _Numbers(config if isinstance(config, dict) else {}, source)
    found = reader.get("context_length", "max_position_embeddings")
    text = config.get("text_config") if isinstance(config, dict) else None
    if found is None and isinstance(text, dict):
        found = _Numbers(text, source).get("context_length", "max_position_embeddings")
    return found


class _Numbers:
    """A config's numbers, each checked as it is read: its type (no text, yes/no, list, NaN or
    fraction where a whole number belongs) and its field's range in ``limits.LIMITS``. ``names``
    records which key gave each field, for the messages of the checks that follow."""

    def __init__(self, cfg: dict, source: str):
        self.cfg = cfg
        self.source = source
        self.names: dict[str, str] = {}

    def fail(self, message: str) -> LLMGuideError:
        return LLMGuideError(f"{self.source}: {message}", HINT)

    def get(self, field: str | None, *keys: str, default: int | None = None, zero_absent: bool = True,
            limit: Limit | None = None, per_layer: bool = False) -> int | None:
        """The first of ``keys`` that is given (not null), checked against ``field``'s limit (or
        ``limit``); ``default`` when none is, or when it is 0 and ``zero_absent`` (configs write 0
        for "none"). ``per_layer``: a list of per-layer values gives the largest."""
        key = next((k for k in keys if self.cfg.get(k) is not None), None)
        if key is None:
            return default
        value = self.cfg[key]
        rule = limit or LIMITS[field or ""]
        if per_layer and isinstance(value, list):
            items = [self._checked(f"{key}[{i}]", x, rule, zero_ok=True) for i, x in enumerate(value)]
            value = max(items, default=0)
        else:
            value = whole(value)
            if zero_absent and value == 0 and not isinstance(value, bool):
                return default
            value = self._checked(key, value, rule)
        if zero_absent and value == 0:
            return default
        if field:
            self.names[field] = key
        return value

    def _checked(self, key: str, value: object, rule: Limit, zero_ok: bool = False) -> int:
        value = whole(value)
        if zero_ok and value == 0 and not isinstance(value, bool):
            return 0
        problem = value_problem(key, value, rule)
        if problem:
            raise self.fail(problem)
        return value  # type: ignore[return-value]  # checked: a whole number in range

    def fraction(self, key: str, rule: Limit, default: float) -> float:
        value = self.cfg.get(key)
        if value is None or (value == 0 and not isinstance(value, bool)):
            return default
        problem = value_problem(key, value, rule)
        if problem:
            raise self.fail(problem)
        return float(value)  # checked: a finite number

    def flag(self, *keys: str, default: bool = False) -> bool:
        key = next((k for k in keys if self.cfg.get(k) is not None), None)
        if key is None:
            return default
        value = self.cfg[key]
        if not isinstance(value, bool):
            raise self.fail(f"{key}: {shown(value)} is not true or false")
        return value

    def text(self, key: str) -> str | None:
        value = self.cfg.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key}: {shown(value)} is not text")
        return value

    def strings(self, key: str) -> list[str] | None:
        """A list of names (``layer_types``); None when not given."""
        value = self.cfg.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.fail(f"{key}: expected a list of names, not {shown(value)}")
        return value


def from_config(config: dict, source: str = "config.json") -> Architecture:
    """Read a config.json dictionary. Raises ``LLMGuideError`` naming the file and the key that
    is missing, of the wrong type, or outside the physical limits (``llmguide.model.limits``)."""
    if not isinstance(config, dict):
        raise LLMGuideError(f"{source}: expected a JSON object")
    cfg = dict(config)
    text_config = cfg.get("text_config")
    if isinstance(text_config, dict):  # multimodal: the language model's numbers
        cfg = {**cfg, **text_config}
    elif text_config is not None:
        raise LLMGuideError(f"{source}: text_config: expected an object, not {shown(text_config)}", HINT)
    read = _Numbers(cfg, source)
    model_type = clean_text(read.text("model_type") or "llama", 64)
    if model_type in UNSUPPORTED:
        raise LLMGuideError(f"{source}: model type '{model_type}' has {UNSUPPORTED[model_type]}, which llmguide cannot price yet.",
                            "Its memory would be wrong if priced as a plain transformer, so no estimate is given.")
    defaults = _TYPE_DEFAULTS.get(model_type, {})
    max_context(config, source)  # checked here too: callers read it from the same dictionary

    def need(field: str, *keys: str) -> int:
        value = read.get(field, *keys, zero_absent=False)
        if value is None:
            raise LLMGuideError(f"{source}: no {keys[0]} (also looked for {', '.join(keys[1:]) or 'nothing else'})")
        return value

    layers = need("layers", "num_hidden_layers", "n_layer", "n_layers", "num_layers")
    hidden = need("hidden_size", "hidden_size", "n_embd", "d_model", "model_dim")
    heads = need("attention_heads", "num_attention_heads", "n_head", "n_heads", "num_heads")
    if read.flag("multi_query") and not read.flag("new_decoder_architecture"):
        kv_heads = 1
    else:
        kv_heads = read.get("kv_heads", "num_key_value_heads", "num_kv_heads", "n_head_kv", "n_kv_heads",
                            default=heads, zero_absent=False) or heads
    head_dim = read.get("head_dim", "head_dim") or hidden // heads
    read.names.setdefault("head_dim", "head_dim (hidden_size / num_attention_heads)")
    intermediate = read.get("intermediate_size", "intermediate_size", "block_ff_dim", "ffn_hidden_size", "n_inner",
                            per_layer=True) or 4 * hidden  # per-layer widths (Gemma 3n): the widest
    if read.flag("block_auto_adjust_ff_dim") and "intermediate_size" not in cfg:  # LFM2: 2/3 of the SwiGLU width
        multiple = read.get(None, "block_multiple_of", limit=_MULTIPLE) or 256
        intermediate = int(read.fraction("block_ffn_dim_multiplier", _MULTIPLIER, 1.0) * int(2 * intermediate / 3))
        intermediate = multiple * -(-intermediate // multiple)
    vocab = need("vocab_size", "vocab_size", "padded_vocab_size", "n_vocab")
    tied = read.flag("tie_word_embeddings", default=defaults.get("tied_embeddings", False))

    experts = read.get(None, "num_local_experts", "n_routed_experts", "num_experts", limit=_EXPERT_COUNT)
    if experts is not None and experts <= 1:
        experts = None
    per_token = None
    if experts is not None:
        read.names["experts"] = next(k for k in ("num_local_experts", "n_routed_experts", "num_experts") if cfg.get(k) is not None)
        per_token = read.get("experts_per_token", "num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k",
                             zero_absent=False)
        if per_token is None:
            raise LLMGuideError(f"{source}: an MoE config with {experts} experts but no num_experts_per_tok")

    window = read.get("sliding_window", "sliding_window") if read.flag("use_sliding_window", default=True) else None
    pattern = layout(cfg, model_type, layers, source)
    if pattern is None:
        types = read.strings("layer_types")
        linear_layers = sum(1 for t in types if "linear" in t) if types else 0
        swa_layers = _sliding_layers(cfg, model_type, layers, read) if window else 0
        read.names.update(linear_attention_layers="layer_types", sliding_window_layers="layer_types" if types else "sliding_window_layers")
    else:
        linear_layers = swa_layers = 0
        if "S" not in pattern:
            window = None

    attention_bias = read.flag("attention_bias", "qkv_bias", "bias", "use_bias", default=defaults.get("attention_bias", False))
    mlp_bias = read.flag("mlp_bias", "use_bias", default=defaults.get("mlp_bias", False))
    qk_norm = read.flag("use_qk_norm", "qk_layernorm", default=defaults.get("qk_norm", False))
    numbers: dict[str, Any] = dict(
        layers=layers,
        hidden_size=hidden,
        intermediate_size=intermediate,
        attention_heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        vocab_size=vocab,
        experts=experts,
        experts_per_token=per_token,
        sliding_window=window if (swa_layers or pattern) else None,
        sliding_window_layers=swa_layers,
        moe_intermediate_size=read.get("moe_intermediate_size", "moe_intermediate_size") if experts is not None else None,
        shared_experts=_shared_experts(read),
        shared_expert_intermediate_size=read.get("shared_expert_intermediate_size", *SHARED_EXPERT_WIDTH),
        dense_layers=(read.get("dense_layers", "first_k_dense_replace", "num_dense_layers") or 0) if experts is not None else 0,
        q_lora_rank=read.get("q_lora_rank", "q_lora_rank"),
        kv_lora_rank=read.get("kv_lora_rank", "kv_lora_rank"),
        qk_rope_head_dim=read.get("qk_rope_head_dim", "qk_rope_head_dim"),
        qk_nope_head_dim=read.get("qk_nope_head_dim", "qk_nope_head_dim"),
        v_head_dim=read.get("v_head_dim", "v_head_dim"),
        linear_attention_layers=linear_layers,
        **hybrid_numbers(cfg, model_type, pattern, defaults, source, read),
    )
    if numbers["kv_lora_rank"] is not None:
        missing = [k for k in ("qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim") if numbers[k] is None]
        if missing:
            raise LLMGuideError(f"{source}: kv_lora_rank (multi-head latent attention) without {', '.join(missing)}", HINT)
    check(numbers, source, read.names)
    arch = Architecture(
        **numbers,
        tied_embeddings=tied,
        arch=_ARCH.get(model_type, model_type),
        gated_mlp=defaults.get("gated_mlp", True),
        attention_bias=attention_bias,
        mlp_bias=mlp_bias,
        layer_norm_bias=defaults.get("layer_norm_bias", False),
        qk_norm=qk_norm,
        extra_norms=defaults.get("extra_norms", 0),
        fused_qkv=defaults.get("fused_qkv", False),
        fused_gate_up=defaults.get("fused_gate_up", False),
        attention_sinks=defaults.get("attention_sinks", False),
    )
    _check_size(arch, source)
    return arch


def _check_size(arch: Architecture, source: str) -> None:
    """Numbers each within its range can still multiply to an impossible model: refuse a count
    above the parameter limit (100 trillion)."""
    from llmguide.model.tensors import parameter_count

    try:
        count = parameter_count(arch)
    except ValueError as exc:  # a layer kind without the sizes it needs
        raise LLMGuideError(f"{source}: {exc}") from None
    if count > MAX_PARAMS_B * 1e9:
        raise LLMGuideError(f"{source}: these numbers make a model of {count / 1e12:,.0f} trillion parameters, more than "
                            f"the {MAX_PARAMS_B / 1000:g} trillion no model comes near", HINT)


# How configs name the width of the always-on shared expert (Qwen, Nemotron-H, Granite).
SHARED_EXPERT_WIDTH = ("shared_expert_intermediate_size", "moe_shared_expert_intermediate_size", "shared_intermediate_size")


def _shared_experts(read: _Numbers) -> int:
    n = read.get("shared_experts", "n_shared_experts", "num_shared_experts", zero_absent=False)
    if n is None and read.get(None, *SHARED_EXPERT_WIDTH, limit=LIMITS["shared_expert_intermediate_size"]):
        return 1
    return n or 0


def layout(cfg: dict, model_type: str, layers: int, source: str) -> str | None:
    """The per-layer kinds of a hybrid model (see ``Architecture.kinds``), or None for a uniform
    model (sliding windows then come from the counts). Raises for a layer kind llmguide cannot price.
    ``layers`` is already within the limits, so the pattern built here is short."""
    read = _Numbers(cfg, source)
    override = read.text("hybrid_override_pattern")
    if override:  # Nemotron-H: M mamba, * attention, - MLP, E MoE
        pattern = override.replace("*", "A")
        bad = set(pattern) - set("MA-E")
        if bad or len(pattern) != layers:
            raise LLMGuideError(f"{source}: hybrid_override_pattern {shown(override)} is not {layers} layers of M, *, - and E")
        return pattern
    if model_type == "falcon_h1":
        return "P" * layers
    types = read.strings("layer_types")
    if types and any(t not in ("full_attention", "sliding_attention", "attention") for t in types):
        kinds = {"full_attention": "A", "attention": "A", "sliding_attention": "S", "linear_attention": "L",
                 "mamba": "M", "conv": "C"}
        unknown = sorted(set(types) - set(kinds))
        if unknown:
            named = ", ".join(shown(t) for t in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            raise LLMGuideError(f"{source}: layer kind(s) {named} in layer_types cannot be priced by llmguide.")
        if len(types) != layers:
            raise LLMGuideError(f"{source}: layer_types lists {len(types)} layers for num_hidden_layers {layers}")
        return "".join(kinds[t] for t in types)
    if model_type in ("qwen3_next", "qwen3_5", "qwen3_5_moe", "qwen3_5_text"):
        interval = read.get(None, "full_attention_interval", limit=_INTERVAL)
        if interval:
            return "".join("A" if (i + 1) % interval == 0 else "L" for i in range(layers))
    full_idx = cfg.get("full_attn_idxs")
    if model_type.startswith("lfm2") and isinstance(full_idx, list):
        full = {read._checked(f"full_attn_idxs[{i}]", x, _LAYER_INDEX) for i, x in enumerate(full_idx)}
        return "".join("A" if i in full else "C" for i in range(layers))
    if model_type in ("gemma3n", "gemma3n_text") and types:
        return "".join("S" if "sliding" in t else "A" for t in types)
    return None


def hybrid_numbers(cfg: dict, model_type: str, pattern: str | None, defaults: dict, source: str = "config.json",
                   read: _Numbers | None = None) -> dict[str, Any]:
    """The sizes of the layer kinds beyond attention and FFN, from config.json's names, each
    checked against the limits."""
    read = read or _Numbers(cfg, source)
    out: dict[str, Any] = {k: v for k, v in defaults.items() if k in ("attention_output_gate", "shared_kv", "shared_expert_gate")}
    if pattern is None:
        pattern = ""
    else:
        out["layer_pattern"] = pattern

    def num(field: str, *keys: str, default: int | None = None) -> int | None:
        return read.get(field, *keys, default=default)

    if "M" in pattern or "P" in pattern:
        heads = num("ssm_heads", "mamba_n_heads", "mamba_num_heads", "ssm_num_heads")
        head_dim = num("ssm_head_dim", "mamba_d_head", "mamba_head_dim")
        inner = read.get(None, "mamba_d_ssm", limit=Limit(1, LIMITS["ssm_heads"].high * LIMITS["ssm_head_dim"].high, "Mamba2 channels"))
        if heads and not head_dim:
            hidden = read.get("hidden_size", "hidden_size") or 0
            head_dim = (inner or (read.get(None, "mamba_expand", limit=_EXPAND) or 2) * hidden) // heads
            read.names["ssm_head_dim"] = "mamba_d_ssm / mamba_n_heads"
        out.update(ssm_heads=heads, ssm_head_dim=head_dim, ssm_state_size=num("ssm_state_size", "ssm_state_size", "mamba_d_state", "state_size"),
                   ssm_groups=num("ssm_groups", "n_groups", "mamba_n_groups") or 1,
                   ssm_conv_kernel=num("ssm_conv_kernel", "conv_kernel", "mamba_d_conv") or 4)
        if not all((out["ssm_heads"], out["ssm_head_dim"], out["ssm_state_size"])):
            raise LLMGuideError(f"{source}: Mamba2 layers without mamba head count, head size or state size")
    if "L" in pattern:
        out.update(linear_key_heads=num("linear_key_heads", "linear_num_key_heads"),
                   linear_value_heads=num("linear_value_heads", "linear_num_value_heads"),
                   linear_key_head_dim=num("linear_key_head_dim", "linear_key_head_dim"),
                   linear_value_head_dim=num("linear_value_head_dim", "linear_value_head_dim"),
                   linear_conv_kernel=num("linear_conv_kernel", "linear_conv_kernel_dim") or 4)
    if "C" in pattern:
        out["short_conv_kernel"] = num("short_conv_kernel", "conv_L_cache") or 3
    if num("index_heads", "index_n_heads"):
        out.update(index_heads=num("index_heads", "index_n_heads"), index_head_dim=num("index_head_dim", "index_head_dim"),
                   index_topk=num("index_topk", "index_topk"))
    if num("per_layer_embedding_dim", "hidden_size_per_layer_input"):
        out.update(per_layer_embedding_dim=num("per_layer_embedding_dim", "hidden_size_per_layer_input"),
                   per_layer_vocab_size=num("per_layer_vocab_size", "vocab_size_per_layer_input"),
                   kv_shared_layers=num("kv_shared_layers", "num_kv_shared_layers") or 0)
    return out


def _sliding_layers(cfg: dict, model_type: str, layers: int, read: _Numbers) -> int:
    """How many layers runtimes cap at the sliding window."""
    types = read.strings("layer_types")
    if types:
        return sum(1 for t in types if "sliding" in t)
    if model_type == "gemma2":
        return layers // 2  # every other layer is local
    if model_type in ("gemma3", "gemma3_text"):
        pattern = read.get(None, "sliding_window_pattern", limit=_INTERVAL) or 6  # 5 local layers, then 1 global
        return layers - layers // pattern
    # Mistral 7B v0.1 and Qwen2 name a window that llama.cpp does not apply: full cache.
    return 0
