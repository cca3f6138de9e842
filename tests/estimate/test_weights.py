"""Weights are priced tensor by tensor at the block type llama-quantize really uses."""

from __future__ import annotations

import pytest

from llmguide.estimate.ggml_types import BLOCKS, bits_per_weight, tensor_bytes
from llmguide.estimate.gguf_rules import parse_preset, tensor_type, use_more_bits
from llmguide.estimate.weights import gguf_file_bytes, type_mix, weight_bytes
from llmguide.model import Architecture, tensors

LLAMA2_7B = Architecture(32, 4096, 11008, 32, 32, 128, 32000)
LLAMA2_70B = Architecture(80, 8192, 28672, 64, 8, 128, 32000)
MIXTRAL = Architecture(32, 4096, 14336, 32, 8, 128, 32000, experts=8, experts_per_token=2)
FALCON_7B_LIKE = Architecture(32, 4544, 18176, 71, 1, 64, 65024)  # rows of 4544 do not divide into 256


@pytest.mark.parametrize(
    "ggml_type, bpw", [("Q4_0", 4.5), ("Q8_0", 8.5), ("Q2_K", 2.625), ("Q3_K", 3.4375), ("Q4_K", 4.5), ("Q5_K", 5.5), ("Q6_K", 6.5625), ("F16", 16)]
)
def test_bits_per_weight(ggml_type, bpw):
    assert bits_per_weight(ggml_type) == bpw


def test_tensor_bytes_rejects_partial_blocks():
    with pytest.raises(ValueError):
        tensor_bytes("Q4_K", 4544 * 10, 4544)


def test_use_more_bits_picks_half_of_32_layers():
    assert sum(use_more_bits(i, 32) for i in range(32)) == 16
    assert [i for i in range(12) if use_more_bits(i, 32)] == [0, 1, 2, 3, 6, 9]


def test_q4_k_m_mix_for_llama_2_7b():
    by_name = {}
    for t in tensors(LLAMA2_7B):
        by_name.setdefault(t.name, set()).add(tensor_type("Q4_K_M", t, LLAMA2_7B))
    assert by_name["output"] == {"Q6_K"}
    assert by_name["token_embd"] == {"Q4_K"}
    assert by_name["attn_v"] == {"Q4_K", "Q6_K"}
    assert by_name["ffn_down"] == {"Q4_K", "Q6_K"}
    assert by_name["attn_q"] == {"Q4_K"}
    assert by_name["attn_norm"] == {"F32"}


@pytest.mark.parametrize(
    "preset, published",
    [  # TheBloke/Llama-2-7B-GGUF exact byte counts (../shared/data/gguf_sizes_dev.csv)
        ("Q4_0", 3825807040), ("Q4_K_M", 4081004224), ("Q4_K_S", 3856740032), ("Q5_K_M", 4783156928),
        ("Q6_K", 5529194176), ("Q8_0", 7161089728), ("Q3_K_M", 3298004672),
    ],
)
def test_llama_2_7b_file_sizes_match_published_bytes(preset, published):
    static = parse_preset(preset, imatrix=False)  # TheBloke quantized without an importance matrix
    assert abs(gguf_file_bytes(LLAMA2_7B, static) - published) / published < 0.001


def test_llama_2_70b_q4_k_m_matches_published():
    published = 41422910368  # TheBloke/Llama-2-70B-GGUF
    assert abs(gguf_file_bytes(LLAMA2_70B, "Q4_K_M") - published) / published < 0.001


def test_70b_gqa_gives_attn_v_more_bits():
    v_types = {tensor_type("Q4_K_S", t, LLAMA2_70B) for t in tensors(LLAMA2_70B) if t.name == "attn_v"}
    assert v_types == {"Q5_K"}


def test_eight_expert_models_keep_attention_k_v_at_q8_0():
    types = {(t.name, tensor_type("Q4_K_M", t, MIXTRAL)) for t in tensors(MIXTRAL)}
    assert ("attn_v", "Q8_0") in types and ("attn_k", "Q8_0") in types
    assert ("attn_output", "Q5_K") in types
    assert ("ffn_gate_inp", "F32") in types  # the router is never quantized


def test_row_fallback_when_blocks_do_not_fit():
    types = {tensor_type("Q4_K_M", t, FALCON_7B_LIKE) for t in tensors(FALCON_7B_LIKE) if t.name == "attn_q"}
    assert types == {"Q5_0"}  # Q4_K -> Q5_0 when 4544 % 256 != 0
    out = [tensor_type("Q4_K_M", t, FALCON_7B_LIKE) for t in tensors(FALCON_7B_LIKE) if t.name == "output"]
    assert out == ["Q8_0"]
    assert all(t.ne0 % BLOCKS[tensor_type("Q2_K", t, FALCON_7B_LIKE)][0] == 0 for t in tensors(FALCON_7B_LIKE))


def test_tied_embeddings_have_no_output_tensor_and_take_the_output_type():
    tied = Architecture(24, 896, 4864, 14, 2, 64, 151936, tied_embeddings=True)
    names = [t.name for t in tensors(tied)]
    assert "output" not in names
    emb = next(t for t in tensors(tied) if t.name == "token_embd")
    assert tensor_type("Q4_K_M", emb, tied) == "Q8_0"  # 896 is not a multiple of 256


def test_f16_keeps_every_matrix_at_f16():
    assert set(type_mix(LLAMA2_7B, "F16")) == {"F16", "F32"}
    assert weight_bytes(LLAMA2_7B, "F16") == pytest.approx(6_738_415_616 * 2, rel=1e-4)


@pytest.mark.parametrize("quant", ["Q4_K_M", "Q8_0", "Q2_K", "F16"])
def test_the_per_layer_table_is_priced_as_in_the_whole_tensor_list(quant):
    """host_table_bytes builds Gemma 3n's per-layer table alone: the same bytes as that tensor
    in the full listing, priced by the same rules."""
    from llmguide.catalog import load_catalog
    from llmguide.estimate.weights import _padded, as_preset, host_table_bytes

    catalog = load_catalog()
    archs = [Architecture.from_facts(v.architecture) for _, v in catalog.variants() if v.architecture.per_layer_embedding_dim]
    assert archs, "the catalog holds Gemma 3n"
    for arch in archs:
        p = as_preset(quant)
        listed = sum(_padded(tensor_bytes(tensor_type(p, t, arch), t.elements, t.ne0)) for t in tensors(arch)
                     if t.name == "per_layer_token_embd")
        assert host_table_bytes(arch, quant) == listed > 0
