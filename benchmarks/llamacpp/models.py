"""Random-weight GGUF files with the exact tensor shapes of real models.

Each entry is the model's own Hugging Face config.json (the keys that decide shapes; the source is
named), which is also what llmguide reads to predict. The writer below names and shapes tensors the
way llama.cpp's loader expects them for that architecture, independently of llmguide's own tensor
listing: llama.cpp refuses a file with a missing, extra or misshapen tensor, so every file that loads
is a real check of shape. Weights are Gaussian noise (std 0.02) stored as F16, 1-D tensors as F32,
as the official converter does; the vocabulary is a synthetic SentencePiece list of the real size.
"""

from __future__ import annotations

from pathlib import Path

# name -> (llama.cpp architecture, config.json subset, source of the config)
MODELS: dict[str, tuple[str, dict, str]] = {
    "llama-3.2-1b": ("llama", {
        "model_type": "llama", "num_hidden_layers": 16, "hidden_size": 2048, "intermediate_size": 8192,
        "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "vocab_size": 128256,
        "tie_word_embeddings": True, "rope_theta": 500000.0, "max_position_embeddings": 131072,
        "rms_norm_eps": 1e-5,
    }, "https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json"),
    "qwen2.5-0.5b": ("qwen2", {
        "model_type": "qwen2", "num_hidden_layers": 24, "hidden_size": 896, "intermediate_size": 4864,
        "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936,
        "tie_word_embeddings": True, "rope_theta": 1000000.0, "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-6,
    }, "https://huggingface.co/Qwen/Qwen2.5-0.5B/blob/main/config.json"),
    "tinyllama-1.1b": ("llama", {
        "model_type": "llama", "num_hidden_layers": 22, "hidden_size": 2048, "intermediate_size": 5632,
        "num_attention_heads": 32, "num_key_value_heads": 4, "vocab_size": 32000,
        "tie_word_embeddings": False, "rope_theta": 10000.0, "max_position_embeddings": 2048,
        "rms_norm_eps": 1e-5,
    }, "https://huggingface.co/TinyLlama/TinyLlama-1.1B-Chat-v1.0/blob/main/config.json"),
    "gemma-3-270m": ("gemma3", {
        "model_type": "gemma3_text", "num_hidden_layers": 18, "hidden_size": 640, "intermediate_size": 2048,
        "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256, "vocab_size": 262144,
        "tie_word_embeddings": True, "rope_theta": 1000000.0, "max_position_embeddings": 32768,
        "sliding_window": 512, "rms_norm_eps": 1e-6,
        "layer_types": (["sliding_attention"] * 5 + ["full_attention"]) * 3,
    }, "https://huggingface.co/google/gemma-3-270m/blob/main/config.json"),
    "granite-3.0-1b-a400m": ("granitemoe", {
        "model_type": "granitemoe", "num_hidden_layers": 24, "hidden_size": 1024, "intermediate_size": 512,
        "num_attention_heads": 16, "num_key_value_heads": 8, "vocab_size": 49155,
        "num_local_experts": 32, "num_experts_per_tok": 8, "tie_word_embeddings": True,
        "rope_theta": 10000.0, "max_position_embeddings": 4096, "rms_norm_eps": 1e-6,
        "embedding_multiplier": 12.0, "residual_multiplier": 0.22, "attention_multiplier": 0.015625,
        "logits_scaling": 6.0,
    }, "https://huggingface.co/ibm-granite/granite-3.0-1b-a400m-base/blob/main/config.json"),
}


