"""The KV cache is computed from the architecture, exactly."""

from __future__ import annotations

import pytest

from llmguide.estimate.kv_cache import kv_cache_bytes
from llmguide.model import Architecture
from llmguide.units import GIB

LLAMA2_7B = Architecture(32, 4096, 11008, 32, 32, 128, 32000)
LLAMA2_70B = Architecture(80, 8192, 28672, 64, 8, 128, 32000)


def test_multi_head_attention_7b():
    # 2 (K and V) x 32 layers x 32 heads x 128 dims x 4096 tokens x 2 bytes = 2 GiB
    assert kv_cache_bytes(LLAMA2_7B, 4096) == 2 * GIB


def test_grouped_query_attention_is_not_overcharged():
    # 70B has 8 KV heads for 64 query heads: 2 x 80 x 8 x 128 x 4096 x 2 = 1.25 GiB
    assert kv_cache_bytes(LLAMA2_70B, 4096) == int(1.25 * GIB)


def test_quantized_cache_and_parallel_sequences():
    assert kv_cache_bytes(LLAMA2_7B, 4096, "q8_0") == pytest.approx(2 * GIB * 34 / 64)
    assert kv_cache_bytes(LLAMA2_7B, 4096, sequences=4) == 8 * GIB


def test_sliding_window_layers_are_capped():
    swa = Architecture(32, 4096, 14336, 32, 8, 128, 32000, sliding_window=4096, sliding_window_layers=16)
    full = Architecture(32, 4096, 14336, 32, 8, 128, 32000)
    assert kv_cache_bytes(swa, 4096) == kv_cache_bytes(full, 4096)
    assert kv_cache_bytes(swa, 32768) == kv_cache_bytes(full, 32768) // 2 + kv_cache_bytes(full, 4096) // 2


def test_context_must_be_positive():
    with pytest.raises(ValueError):
        kv_cache_bytes(LLAMA2_7B, 0)


def test_llama_3_8b_at_8192_is_one_gib():
    llama3_8b = Architecture(32, 4096, 14336, 32, 8, 128, 128256)
    assert kv_cache_bytes(llama3_8b, 8192) == GIB


def test_mla_caches_the_latent_not_per_head_keys():
    from llmguide.model.config import from_config

    v3 = from_config(dict(model_type="deepseek_v3", num_hidden_layers=61, hidden_size=7168, intermediate_size=18432,
                          moe_intermediate_size=2048, num_attention_heads=128, num_key_value_heads=128, vocab_size=129280,
                          n_routed_experts=256, num_experts_per_tok=8, n_shared_experts=1, first_k_dense_replace=3,
                          q_lora_rank=1536, kv_lora_rank=512, qk_rope_head_dim=64, qk_nope_head_dim=128, v_head_dim=128))
    # (512 latent + 64 rope) elements x 61 layers x 2 bytes per token
    assert kv_cache_bytes(v3, 1) == 576 * 61 * 2


def test_linear_attention_layers_keep_a_fixed_state():
    from llmguide.model.config import from_config

    hybrid = from_config(dict(num_hidden_layers=4, hidden_size=256, intermediate_size=512, num_attention_heads=4,
                              num_key_value_heads=2, vocab_size=1000,
                              layer_types=["linear_attention", "linear_attention", "linear_attention", "full_attention"]))
    assert hybrid.kinds == "LLLA"
    grow = kv_cache_bytes(hybrid, 8192) - kv_cache_bytes(hybrid, 4096)
    assert grow == 2 * 2 * 64 * 2 * 4096  # only the one full-attention layer grows with context
