"""Physical limits checked at the edge: every model input (config.json, safetensors and GGUF
headers, catalog files, calibration files) is refused with a message naming the file and the field
when a number is impossible, of the wrong type, or not finite, and no file can block or hang."""

from __future__ import annotations

import json
import math
import os
import struct
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmguide.catalog.schema import ArchitectureFacts, Family, Params
from llmguide.catalog.validate import validate
from llmguide.catalog.yamlfile import read_model
from llmguide.errors import CatalogError, LLMGuideError
from llmguide.hardware.presets import HardwareFile
from llmguide.model.architecture import Architecture
from llmguide.model.config import config_name, from_config, max_context, read_config
from llmguide.model.gguf_file import _info
from llmguide.model.files import clean_text, parse_json
from llmguide.model.limits import LIMITS, MAX_PARAMS_B, problems
from llmguide.model.safetensors_header import read_folder
from llmguide.model.tensors import parameter_count
from tests.conftest import returns_quickly

LLAMA = {"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096, "intermediate_size": 14336,
         "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072}

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def arch_numbers(arch: Architecture) -> dict:
    return {k: getattr(arch, k) for k in LIMITS if hasattr(arch, k)}


# --- config.json -------------------------------------------------------------------------------

def test_a_million_layers_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(LLMGuideError, match="num_hidden_layers: 1000000 is more than 1,024"):
        from_config({**LLAMA, "num_hidden_layers": 1_000_000}, "x/config.json")
    assert time.perf_counter() - start < 0.2


@pytest.mark.parametrize("layers", [100_000_000, 1e8, 10 ** 400])
def test_absurd_layer_counts(layers):
    with pytest.raises(LLMGuideError, match=r"x/config.json: num_hidden_layers: .* is more than 1,024"):
        from_config({**LLAMA, "num_hidden_layers": layers}, "x/config.json")


@pytest.mark.parametrize("change, message", [
    ({"head_dim": -128}, "head_dim: -128 must be positive"),
    ({"num_key_value_heads": -8}, "num_key_value_heads: -8 must be positive"),
    ({"num_key_value_heads": 0}, "num_key_value_heads: 0 must be positive"),
    ({"num_key_value_heads": 3}, "num_key_value_heads: num_attention_heads 32 is not a multiple of num_key_value_heads 3"),
    ({"num_key_value_heads": 64}, "num_key_value_heads: .* not a multiple of num_key_value_heads 64"),
    ({"num_attention_heads": 0}, "num_attention_heads: 0 must be positive"),
    ({"vocab_size": True}, "vocab_size: true is a yes/no value, not a number"),
    ({"hidden_size": "4096"}, "hidden_size: '4096' is text, not a number"),
    ({"hidden_size": [4096]}, "hidden_size: a list is not a number"),
    ({"hidden_size": {"a": 1}}, "hidden_size: an object is not a number"),
    ({"hidden_size": float("nan")}, "hidden_size: NaN is not a finite number"),
    ({"intermediate_size": float("inf")}, "intermediate_size: Infinity is not a finite number"),
    ({"hidden_size": 4096.5}, "hidden_size: 4096.5 is not a whole number"),
    ({"vocab_size": 10 ** 400}, "vocab_size: a 401-digit number is more than 4,000,000"),
    ({"num_local_experts": 8, "num_experts_per_tok": 9}, "num_experts_per_tok: 9 is larger than num_local_experts 8"),
    ({"num_local_experts": -2, "num_experts_per_tok": 1}, "num_local_experts: -2 must not be negative"),
    ({"max_position_embeddings": 1 << 40}, "max_position_embeddings: 1099511627776 is more than 134,217,728"),
    ({"max_position_embeddings": float("nan")}, "max_position_embeddings: NaN is not a finite number"),
    ({"sliding_window": -1, "layer_types": ["sliding_attention"] * 32}, "sliding_window: -1 must be positive"),
    ({"layer_types": ["sliding_attention"] * 40, "sliding_window": 4096}, "layer_types: 40 is larger than num_hidden_layers 32"),
    ({"tie_word_embeddings": "yes"}, "tie_word_embeddings: 'yes' is not true or false"),
    ({"text_config": [1, 2]}, "text_config: expected an object"),
    ({"model_type": 7}, "model_type: 7 is not text"),
    ({"layer_types": "full_attention"}, "layer_types: expected a list of names"),
    ({"kv_lora_rank": 512, "qk_rope_head_dim": 64}, "kv_lora_rank .* without qk_nope_head_dim, v_head_dim"),
    ({"index_n_heads": 64}, "index_n_heads: an indexer needs index_head_dim too"),
    ({"hidden_size": 131072, "intermediate_size": 1 << 20, "num_hidden_layers": 1024, "vocab_size": 4_000_000,
      "num_local_experts": 4096, "num_experts_per_tok": 8, "num_attention_heads": 1024, "num_key_value_heads": 8},
     "these numbers make a model of 1,729,419 trillion parameters, more than the 100 trillion"),
])
def test_impossible_configs_name_the_file_and_key(change, message):
    with pytest.raises(LLMGuideError, match=f"^x/config.json: {message}") as info:
        from_config({**LLAMA, **change}, "x/config.json")
    assert "Traceback" not in str(info.value)


def test_kv_heads_that_do_not_divide_are_refused_like_the_catalog_refuses_them():
    facts = dict(layers=32, hidden_size=4096, intermediate_size=11008, attention_heads=32, kv_heads=3, head_dim=128,
                 vocab_size=32000, sources=["card"])
    with pytest.raises(Exception, match="attention_heads 32 is not a multiple of kv_heads 3"):
        validate(facts, ArchitectureFacts)
    with pytest.raises(LLMGuideError, match="num_attention_heads 32 is not a multiple of num_key_value_heads 3"):
        from_config({**LLAMA, "num_key_value_heads": 3})


def test_real_looking_configs_still_read():
    arch = from_config({**LLAMA, "intermediate_size": 14336.0, "sliding_window": None, "q_lora_rank": None})
    assert (arch.layers, arch.kv_heads, arch.head_dim, arch.intermediate_size) == (32, 8, 128, 14336)
    assert problems(arch_numbers(arch)) == []
    assert max_context(LLAMA) == 131072 and max_context({"text_config": {"max_position_embeddings": 8192}}) == 8192


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


@pytest.mark.parametrize("text, message", [
    ('{"num_hidden_layers": NaN}', "num_hidden_layers: NaN is not a number JSON allows"),
    ('{"text_config": {"hidden_size": -Infinity}}', r"text_config.hidden_size: -Infinity is not a number JSON allows"),
    ('{"rope_theta": 1e400}', "rope_theta: 1e400 is not a finite number"),
    ('{"vocab_size": ' + "9" * 400 + "}", "vocab_size: .* has 400 digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply|nested more than"),
    ('{"a": ' + "[" * 40 + "]" * 40 + "}", "a.*: nested more than 32 levels deep"),
    ("[1, 2]", "expected a JSON object at the top level"),
    ('{"a": 1,}', "line 1: not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8 text"),
])
def test_config_files_are_parsed_strictly(tmp_path, text, message):
    path = _write(tmp_path / "config.json", text)
    with pytest.raises(LLMGuideError, match=message) as info:
        read_config(path)
    assert str(info.value).startswith(str(path))


def test_a_deeply_nested_config_is_refused_quickly(tmp_path):
    path = _write(tmp_path / "config.json", '{"x": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")
    start = time.perf_counter()
    with pytest.raises(LLMGuideError, match="nested"):
        read_config(path)
    assert time.perf_counter() - start < 2


def test_a_config_file_too_large_is_not_read(tmp_path):
    path = _write(tmp_path / "config.json", "{" + " " * (5 << 20) + "}")
    with pytest.raises(LLMGuideError, match="too large for a config.json"):
        read_config(path)


def test_a_million_layers_from_a_file(tmp_path):
    path = _write(tmp_path / "config.json", json.dumps({**LLAMA, "num_hidden_layers": 1_000_000}))
    start = time.perf_counter()
    with pytest.raises(LLMGuideError, match="num_hidden_layers: 1000000 is more than"):
        from_config(read_config(path), str(path))
    assert time.perf_counter() - start < 0.5


@needs_fifo
def test_a_fifo_config_json_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "config.json")
    with pytest.raises(LLMGuideError, match="a FIFO, not a regular file"):
        returns_quickly(lambda: read_config(tmp_path / "config.json"))


def test_unreadable_paths_are_said_plainly(tmp_path):
    with pytest.raises(LLMGuideError, match="no such file"):
        read_config(tmp_path / "missing.json")
    with pytest.raises(LLMGuideError, match="a folder, not a regular file"):
        read_config(tmp_path)
    long = tmp_path / ("x" * 5000) / "config.json"
    with pytest.raises(LLMGuideError, match="too long") as info:
        read_config(long)
    assert len(str(info.value)) < 400  # the path is shortened in the message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_said_plainly(tmp_path):
    path = _write(tmp_path / "config.json", json.dumps(LLAMA))
    path.chmod(0)
    try:
        with pytest.raises(LLMGuideError, match="permission denied"):
            read_config(path)
    finally:
        path.chmod(0o600)


def test_names_from_files_lose_control_characters():
    assert config_name({"_name_or_path": "\x1b[31mevil\x1b[0m\x07 model\u202e"}, "f") == "evil model"
    assert len(config_name({"_name_or_path": "a" * 5000}, "f")) == 200
    assert config_name({"_name_or_path": ["x"]}, "folder") == "folder"
    assert clean_text("\x1b]0;title\x07ok\x9b") == "ok"
    arch = from_config({**LLAMA, "model_type": "\x1b[2Jqwen2"})
    assert arch.arch == "qwen2" and arch.attention_bias  # cleaned, then understood


# --- safetensors headers ----------------------------------------------------------------------

def _safetensors(path: Path, header: dict | bytes, data: int = 0) -> Path:
    blob = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + b"\0" * data)
    return path


