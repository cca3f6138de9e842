"""GGUF headers: exact sizes from a real file written by the gguf package; hostile files fail clearly."""

from __future__ import annotations

import pytest

gguf = pytest.importorskip("gguf")
np = pytest.importorskip("numpy")

from llmguide.errors import LLMGuideError  # noqa: E402
from llmguide.estimate.weights import weight_bytes  # noqa: E402
from llmguide.model.gguf_file import read_gguf  # noqa: E402

LAYERS, HIDDEN, FFN, HEADS, KV, VOCAB = 2, 64, 128, 4, 2, 100


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory):
    """A small Llama-shaped GGUF with F16 weights (real layout, random values)."""
    path = tmp_path_factory.mktemp("gguf") / "tiny-llama.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny-llama")
    w.add_block_count(LAYERS)
    w.add_embedding_length(HIDDEN)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV)
    w.add_context_length(2048)
    w.add_vocab_size(VOCAB)
    w.add_file_type(1)  # MOSTLY_F16
    rng = np.random.default_rng(0)
    w.add_tensor("token_embd.weight", rng.standard_normal((VOCAB, HIDDEN)).astype(np.float16))
    kv = HIDDEN // HEADS * KV
    for i in range(LAYERS):
        for name, shape in [("attn_q", (HIDDEN, HIDDEN)), ("attn_k", (kv, HIDDEN)), ("attn_v", (kv, HIDDEN)),
                            ("attn_output", (HIDDEN, HIDDEN)), ("ffn_gate", (FFN, HIDDEN)), ("ffn_up", (FFN, HIDDEN)),
                            ("ffn_down", (HIDDEN, FFN))]:
            w.add_tensor(f"blk.{i}.{name}.weight", rng.standard_normal(shape).astype(np.float16))
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(HIDDEN, np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(HIDDEN, np.float32))
    w.add_tensor("output_norm.weight", np.ones(HIDDEN, np.float32))
    w.add_tensor("output.weight", rng.standard_normal((VOCAB, HIDDEN)).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_header_gives_the_architecture(tiny_gguf):
    info = read_gguf(tiny_gguf)
    a = info.arch
    assert (a.layers, a.hidden_size, a.intermediate_size, a.attention_heads, a.kv_heads, a.vocab_size) == (LAYERS, HIDDEN, FFN, HEADS, KV, VOCAB)
    assert info.file_type == "F16" and info.max_context == 2048 and info.name == "tiny-llama"
    assert info.file_bytes == tiny_gguf.stat().st_size


def test_estimator_agrees_with_the_header_exactly(tiny_gguf):
    info = read_gguf(tiny_gguf)
    assert weight_bytes(info.arch, "F16") == info.tensor_bytes  # every tensor, byte for byte
    assert 0 < info.file_bytes - info.tensor_bytes < 8192  # the rest is the header


def test_fit_reads_a_gguf(cli, tiny_gguf):
    data = cli.json("fit", str(tiny_gguf), "--gpu", "4090")
    est = data["estimates"][0]
    assert est["quant"] == "F16"
    assert est["file_bytes"] == tiny_gguf.stat().st_size
    assert est["memory"]["weights_bytes"] == tiny_gguf.stat().st_size
    assert est["fits"] is True and est["speed"]["decode_tokens_per_s"] > 0


@pytest.mark.parametrize("content", [b"", b"hello world" * 20, b"GGUF\x03\x00\x00\x00" + b"\xff" * 40])
def test_garbage_files_are_clear_errors(tmp_path, content):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(content)
    with pytest.raises(LLMGuideError, match="not a readable GGUF file"):
        read_gguf(bad)


def test_truncated_file(tmp_path, tiny_gguf):
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_gguf.read_bytes()[:200])
    with pytest.raises(LLMGuideError, match="not a readable GGUF file"):
        read_gguf(cut)


def test_cli_error_for_missing_gguf(cli, tmp_path):
    r = cli("fit", str(tmp_path / "missing.gguf"))
    assert r.exit_code == 1 and "no such file" in r.stderr


