"""The GGUF header reader: exact on well-formed files, bounded and clear on hostile ones.

Files are built here byte by byte (stdlib only), so these tests need neither gguf nor numpy.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmguide.errors import LLMGuideError
from llmguide.estimate.ggml_types import BLOCKS, TYPE_IDS
from llmguide.model.gguf_header import FILE_TYPES, MAX_KEPT_ARRAY, clean_text, file_type_name, parse_header, read_header
from tests.model_bytes import (  # noqa: F401  (the value type codes are this file's vocabulary)
    ARRAY, BOOL, FLOAT32, FLOAT64, INT8, INT16, INT32, INT64, STRING, UINT8, UINT16, UINT32, UINT64, header, kv, kv_str,
    kv_strings, kv_u32, s, tensor_info,
)

F32, F16, Q4_K = 0, 1, 12


def gguf_bytes(kvs: list[bytes], tensors: list[tuple[str, list[int], int, int]] = (), *, version: int = 3,
               tensor_count: int | None = None, kv_count: int | None = None, data_bytes: int | None = None) -> bytes:
    """A GGUF file: header, then zeros for the tensor data (``data_bytes`` of it, or what the tensors need)."""
    head = header(kvs, b"".join(tensor_info(*t[:3], t[3]) for t in tensors), len(tensors) if tensor_count is None else tensor_count,
                  version=version, kv_count=kv_count)
    if data_bytes is None:
        data_bytes = max((t[3] + _nbytes(t[1], t[2]) for t in tensors), default=0)
    return head + b"\0" * data_bytes


def _nbytes(dims: list[int], ggml_type: int) -> int:
    n = 1
    for d in dims:
        n *= d
    return {F32: 4 * n, F16: 2 * n, Q4_K: n // 256 * 144}[ggml_type]


def small_file() -> bytes:
    """A small well-formed header with one of each kind of value and three tensors."""
    kvs = [
        kv_str("general.architecture", "llama"),
        kv_str("general.name", "tiny"),
        kv_u32("llama.block_count", 1),
        kv("llama.attention.head_count", ARRAY, struct.pack("<IQ", UINT32, 2) + struct.pack("<II", 4, 8)),
        kv("llama.rope.freq_base", FLOAT32, struct.pack("<f", 10000.0)),
        kv("flag", BOOL, b"\x01"),
        kv("big", UINT64, struct.pack("<Q", 1 << 40)),
        kv_strings("tokenizer.ggml.tokens", [b"a", b"bc", b"", b"def"]),
        kv("nested", ARRAY, struct.pack("<IQ", ARRAY, 2) + struct.pack("<IQ", UINT8, 2) + b"\x01\x02"
           + struct.pack("<IQ", STRING, 1) + s("x")),
    ]
    tensors = [("token_embd.weight", [256, 4], Q4_K, 0), ("blk.0.attn_norm.weight", [8], F32, 576),
               ("output.weight", [8, 4], F16, 608)]
    return gguf_bytes(kvs, tensors)


SMALL = small_file()


def parse(data: bytes):
    return parse_header(io.BytesIO(data), len(data), "m.gguf")


def test_small_header_is_read_exactly(tmp_path):
    path = tmp_path / "m.gguf"
    path.write_bytes(SMALL)
    h = read_header(path)
    assert h.version == 3 and h.file_bytes == len(SMALL) and h.alignment == 32
    f = h.fields
    assert f["general.architecture"] == "llama" and f["general.name"] == "tiny" and f["llama.block_count"] == 1
    assert f["llama.attention.head_count"] == [4, 8] and f["llama.rope.freq_base"] == 10000.0
    assert f["flag"] is True and f["big"] == 1 << 40
    assert f["tokenizer.ggml.tokens"] is None and h.array_counts["tokenizer.ggml.tokens"] == 4
    assert f["nested"] is None and h.array_counts["nested"] == 2
    assert [(t.name, t.ggml_type, t.shape, t.offset, t.n_bytes) for t in h.tensors] == [
        ("token_embd.weight", "Q4_K", (256, 4), 0, 576), ("blk.0.attn_norm.weight", "F32", (8,), 576, 32),
        ("output.weight", "F16", (8, 4), 608, 64)]
    assert h.data_offset % 32 == 0 and h.data_offset + 608 + 64 == len(SMALL)


class _Watched(io.BytesIO):
    """A file that remembers the furthest byte read."""

    furthest = 0

    def read(self, n=-1):
        out = super().read(n)
        self.furthest = max(self.furthest, self.tell())
        return out


def test_reads_stop_at_the_end_of_the_header():
    data = SMALL + b"\0" * (4 << 20)  # megabytes of tensor data after the header
    f = _Watched(data)
    h = parse_header(f, len(data), "m.gguf")
    assert f.furthest == h.header_bytes


def test_large_numeric_arrays_are_counted_not_kept():
    n = MAX_KEPT_ARRAY + 1
    h = parse(gguf_bytes([kv("scores", ARRAY, struct.pack("<IQ", FLOAT32, n) + b"\0" * 4 * n), kv_u32("after", 7)]))
    assert h.fields["scores"] is None and h.array_counts["scores"] == n and "too long" in h.skipped["scores"]
    assert h.fields["after"] == 7


def test_long_string_values_are_skipped_and_recorded():
    h = parse(gguf_bytes([kv_str("tokenizer.chat_template", "x" * ((1 << 20) + 1)), kv_u32("after", 7)]))
    assert h.fields["tokenizer.chat_template"] is None and "longer than" in h.skipped["tokenizer.chat_template"]
    assert h.fields["after"] == 7


def test_string_arrays_with_strings_larger_than_a_read():
    mib = 1 << 20
    items = [b"a" * (mib + 5), b"b", b"c" * (mib - 3), b"", b"d" * (3 * mib), *[b"e" * 7] * 50_000]
    h = parse(gguf_bytes([kv_strings("toks", items), kv_u32("after", 7)], [("w", [8], F32, 0)]))
    assert h.array_counts["toks"] == len(items) and h.fields["after"] == 7 and h.tensors[0].name == "w"


def test_type_tables_agree_with_the_gguf_package():
    """Ids and names as ggml and llama.cpp define them (gguf-py's table, where installed, as a cross-check)."""
    gguf = pytest.importorskip("gguf")
    for t in gguf.GGMLQuantizationType:  # types added to ggml after this table are not checked
        if t.value not in TYPE_IDS:
            continue
        assert TYPE_IDS[t.value] == t.name
        if t.name != "Q8_1":  # gguf-py still lists the old 40-byte block; ggml's block_q8_1 is 36 bytes
            assert BLOCKS[t.name] == gguf.GGML_QUANT_SIZES[t]
    for f in gguf.LlamaFileType:
        if f.value in FILE_TYPES:
            assert file_type_name(f.value) == f.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    assert file_type_name(999) == "ftype 999" and file_type_name("x") == "unknown" and file_type_name(None) == "unknown"


def test_names_lose_control_characters_and_are_capped():
    assert clean_text("evil\x1b[2J\x1b[1;31m\x07na\u202eme\x9b\x1b]0;title\x07!") == "evilname!"
    assert len(clean_text("x" * 10_000)) == 200


def test_a_llama3_sized_vocabulary_reads_fast(tmp_path):
    """128,256 tokens and 280,000 merges (~9 MB of header), as in Llama 3: well under a second."""
    tokens = [b"tok%d" % i for i in range(128_256)]
    merges = [b"\xc4\xa0a%d b%d" % (i, i) for i in range(280_000)]
    data = gguf_bytes([kv_str("general.architecture", "llama"), kv_strings("tokenizer.ggml.tokens", tokens),
                       kv("tokenizer.ggml.token_type", ARRAY, struct.pack("<IQ", INT32, len(tokens)) + b"\1\0\0\0" * len(tokens)),
                       kv_strings("tokenizer.ggml.merges", merges)])
    assert len(data) > 8_000_000
    path = tmp_path / "llama3-vocab.gguf"
    path.write_bytes(data)
    start = time.perf_counter()
    h = read_header(path)
    elapsed = time.perf_counter() - start
    assert h.array_counts["tokenizer.ggml.tokens"] == 128_256 and h.array_counts["tokenizer.ggml.merges"] == 280_000
    assert elapsed < 1.0, f"{elapsed:.2f} s"


# --- hostile files: each fails at once with one clear error -------------------------------------------


def test_an_array_claiming_2_to_the_62_elements_fails_fast(tmp_path):
    data = gguf_bytes([kv_str("general.architecture", "llama"),
                       kv("tokenizer.ggml.tokens", ARRAY, struct.pack("<IQ", STRING, 1 << 62))])
    data += b"\0" * (448 - len(data))
    path = tmp_path / "hostile.gguf"
    path.write_bytes(data)
    assert path.stat().st_size == 448
    start = time.perf_counter()
    with pytest.raises(LLMGuideError, match=r"hostile\.gguf: .*'tokenizer\.ggml\.tokens' claims 4611686018427387904 elements"):
        read_header(path)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("etype", [UINT8, INT32, FLOAT64, ARRAY])
def test_numeric_and_nested_arrays_claiming_too_much_fail(etype):
    with pytest.raises(LLMGuideError, match="'arr' claims"):
        parse(gguf_bytes([kv("arr", ARRAY, struct.pack("<IQ", etype, 1 << 62))]))


def test_a_string_longer_than_the_file():
    with pytest.raises(LLMGuideError, match=r"m\.gguf: .*the value of 'general\.name' claims 1000000 bytes"):
        parse(gguf_bytes([kv("general.name", STRING, struct.pack("<Q", 1_000_000) + b"abc")]))


def test_a_key_longer_than_the_file():
    with pytest.raises(LLMGuideError, match="metadata key 0 claims"):
        parse(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 60) + b"\0" * 64)


