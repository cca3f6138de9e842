"""What a ``.gguf`` file's header says about its weights, exactly.

Only the header is read (by :mod:`llmguide.model.gguf_header`, with bounded work): the key/value
metadata and the tensor table (names, shapes, types, byte sizes). A file that is not GGUF, is
truncated, or is malformed gives one clear error. The first part of a split model
(``NAME-00001-of-00003.gguf``) is read with the tensor tables of its other parts
(:mod:`llmguide.model.gguf_split`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmguide.errors import LLMGuideError
from llmguide.model.architecture import Architecture

if TYPE_CHECKING:
    from llmguide.model.gguf_header import GGUFHeader

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
    parts: int = 1  # files the model is split in (gguf-split), all read


def read_gguf(path: str | Path) -> GGUFInfo:
    from llmguide.model.gguf_header import read_header  # only when a file is read: startup stays lean

    p = Path(path)
    header = read_header(p)
    fields, vocab_from_tokens, tensors = header_parts(header)
    file_bytes, parts = header.file_bytes, 1
    if fields.get("split.count") not in (None, 0, 1):  # the first of several parts (gguf-split): read them all
        from llmguide.model.gguf_split import local_parts, other_parts

        more, extra = other_parts(str(p), p.name, fields, len(tensors), local_parts(p))
        tensors += more
        file_bytes, parts = file_bytes + extra, fields["split.count"]
    return gguf_info(p, fields, vocab_from_tokens, tensors, file_bytes, parts)


def header_parts(header: GGUFHeader) -> tuple[dict, int | None, list]:
    """What ``gguf_info`` takes from a parsed header: its metadata (names shown to users cleaned,
    merges dropped), the vocabulary size its token list gives, and its tensor table as
    ``(name, GGML type, shape, bytes)``."""
    from llmguide.model.gguf_header import clean_text
    from llmguide.model.gguf_split import tensor_rows

    fields = {name: value for name, value in header.fields.items() if not name.startswith("tokenizer.ggml.merges")}
    for name in ("general.architecture", "general.name"):  # shown to the user: no escapes, bounded length
        text = fields.get(name)
        if isinstance(text, str):
            fields[name] = clean_text(text)
    return fields, header.array_counts.get("tokenizer.ggml.tokens"), tensor_rows(header)


def gguf_info(path: Path | str, fields: dict, vocab_from_tokens: int | None, tensors: list,
              file_bytes: int, parts: int = 1) -> GGUFInfo:
    """A ``GGUFInfo`` from a header's parts (``header_parts``; the tensors of every part, for a
    split model, and the bytes of all ``parts`` files), read from a file here or over HTTP
    (``path`` the name shown; ``llmguide.model.hub``)."""
    _check_block_count(path, fields, len(tensors))
    return _info(path, fields, vocab_from_tokens, tensors, file_bytes, parts)


def _check_block_count(path: Path | str, fields: dict, n_tensors: int) -> None:
    """Every block holds at least one tensor, so a block count above the tensor count is a broken
    (or vocabulary-only) file; checked here so that nothing later sizes a list by a hostile number."""
    arch_name = fields.get("general.architecture")
    layers = fields.get(f"{arch_name}.block_count") if isinstance(arch_name, str) else None
    if isinstance(layers, list):
        layers = max(layers, default=None)
    if isinstance(layers, int) and layers > n_tensors:
        raise LLMGuideError(f"{path}: the header says {layers} blocks but holds only {n_tensors} tensors "
                            "(a vocabulary-only or broken file)")


def _info(path: Path | str, f: dict, vocab_from_tokens: int | None, tensors: list, file_bytes: int, parts: int) -> GGUFInfo:
    """The architecture and sizes from a header's metadata ``f`` (key -> plain value) and tensor
    table (of every part, for a split model, whose parts measure ``file_bytes`` together). Every
    number used is checked against ``llmguide.model.limits`` first, with errors that name the file
    and the GGUF key (``llama.attention.head_count_kv: -8 must be positive``)."""
    from llmguide.model.files import clean_text, shown_path
    from llmguide.model.limits import HINT, LIMITS, Limit, check, shown, value_problem, whole

    where = shown_path(path)
    arch_name = f.get("general.architecture")
    if not isinstance(arch_name, str):
        raise LLMGuideError(f"{where}: no general.architecture in the header")
    if not _is_arch_name(arch_name):
        raise LLMGuideError(f"{where}: general.architecture {shown(arch_name)} is not an architecture name", HINT)
    names: dict[str, str] = {}  # Architecture field -> the GGUF key it came from, for messages

    def key(name: str, field: str | None = None, default: int | None = None, *, limit: Limit | None = None,
            required: bool = False) -> int | None:
        """``{arch}.{name}`` as a whole number within ``field``'s limit (or ``limit``); a per-layer
        array gives its largest entry (0 marks a layer without the part). 0 or a missing key give
        ``default``, unless ``required``."""
        full = f"{arch_name}.{name}"
        value = f.get(full)
        if value is None:
            return default
        rule = limit or LIMITS[field or ""]
        entries = [(i, whole(x)) for i, x in (enumerate(value) if isinstance(value, list) else [(None, value)])]
        for i, x in entries:
            if not (x == 0 and isinstance(x, int) and not isinstance(x, bool)):
                problem = value_problem(full if i is None else f"{full}[{i}]", x, rule)
                if problem:
                    raise LLMGuideError(f"{where}: {problem}", HINT)
        number = max((x for _, x in entries), default=0)
        if number == 0:
            if required:
                raise LLMGuideError(f"{where}: {full}: 0 must be positive", HINT)
            return default
        if field:
            names[field] = full
        return number

    layers = key("block_count", "layers", required=True)
    hidden = key("embedding_length", "hidden_size", required=True)
    heads = key("attention.head_count", "attention_heads", required=True)
    if layers is None or hidden is None or heads is None:
        raise LLMGuideError(f"{where}: the header lacks block_count, embedding_length or attention.head_count for '{arch_name}'")
    names_in_file = {t[0] for t in tensors}
    vocab = key("vocab_size", "vocab_size")
    if vocab is None and vocab_from_tokens:
        vocab, names["vocab_size"] = vocab_from_tokens, "tokenizer.ggml.tokens (its count)"
    if vocab is None:
        emb = next((t for t in tensors if t[0] == "token_embd.weight"), None)
        vocab = emb[2][1] if emb and len(emb[2]) > 1 else 0
        names["vocab_size"] = "token_embd.weight (its rows)"
    experts = key("expert_count", limit=_limit(0, "experts"))  # 0 or 1: a dense model
    experts = experts if experts and experts > 1 else None
    per_token = None
    if experts:
        names["experts"] = f"{arch_name}.expert_count"
        per_token = key("expert_used_count", "experts_per_token")
        if per_token is None:
            raise LLMGuideError(f"{where}: {arch_name}.expert_count is {experts} but the header has no "
                                f"{arch_name}.expert_used_count", HINT)
    window = key("attention.sliding_window", "sliding_window")
    kv_heads = key("attention.head_count_kv", "kv_heads", heads)
    head_dim = key("attention.key_length", "head_dim") or hidden // heads
    names.setdefault("head_dim", f"{arch_name}.embedding_length / {arch_name}.attention.head_count")
    pattern = _pattern(path, arch_name, layers, tensors, f.get(f"{arch_name}.attention.sliding_window_pattern") if window else None)
    hybrid = _hybrid_numbers(key, pattern, names, where, arch_name) if pattern else {}
    per_layer = next((t for t in tensors if t[0] == "per_layer_token_embd.weight"), None)
    if per_layer is not None and key("embedding_length_per_layer_input", "per_layer_embedding_dim"):  # Gemma 3n
        hybrid.update(per_layer_embedding_dim=key("embedding_length_per_layer_input", "per_layer_embedding_dim"),
                      per_layer_vocab_size=per_layer[2][1] if len(per_layer[2]) > 1 else 0,
                      kv_shared_layers=key("attention.shared_kv_layers", "kv_shared_layers") or 0)
        names["per_layer_vocab_size"] = "per_layer_token_embd.weight (its rows)"
    if pattern and "S" not in pattern:
        window = None
    kv_lora_rank = key("attention.kv_lora_rank", "kv_lora_rank")
    numbers: dict = dict(
        layers=layers, hidden_size=hidden, intermediate_size=key("feed_forward_length", "intermediate_size") or 4 * hidden,
        attention_heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab_size=vocab,
        experts=experts, experts_per_token=per_token,
        sliding_window=window, sliding_window_layers=_sliding_layers(f, arch_name, layers) if window and not pattern else 0,
        moe_intermediate_size=key("expert_feed_forward_length", "moe_intermediate_size"),
        kv_lora_rank=kv_lora_rank,
        qk_rope_head_dim=key("rope.dimension_count", "qk_rope_head_dim") if kv_lora_rank else None,
        v_head_dim=key("attention.value_length", "v_head_dim") if kv_lora_rank else None,
        **hybrid,
    )
    names.setdefault("sliding_window_layers", f"{arch_name}.attention.sliding_window_pattern")
    check(numbers, where, names)
    arch = Architecture(**numbers, tied_embeddings="output.weight" not in names_in_file, arch=arch_name)
    repeating = sum(_pad(t[3]) for t in tensors if t[0].startswith("blk."))
    tensor_bytes = sum(_pad(t[3]) for t in tensors)
    per_token_bytes = 0
    counts: dict[str, int] = {}
    matrices = tuple((ggml_type, shape[1], n_bytes) for name, ggml_type, shape, n_bytes in tensors
                     if len(shape) >= 2 and name != "token_embd.weight")
    for name, ggml_type, shape, n_bytes in tensors:
        elements = 1
        for d in shape:
            elements *= d
        counts[ggml_type] = counts.get(ggml_type, 0) + elements
        if name == "per_layer_token_embd.weight" or (name == "token_embd.weight" and "output.weight" in names_in_file):
            per_token_bytes += n_bytes // max(1, shape[-1] if len(shape) > 1 else 1)
        elif "_exps" in name and arch.experts and arch.experts_per_token:
            per_token_bytes += n_bytes * arch.experts_per_token // arch.experts
        else:
            per_token_bytes += n_bytes
    file_type = f.get("general.file_type")
    experts_by_layer = [0] * layers
    for name, _, _, n_bytes in tensors:
        words = name.split(".")
        if "_exps" in name and len(words) > 2 and words[1].isdigit() and int(words[1]) < layers:
            experts_by_layer[int(words[1])] += _pad(n_bytes)
    model_name = f.get("general.name")
    return GGUFInfo(
        path=str(path), arch=arch, name=clean_text(model_name).strip() or None if isinstance(model_name, str) else None,
        file_type=_file_type_name(file_type), file_bytes=file_bytes, tensor_bytes=tensor_bytes, repeating_bytes=repeating,
        read_bytes_per_token=per_token_bytes, type_counts=counts, max_context=key("context_length", "context_length"),
        matrices=matrices, expert_layers=tuple(experts_by_layer) if any(experts_by_layer) else (), parts=parts,
    )


def _is_arch_name(text: str) -> bool:
    """llama, gpt-oss, falcon-h1, nemotron_h ...: ASCII letters, digits, '_', '.', '-', at most 64."""
    return 0 < len(text) <= 64 and text[0].isalnum() and all(c.isascii() and (c.isalnum() or c in "_.-") for c in text)


def _pattern(path: Path | str, arch_name: str, layers: int, tensors: list, window_pattern) -> str | None:
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


def _hybrid_numbers(key, pattern: str, names: dict[str, str], where: str, arch_name: str) -> dict:
    """Mixer sizes from llama.cpp's ``ssm.*`` and ``shortconv.*`` keys (each checked by ``key``)."""
    out: dict = {"layer_pattern": pattern}
    inner = key("ssm.inner_size", limit=_limit(1, "ssm_heads", "ssm_head_dim"))
    state = key("ssm.state_size", limit=_limit(1, "ssm_state_size"))
    rank = key("ssm.time_step_rank", limit=_limit(1, "ssm_heads"))
    groups = key("ssm.group_count", limit=_limit(1, "ssm_groups"))
    conv = key("ssm.conv_kernel", "ssm_conv_kernel")

    def named(**fields: str) -> None:
        names.update({field: f"{arch_name}.{k}" for field, k in fields.items()})

    if "M" in pattern or "P" in pattern:
        if not (inner and state and rank):
            raise LLMGuideError(f"{where}: Mamba2 layers without ssm.inner_size, ssm.state_size or ssm.time_step_rank")
        out.update(ssm_heads=rank, ssm_head_dim=inner // rank, ssm_state_size=state, ssm_groups=groups or 1, ssm_conv_kernel=conv or 4)
        named(ssm_heads="ssm.time_step_rank", ssm_state_size="ssm.state_size", ssm_groups="ssm.group_count")
        names["ssm_head_dim"] = f"{arch_name}.ssm.inner_size / {arch_name}.ssm.time_step_rank"
    if "L" in pattern:
        if not (inner and state and rank and groups):
            raise LLMGuideError(f"{where}: Gated DeltaNet layers without ssm.inner_size, state_size, time_step_rank or group_count")
        out.update(linear_key_heads=groups, linear_value_heads=rank, linear_key_head_dim=state,
                   linear_value_head_dim=inner // rank, linear_conv_kernel=conv or 4)
        named(linear_key_heads="ssm.group_count", linear_value_heads="ssm.time_step_rank", linear_key_head_dim="ssm.state_size",
              linear_conv_kernel="ssm.conv_kernel")
        names["linear_value_head_dim"] = f"{arch_name}.ssm.inner_size / {arch_name}.ssm.time_step_rank"
    if "C" in pattern:
        out["short_conv_kernel"] = key("shortconv.l_cache", "short_conv_kernel") or 3
    return out


def _limit(low: int, *fields: str):
    """A key's range where one GGUF key feeds fields of different ranges (or their product)."""
    from llmguide.model.limits import LIMITS, Limit

    high = 1
    for field in fields:
        high *= int(LIMITS[field].high)
    return Limit(low, high, LIMITS[fields[0]].why)


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
    from llmguide.model.gguf_header import file_type_name

    return file_type_name(value)
