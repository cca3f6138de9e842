"""Expert offload (-ngl 99 --n-cpu-moe N): exact memory on each side, the smallest N that fits,
speeds that behave physically, and llama.cpp flags that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmguide.estimate.memory import estimate_memory
from llmguide.estimate.placement import expert_offload, layer_split, place, place_as
from llmguide.estimate.weights import expert_bytes_by_layer
from llmguide.estimate.fit import placement_speed
from llmguide.hardware.flags import from_flags
from llmguide.model.config import from_config

GPT_OSS_120B = from_config(dict(model_type="gpt_oss", num_hidden_layers=36, hidden_size=2880, intermediate_size=2880,
                                num_attention_heads=64, num_key_value_heads=8, head_dim=64, vocab_size=201088,
                                num_local_experts=128, num_experts_per_tok=4, sliding_window=128,
                                layer_types=["sliding_attention", "full_attention"] * 18))
QWEN3_30B_A3B = from_config(dict(model_type="qwen3_moe", num_hidden_layers=48, hidden_size=2048, intermediate_size=6144,
                                 moe_intermediate_size=768, num_attention_heads=32, num_key_value_heads=4, head_dim=128,
                                 vocab_size=151936, num_experts=128, num_experts_per_tok=8))
SHAPES = [(GPT_OSS_120B, "MXFP4_MOE"), (QWEN3_30B_A3B, "Q4_K_M")]
FLAGS = Path(__file__).resolve().parents[1] / "data" / "llama_server_flags.txt"


@pytest.mark.parametrize("arch, quant", SHAPES, ids=["gpt-oss-120b", "qwen3-30b-a3b"])
def test_memory_on_each_side_is_exact_and_n_is_the_smallest_that_fits(arch, quant):
    est = estimate_memory(arch, quant, 8192)
    hw = from_flags(12, 96)
    p = place(arch, est, hw)
    assert p.mode == "expert_offload" and p.gpu_layers == arch.layers
    per_layer = expert_bytes_by_layer(arch, quant)
    moved = sum(per_layer[:p.cpu_moe_layers])
    assert p.cpu_expert_bytes == moved
    assert p.gpu_bytes == est.total - moved  # everything else: attention, shared parts, KV, buffers
    assert p.cpu_bytes == moved + est.cpu_extra + est.compute
    assert p.gpu_bytes <= hw.vram_budget
    one_less = est.total - sum(per_layer[:p.cpu_moe_layers - 1])
    assert one_less > hw.vram_budget  # with one layer's experts fewer in RAM, the GPU would overflow


def test_the_routed_experts_are_most_of_an_moe():
    per_layer = expert_bytes_by_layer(GPT_OSS_120B, "MXFP4_MOE")
    est = estimate_memory(GPT_OSS_120B, "MXFP4_MOE", 4096)
    assert len(per_layer) == 36 and len(set(per_layer)) == 1
    assert 0.9 < sum(per_layer) / est.weights < 0.99


def _speed(arch, quant, where, hw):
    s = placement_speed(arch, quant, hw, where, calibrated=False)
    return s.decode_tokens_per_s


@settings(max_examples=25, deadline=None)
@given(vram=st.floats(6, 40), ram=st.floats(64, 256), cpu_bw=st.floats(20, 150))
def test_experts_in_ram_never_slower_than_the_layer_split_at_the_same_memory(vram, ram, cpu_bw):
    """With system RAM slower than the GPU's (desktop DDR4/DDR5, up to 150 GB/s), keeping the
    attention and shared parts on the GPU wins: the CPU reads only a token's experts. (Near the
    GPU's own bandwidth the two tie within the per-layer handoffs.)"""
    from dataclasses import replace

    arch, quant = QWEN3_30B_A3B, "Q8_0"
    est = estimate_memory(arch, quant, 4096)
    hw = replace(from_flags(vram, ram, bandwidth_gbs=1008), cpu_bandwidth=cpu_bw * 1e9)
    moe, split = expert_offload(arch, est, hw), layer_split(arch, est, hw)
    if moe is None or not split.fits:
        return
    assert _speed(arch, quant, moe, hw) >= 0.99 * _speed(arch, quant, split, hw)


@pytest.mark.parametrize("arch, quant", SHAPES, ids=["gpt-oss-120b", "qwen3-30b-a3b"])
def test_more_experts_in_ram_is_never_faster(arch, quant):
    est = estimate_memory(arch, quant, 4096)
    hw = from_flags(24, 256, bandwidth_gbs=1008)
    speeds = [_speed(arch, quant, place_as(arch, est, hw, cpu_moe_layers=n), hw) for n in range(0, arch.layers + 1, 4)
              if place_as(arch, est, hw, cpu_moe_layers=n).fits]
    assert len(speeds) >= 3
    assert all(a >= b for a, b in zip(speeds, speeds[1:]))


def test_printed_flags_are_llama_cpps_own():
    known = {}
    for line in FLAGS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            *names, kind = line.split()
            known.update({n: kind for n in names})
    est = estimate_memory(GPT_OSS_120B, "MXFP4_MOE", 4096)
    hw = from_flags(24, 128, bandwidth_gbs=1008)
    placements = [place(GPT_OSS_120B, est, hw), place_as(GPT_OSS_120B, est, hw, cpu_moe_layers=36),
                  place_as(GPT_OSS_120B, est, hw, gpu_layers=10), place_as(GPT_OSS_120B, est, hw, gpu_layers=0)]
    for p in placements:
        words = shlex.split(p.flags(GPT_OSS_120B))
        while words:
            flag = words.pop(0)
            assert flag in known, flag
            if known[flag] == "value":
                assert words and not words.pop(0).startswith("-")


def test_a_forced_placement_that_does_not_fit_says_by_how_much():
    est = estimate_memory(GPT_OSS_120B, "MXFP4_MOE", 4096)
    hw = from_flags(24, 128, bandwidth_gbs=1008)
    p = place_as(GPT_OSS_120B, est, hw, cpu_moe_layers=2)
    assert p.mode == "none" and p.shortfall > 0 and p.cpu_moe_layers == 2


def test_a_calibration_stored_after_a_ranking_counts_at_the_next(monkeypatch):
    """Ladder steps are cached per process; a `llmguide bench` calibration is applied after the
    cache, so one stored while a server runs reaches its next answer."""
    from dataclasses import replace

    from llmguide.estimate import calibration
    from llmguide.estimate.ladder import quant_options

    hw = replace(from_flags(24, 64, bandwidth_gbs=1008), machine="test-machine")
    before = {o.estimate.quant: o.speed.decode_tokens_per_s for o in quant_options(QWEN3_30B_A3B, 4096, hw)[0]}
    cal = calibration.Calibration("test-machine", "gpu", 0.5, None, "m.gguf", "Q4_K_M", "2026-12-06", "llama.cpp")
    monkeypatch.setattr(calibration, "find", lambda machine, placement: cal if machine == "test-machine" else None)
    after = {o.estimate.quant: o.speed.decode_tokens_per_s for o in quant_options(QWEN3_30B_A3B, 4096, hw)[0]}
    assert after and all(after[q] == pytest.approx(before[q] * 0.5) for q in after)
