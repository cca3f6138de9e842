"""Speed physics added for December 2026: device classes, recurrent layers' fixed cost, the
all-reduces of tensor parallelism, the output head of a layer split, and a CPU's reads and decoding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from llmguide.estimate.speed import (
    ALLREDUCE_S, CLASS_FACTOR, CPU_DECODE_FLOPS_PER_BYTE, CPU_STREAM_SHARE, NO_GRAPHS_HANDOFF_S, NO_GRAPHS_LAYER_S, RECURRENT_EXTRA_LAYERS, SpeedDevice,
    cuda_graphs, estimate_offload_speed, estimate_speed, kernel_layers, read_seconds, read_share, speed_class,
    tensor_parallel_sync_s,
)
from llmguide.model.config import from_config

DENSE = from_config(dict(num_hidden_layers=32, hidden_size=4096, intermediate_size=14336, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256))
HYBRID = from_config(dict(model_type="qwen3_next", num_hidden_layers=48, hidden_size=2048, intermediate_size=5120,
                          num_attention_heads=16, num_key_value_heads=2, head_dim=256, vocab_size=151936, num_experts=512,
                          num_experts_per_tok=10, moe_intermediate_size=512, shared_expert_intermediate_size=512,
                          full_attention_interval=4, linear_num_key_heads=16, linear_num_value_heads=32,
                          linear_key_head_dim=128, linear_value_head_dim=128))


@pytest.mark.parametrize("name, family, klass", [
    ("NVIDIA A100 SXM 80GB", "nvidia", "hbm"), ("NVIDIA H200 SXM 141GB", "nvidia", "hbm"),
    ("NVIDIA GeForce RTX 4090", "nvidia", ""), ("Apple M3 Ultra 80-core GPU", "apple", "apple-ultra"),
    ("Apple M4 Max 40-core GPU", "apple", ""), ("AMD Instinct MI300X", "amd", "amd-hbm"),
    ("AMD Radeon RX 7900 XTX", "amd", "amd"), ("AMD Ryzen AI Max+ 395 (Strix Halo, Radeon 8060S)", "amd", "amd-apu"),
    (None, "nvidia", ""),
])
def test_device_classes_come_from_the_name(name, family, klass):
    assert speed_class(name, family) == klass


def test_a_class_factor_scales_the_speed_and_is_said():
    plain = estimate_speed(DENSE, "Q4_K_M", [(SpeedDevice("nvidia", 2039e9), 1.0)])
    hbm = estimate_speed(DENSE, "Q4_K_M", [(SpeedDevice("nvidia", 2039e9, klass="hbm"), 1.0)])
    assert hbm.decode_tokens_per_s == pytest.approx(plain.decode_tokens_per_s * CLASS_FACTOR["hbm"])
    assert any("class (hbm)" in b for b in hbm.basis)


def test_recurrent_layers_cost_more_fixed_time():
    assert kernel_layers(DENSE) == 32
    assert kernel_layers(HYBRID) == 48 + RECURRENT_EXTRA_LAYERS * 36


def test_tensor_parallel_pays_two_all_reduces_per_layer():
    assert tensor_parallel_sync_s(DENSE, 1) == 0
    assert tensor_parallel_sync_s(DENSE, 8) == pytest.approx(2 * 32 * ALLREDUCE_S)
    one = estimate_speed(DENSE, "Q8_0", [(SpeedDevice("nvidia", 8 * 3350e9), 1.0)])
    tp = estimate_speed(DENSE, "Q8_0", [(SpeedDevice("nvidia", 8 * 3350e9), 1.0)], tensor_parallel=8)
    assert 1 / tp.decode_tokens_per_s == pytest.approx(1 / one.decode_tokens_per_s + 2 * 32 * ALLREDUCE_S)


def test_a_split_reads_the_output_head_on_the_cpu():
    """With 31 of 32 layers on the GPU, the CPU still reads the whole output head for every token."""
    gpu, cpu = SpeedDevice("nvidia", 1008e9), SpeedDevice("cpu", 60e9)
    split = estimate_speed(DENSE, "Q4_K_M", [(gpu, 31 / 32), (cpu, 1 / 32)])
    from llmguide.estimate.weights import head_read_bytes

    head_time = read_seconds(cpu, "kquant", head_read_bytes(DENSE, "Q4_K_M"))
    assert 1 / split.decode_tokens_per_s > head_time


@pytest.mark.parametrize("name, family, graphs", [
    ("NVIDIA GeForce RTX 4090", "nvidia", True), ("NVIDIA GeForce RTX 2080", "nvidia", True),
    ("NVIDIA Tesla V100 SXM2 32GB", "nvidia", True), ("NVIDIA GeForce GTX 1080 Ti", "nvidia", False),
    ("NVIDIA Tesla P40", "nvidia", False), ("NVIDIA Tesla M40 24GB", "nvidia", False), ("NVIDIA TITAN Xp", "nvidia", False),
    ("AMD Radeon RX 7900 XTX", "amd", False), (None, "nvidia", True),
])
def test_cuda_graphs_from_volta_on(name, family, graphs):
    assert cuda_graphs(name, family) is graphs


def test_a_card_without_graphs_pays_a_launch_per_kernel():
    with_graphs = estimate_speed(DENSE, "Q4_K_M", [(SpeedDevice("nvidia", 347e9), 1.0)])
    without = estimate_speed(DENSE, "Q4_K_M", [(SpeedDevice("nvidia", 347e9, graphs=False), 1.0)])
    assert 1 / without.decode_tokens_per_s == pytest.approx(1 / with_graphs.decode_tokens_per_s + 32 * NO_GRAPHS_LAYER_S)
    assert any("no CUDA graphs" in b for b in without.basis) and not any("no CUDA graphs" in b for b in with_graphs.basis)


def test_experts_in_ram_without_segment_graphs_cost_more_per_moved_layer():
    gpu, cpu = SpeedDevice("nvidia", 448e9), SpeedDevice("cpu", 80e9)
    args = dict(cpu_read=600_000_000, moved_layers=24, ram_weights=10_000_000_000)
    fast = estimate_offload_speed(HYBRID, "Q4_K_M", gpu, cpu, **args)
    older = estimate_offload_speed(HYBRID, "Q4_K_M", gpu, cpu, **args, segment_graphs=False)  # llama.cpp before 2026-01
    assert 1 / older.decode_tokens_per_s == pytest.approx(1 / fast.decode_tokens_per_s + 24 * NO_GRAPHS_HANDOFF_S)
    assert any("no CUDA graph per GPU segment" in b for b in older.basis)
    pascal = estimate_offload_speed(HYBRID, "Q4_K_M", replace(gpu, graphs=False), cpu, **args)  # no graphs at all
    assert 1 / pascal.decode_tokens_per_s == pytest.approx(
        1 / fast.decode_tokens_per_s + 24 * NO_GRAPHS_HANDOFF_S + kernel_layers(HYBRID) * NO_GRAPHS_LAYER_S)
    amd = estimate_offload_speed(HYBRID, "Q4_K_M", SpeedDevice("amd", 448e9), cpu, **args)
    assert any("no CUDA graph per GPU segment" in b for b in amd.basis)  # HIP replays none


def test_cpu_bytes_cost_a_read_or_their_decoding_whichever_is_slower():
    """Two cores (the calibration machine: 156.5 GFLOP/s against 30.6 GB/s) reach 49-67% of their
    bandwidth, K-quants lowest (llama-bench): their decoding sets the pace. A 16-core desktop
    decodes faster than its memory delivers: it reads at CPU_STREAM_SHARE for every kind."""
    two_cores = SpeedDevice("cpu", 30.62e9, 156.5e9)
    desktop = SpeedDevice("cpu", 61.4e9, 5120e9)
    assert read_share(two_cores, "kquant") == pytest.approx(0.49, abs=0.01)
    assert read_share(two_cores, "legacy") == pytest.approx(0.57, abs=0.01)
    assert read_share(two_cores, "float") == pytest.approx(0.67, abs=0.01)
    for kind in ("kquant", "legacy", "float", "mxfp4"):
        assert read_share(two_cores, kind) < read_share(desktop, kind) == pytest.approx(CPU_STREAM_SHARE)


def test_cpu_decoding_is_charged_per_weight_byte_not_per_cache_byte():
    many = SpeedDevice("cpu", 50e9, 5000e9)  # memory-bound: the read sets the time, cache bytes included
    assert read_seconds(many, "kquant", 1e9, 1e9) == pytest.approx(2e9 / (CPU_STREAM_SHARE * 50e9))
    few = SpeedDevice("cpu", 50e9, 100e9)  # decode-bound: only weight bytes are decoded
    assert read_seconds(few, "kquant", 1e9) == pytest.approx(1e9 * CPU_DECODE_FLOPS_PER_BYTE["kquant"] / 100e9)
    assert read_seconds(few, "kquant", 1e9) > read_seconds(few, "legacy", 1e9) > read_seconds(few, "float", 1e9)
    # without a known FP32 peak, only the read is priced
    assert read_seconds(SpeedDevice("cpu", 50e9), "kquant", 1e9) == pytest.approx(1e9 / (CPU_STREAM_SHARE * 50e9))


def test_an_assumed_cpu_never_caps_a_bandwidth_the_user_gave():
    """Without this machine's FP32 peak the CPU is priced by its reads: doubling --cpu-bandwidth
    doubles the generation speed, whatever compute was assumed for the prompt."""
    slow, fast = (SpeedDevice("cpu", bw, 896e9, flops_assumed=True) for bw in (200e9, 400e9))
    assert read_seconds(slow, "kquant", 1e9) == pytest.approx(2 * read_seconds(fast, "kquant", 1e9))
    known = SpeedDevice("cpu", 400e9, 896e9)  # the same figure, detected: now the decoding bounds it
    assert read_seconds(known, "kquant", 1e9) > read_seconds(fast, "kquant", 1e9)


def test_a_cpu_decodes_the_weights_once_per_sequence_of_a_batch():
    from llmguide.estimate.speed import batch_decode_speed

    few_cores = SpeedDevice("cpu", 60e9, 150e9)  # decoding-bound
    one, two = (batch_decode_speed(DENSE, "Q4_K_M", few_cores, b, 512) for b in (1, 2))
    assert two.aggregate_tokens_per_s < 1.2 * one.aggregate_tokens_per_s
    many_cores = SpeedDevice("cpu", 60e9, 5000e9)  # memory-bound: a second sequence nearly free
    one, two = (batch_decode_speed(DENSE, "Q4_K_M", many_cores, b, 512) for b in (1, 2))
    assert two.aggregate_tokens_per_s > 1.5 * one.aggregate_tokens_per_s