@pytest.mark.parametrize("entry, data, message", [
    ({"dtype": "BF16", "shape": [-4, 2], "data_offsets": [0, 16]}, 16, "shape must be a list"),
    ({"dtype": "BF16", "shape": [4, True], "data_offsets": [0, 8]}, 8, "shape must be a list"),
    ({"dtype": "Q9", "shape": [4], "data_offsets": [0, 8]}, 8, "dtype 'Q9' is not a safetensors dtype"),
    ({"dtype": "BF16", "shape": [4], "data_offsets": [8, 0]}, 8, "lie outside"),
    ({"dtype": "BF16", "shape": [4], "data_offsets": [0, 1 << 40]}, 8, "lie outside"),
    ({"dtype": "BF16", "shape": [4], "data_offsets": [0, "8"]}, 8, "data_offsets must be two"),
    ({"dtype": "BF16", "shape": [4, 4], "data_offsets": [0, 8]}, 8, "is not the 8 bytes"),
    ([1, 2], 0, "expected an object"),
])
def test_hostile_tensor_entries(tmp_path, entry, data, message):
    _safetensors(tmp_path / "model.safetensors", {"w\x1b[31m": entry}, data)
    with pytest.raises(LLMGuideError, match=message) as info:
        read_folder(tmp_path)
    assert "model.safetensors: tensor 'w'" in str(info.value)


