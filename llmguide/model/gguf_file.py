"""Read a ``.gguf`` file's header with the ``gguf`` package (an optional extra).

Only the header is read: the key/value metadata and the tensor table (names, shapes, types, byte
sizes). The package memory-maps the file, so nothing beyond what is touched is read. A file that
is not GGUF, is truncated, or is malformed gives one clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmguide.errors import LLMGuideError
from llmguide.model.architecture import Architecture

GGUF_ALIGNMENT = 32


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says about its weights, exactly."""

    path: str
    arch: Architecture
    name: str | None
    file_type: str  # e.g. MOSTLY_Q4_K_M
    file_bytes: int
    tensor_bytes: int  # all tensors, each padded to the 32-byte alignment
    repeating_bytes: int  # tensors inside the blocks (what -ngl moves)
    read_bytes_per_token: int  # weights one token reads (routed experts scaled)
    type_counts: dict[str, int]  # GGML type -> number of elements
    max_context: int | None
    matrices: tuple[tuple[str, int, int], ...] = ()  # product weights as (GGML type, rows per matrix, bytes)
    expert_layers: tuple[int, ...] = ()  # routed-expert bytes of each block (what --n-cpu-moe moves)


def read_gguf(path: str | Path) -> GGUFInfo:
    try:
        import gguf  # noqa: F401
        from gguf import GGUFReader
    except ImportError:
        raise LLMGuideError(
            "Reading .gguf files needs the gguf package.", "Install it with: pip install 'llmguide[gguf]'"
        ) from None
    p = Path(path)
    if not p.is_file():
        raise LLMGuideError(f"{p}: no such file")
    try:
        reader = GGUFReader(p, "r")
        fields = {name: _value(field) for name, field in reader.fields.items() if not name.startswith("tokenizer.ggml.merges")}
        tokens = reader.fields.get("tokenizer.ggml.tokens")
        vocab_from_tokens = len(tokens.data) if tokens is not None else None
        tensors = [(t.name, t.tensor_type.name, [int(x) for x in t.shape], int(t.n_bytes)) for t in reader.tensors]
    except LLMGuideError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside a hostile or cut-off file
        raise LLMGuideError(f"{p}: not a readable GGUF file ({type(exc).__name__}: {exc})") from None
    return _info(p, fields, vocab_from_tokens, tensors)


def _value(field):
    """A metadata value as plain Python: str, number, or a list for arrays of numbers."""
    import numpy as np

    parts = [field.parts[i] for i in field.data]
    if not parts:
        return None
    types = field.types
    if types and types[0].name == "STRING":
        return bytes(parts[0]).decode("utf-8", "replace")
    if types and types[0].name == "ARRAY":
        if len(types) > 1 and types[1].name == "STRING":
            return None  # string arrays (vocabulary) are counted, not kept
        return [x.item() for p in parts for x in np.asarray(p).ravel()]
    return np.asarray(parts[0]).ravel()[0].item()