def test_a_string_in_a_string_array_longer_than_the_file():
    with pytest.raises(LLMGuideError, match="string 1 claims"):
        parse(gguf_bytes([kv("toks", ARRAY, struct.pack("<IQ", STRING, 3) + s("a") + struct.pack("<Q", 1 << 40) + b"\0" * 32)]))


@pytest.mark.parametrize("tensor_count, kv_count, message", [
    (1 << 60, 0, "claims 1152921504606846976 tensors"),
    (2000, 0, "need at least"),
    (0, 1 << 60, "claims 1152921504606846976 metadata keys"),
    (0, 500, "need at least"),
])
def test_impossible_counts(tensor_count, kv_count, message):
    with pytest.raises(LLMGuideError, match=message):
        parse(gguf_bytes([], tensor_count=tensor_count, kv_count=kv_count, data_bytes=512))


@pytest.mark.parametrize("dims, message", [
    ([], "has 0 dimensions"),
    ([2] * 9, "has 9 dimensions"),
    ([4, 0], "has a dimension of 0"),
    ([1 << 30, 1 << 30], "has shape .* more than 2\\^48 elements"),
])
def test_impossible_shapes(dims, message):
    with pytest.raises(LLMGuideError, match=f"tensor 'w' {message}"):
        parse(gguf_bytes([], [("w", dims, F32, 0)], data_bytes=64))


