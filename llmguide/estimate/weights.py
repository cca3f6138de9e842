"""Bytes of the weights, tensor by tensor, and the size of the GGUF file that holds them."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from llmguide.estimate import prices
from llmguide.estimate.ggml_types import tensor_bytes
from llmguide.estimate.gguf_rules import Preset, parse_preset, tensor_type, use_more_bits
from llmguide.model.architecture import Architecture, need
from llmguide.model.tensors import INPUT_TABLES, Tensor, active_parameter_count, parameter_count, per_layer_inputs, tensors

GGUF_ALIGNMENT = 32


def as_preset(preset: Preset | str) -> Preset:
    if isinstance(preset, Preset):
        return preset
    parsed = parse_preset(preset)
    if parsed is None:
        raise ValueError(f"unknown GGUF preset {preset!r}")
    return parsed


def _layer_class(i: int | None, arch: Architecture) -> tuple:
    """What the quantizer's rules can see of a layer index (its place among the attention layers
    and among the FFN layers, see ``Architecture.ordinal``): equal classes get equal types."""
    if i is None:
        return ()
    return (arch.kinds[i], *(_position_class(*arch.ordinal(i, what)) for what in ("attn", "ffn")))


def _position_class(i: int, n: int) -> tuple:
    return (i < 2, i < 4, i < n // 16, i < n // 8, use_more_bits(i, n), n // 8 <= i < 7 * n // 8)


@lru_cache(maxsize=256)
def tensor_groups(arch: Architecture) -> tuple[tuple[Tensor, int], ...]:
    """The tensors as (representative, count) groups that every preset prices alike: same name,
    shape and layer class. A 60-layer model has a few dozen groups instead of a thousand tensors."""
    groups: dict[tuple, list] = {}
    for t in tensors(arch):
        key = (t.name, t.ne0, t.rows, _layer_class(t.layer, arch))
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [t, 1]
    return tuple((t, n) for t, n in groups.values())


def _padded(size: int) -> int:
    return -(-size // GGUF_ALIGNMENT) * GGUF_ALIGNMENT


def _priced(arch: Architecture, preset: Preset) -> tuple[int, int]:
    """(all tensors, tensors inside the repeating blocks), in bytes, each padded to 32 bytes."""
    return prices.kept(prices.PRICED, arch, preset, _price)


def _price(arch: Architecture, preset: Preset) -> tuple[int, int]:
    total = repeating = 0
    for t, count in tensor_groups(arch):
        size = _padded(tensor_bytes(tensor_type(preset, t, arch), t.elements, t.ne0)) * count
        total += size
        if t.layer is not None:
            repeating += size
    return total, repeating


def _read_per_token(arch: Architecture, preset: Preset) -> int:
    """Bytes of weights one decoded token reads."""
    return prices.kept(prices.READS, arch, preset, _reads)


def _reads(arch: Architecture, preset: Preset) -> int:
    """Every tensor once, except that the token embedding is a one-row lookup and only
    ``experts_per_token`` of the routed experts are used."""
    total = 0
    for t, count in tensor_groups(arch):
        size = tensor_bytes(tensor_type(preset, t, arch), t.elements, t.ne0) * count
        if t.name in INPUT_TABLES and not (t.name == "token_embd" and arch.tied_embeddings):
            size //= t.rows
        elif "_exps" in t.name:
            size = size * need(arch.experts_per_token, "experts_per_token") // need(arch.experts, "experts")
        total += size
    return total


@lru_cache(maxsize=1024)
def _head_read(arch: Architecture, preset: Preset) -> int:
    for t, count in tensor_groups(arch):
        if t.name == "output" or (t.name == "token_embd" and arch.tied_embeddings):
            return tensor_bytes(tensor_type(preset, t, arch), t.elements, t.ne0) * count
    return 0


def head_read_bytes(arch: Architecture, preset: Preset | str) -> int:
    """Bytes of the output head a token reads (the embedding matrix when tied): in a llama.cpp
    layer split it stays on the CPU unless every layer is on the GPU."""
    return _head_read(arch, as_preset(preset))


def read_bytes_per_token(arch: Architecture, preset: Preset | str) -> int:
    return _read_per_token(arch, as_preset(preset))


def weight_bytes(arch: Architecture, preset: Preset | str) -> int:
    """Bytes of all tensors under a GGUF preset, each padded to the file's 32-byte alignment."""
    return _priced(arch, as_preset(preset))[0]


def repeating_bytes(arch: Architecture, preset: Preset | str) -> int:
    """Bytes of the tensors inside the repeating blocks (what ``-ngl`` moves to the GPU layer by layer)."""
    return _priced(arch, as_preset(preset))[1]


def type_mix(arch: Architecture, preset: Preset | str) -> dict[str, int]:
    """Elements per GGML type under a preset (what a user sees as 'Q4_K_M is Q4_K + some Q6_K')."""
    mix: Counter[str] = Counter()
    p = as_preset(preset)
    for t in tensors(arch):
        mix[tensor_type(p, t, arch)] += t.elements
    return dict(mix)


def metadata_bytes(arch: Architecture) -> int:
    """Approximate GGUF header: the tokenizer vocabulary dominates.

    Each token is stored as a length-prefixed string (8 + ~7 bytes), a float score and an int type;
    each tensor has a name, shape, type and offset (~80 bytes); a few kB of other keys.
    """
    n_tensors = prices.kept(prices.TENSORS, arch, None, lambda a, _: len(tensors(a)))
    return arch.vocab_size * 23 + n_tensors * 80 + 4096


def counted_params(arch: Architecture) -> tuple[int, int]:
    """Parameters counted from the tensors: (total, active), kept between runs (a ranking prints
    the counts of its picks without listing their tensors)."""
    return prices.kept(prices.PARAMS, arch, None, lambda a, _: (parameter_count(a), active_parameter_count(a)))


def gguf_file_bytes(arch: Architecture, preset: Preset | str) -> int:
    return weight_bytes(arch, preset) + metadata_bytes(arch)


def known_preset(preset: str) -> bool:
    return parse_preset(preset) is not None


def _expert_layers(arch: Architecture, preset: Preset) -> tuple[int, ...]:
    out = [0] * arch.layers
    priced: dict[tuple, int] = {}  # tensors of one group get one type: price each group once
    for t in tensors(arch):
        if t.layer is not None and "_exps" in t.name:
            key = (t.name, t.ne0, t.rows, _layer_class(t.layer, arch))
            if key not in priced:
                priced[key] = _padded(tensor_bytes(tensor_type(preset, t, arch), t.elements, t.ne0))
            out[t.layer] += priced[key]
    return tuple(out)


def expert_bytes_by_layer(arch: Architecture, preset: Preset | str) -> tuple[int, ...]:
    """Bytes of the routed experts in each layer (0 for layers without them): what
    ``--n-cpu-moe N`` leaves in system RAM for the first N layers."""
    return prices.kept(prices.EXPERTS, arch, as_preset(preset), _expert_layers) if arch.is_moe else ()


def host_table_bytes(arch: Architecture, preset: Preset | str) -> int:
    """Bytes of the per-layer embedding table (Gemma 3n): an input lookup that llama.cpp keeps in
    system RAM with the token embeddings, so it never takes GPU memory."""
    p = as_preset(preset)  # (the table alone: listing every tensor of a Gemma 3n took longer than the rest of its estimate)
    return sum(_padded(tensor_bytes(tensor_type(p, t, arch), t.elements, t.ne0))
               for t in per_layer_inputs(arch) if t.name == "per_layer_token_embd")