def _info(path: Path, f: dict, vocab_from_tokens: int | None, tensors: list) -> GGUFInfo:
    arch_name = f.get("general.architecture")
    if not isinstance(arch_name, str):
        raise LLMGuideError(f"{path}: no general.architecture in the header")

    def key(name: str, default=None):
        value = f.get(f"{arch_name}.{name}", default)
        if isinstance(value, list):  # per-layer arrays: take the largest (the widest layer)
            value = max(value) if value else default
        return value

    layers = key("block_count")
    hidden = key("embedding_length")
    heads = key("attention.head_count")
    if not all(isinstance(v, int) and v > 0 for v in (layers, hidden, heads)):
        raise LLMGuideError(f"{path}: the header lacks block_count, embedding_length or attention.head_count for '{arch_name}'")
    names = {t[0] for t in tensors}
    vocab = key("vocab_size") or vocab_from_tokens
    if not vocab:
        emb = next((t for t in tensors if t[0] == "token_embd.weight"), None)
        vocab = emb[2][1] if emb else 0
    experts = key("expert_count") or None
    window = key("attention.sliding_window") or None
    kv_heads = key("attention.head_count_kv", heads) or heads
    head_dim = key("attention.key_length") or hidden // heads
    pattern = _pattern(path, arch_name, layers, tensors, f.get(f"{arch_name}.attention.sliding_window_pattern") if window else None)
    hybrid = _hybrid_numbers(key, pattern, hidden) if pattern else {}
    if "per_layer_token_embd.weight" in names and key("embedding_length_per_layer_input"):  # Gemma 3n
        ple = next(t for t in tensors if t[0] == "per_layer_token_embd.weight")
        hybrid.update(per_layer_embedding_dim=key("embedding_length_per_layer_input"), per_layer_vocab_size=ple[2][1],
                      kv_shared_layers=key("attention.shared_kv_layers") or 0)
    if pattern and "S" not in pattern:
        window = None
    arch = Architecture(
        layers=layers, hidden_size=hidden, intermediate_size=key("feed_forward_length", 4 * hidden) or 4 * hidden,
        attention_heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab_size=int(vocab),
        tied_embeddings="output.weight" not in names,
        experts=experts if experts and experts > 1 else None,
        experts_per_token=key("expert_used_count") if experts and experts > 1 else None,
        sliding_window=window, sliding_window_layers=_sliding_layers(f, arch_name, layers) if window and not pattern else 0,
        arch=arch_name,
        moe_intermediate_size=key("expert_feed_forward_length"),
        kv_lora_rank=key("attention.kv_lora_rank"),
        qk_rope_head_dim=key("rope.dimension_count") if key("attention.kv_lora_rank") else None,
        v_head_dim=key("attention.value_length") if key("attention.kv_lora_rank") else None,
        **hybrid,
    )
    file_bytes = path.stat().st_size
    repeating = sum(_pad(t[3]) for t in tensors if t[0].startswith("blk."))
    tensor_bytes = sum(_pad(t[3]) for t in tensors)
    per_token = 0
    counts: dict[str, int] = {}
    matrices = tuple((ggml_type, shape[1], n_bytes) for name, ggml_type, shape, n_bytes in tensors
                     if len(shape) >= 2 and name != "token_embd.weight")
    for name, ggml_type, shape, n_bytes in tensors:
        elements = 1
        for d in shape:
            elements *= d
        counts[ggml_type] = counts.get(ggml_type, 0) + elements
        if name == "per_layer_token_embd.weight" or (name == "token_embd.weight" and "output.weight" in names):
            per_token += n_bytes // max(1, shape[-1] if len(shape) > 1 else 1)
        elif "_exps" in name and arch.experts:
            per_token += n_bytes * arch.experts_per_token // arch.experts
        else:
            per_token += n_bytes
    file_type = f.get("general.file_type")
    experts_by_layer = [0] * layers
    for name, _, _, n_bytes in tensors:
        parts = name.split(".")
        if "_exps" in name and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) < layers:
            experts_by_layer[int(parts[1])] += _pad(n_bytes)
    return GGUFInfo(
        path=str(path), arch=arch, name=f.get("general.name"),
        file_type=_file_type_name(file_type), file_bytes=file_bytes, tensor_bytes=tensor_bytes, repeating_bytes=repeating,
        read_bytes_per_token=per_token, type_counts=counts, max_context=key("context_length"), matrices=matrices,
        expert_layers=tuple(experts_by_layer) if any(experts_by_layer) else (),
    )


