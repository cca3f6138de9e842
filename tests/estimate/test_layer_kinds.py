"""Hybrid architectures from the physics: each layer kind's tensors and cache, checked against
published file sizes and runtime behaviour (constant recurrent state, compressed attention)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from llmguide.errors import LLMGuideError
from llmguide.estimate.kv_cache import cache_layout, kv_cache_bytes
from llmguide.estimate.weights import gguf_file_bytes
from llmguide.model.config import from_config
from llmguide.model.tensors import parameter_count

MODELS = yaml.safe_load((Path(__file__).parent / "hybrid_models.yml").read_text())


@pytest.mark.parametrize("m", MODELS, ids=[m["id"] for m in MODELS])
def test_config_gives_the_layer_kinds_and_the_published_size(m):
    arch = from_config(m["config"])
    assert {k: arch.kinds.count(k) for k in set(arch.kinds)} == m["kinds"]
    assert parameter_count(arch) / 1e9 == pytest.approx(m["params_b"], rel=0.01)
    g = m["gguf"]
    actual, slack = float(g["bytes"]), float(g["slack"])  # YAML reads 48.4e9 as text
    assert abs(gguf_file_bytes(arch, g["quant"]) - actual) <= slack + 0.003 * actual


@pytest.mark.parametrize("m", MODELS, ids=[m["id"] for m in MODELS])
def test_recurrent_layers_keep_a_constant_state(m):
    """Only attention layers grow with the context; the state of the others is paid once per sequence."""
    arch = from_config(m["config"])
    layout = cache_layout(arch)
    attention = arch.kinds.count("A") + arch.kinds.count("P")
    assert layout.full == attention
    growth = kv_cache_bytes(arch, 16384) - kv_cache_bytes(arch, 8192)
    assert growth == 8192 * 2 * arch.kv_heads * arch.head_dim * 2 * attention
    assert layout.state_bytes > 0
    two = kv_cache_bytes(arch, 8192, sequences=2) - 2 * kv_cache_bytes(arch, 8192)
    assert two == 0  # each sequence has its own state and its own tokens


def test_qwen3_next_state_matches_llamas_recurrent_cache():
    """llama.cpp keeps (conv_kernel - 1) x (2 key + value) conv state and value_heads x key_dim x
    value_dim recurrent state per Gated DeltaNet layer, in F32."""
    arch = from_config(MODELS[0]["config"])
    per_layer = 4 * (3 * (2 * 16 * 128 + 32 * 128) + 32 * 128 * 128)
    assert cache_layout(arch).state_bytes == 36 * per_layer


def test_nemotron_blocks_are_separate_mixer_and_ffn_layers():
    arch = from_config(MODELS[1]["config"])
    assert arch.separate_ffn_blocks
    assert [arch.has_ffn(i) for i in range(4)] == [False, True, False, True]


def test_gemma3n_shared_kv_layers_and_per_layer_embeddings():
    base = dict(model_type="gemma3n_text", num_hidden_layers=35, hidden_size=2048, intermediate_size=[16384] * 35,
                num_attention_heads=8, num_key_value_heads=2, head_dim=256, vocab_size=262400, sliding_window=512,
                layer_types=(["sliding_attention"] * 4 + ["full_attention"]) * 7, hidden_size_per_layer_input=256,
                vocab_size_per_layer_input=262144, num_kv_shared_layers=15)
    arch = from_config(base)
    layout = cache_layout(arch)
    assert (layout.full, layout.window) == (4, 16)  # 20 layers own a cache: 4 global, 16 local
    from llmguide.estimate.memory import estimate_memory

    est = estimate_memory(arch, "Q8_0", 4096)
    assert est.host_only > 2e9  # the 2.35B-parameter per-layer table stays in system RAM
    assert abs(est.weights - 7353292256) / 7353292256 < 0.03  # ggml-org/gemma-3n-E4B-it-GGUF Q8_0


@pytest.mark.parametrize("cfg, says", [
    ({"model_type": "jamba"}, "Mamba-1"),
    ({"model_type": "rwkv7"}, "RWKV"),
    ({"model_type": "deepseek_v4"}, "compressed attention"),
    ({"layer_types": ["full_attention", "retention"]}, "retention"),
    ({"hybrid_override_pattern": "M*Q"}, "hybrid_override_pattern"),
])
def test_layers_it_cannot_price_are_refused_by_name(cfg, says):
    config = dict(num_hidden_layers=len(cfg.get("layer_types", cfg.get("hybrid_override_pattern", "xx"))), hidden_size=64,
                  num_attention_heads=4, vocab_size=100, **cfg)
    with pytest.raises(LLMGuideError, match=says):
        from_config(config)


def test_deepseek_v4_compressed_attention_is_a_fraction_of_v32s_cache(catalog):
    """DeepSeek reports V4's KV cache at 1M tokens as a few percent of V3.2's (7% for Flash)."""
    from llmguide.model.architecture import Architecture

    archs = {v.id: Architecture.from_facts(v.architecture) for _, v in catalog.variants()}
    v4 = next(a for vid, a in archs.items() if vid.startswith("deepseek-v4-flash") and "X" in a.kinds)
    v32 = next(a for vid, a in archs.items() if vid.startswith("deepseek-v3.2") and a.index_heads)
    ratio = kv_cache_bytes(v4, 1_000_000) / kv_cache_bytes(v32, 1_000_000)
    assert 0.04 < ratio < 0.12, ratio


def test_native_low_bit_checkpoint_is_priced_as_shipped(catalog):
    """gpt-oss-120b ships MXFP4 experts and BF16 elsewhere: 65.2 GB on Hugging Face."""
    from llmguide.estimate.gpu_formats import gpu_weight_bytes, native_format
    from llmguide.model.architecture import Architecture

    v = catalog.variant("gpt-oss-120b") if hasattr(catalog, "variant") else next(v for _, v in catalog.variants() if v.id == "gpt-oss-120b")
    nq = v.native_quant
    size = gpu_weight_bytes(Architecture.from_facts(v.architecture), native_format(nq.format, nq.applies_to, nq.group_size, nq.rest))
    assert abs(size - 65.2e9) < 0.5e9