def _write_from_listing(path, arch_name: str, arch, keys: dict):
    """A GGUF whose tensors are the estimator's own listing of ``arch`` (F16 matrices, F32 rest),
    named as llama.cpp names them."""
    from llmguide.estimate.gguf_rules import KEPT_F32
    from llmguide.model.tensors import tensors

    w = gguf.GGUFWriter(str(path), arch_name)
    w.add_block_count(arch.layers)
    w.add_embedding_length(arch.hidden_size)
    w.add_head_count(arch.attention_heads)
    w.add_head_count_kv(arch.kv_heads)
    w.add_key_length(arch.head_dim)
    w.add_vocab_size(arch.vocab_size)
    for key, value in keys.items():
        w.add_uint32(f"{arch_name}.{key}", value)
    for t in tensors(arch):
        base, _, suffix = t.name.partition(".")
        base = base.replace("shortconv_", "shortconv.")
        name = (f"blk.{t.layer}." if t.layer is not None else "") + base + "." + (suffix or "weight")
        f32 = not t.is_matrix or suffix or base.endswith("_norm") or t.name in KEPT_F32
        w.add_tensor(name, np.zeros((t.rows, t.ne0), np.float32 if f32 else np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.mark.parametrize("cfg, arch_name, keys", [
    (dict(model_type="nemotron_h", num_hidden_layers=4, hidden_size=64, intermediate_size=96, num_attention_heads=4,
          num_key_value_heads=2, head_dim=16, vocab_size=100, hybrid_override_pattern="M-*E", n_routed_experts=4,
          num_experts_per_tok=2, moe_intermediate_size=32, mamba_num_heads=8, mamba_head_dim=16, ssm_state_size=16,
          n_groups=2, conv_kernel=4),
     "nemotron_h", {"ssm.inner_size": 128, "ssm.state_size": 16, "ssm.time_step_rank": 8, "ssm.group_count": 2,
                    "ssm.conv_kernel": 4, "expert_count": 4, "expert_used_count": 2}),
    (dict(model_type="qwen3_next", num_hidden_layers=4, hidden_size=64, intermediate_size=96, num_attention_heads=4,
          num_key_value_heads=2, head_dim=16, vocab_size=100, full_attention_interval=4, linear_num_key_heads=2,
          linear_num_value_heads=4, linear_key_head_dim=16, linear_value_head_dim=16),
     "qwen3next", {"ssm.inner_size": 64, "ssm.state_size": 16, "ssm.time_step_rank": 4, "ssm.group_count": 2,
                   "ssm.conv_kernel": 4}),
    (dict(model_type="lfm2", num_hidden_layers=4, hidden_size=64, intermediate_size=96, num_attention_heads=4,
          num_key_value_heads=2, vocab_size=100, full_attn_idxs=[1, 3], conv_L_cache=3),
     "lfm2", {"shortconv.l_cache": 3}),
])
def test_hybrid_gguf_layout_comes_from_its_tensors(tmp_path, cfg, arch_name, keys):
    """The reader finds each block's kind from the tensors it holds and prices the cache from it."""
    from llmguide.estimate.kv_cache import kv_cache_bytes
    from llmguide.model.config import from_config

    arch = from_config(cfg)
    path = tmp_path / "hybrid.gguf"
    _write_from_listing(path, arch_name, arch, keys)
    info = read_gguf(path)
    assert info.arch.kinds == arch.kinds
    assert kv_cache_bytes(info.arch, 4096) == kv_cache_bytes(arch, 4096)


def test_gguf_block_of_unknown_kind_is_refused(tmp_path):
    w = gguf.GGUFWriter(str(tmp_path / "rwkv.gguf"), "rwkv7")
    w.add_block_count(1)
    w.add_embedding_length(8)
    w.add_head_count(2)
    w.add_tensor("token_embd.weight", np.zeros((10, 8), np.float16))
    w.add_tensor("blk.0.time_mix_key.weight", np.zeros((8, 8), np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with pytest.raises(LLMGuideError, match="block 0 of 'rwkv7'"):
        read_gguf(tmp_path / "rwkv.gguf")


def test_tensor_table_matches_the_gguf_package(tiny_gguf):
    """Our reader and gguf-py's agree on every tensor's name, type name, shape, bytes and place."""
    from llmguide.model.gguf_header import read_header

    ours = read_header(tiny_gguf)
    theirs = gguf.GGUFReader(tiny_gguf, "r")
    assert [(t.name, t.ggml_type, list(t.shape), t.n_bytes, ours.data_offset + t.offset) for t in ours.tensors] == [
        (t.name, t.tensor_type.name, [int(x) for x in t.shape], int(t.n_bytes), int(t.data_offset)) for t in theirs.tensors]


def test_names_from_the_file_lose_terminal_escapes(tmp_path):
    path = tmp_path / "evil.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("evil\x1b[2J\x1b]0;owned\x07" + "x" * 500)
    for add, value in ((w.add_block_count, 1), (w.add_embedding_length, 8), (w.add_head_count, 2)):
        add(value)
    w.add_tensor("token_embd.weight", np.zeros((10, 8), np.float16))
    w.add_tensor("blk.0.attn_k.weight", np.zeros((8, 8), np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    info = read_gguf(path)
    assert info.name.startswith("evilxxx") and len(info.name) == 200
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in info.name)


def test_a_block_count_beyond_the_tensors_is_refused(tmp_path):
    """Nothing sizes a per-block list by a hostile block count."""
    path = tmp_path / "huge.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_uint64("llama.block_count", 1 << 60)
    w.add_embedding_length(8)
    w.add_head_count(2)
    w.add_tensor("token_embd.weight", np.zeros((10, 8), np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with pytest.raises(LLMGuideError, match="1152921504606846976 blocks but holds only 1 tensors"):
        read_gguf(path)


def test_cli_refuses_a_fifo_at_once(cli, tmp_path):
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "model.gguf")
    r = cli("fit", str(tmp_path / "model.gguf"), "--gpu", "4090")
    assert r.exit_code == 1 and "not a regular file" in r.stderr