def test_safetensors_headers_refuse_nan_and_huge_numbers(tmp_path):
    _safetensors(tmp_path / "model.safetensors", b'{"w": {"dtype": "F16", "shape": [NaN], "data_offsets": [0, 2]}}', 2)
    with pytest.raises(LLMGuideError, match=r"w.shape\[0\]: NaN is not a number JSON allows"):
        read_folder(tmp_path)
    _safetensors(tmp_path / "model.safetensors", b'{"w": {"dtype": "F16", "shape": [' + b"1" * 400 + b'], "data_offsets": [0, 2]}}', 2)
    with pytest.raises(LLMGuideError, match="has 400 digits"):
        read_folder(tmp_path)


def test_valid_headers_with_packed_dtypes(tmp_path):
    _safetensors(tmp_path / "model.safetensors", {
        "__metadata__": {"format": "pt"},
        "model.layers.0.w": {"dtype": "F4", "shape": [4, 4], "data_offsets": [0, 8]},
        "model.layers.0.s": {"dtype": "F8_E8M0", "shape": [4], "data_offsets": [8, 12]},
    }, 12)
    info = read_folder(tmp_path)
    assert info is not None and info.tensor_bytes == 12 and info.layer_bytes == 12


@needs_fifo
def test_a_fifo_model_safetensors_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "model.safetensors")
    with pytest.raises(LLMGuideError, match="a FIFO, not a regular file"):
        returns_quickly(lambda: read_folder(tmp_path))


