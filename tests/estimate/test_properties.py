"""Properties every estimate must have, over many architectures (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmguide.estimate.memory import estimate_memory
from llmguide.estimate.weights import weight_bytes
from llmguide.model import Architecture
from llmguide.model.tensors import parameter_count

LADDER = ["Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"]


@st.composite
def architectures(draw):
    head_dim = draw(st.sampled_from([64, 128]))
    kv = draw(st.sampled_from([1, 2, 4, 8]))
    heads = kv * draw(st.integers(1, 8))
    hidden = draw(st.sampled_from([512, 1024, 2048, 4096, 4544, 5120]))
    inter = draw(st.sampled_from([1408, 2816, 5632, 11008, 14336]))
    layers = draw(st.integers(1, 48))
    vocab = draw(st.sampled_from([32000, 32016, 65024, 128256]))
    moe = draw(st.booleans())
    experts = draw(st.sampled_from([4, 8, 16])) if moe else None
    return Architecture(layers, hidden, inter, heads, kv, head_dim, vocab,
                        tied_embeddings=draw(st.booleans()), experts=experts,
                        experts_per_token=2 if moe else None)


@settings(max_examples=60, deadline=None)
@given(architectures())
def test_more_bits_never_means_fewer_bytes(arch):
    sizes = [weight_bytes(arch, q) for q in LADDER]
    assert sizes == sorted(sizes)


@settings(max_examples=60, deadline=None)
@given(architectures(), st.integers(1, 200_000), st.integers(1, 200_000))
def test_memory_grows_with_context(arch, a, b):
    lo, hi = sorted((a, b))
    assert estimate_memory(arch, "Q4_K_M", lo).total <= estimate_memory(arch, "Q4_K_M", hi).total


@settings(max_examples=40, deadline=None)
@given(architectures())
def test_more_layers_cost_more(arch):
    deeper = Architecture(**{**arch.__dict__, "layers": arch.layers + 1})
    assert parameter_count(deeper) > parameter_count(arch)
    assert estimate_memory(deeper, "Q4_K_M", 2048).total > estimate_memory(arch, "Q4_K_M", 2048).total


@settings(max_examples=40, deadline=None)
@given(architectures())
def test_f16_weights_are_about_two_bytes_per_parameter(arch):
    params = parameter_count(arch)
    assert abs(weight_bytes(arch, "F16") - 2 * params) <= 0.01 * 2 * params + 64 * 1000


@settings(max_examples=60, deadline=None)
@given(architectures(), st.integers(1, 131_072), st.integers(1, 131_072))
def test_llama_cpp_buffers_behave_as_measured(arch, a, b):
    """With flash attention the compute buffer grows with the context by at most its F16 mask (in
    practice the logits dominate and it stays flat); without, by the scores of every head; llama.cpp's
    KV cache is the textbook one rounded up to whole 256-cell blocks."""
    from llmguide.estimate.kv_cache import kv_cache_bytes
    from llmguide.estimate.runtime import compute_buffer_bytes

    lo, hi = sorted((a, b))
    if lo >= 512:  # below one micro-batch the batch itself shrinks with the context
        grown = compute_buffer_bytes(arch, hi, True) - compute_buffer_bytes(arch, lo, True)
        assert 0 <= grown <= (hi - lo + 256) * 512 * 2
    assert compute_buffer_bytes(arch, lo, False) <= compute_buffer_bytes(arch, hi, False)
    assert compute_buffer_bytes(arch, hi, True) <= compute_buffer_bytes(arch, hi, False)
    textbook, llama = kv_cache_bytes(arch, hi), kv_cache_bytes(arch, hi, n_ubatch=512)
    assert textbook <= llama < textbook + kv_cache_bytes(arch, 256)


@settings(max_examples=40, deadline=None)
@given(architectures(), st.sampled_from(LADDER + ["Q4_0"]), st.sampled_from(["avx2", "avx512", "neon-dotprod", "none"]))
def test_mmap_costs_exactly_the_repacked_copy(arch, quant, isa):
    from llmguide.estimate.runtime import LlamaCppRun

    mapped = estimate_memory(arch, quant, 4096, run=LlamaCppRun(mmap=True), cpu_isa=isa)
    read = estimate_memory(arch, quant, 4096, run=LlamaCppRun(mmap=False), cpu_isa=isa)
    assert mapped.resident - read.resident == mapped.repack >= 0
    assert mapped.repack <= mapped.weights
    assert mapped.total == read.total  # what must fit does not change
    if isa == "none":
        assert mapped.repack == 0


@settings(max_examples=40, deadline=None)
@given(architectures(), st.integers(0, 65_536), st.integers(0, 65_536))
def test_cpu_generation_slows_with_depth(arch, a, b):
    from llmguide.estimate.speed import SpeedDevice, estimate_speed

    cpu = SpeedDevice("cpu", 80e9, 1e12)
    lo, hi = sorted((a, b))
    fast = estimate_speed(arch, "Q4_K_M", [(cpu, 1.0)], depth=lo).decode_tokens_per_s
    slow = estimate_speed(arch, "Q4_K_M", [(cpu, 1.0)], depth=hi).decode_tokens_per_s
    assert slow <= fast


def test_the_isa_list_matches_the_repack_table():
    from llmguide.estimate.memory import CPU_ISAS
    from llmguide.estimate.repack import REPACKED

    assert set(CPU_ISAS) == set(REPACKED)
