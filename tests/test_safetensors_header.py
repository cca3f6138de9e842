"""Model folders with safetensors: exact weight bytes from the headers, hostile headers refused."""

from __future__ import annotations

import json
import struct

import pytest

from llmguide.errors import LLMGuideError
from llmguide.model.safetensors_header import read_folder
from tests.model_bytes import write_safetensors

CONFIG = {"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "intermediate_size": 128,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100, "max_position_embeddings": 2048}


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    tensors = {"model.embed_tokens.weight": ("BF16", [100, 64]), "lm_head.weight": ("BF16", [100, 64]),
               "model.norm.weight": ("BF16", [64])}
    for i in range(2):
        for n, shape in [("self_attn.q_proj", [64, 64]), ("self_attn.k_proj", [32, 64]), ("self_attn.v_proj", [32, 64]),
                         ("self_attn.o_proj", [64, 64]), ("mlp.gate_proj", [128, 64]), ("mlp.up_proj", [128, 64]),
                         ("mlp.down_proj", [64, 128])]:
            tensors[f"model.layers.{i}.{n}.weight"] = ("BF16", shape)
    total = write_safetensors(tmp_path / "model.safetensors", tensors)
    return tmp_path, total


def test_headers_give_exact_bytes(folder):
    path, total = folder
    info = read_folder(path)
    assert info.tensor_bytes == total and info.main_dtype == "BF16" and info.files == 1
    assert 0 < info.layer_bytes < total


def test_fit_on_a_folder_adds_its_own_weights(cli, folder):
    path, total = folder
    data = cli.json("fit", str(path), "--quant", "Q4_K_M", "--gpu", "4090")
    first = data["estimates"][0]
    assert first["quant"] == "safetensors" and first["file_bytes"] == total
    assert first["memory"]["weights_bytes"] == total
    assert data["estimates"][1]["quant"] == "Q4_K_M"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x01", "too short"),
        (struct.pack("<Q", 1 << 40) + b"{}", "impossible"),
        (struct.pack("<Q", 5) + b"nope!", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
    ],
)
def test_hostile_headers(tmp_path, content, message):
    (tmp_path / "model.safetensors").write_bytes(content)
    with pytest.raises(LLMGuideError, match=message):
        read_folder(tmp_path)


# --- property: any header is read or refused with one clear error --------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JUNK = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), st.text(max_size=8)),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                     max_leaves=12)
_ENTRY = st.fixed_dictionaries({"dtype": st.sampled_from(["F16", "BF16", "F32", "I8", "Q9", 7]),
                                "shape": st.lists(st.integers(-3, 300), max_size=3) | _JUNK,
                                "data_offsets": st.lists(st.integers(-5, 10**6), min_size=0, max_size=3) | _JUNK})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.dictionaries(st.text(min_size=1, max_size=12), _ENTRY | _JUNK, max_size=4),
       declared=st.one_of(st.none(), st.integers(0, 2**64 - 1)), data=st.integers(0, 4096))
def test_any_safetensors_header_is_read_or_refused_clearly(tmp_path_factory, header, declared, data):
    folder = tmp_path_factory.mktemp("st")
    (folder / "config.json").write_text(json.dumps(CONFIG))
    blob = json.dumps(header).encode()
    length = len(blob) if declared is None else declared
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", length) + blob + b"\0" * data)
    try:
        read_folder(folder)
    except LLMGuideError as exc:
        assert str(exc) and "\n" not in str(exc)