# --- GGUF metadata ----------------------------------------------------------------------------

def _gguf_fields(**keys) -> dict:
    fields = {"general.architecture": "llama", "general.name": "tiny", "llama.block_count": 2, "llama.embedding_length": 64,
              "llama.attention.head_count": 4, "llama.attention.head_count_kv": 2, "llama.feed_forward_length": 128,
              "llama.context_length": 2048, "llama.vocab_size": 100}
    fields.update({k if k.startswith("general.") else f"llama.{k}": v for k, v in keys.items()})
    return {k: v for k, v in fields.items() if v is not None}


GGUF_TENSORS = [("token_embd.weight", "F16", [64, 100], 12800), ("output.weight", "F16", [64, 100], 12800),
                *[(f"blk.{i}.{n}.weight", "F16", [64, 64], 8192) for i in range(2) for n in ("attn_q", "attn_k", "ffn_up")]]


def gguf_info(tmp_path: Path, **keys):
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    return _info(path, _gguf_fields(**keys), None, GGUF_TENSORS, file_bytes=4, parts=1)


def test_a_plain_gguf_header_reads(tmp_path):
    info = gguf_info(tmp_path, **{"general.name": "tiny\x1b[5m blink"})
    assert (info.arch.layers, info.arch.kv_heads, info.arch.head_dim, info.max_context) == (2, 2, 16, 2048)
    assert info.name == "tiny blink"


@pytest.mark.parametrize("keys, message", [
    ({"attention.head_count_kv": -8}, "llama.attention.head_count_kv: -8 must be positive"),
    ({"attention.key_length": -128}, "llama.attention.key_length: -128 must be positive"),
    ({"attention.head_count": 0}, "llama.attention.head_count: 0 must be positive"),
    ({"attention.head_count_kv": 3}, "llama.attention.head_count_kv: llama.attention.head_count 4 is not a multiple of "
                                     "llama.attention.head_count_kv 3"),
    ({"block_count": "two"}, "llama.block_count: 'two' is text, not a number"),
    ({"block_count": 100_000_000}, "llama.block_count: 100000000 is more than 1,024"),
    ({"block_count": True}, "llama.block_count: true is a yes/no value"),
    ({"embedding_length": [64, -1]}, r"llama.embedding_length\[1\]: -1 must be positive"),
    ({"context_length": float("nan")}, "llama.context_length: NaN is not a finite number"),
    ({"context_length": 1 << 40}, "llama.context_length: 1099511627776 is more than"),
    ({"feed_forward_length": 1.5}, "llama.feed_forward_length: 1.5 is not a whole number"),
    ({"expert_count": 8}, "llama.expert_count is 8 but the header has no llama.expert_used_count"),
    ({"expert_count": 8, "expert_used_count": 9}, "llama.expert_used_count: 9 is larger than llama.expert_count 8"),
    ({"vocab_size": -1}, "llama.vocab_size: -1 must be positive"),
    ({"general.architecture": "llama\x1b[31m"}, "general.architecture 'llama' is not an architecture name"),
])
def test_impossible_gguf_metadata_names_the_key(tmp_path, keys, message):
    with pytest.raises(LLMGuideError, match=message) as info:
        gguf_info(tmp_path, **keys)
    assert str(info.value).startswith(str(tmp_path / "m.gguf"))


GGUF_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 64), 2 ** 64), st.floats(), st.text(max_size=8),
                      st.lists(st.integers(-5, 5000), max_size=4), st.lists(st.text(max_size=3), max_size=2))
GGUF_KEYS = ["block_count", "embedding_length", "attention.head_count", "attention.head_count_kv", "attention.key_length",
             "feed_forward_length", "context_length", "vocab_size", "expert_count", "expert_used_count",
             "attention.sliding_window", "expert_feed_forward_length", "attention.kv_lora_rank", "rope.dimension_count",
             "attention.value_length", "general.name", "general.file_type"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(GGUF_KEYS), GGUF_JUNK, max_size=5))