def _pattern(path: Path, arch_name: str, layers: int, tensors: list, window_pattern) -> str | None:
    """Each block's kind, from the tensors it holds (llama.cpp names them by kind), or None for a
    plain transformer whose blocks all hold attention and an FFN (windows then come from the keys)."""
    blocks: list[set[str]] = [set() for _ in range(layers)]
    for name, *_ in tensors:
        parts = name.split(".")
        if len(parts) > 2 and parts[0] == "blk" and parts[1].isdigit() and int(parts[1]) < layers:
            blocks[int(parts[1])].add(parts[2])
    kinds = []
    for i, names in enumerate(blocks):
        attention = bool(names & {"attn_k", "attn_kv_a_mqa", "attn_kv"}) or ("attn_qkv" in names and "ssm_conv1d" not in names)
        ffn = any(n.startswith("ffn_") for n in names)
        if "ssm_in" in names:
            kind = "P" if attention else "M"
        elif "ssm_conv1d" in names:
            kind = "L"
        elif "shortconv" in names:
            kind = "C"
        elif attention:
            windowed = isinstance(window_pattern, list) and i < len(window_pattern) and bool(window_pattern[i])
            kind = "S" if windowed else "A"
        elif ffn:
            kind = "E" if any("_exps" in n for n in names) else "-"
        else:
            raise LLMGuideError(f"{path}: block {i} of '{arch_name}' has no attention, Mamba2, Gated DeltaNet, convolution "
                                "or FFN tensors llmguide can price.")
        kinds.append(kind)
    pattern = "".join(kinds)
    if set(pattern) <= set("AS") or not pattern:
        return None
    if not any(k in pattern for k in "APXH"):
        raise LLMGuideError(f"{path}: '{arch_name}' has no attention layer; llmguide cannot price a pure recurrent model.")
    return pattern


def _hybrid_numbers(key, pattern: str, hidden: int) -> dict:
    """Mixer sizes from llama.cpp's ``ssm.*`` and ``shortconv.*`` keys."""
    out: dict = {"layer_pattern": pattern}
    inner, state = key("ssm.inner_size"), key("ssm.state_size")
    rank, groups, conv = key("ssm.time_step_rank"), key("ssm.group_count"), key("ssm.conv_kernel")
    if "M" in pattern or "P" in pattern:
        if not (inner and state and rank):
            raise LLMGuideError("GGUF: Mamba2 layers without ssm.inner_size, ssm.state_size or ssm.time_step_rank")
        out.update(ssm_heads=rank, ssm_head_dim=inner // rank, ssm_state_size=state, ssm_groups=groups or 1, ssm_conv_kernel=conv or 4)
    if "L" in pattern:
        if not (inner and state and rank and groups):
            raise LLMGuideError("GGUF: Gated DeltaNet layers without ssm.inner_size, state_size, time_step_rank or group_count")
        out.update(linear_key_heads=groups, linear_value_heads=rank, linear_key_head_dim=state,
                   linear_value_head_dim=inner // rank, linear_conv_kernel=conv or 4)
    if "C" in pattern:
        out["short_conv_kernel"] = key("shortconv.l_cache") or 3
    return out


def _sliding_layers(f: dict, arch_name: str, layers: int) -> int:
    """Layers with a sliding window: the per-layer pattern when the file has one, else what
    llama.cpp assumes for the architecture (Gemma 2: every other layer; Gemma 3: 5 of every 6)."""
    pattern = f.get(f"{arch_name}.attention.sliding_window_pattern")
    if isinstance(pattern, list) and pattern:
        return sum(1 for v in pattern if v)
    if arch_name == "gemma2":
        return layers // 2
    if arch_name in ("gemma3", "gemma3n"):
        return layers - layers // 6
    return 0


def _pad(n: int) -> int:
    return -(-n // GGUF_ALIGNMENT) * GGUF_ALIGNMENT


def _file_type_name(value) -> str:
    if not isinstance(value, int):
        return "unknown"
    try:
        from gguf import LlamaFileType

        return LlamaFileType(value).name.removeprefix("MOSTLY_").removeprefix("ALL_")
    except (ImportError, ValueError):
        return f"ftype {value}"