def test_a_thousand_dimensions():
    data = b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + s("w") + struct.pack("<I", 1000) + b"\1" * 8000
    with pytest.raises(LLMGuideError, match="tensor 'w' has 1000 dimensions"):
        parse(data)


def test_unknown_tensor_type_names_the_tensor():
    with pytest.raises(LLMGuideError, match="tensor 'blk.0.w' has unknown GGML type id 31"):
        parse(gguf_bytes([], [("blk.0.w", [32], 31, 0)], data_bytes=64))


def test_rows_that_do_not_fill_whole_blocks():
    with pytest.raises(LLMGuideError, match="not a whole number of Q4_K blocks"):
        parse(gguf_bytes([], [("w", [100, 4], Q4_K, 0)], data_bytes=4096))


def test_tensor_data_past_the_end_of_the_file():
    with pytest.raises(LLMGuideError, match="tensor 'w' ends at byte .*truncated"):
        parse(gguf_bytes([], [("w", [64, 64], F32, 0)], data_bytes=100))


@pytest.mark.parametrize("payload, message", [
    (kv("x", 13, b"\0" * 8), "'x' has unknown value type 13"),
    (kv("x", ARRAY, struct.pack("<IQ", 77, 1) + b"\0" * 8), "'x' is an array of unknown element type 77"),
    (kv("general.alignment", UINT32, struct.pack("<I", 0)), "general.alignment is 0"),
    (kv("general.alignment", UINT32, struct.pack("<I", 48)), "general.alignment is 48"),
    (kv_u32("dup", 1) + kv_u32("dup", 2), "'dup' appears twice"),
])
def test_malformed_values(payload, message):
    with pytest.raises(LLMGuideError, match=message):
        parse(gguf_bytes([payload], kv_count=2 if b"dup" in payload else 1, data_bytes=64))