def tensor_shapes(arch: str, cfg: dict) -> list[tuple[str, tuple[int, ...]]]:
    """(GGUF name, shape as ne0, ne1, ...) in llama.cpp's naming for ``arch``."""

    h, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    heads, kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or h // heads
    out: list[tuple[str, tuple[int, ...]]] = [("token_embd.weight", (h, v))]
    for i in range(cfg["num_hidden_layers"]):
        b = f"blk.{i}."
        out += [(b + "attn_norm.weight", (h,)), (b + "attn_q.weight", (h, heads * hd)),
                (b + "attn_k.weight", (h, kv * hd)), (b + "attn_v.weight", (h, kv * hd)),
                (b + "attn_output.weight", (heads * hd, h)), (b + "ffn_norm.weight", (h,))]
        if arch == "qwen2":
            out += [(b + "attn_q.bias", (heads * hd,)), (b + "attn_k.bias", (kv * hd,)), (b + "attn_v.bias", (kv * hd,))]
        if arch == "gemma3":
            out += [(b + "attn_q_norm.weight", (hd,)), (b + "attn_k_norm.weight", (hd,)),
                    (b + "post_attention_norm.weight", (h,)), (b + "post_ffw_norm.weight", (h,))]
        if arch == "granitemoe":
            n = cfg["num_local_experts"]
            out += [(b + "ffn_gate_inp.weight", (h, n)), (b + "ffn_gate_exps.weight", (h, f, n)),
                    (b + "ffn_up_exps.weight", (h, f, n)), (b + "ffn_down_exps.weight", (f, h, n))]
        else:
            out += [(b + "ffn_gate.weight", (h, f)), (b + "ffn_up.weight", (h, f)), (b + "ffn_down.weight", (f, h))]
    out.append(("output_norm.weight", (h,)))
    if not cfg["tie_word_embeddings"]:
        out.append(("output.weight", (h, v)))
    return out


def _metadata(writer, arch: str, cfg: dict) -> None:
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    hd = cfg.get("head_dim") or h // heads
    writer.add_name(f"random-{arch}")
    writer.add_context_length(cfg["max_position_embeddings"])
    writer.add_embedding_length(h)
    writer.add_block_count(cfg["num_hidden_layers"])
    writer.add_feed_forward_length(cfg["intermediate_size"])
    writer.add_head_count(heads)
    writer.add_head_count_kv(cfg["num_key_value_heads"])
    writer.add_key_length(hd)
    writer.add_value_length(hd)
    writer.add_rope_dimension_count(hd)
    writer.add_rope_freq_base(cfg["rope_theta"])
    writer.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    writer.add_file_type(1)  # MOSTLY_F16
    if "sliding_window" in cfg:
        writer.add_sliding_window(cfg["sliding_window"])
    if "num_local_experts" in cfg:
        writer.add_expert_count(cfg["num_local_experts"])
        writer.add_expert_used_count(cfg["num_experts_per_tok"])
    if arch == "granitemoe":
        writer.add_embedding_scale(cfg["embedding_multiplier"])
        writer.add_residual_scale(cfg["residual_multiplier"])
        writer.add_attention_scale(cfg["attention_multiplier"])
        writer.add_logit_scale(cfg["logits_scaling"])


def _vocab(writer, size: int) -> None:
    """A SentencePiece-style vocabulary: <unk>, <s>, </s>, the 256 byte tokens, then filler pieces."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    tokens += [f"\u2581t{i}" for i in range(size - len(tokens))]
    types = [2, 3, 3] + [6] * 256 + [1] * (size - 259)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([-float(i) for i in range(size)])
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)


def write_f16(name: str, path: Path, seed: int = 0) -> Path:
    """Write ``name``'s random-weight F16 GGUF to ``path`` (atomically) and return it."""
    import gguf
    import numpy as np

    arch, cfg, _ = MODELS[name]
    shapes = tensor_shapes(arch, cfg)
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".part")
    writer = gguf.GGUFWriter(str(tmp), arch)
    _metadata(writer, arch, cfg)
    _vocab(writer, cfg["vocab_size"])
    for tname, shape in shapes:
        dtype = np.float32 if len(shape) == 1 else np.float16
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        writer.add_tensor_info(tname, tuple(reversed(shape)), np.dtype(dtype), nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tname, shape in shapes:
        if len(shape) == 1:
            data = np.ones(shape, dtype=np.float32)  # norms at 1, biases at 1: harmless
        else:
            data = (rng.standard_normal(tuple(reversed(shape)), dtype=np.float32) * 0.02).astype(np.float16)
        writer.write_tensor_data(data)
    writer.close()
    tmp.replace(path)
    return path
