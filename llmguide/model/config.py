"""``Architecture`` from a Hugging Face ``config.json``.

Configs in the wild name the same numbers differently (``num_hidden_layers``/``n_layer``,
``num_key_value_heads``/``num_kv_heads``/``multi_query``), leave ``head_dim`` out or set it to
something other than hidden/heads, nest the language model under ``text_config`` (multimodal
models), and differ in details the config does not spell out but the model type implies (Qwen2
has biases on q/k/v, Gemma 2 has four norms per layer, Phi-3 stores q/k/v fused). This module
reads all of those into one ``Architecture``, and says clearly what is missing.
"""

from __future__ import annotations

from typing import Any

from llmguide.errors import LLMGuideError
from llmguide.model.architecture import Architecture

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


def from_config(config: dict, source: str = "config.json") -> Architecture:
    """Read a config.json dictionary. Raises ``LLMGuideError`` naming the missing key."""
    if not isinstance(config, dict):
        raise LLMGuideError(f"{source}: expected a JSON object")
    cfg = dict(config)
    if isinstance(cfg.get("text_config"), dict):  # multimodal: the language model's numbers
        cfg = {**cfg, **cfg["text_config"]}
    model_type = str(cfg.get("model_type") or "llama")
    if model_type in UNSUPPORTED:
        raise LLMGuideError(f"{source}: model type '{model_type}' has {UNSUPPORTED[model_type]}, which llmguide cannot price yet.",
                            "Its memory would be wrong if priced as a plain transformer, so no estimate is given.")
    defaults = _TYPE_DEFAULTS.get(model_type, {})

    def need(*keys: str) -> int:
        value = _first(cfg, *keys)
        if value is None:
            raise LLMGuideError(f"{source}: no {keys[0]} (also looked for {', '.join(keys[1:]) or 'nothing else'})")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise LLMGuideError(f"{source}: {keys[0]} is {value!r}, not a number") from None
        if number <= 0:
            raise LLMGuideError(f"{source}: {keys[0]} must be positive, not {number}")
        return number

    layers = need("num_hidden_layers", "n_layer", "n_layers", "num_layers")
    hidden = need("hidden_size", "n_embd", "d_model", "model_dim")
    heads = need("num_attention_heads", "n_head", "n_heads", "num_heads")
    if cfg.get("multi_query") and not cfg.get("new_decoder_architecture"):
        kv_heads = 1
    else:
        kv_heads = int(_first(cfg, "num_key_value_heads", "num_kv_heads", "n_head_kv", "n_kv_heads", default=heads))
    head_dim = int(_first(cfg, "head_dim", default=0) or hidden // heads)
    raw_ffn = _first(cfg, "intermediate_size", "block_ff_dim", "ffn_hidden_size", "n_inner", default=0)
    if isinstance(raw_ffn, list):  # per-layer widths (Gemma 3n): the widest
        raw_ffn = max((int(x) for x in raw_ffn if isinstance(x, (int, float))), default=0)
    intermediate = int(raw_ffn or 4 * hidden)
    if cfg.get("block_auto_adjust_ff_dim") and "intermediate_size" not in cfg:  # LFM2: 2/3 of the SwiGLU width
        multiple = int(cfg.get("block_multiple_of") or 256)
        intermediate = int(float(cfg.get("block_ffn_dim_multiplier") or 1.0) * int(2 * intermediate / 3))
        intermediate = multiple * -(-intermediate // multiple)
    vocab = need("vocab_size", "padded_vocab_size", "n_vocab")
    tied = bool(_first(cfg, "tie_word_embeddings", default=defaults.get("tied_embeddings", False)))

    experts = _first(cfg, "num_local_experts", "n_routed_experts", "num_experts")
    per_token = _first(cfg, "num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k")
    if experts is not None and int(experts) <= 1:
        experts = None
    if experts is not None and per_token is None:
        raise LLMGuideError(f"{source}: an MoE config with {experts} experts but no num_experts_per_tok")

    window = cfg.get("sliding_window") if cfg.get("use_sliding_window", True) is not False else None
    window = int(window) if isinstance(window, (int, float)) and window > 0 else None
    pattern = layout(cfg, model_type, layers, source)
    if pattern is None:
        types = cfg.get("layer_types")
        linear_layers = sum(1 for t in types if "linear" in str(t)) if isinstance(types, list) else 0
        swa_layers = _sliding_layers(cfg, model_type, layers) if window else 0
    else:
        linear_layers = swa_layers = 0
        if "S" not in pattern:
            window = None

    attention_bias = bool(_first(cfg, "attention_bias", "qkv_bias", "bias", "use_bias", default=defaults.get("attention_bias", False)))
    mlp_bias = bool(_first(cfg, "mlp_bias", "use_bias", default=defaults.get("mlp_bias", False)))
    qk_norm = bool(_first(cfg, "use_qk_norm", "qk_layernorm", default=defaults.get("qk_norm", False)))
    return Architecture(
        layers=layers,
        hidden_size=hidden,
        intermediate_size=intermediate,
        attention_heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        vocab_size=vocab,
        tied_embeddings=tied,
        experts=int(experts) if experts is not None else None,
        experts_per_token=int(per_token) if experts is not None else None,
        sliding_window=window if (swa_layers or pattern) else None,
        sliding_window_layers=swa_layers,
        arch=_ARCH.get(model_type, model_type),
        gated_mlp=defaults.get("gated_mlp", True),
        attention_bias=attention_bias,
        mlp_bias=mlp_bias,
        layer_norm_bias=defaults.get("layer_norm_bias", False),
        qk_norm=qk_norm,
        extra_norms=defaults.get("extra_norms", 0),
        fused_qkv=defaults.get("fused_qkv", False),
        fused_gate_up=defaults.get("fused_gate_up", False),
        moe_intermediate_size=_int_or_none(cfg.get("moe_intermediate_size")) if experts is not None else None,
        shared_experts=_shared_experts(cfg),
        shared_expert_intermediate_size=_int_or_none(_first(cfg, *SHARED_EXPERT_WIDTH)),
        dense_layers=int(_first(cfg, "first_k_dense_replace", "num_dense_layers", default=0) or 0) if experts is not None else 0,
        q_lora_rank=_int_or_none(cfg.get("q_lora_rank")),
        kv_lora_rank=_int_or_none(cfg.get("kv_lora_rank")),
        qk_rope_head_dim=_int_or_none(cfg.get("qk_rope_head_dim")),
        qk_nope_head_dim=_int_or_none(cfg.get("qk_nope_head_dim")),
        v_head_dim=_int_or_none(cfg.get("v_head_dim")),
        attention_sinks=defaults.get("attention_sinks", False),
        linear_attention_layers=linear_layers,
        **hybrid_numbers(cfg, model_type, pattern, defaults),
    )


# How configs name the width of the always-on shared expert (Qwen, Nemotron-H, Granite).
SHARED_EXPERT_WIDTH = ("shared_expert_intermediate_size", "moe_shared_expert_intermediate_size", "shared_intermediate_size")


def _shared_experts(cfg: dict) -> int:
    n = _first(cfg, "n_shared_experts", "num_shared_experts")
    if n is None and _first(cfg, *SHARED_EXPERT_WIDTH):
        return 1
    return int(n or 0)


def layout(cfg: dict, model_type: str, layers: int, source: str) -> str | None:
    """The per-layer kinds of a hybrid model (see ``Architecture.kinds``), or None for a uniform
    model (sliding windows then come from the counts). Raises for a layer kind llmguide cannot price."""
    override = cfg.get("hybrid_override_pattern")
    if isinstance(override, str) and override:  # Nemotron-H: M mamba, * attention, - MLP, E MoE
        pattern = override.replace("*", "A")
        bad = set(pattern) - set("MA-E")
        if bad or len(pattern) != layers:
            raise LLMGuideError(f"{source}: hybrid_override_pattern {override!r} is not {layers} layers of M, *, - and E")
        return pattern
    if model_type == "falcon_h1":
        return "P" * layers
    types = cfg.get("layer_types")
    if isinstance(types, list) and types and any(str(t) not in ("full_attention", "sliding_attention", "attention") for t in types):
        kinds = {"full_attention": "A", "attention": "A", "sliding_attention": "S", "linear_attention": "L",
                 "mamba": "M", "conv": "C"}
        unknown = sorted({str(t) for t in types} - set(kinds))
        if unknown:
            raise LLMGuideError(f"{source}: layer kind(s) {', '.join(unknown)} in layer_types cannot be priced by llmguide.")
        if len(types) != layers:
            raise LLMGuideError(f"{source}: layer_types lists {len(types)} layers for num_hidden_layers {layers}")
        return "".join(kinds[str(t)] for t in types)
    interval = cfg.get("full_attention_interval")
    if model_type in ("qwen3_next", "qwen3_5", "qwen3_5_moe", "qwen3_5_text") and isinstance(interval, int) and interval > 0:
        return "".join("A" if (i + 1) % interval == 0 else "L" for i in range(layers))
    full_idx = cfg.get("full_attn_idxs")
    if model_type.startswith("lfm2") and isinstance(full_idx, list):
        return "".join("A" if i in full_idx else "C" for i in range(layers))
    if model_type in ("gemma3n", "gemma3n_text") and isinstance(types, list) and types:
        return "".join("S" if "sliding" in str(t) else "A" for t in types)
    return None


def hybrid_numbers(cfg: dict, model_type: str, pattern: str | None, defaults: dict) -> dict[str, Any]:
    """The sizes of the layer kinds beyond attention and FFN, from config.json's names."""
    out: dict[str, Any] = {k: v for k, v in defaults.items() if k in ("attention_output_gate", "shared_kv", "shared_expert_gate")}
    if pattern is None:
        pattern = ""
    else:
        out["layer_pattern"] = pattern

    def num(*keys: str) -> int | None:
        return _int_or_none(_first(cfg, *keys))

    if "M" in pattern or "P" in pattern:
        heads = num("mamba_n_heads", "mamba_num_heads", "ssm_num_heads")
        head_dim = num("mamba_d_head", "mamba_head_dim")
        inner = num("mamba_d_ssm")
        if heads and not head_dim:
            hidden = int(_first(cfg, "hidden_size", default=0))
            head_dim = (inner or int(cfg.get("mamba_expand") or 2) * hidden) // heads
        out.update(ssm_heads=heads, ssm_head_dim=head_dim, ssm_state_size=num("ssm_state_size", "mamba_d_state", "state_size"),
                   ssm_groups=num("n_groups", "mamba_n_groups") or 1, ssm_conv_kernel=num("conv_kernel", "mamba_d_conv") or 4)
        if not all((out["ssm_heads"], out["ssm_head_dim"], out["ssm_state_size"])):
            raise LLMGuideError("config.json: Mamba2 layers without mamba head count, head size or state size")
    if "L" in pattern:
        out.update(linear_key_heads=num("linear_num_key_heads"), linear_value_heads=num("linear_num_value_heads"),
                   linear_key_head_dim=num("linear_key_head_dim"), linear_value_head_dim=num("linear_value_head_dim"),
                   linear_conv_kernel=num("linear_conv_kernel_dim") or 4)
    if "C" in pattern:
        out["short_conv_kernel"] = num("conv_L_cache") or 3
    if num("index_n_heads"):
        out.update(index_heads=num("index_n_heads"), index_head_dim=num("index_head_dim"), index_topk=num("index_topk"))
    if num("hidden_size_per_layer_input"):
        out.update(per_layer_embedding_dim=num("hidden_size_per_layer_input"),
                   per_layer_vocab_size=num("vocab_size_per_layer_input"),
                   kv_shared_layers=int(cfg.get("num_kv_shared_layers") or 0))
    return out


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def _sliding_layers(cfg: dict, model_type: str, layers: int) -> int:
    """How many layers runtimes cap at the sliding window."""
    types = cfg.get("layer_types")
    if isinstance(types, list) and types:
        return sum(1 for t in types if "sliding" in str(t))
    if model_type == "gemma2":
        return layers // 2  # every other layer is local
    if model_type in ("gemma3", "gemma3_text"):
        pattern = int(cfg.get("sliding_window_pattern") or 6)  # 5 local layers, then 1 global
        return layers - layers // pattern
    # Mistral 7B v0.1 and Qwen2 name a window that llama.cpp does not apply: full cache.
    return 0