def test_arrays_nested_too_deep():
    inner = struct.pack("<IQ", UINT8, 0)
    for _ in range(6):
        inner = struct.pack("<IQ", ARRAY, 1) + inner
    with pytest.raises(LLMGuideError, match="nests arrays more than"):
        parse(gguf_bytes([kv("deep", ARRAY, inner)], data_bytes=64))


def test_every_prefix_of_a_valid_file_parses_or_fails_clearly():
    for cut in range(len(SMALL) + 1):
        try:
            parse(SMALL[:cut])
        except LLMGuideError as exc:
            assert "not a readable GGUF file" in str(exc)
        else:
            assert cut == len(SMALL)  # only the whole file holds all of its tensor data


@pytest.mark.parametrize("data, message", [
    (b"", "too short"),
    (b"hello world" * 20, "starts with b'hell'"),
    (b"GGUF" + struct.pack("<I", 1) + b"\0" * 64, "GGUF version 1"),
    (b"GGUF" + struct.pack(">I", 3) + b"\0" * 64, "big-endian"),
    (b"FUGG" + b"\0" * 64, "big-endian"),
    (b"GGUF" + struct.pack("<I", 9) + b"\0" * 64, "version 9 is not supported"),
])
def test_not_gguf(tmp_path, data, message):
    path = tmp_path / "x.gguf"
    path.write_bytes(data)
    with pytest.raises(LLMGuideError, match=message):
        read_header(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "model.gguf"
    os.mkfifo(path)
    outcome: list[BaseException] = []

    def attempt():
        try:
            read_header(path)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(outcome[0], LLMGuideError) and "not a regular file" in str(outcome[0])


def test_files_that_cannot_be_opened(tmp_path):
    with pytest.raises(LLMGuideError, match="is a directory"):
        read_header(tmp_path)
    with pytest.raises(LLMGuideError, match="no such file"):
        read_header(tmp_path / "missing.gguf")
    with pytest.raises(LLMGuideError, match="no such file"):
        read_header(tmp_path / "missing" / "x.gguf")
    with pytest.raises(LLMGuideError, match="longer than the system allows"):
        read_header(tmp_path / ("x" * 5000 + ".gguf"))


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="permissions are not enforced here")
def test_an_unreadable_file(tmp_path):
    path = tmp_path / "locked.gguf"
    path.write_bytes(SMALL)
    path.chmod(0)
    try:
        with pytest.raises(LLMGuideError, match="permission denied"):
            read_header(path)
    finally:
        path.chmod(0o600)


# --- property tests: anything either parses or is one LLMGuideError, quickly ----------------------------

FAST = settings(max_examples=200, deadline=300, suppress_health_check=[HealthCheck.too_slow])


def _parses_or_fails_clearly(data: bytes) -> None:
    try:
        parse(data)
    except LLMGuideError as exc:
        assert str(exc).startswith("m.gguf: not a readable GGUF file")


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes(data):
    _parses_or_fails_clearly(data)


@FAST
@given(st.binary(max_size=512))
def test_random_bytes_after_a_valid_start(tail):
    _parses_or_fails_clearly(b"GGUF" + struct.pack("<I", 3) + tail)


_HUGE = st.sampled_from([0, 1, 2, 255, 1 << 31, (1 << 32) - 1, 1 << 32, 1 << 48, 1 << 62, (1 << 64) - 1])


@st.composite
def mutated(draw):
    data = bytearray(SMALL)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "u64", "u32", "insert"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "u64":
            data[at:at + 8] = struct.pack("<Q", draw(_HUGE))
        elif kind == "u32":
            data[at:at + 4] = struct.pack("<I", draw(_HUGE) & 0xFFFFFFFF)
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@FAST
@given(mutated())
def test_mutations_of_a_valid_header(data):
    _parses_or_fails_clearly(data)