def test_any_gguf_metadata_reads_or_is_a_clear_error(tmp_path, junk):
    try:
        info = gguf_info(tmp_path, **junk)
    except LLMGuideError:
        return
    assert problems(arch_numbers(info.arch)) == []
    assert info.max_context is None or 1 <= info.max_context <= LIMITS["context_length"].high


# --- the catalog ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def family_text() -> str:
    from llmguide.catalog.paths import catalog_dir

    return (catalog_dir() / "models" / "gemma-3.yaml").read_text(encoding="utf-8")


def _family_with(tmp_path: Path, text: str, section: str, key: str, value: str) -> Path:
    """The family file with the first ``key`` under the first ``section:`` set to ``value``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{section}:")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}{key}: {value}"
    path = tmp_path / "gemma-3.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("section, key, value, message", [
    ("architecture", "layers", "100000000", "variants.0.architecture.layers': Input should be less than or equal to 1024"),
    ("architecture", "layers", "true", "variants.0.architecture.layers': Input should be a valid integer"),
    ("architecture", "layers", "'26'", "variants.0.architecture.layers': Input should be a valid integer"),
    ("architecture", "layers", "26.0", "variants.0.architecture.layers': Input should be a valid integer"),
    ("architecture", "head_dim", "-128", "variants.0.architecture.head_dim': Input should be greater than 0"),
    ("architecture", "kv_heads", "3", "attention_heads 4 is not a multiple of kv_heads 3"),
    ("architecture", "vocab_size", "5000000", "vocab_size': Input should be less than or equal to 4000000"),
    ("architecture", "tied_embeddings", "1", "tied_embeddings': Input should be a valid boolean"),
    ("params", "total_b", ".nan", "variants.0.params.total_b': Input should be a finite number"),
    ("params", "total_b", "true", "variants.0.params.total_b': Input should be a valid number"),
    ("params", "total_b", "1000000", "total_b': Input should be less than or equal to 100000"),
    ("context", "length", ".inf", "variants.0.context.length': Input should be a valid integer"),
    ("context", "length", "200000000", "context.length': Input should be less than or equal to 134217728"),
])
def test_catalog_files_are_held_to_the_same_limits(tmp_path, family_text, section, key, value, message):
    path = _family_with(tmp_path, family_text, section, key, value)
    with pytest.raises(CatalogError, match=message) as info:
        read_model(path, Family)
    assert str(info.value).startswith(f"{path}: line ")


@pytest.mark.parametrize("field, value, message", [
    ("bandwidth_gbs", ".inf", "finite number"), ("bandwidth_gbs", ".nan", "finite number"),
    ("bandwidth_gbs", "true", "valid number"), ("memory_gb", "true", "valid number"), ("gpu_cores", "true", "valid integer"),
    ("memory_options_gb", "[24, .inf]", "finite number"),
])
def test_hardware_presets_refuse_infinities_and_yes_no_numbers(tmp_path, field, value, message):
    device = {"id": "gpu-x", "name": "GPU X", "vendor": "nvidia", "kind": "gpu", "memory_gb": 24, "bandwidth_gbs": 1000,
              "sources": ["spec"]}
    base = {"sources": {"spec": {"url": "https://example.com/spec", "title": "Spec sheet"}}, "devices": [device]}
    assert validate(base, HardwareFile).devices[0].bandwidth_gbs == 1000
    device[field] = "SENTINEL"
    if field == "memory_options_gb":
        del device["memory_gb"]
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(base).replace("SENTINEL", value), encoding="utf-8")
    with pytest.raises(CatalogError, match=f"devices.0.{field}(.1)?': Input should be a {message}"):
        read_model(path, HardwareFile)


def test_params_strictness():
    with pytest.raises(Exception, match="finite number"):
        validate({"total_b": math.inf, "sources": ["card"]}, Params)


def test_every_shipped_model_is_within_the_limits(catalog):
    for _, variant in catalog.variants():
        facts = variant.architecture.numbers()
        assert problems(facts) == [], variant.id
        arch = Architecture.from_facts(variant.architecture)
        assert problems(arch_numbers(arch)) == [], variant.id
        assert parameter_count(arch) <= MAX_PARAMS_B * 1e9
        assert 1 <= variant.context.length <= LIMITS["context_length"].high
        assert 0 < variant.params.total_b <= MAX_PARAMS_B


# --- calibration files ------------------------------------------------------------------------

ROW = {"machine": "cpu", "placement": "gpu", "decode_factor": 0.9, "prefill_factor": None, "model": "m.gguf",
       "quant": "Q4_K_M", "measured_at": "2026-01-01", "runtime": "llama-cpp-python 0.3"}


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LLMGUIDE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_a_valid_calibration_file_loads(data_dir):
    from llmguide.estimate.calibration import load_all

    (data_dir / "calibration.json").write_text(json.dumps({"calibrations": [{**ROW, "model": "m\x1b[31m.gguf"}]}))
    (cal,) = load_all()
    assert cal.decode_factor == 0.9 and cal.model == "m.gguf"


@pytest.mark.parametrize("change, message", [
    ({"decode_factor": math.nan}, r"calibrations\[0\].decode_factor: NaN is not a number JSON allows"),
    ({"prefill_factor": math.inf}, r"calibrations\[0\].prefill_factor: Infinity is not a number JSON allows"),
    ({"decode_factor": "fast"}, r"calibrations\[0\].decode_factor: 'fast' is not a number"),
    ({"decode_factor": True}, r"calibrations\[0\].decode_factor: true is not a number"),
    ({"decode_factor": 1e300}, r"calibrations\[0\].decode_factor: 1e\+300 is outside the plausible"),
    ({"decode_factor": -1}, r"calibrations\[0\].decode_factor: -1 is outside the plausible"),
    ({"model": 5}, r"calibrations\[0\].model: 5 is not text"),
    ({"colour": "blue"}, r"calibrations\[0\]: unknown field 'colour'"),
    ({"runtime": None}, r"calibrations\[0\].runtime: null is not text"),
])
def test_calibration_files_are_checked(data_dir, change, message):
    from llmguide.estimate.calibration import load_all

    (data_dir / "calibration.json").write_text(json.dumps({"calibrations": [{**ROW, **change}]}))
    with pytest.raises(LLMGuideError, match=message) as info:
        load_all()
    assert "calibration.json" in str(info.value) and info.value.hint


@pytest.mark.parametrize("text, message", [
    ('{"calibrations": 5}', "expected an object with a 'calibrations' list"),
    ('{"calibrations": [7]}', r"calibrations\[0\]: expected an object"),
    ("[]", "expected an object with a 'calibrations' list"),
    ('{"calibrations": [' * 50, "nested|not valid JSON"),
])
def test_calibration_files_of_the_wrong_shape(data_dir, text, message):
    from llmguide.estimate.calibration import load_all

    (data_dir / "calibration.json").write_text(text)
    with pytest.raises(LLMGuideError, match=message):
        load_all()


def test_a_huge_calibration_file_is_not_read(data_dir):
    from llmguide.estimate.calibration import load_all

    (data_dir / "calibration.json").write_text("{" + " " * (2 << 20) + "}")
    with pytest.raises(LLMGuideError, match="too large"):
        load_all()


@needs_fifo
def test_a_fifo_calibration_json_is_refused_without_blocking(data_dir):
    from llmguide.estimate.calibration import load_all

    os.mkfifo(data_dir / "calibration.json")
    with pytest.raises(LLMGuideError, match="a FIFO, not a regular file"):
        returns_quickly(load_all)


# --- property: any config.json is an Architecture within the limits, or a clear error ----------

CONFIG_KEYS = [
    "num_hidden_layers", "n_layer", "hidden_size", "n_embd", "num_attention_heads", "n_head", "num_key_value_heads",
    "head_dim", "intermediate_size", "vocab_size", "num_local_experts", "num_experts", "num_experts_per_tok",
    "sliding_window", "use_sliding_window", "layer_types", "hybrid_override_pattern", "tie_word_embeddings",
    "multi_query", "full_attention_interval", "first_k_dense_replace", "n_shared_experts", "kv_lora_rank", "q_lora_rank",
    "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "max_position_embeddings", "moe_intermediate_size",
    "mamba_n_heads", "mamba_head_dim", "ssm_state_size", "n_groups", "linear_num_key_heads", "linear_key_head_dim",
    "conv_L_cache", "full_attn_idxs", "sliding_window_pattern", "index_n_heads", "index_head_dim", "index_topk",
    "hidden_size_per_layer_input", "num_kv_shared_layers", "block_auto_adjust_ff_dim", "block_ffn_dim_multiplier",
    "block_multiple_of", "mamba_expand", "shared_expert_intermediate_size", "attention_bias", "text_config",
]
MODEL_TYPES = ["llama", "qwen2", "gemma2", "gemma3", "gemma3n", "phi3", "falcon", "gpt_oss", "qwen3_next", "nemotron_h",
               "falcon_h1", "lfm2", "deepseek_v3", "jamba", "mamba"]
SMALL = st.integers(1, 64)
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 6), 10 ** 9), st.integers(10 ** 9, 10 ** 45), st.floats(),
    st.text(max_size=12), st.sampled_from(["full_attention", "sliding_attention", "linear_attention", "mamba", "M*-E", "**"]),
    st.lists(st.one_of(st.integers(-3, 70), st.sampled_from(["full_attention", "sliding_attention", "linear_attention"]),
                       st.none()), max_size=8),
    st.dictionaries(st.sampled_from(["num_hidden_layers", "hidden_size", "vocab_size", "x"]), st.integers(-3, 70), max_size=3),
)


def _plausible_base(draw_ints) -> dict:
    layers, heads_per_kv, kv, dim = draw_ints
    heads = kv * heads_per_kv
    return {"num_hidden_layers": layers, "hidden_size": heads * dim, "num_attention_heads": heads, "num_key_value_heads": kv,
            "intermediate_size": 4 * heads * dim, "vocab_size": 1000}


@settings(max_examples=300, deadline=None)
@given(st.tuples(SMALL, st.integers(1, 8), st.integers(1, 8), st.integers(1, 32)).map(_plausible_base),
       st.sampled_from(MODEL_TYPES), st.dictionaries(st.sampled_from(CONFIG_KEYS), st.one_of(SMALL, JUNK), max_size=6))
def test_any_config_is_an_architecture_within_limits_or_a_clear_error(base, model_type, junk):
    config = {**base, "model_type": model_type, **junk}
    try:
        arch = from_config(config, "c/config.json")
    except LLMGuideError as exc:
        assert str(exc).startswith("c/config.json: "), str(exc)
        return
    assert problems(arch_numbers(arch)) == []
    assert parameter_count(arch) <= MAX_PARAMS_B * 1e9
    assert len(arch.kinds) == arch.layers


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10 ** 30, 10 ** 30), st.floats(), st.text(max_size=6)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
                    max_leaves=20))
def test_any_json_value_parses_or_is_a_clear_error(value):
    text = json.dumps(value)  # Python writes NaN and Infinity, as some tools do
    try:
        parsed = parse_json(text.encode(), "f.json")
    except LLMGuideError as exc:
        assert str(exc).startswith("f.json: ")
        assert any(c in text for c in ("NaN", "Infinity"))
        return
    assert parsed == value or (isinstance(value, float) and math.isnan(value))


def test_a_ranking_reads_the_calibrations_once_and_a_later_one_counts_next(data_dir, monkeypatch):
    """Inside ``held`` (a ranking asks at every option of every model) the file is read once; a
    calibration stored meanwhile counts from the next lookup outside it."""
    from llmguide.estimate import calibration

    reads = []
    real = calibration._read_all
    monkeypatch.setattr(calibration, "_read_all", lambda: (reads.append(1), real())[1])
    with calibration.held():
        assert reads == []  # nothing read until a lookup asks
        assert calibration.find("cpu", "gpu") is None and calibration.find("cpu", "cpu") is None
        (data_dir / "calibration.json").write_text(json.dumps({"calibrations": [ROW]}))
        assert calibration.find("cpu", "gpu") is None  # as read when the ranking began
    assert reads == [1]
    assert calibration.find("cpu", "gpu").decode_factor == 0.9


def test_a_damaged_calibration_file_fails_a_ranking_only_when_asked(data_dir):
    from llmguide.estimate import calibration

    (data_dir / "calibration.json").write_text("{not json")
    with calibration.held():
        assert calibration.find(None, "gpu") is None  # no detected machine: no lookup, no error
        with pytest.raises(LLMGuideError, match="calibration.json: line 1: not valid JSON"):
            calibration.find("cpu", "gpu")
