"""Read the header of a ``.gguf`` file (metadata and tensor table) with bounded work, stdlib only.

GGUF v2/v3, little-endian: magic ``GGUF``, version u32, tensor count u64, key/value count u64;
each key/value is a string key (u64 length + UTF-8), a value type u32 and the value (arrays: element
type u32, count u64, elements); then each tensor's name, dimension count u32, dimensions u64 each,
GGML type u32 and data offset u64. Tensor data starts at the next multiple of ``general.alignment``.

The file is hostile until proven otherwise. Only regular files are opened (a FIFO named
``model.gguf`` is refused, never waited on). Every length and count is checked against the bytes
left in the file before anything is read or allocated, and reads never run past the header: each
read asks for at most what the items still to come need at the least. String arrays (the
vocabulary and merges, megabytes of them) are walked length by length over large chunks without
building a single string; only their element count is kept. Large numeric arrays are skipped by
seeking. Any malformed, truncated or impossible header is one :class:`LLMGuideError` that names the
file, the key or tensor, and what is wrong.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, NoReturn

from llmguide.errors import LLMGuideError
from llmguide.estimate.ggml_types import BLOCKS, TYPE_IDS

MAX_KEY_BYTES = 65_536  # a key or tensor name
MAX_STRING_VALUE_BYTES = 1 << 20  # a string value kept; a longer one is skipped and recorded as too long
MAX_KV_COUNT = 1_000_000
MAX_TENSOR_COUNT = 1_000_000
MAX_DIMS = 8  # GGML tensors have at most 4
MAX_TENSOR_ELEMENTS = 1 << 48
MAX_KEPT_ARRAY = 65_536  # numeric arrays up to this many elements are kept (per-layer values)
MAX_ARRAY_DEPTH = 3  # arrays of arrays: how deep they are walked before the file is refused
MAX_WALKED_ELEMENTS = 1 << 24  # string and nested-array elements walked in one header (Llama 3 has ~410,000)
MAX_NAME_CHARS = 200  # text from the file shown as a name (architecture, general.name)
DEFAULT_ALIGNMENT = 32
READ_CHUNK = 1 << 20  # the largest single read

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)

# GGUF value types
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
_SCALARS: dict[int, struct.Struct] = {
    UINT8: struct.Struct("<B"), INT8: struct.Struct("<b"), UINT16: struct.Struct("<H"), INT16: struct.Struct("<h"),
    UINT32: struct.Struct("<I"), INT32: struct.Struct("<i"), FLOAT32: struct.Struct("<f"), BOOL: struct.Struct("<?"),
    UINT64: struct.Struct("<Q"), INT64: struct.Struct("<q"), FLOAT64: struct.Struct("<d"),
}
_TYPE_NAMES = {UINT8: "UINT8", INT8: "INT8", UINT16: "UINT16", INT16: "INT16", UINT32: "UINT32", INT32: "INT32",
               FLOAT32: "FLOAT32", BOOL: "BOOL", STRING: "STRING", ARRAY: "ARRAY", UINT64: "UINT64", INT64: "INT64",
               FLOAT64: "FLOAT64"}
_INTEGER_TYPES = (UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64)
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
# The fewest bytes each item can take, to bound counts against the bytes left and size reads.
_MIN_KV = 8 + 4 + 1  # empty key, type, one-byte value
_MIN_TENSOR = 8 + 4 + 8 + 4 + 8  # empty name, n_dims, one dim, type, offset
_MIN_ARRAY = 4 + 8  # element type and count

Value = str | int | float | bool | list | None

# ``general.file_type`` (llama.cpp's ``enum llama_ftype``) -> the preset's name, "MOSTLY_"/"ALL_" dropped.
FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S",
    27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 1024: "GUESSED",
}


def file_type_name(value: object) -> str:
    """The preset name of a ``general.file_type`` value (15 -> "Q4_K_M")."""
    if not isinstance(value, int) or isinstance(value, bool):
        return "unknown"
    return FILE_TYPES.get(value, f"ftype {value}")


def clean_text(text: str, limit: int = MAX_NAME_CHARS) -> str:
    """Text from the file made safe to print (``llmguide.model.files.clean_text``), at most ``limit`` characters."""
    from llmguide.model.files import clean_text as clean

    return clean(text, limit)


@dataclass(frozen=True)
class TensorInfo:
    name: str
    ggml_type: str  # e.g. "Q4_K", as ggml names it
    shape: tuple[int, ...]  # GGML order: ne0 (the row length) first
    offset: int  # from the start of the tensor data
    n_bytes: int


@dataclass(frozen=True)
class GGUFHeader:
    path: str
    version: int
    file_bytes: int
    fields: dict[str, Value]  # None where the value was not kept (see ``skipped``)
    array_counts: dict[str, int]  # element count of every array, kept or not
    skipped: dict[str, str]  # key -> why its value was not kept
    tensors: tuple[TensorInfo, ...]
    alignment: int
    header_bytes: int  # where the tensor table ends
    data_offset: int  # where the tensor data starts


def read_header(path: str | Path) -> GGUFHeader:
    """The header of the GGUF file at ``path``; any problem is one LLMGuideError naming the file."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise _os_error(p, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise LLMGuideError(f"{p}: is a directory, not a .gguf file")
    if not stat.S_ISREG(st.st_mode):
        raise LLMGuideError(f"{p}: not a regular file (a pipe, device or socket); llmguide reads .gguf files only")
    # O_NONBLOCK: should the name be swapped for a FIFO after the check, opening it still cannot block.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise _os_error(p, exc) from None
    with os.fdopen(fd, "rb", buffering=0) as f:
        try:
            st = os.fstat(f.fileno())
        except OSError as exc:
            raise _os_error(p, exc) from None
        if not stat.S_ISREG(st.st_mode):
            raise LLMGuideError(f"{p}: not a regular file (a pipe, device or socket); llmguide reads .gguf files only")
        try:
            return parse_header(f, st.st_size, str(p))
        except OSError as exc:
            raise _os_error(p, exc) from None


def _os_error(p: Path, exc: OSError) -> LLMGuideError:
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return LLMGuideError(f"{p}: no such file", "Check the path; a catalog model name works too ('llmguide list').")
    if code in (errno.EACCES, errno.EPERM):
        return LLMGuideError(f"{p}: permission denied")
    if code == errno.ENAMETOOLONG:
        return LLMGuideError(f"{str(p)[:MAX_NAME_CHARS]}…: the file name is longer than the system allows")
    if code == errno.EISDIR:
        return LLMGuideError(f"{p}: is a directory, not a .gguf file")
    if code == errno.ELOOP:
        return LLMGuideError(f"{p}: too many levels of symbolic links")
    return LLMGuideError(f"{p}: cannot be read ({exc.strerror or type(exc).__name__})")


def parse_header(f: BinaryIO, size: int, name: str) -> GGUFHeader:
    """The header of a GGUF file already open as ``f`` (``size`` bytes long); ``name`` is used in errors."""
    return _Parser(f, size, name).parse()


class _Reader:
    """Bounded reads through a file: a buffer of at most READ_CHUNK bytes (or one item, if longer)."""

    def __init__(self, f: BinaryIO, size: int, fail: Callable[[str], NoReturn]):
        self.f = f
        self.size = size
        self.fail = fail
        self.buf = b""
        self.buf_start = 0  # file offset of buf[0]
        self.off = 0  # position inside buf
        self.ahead = 0  # bytes of header known to follow the bytes being read (bounds each read)

    @property
    def pos(self) -> int:
        return self.buf_start + self.off

    def left(self) -> int:
        return self.size - self.pos

    def fill(self, n: int, what: str) -> None:
        """Make ``n`` bytes available at ``buf[off:]``."""
        have = len(self.buf) - self.off
        if have >= n:
            return
        if n > self.left():
            self.fail(f"{what} needs {n} bytes at byte {self.pos}, but the file ends after {self.left()} more "
                      "(truncated download?)")
        want = min(max(n, min(READ_CHUNK, n + self.ahead)), self.left())
        self.f.seek(self.buf_start + len(self.buf))
        parts = [self.buf[self.off:]]
        missing = want - have
        while missing:  # a raw read may return less than asked; only an empty one is the end
            more = self.f.read(missing)
            if not more:
                self.fail(f"the file shrank while it was read (at byte {self.pos + want - missing})")
            parts.append(more)
            missing -= len(more)
        self.buf = b"".join(parts)
        self.buf_start += self.off
        self.off = 0

    def take(self, n: int, what: str) -> memoryview:
        self.fill(n, what)
        start = self.off
        self.off += n
        return memoryview(self.buf)[start:start + n]

    def u32(self, what: str) -> int:
        self.fill(4, what)
        (v,) = _U32.unpack_from(self.buf, self.off)
        self.off += 4
        return v

    def u64(self, what: str) -> int:
        self.fill(8, what)
        (v,) = _U64.unpack_from(self.buf, self.off)
        self.off += 8
        return v

    def skip(self, n: int, what: str) -> None:
        if n > self.left():
            self.fail(f"{what} claims {n} bytes at byte {self.pos}, but only {self.left()} remain")
        if len(self.buf) - self.off >= n:
            self.off += n
        else:  # past the buffer: drop it and seek
            self.buf_start = self.pos + n
            self.buf = b""
            self.off = 0

    def skip_strings(self, count: int, what: str) -> None:
        """Walk ``count`` strings (u64 length + bytes) without building them, over large chunks."""
        unpack = _U64.unpack_from
        outer = self.ahead
        remaining = count
        while remaining:
            buf, off = self.buf, self.off
            end = len(buf) - 8
            while remaining and off <= end:  # the fast path: whole strings inside the buffer
                (n,) = unpack(buf, off)
                nxt = off + 8 + n
                if nxt > end + 8:
                    break
                off = nxt
                remaining -= 1
            self.off = off
            if not remaining:
                break
            # a length or a string that crosses the end of the buffer: refill
            self.ahead = outer + 8 * (remaining - 1)
            n = self.u64(what)
            if n > self.left() - 8 * (remaining - 1):
                self.fail(f"{what}: string {count - remaining} claims {n} bytes at byte {self.pos - 8}, "
                          f"but only {self.left()} remain")
            self.ahead = outer + 8 * (remaining - 1)
            if n <= READ_CHUNK:
                self.fill(n, what)
            self.skip(n, what)
            remaining -= 1
        self.ahead = outer


class _Parser:
    def __init__(self, f: BinaryIO, size: int, name: str):
        self.name = name
        self.r = _Reader(f, size, self.fail)
        self.walked = 0

    def fail(self, what: str) -> NoReturn:
        raise LLMGuideError(f"{self.name}: not a readable GGUF file: {what}")

    def parse(self) -> GGUFHeader:
        r = self.r
        if r.size < 4:
            self.fail(f"only {r.size} bytes, too short for a GGUF header")
        magic = bytes(r.take(4, "the magic"))
        if magic != GGUF_MAGIC:
            if magic == b"FUGG":
                self.fail("it is byte-swapped; big-endian GGUF files are not supported")
            self.fail(f"it starts with {magic!r}, not b'GGUF'")
        version = r.u32("the version")
        if version not in SUPPORTED_VERSIONS:
            swapped = int.from_bytes(version.to_bytes(4, "little"), "big")
            if swapped in (1, 2, 3):
                self.fail(f"it is a big-endian GGUF (version {swapped}); only little-endian files are supported")
            if version == 1:
                self.fail("it is GGUF version 1 (from before August 2023), which is no longer supported; "
                          "convert the model again with a current llama.cpp")
            self.fail(f"GGUF version {version} is not supported (versions 2 and 3 are)")
        tensor_count = r.u64("the tensor count")
        kv_count = r.u64("the metadata count")
        if tensor_count > MAX_TENSOR_COUNT:
            self.fail(f"the header claims {tensor_count} tensors, more than the {MAX_TENSOR_COUNT} allowed")
        if kv_count > MAX_KV_COUNT:
            self.fail(f"the header claims {kv_count} metadata keys, more than the {MAX_KV_COUNT} allowed")
        if kv_count * _MIN_KV + tensor_count * _MIN_TENSOR > r.left():
            self.fail(f"the header claims {kv_count} metadata keys and {tensor_count} tensors, which need at least "
                      f"{kv_count * _MIN_KV + tensor_count * _MIN_TENSOR} bytes, but only {r.left()} remain")

        fields: dict[str, Value] = {}
        counts: dict[str, int] = {}
        skipped: dict[str, str] = {}
        for i in range(kv_count):
            r.ahead = (kv_count - i - 1) * _MIN_KV + tensor_count * _MIN_TENSOR
            key = self.string(f"metadata key {i}", MAX_KEY_BYTES)
            if key is None:
                self.fail(f"metadata key {i} is longer than {MAX_KEY_BYTES} bytes")
            if key in fields:
                self.fail(f"the key '{clean_text(key)}' appears twice")
            vtype = r.u32(f"the type of '{clean_text(key)}'")
            fields[key] = self.value(key, vtype, counts, skipped)

        alignment = fields.get("general.alignment", DEFAULT_ALIGNMENT)
        if not (isinstance(alignment, int) and not isinstance(alignment, bool) and 0 < alignment <= 1 << 30
                and alignment & (alignment - 1) == 0):
            self.fail(f"general.alignment is {alignment!r}, not a power of two")

        tensors: list[TensorInfo] = []
        names: set[str] = set()
        for i in range(tensor_count):
            r.ahead = (tensor_count - i - 1) * _MIN_TENSOR
            tensors.append(self.tensor(i, names))
        header_bytes = r.pos
        data_offset = -(-header_bytes // alignment) * alignment
        for t in tensors:
            end = data_offset + t.offset + t.n_bytes
            if end > r.size:
                self.fail(f"tensor '{clean_text(t.name)}' ends at byte {end}, but the file has {r.size} bytes "
                          "(truncated download?)")
        return GGUFHeader(path=self.name, version=version, file_bytes=r.size, fields=fields, array_counts=counts,
                          skipped=skipped, tensors=tuple(tensors), alignment=alignment, header_bytes=header_bytes,
                          data_offset=data_offset)

    def string(self, what: str, limit: int) -> str | None:
        """A string (u64 length + UTF-8), or None (skipped) when it is longer than ``limit``."""
        r = self.r
        n = r.u64(f"the length of {what}")
        if n > r.left():
            self.fail(f"{what} claims {n} bytes at byte {r.pos - 8}, but only {r.left()} remain")
        if n > limit:
            r.skip(n, what)
            return None
        return str(r.take(n, what), "utf-8", "replace")

    def value(self, key: str, vtype: int, counts: dict[str, int], skipped: dict[str, str]) -> Value:
        r = self.r
        shown = f"'{clean_text(key)}'"
        if vtype in _SCALARS:
            s = _SCALARS[vtype]
            r.fill(s.size, f"the value of {shown}")
            (v,) = s.unpack_from(r.buf, r.off)
            r.off += s.size
            return v
        if vtype == STRING:
            text = self.string(f"the value of {shown}", MAX_STRING_VALUE_BYTES)
            if text is None:
                skipped[key] = f"a string longer than {MAX_STRING_VALUE_BYTES} bytes"
            return text
        if vtype != ARRAY:
            self.fail(f"{shown} has unknown value type {vtype}")
        etype = r.u32(f"the element type of {shown}")
        count = r.u64(f"the element count of {shown}")
        counts[key] = count
        if etype in _SCALARS:
            s = _SCALARS[etype]
            n = count * s.size
            if n > r.left():
                self.fail(f"{shown} claims {count} {_TYPE_NAMES[etype]} elements ({n} bytes) at byte {r.pos}, "
                          f"but only {r.left()} bytes remain")
            if count > MAX_KEPT_ARRAY:
                r.skip(n, shown)
                skipped[key] = f"an array of {count} {_TYPE_NAMES[etype]}, too long to keep"
                return None
            data = r.take(n, shown)
            return list(struct.unpack(f"<{count}{s.format[-1]}", data))
        if etype == STRING:
            self.walk(count, 8, shown)
            r.skip_strings(count, f"the strings of {shown}")
            skipped[key] = f"an array of {count} strings, counted but not kept"
            return None
        if etype == ARRAY:
            self.skip_arrays(count, shown, 1)
            skipped[key] = f"an array of {count} arrays, not kept"
            return None
        self.fail(f"{shown} is an array of unknown element type {etype}")

    def walk(self, count: int, min_size: int, shown: str) -> None:
        """Account for ``count`` elements walked one by one (each at least ``min_size`` bytes)."""
        r = self.r
        if count * min_size > r.left():
            self.fail(f"{shown} claims {count} elements of at least {min_size} bytes at byte {r.pos}, "
                      f"but only {r.left()} bytes remain")
        self.walked += count
        if self.walked > MAX_WALKED_ELEMENTS:
            self.fail(f"{shown} brings the array elements to walk past {MAX_WALKED_ELEMENTS}, "
                      "more than any real model's vocabulary")

    def skip_arrays(self, count: int, shown: str, depth: int) -> None:
        """Skip ``count`` arrays (each: element type, count, elements) nested ``depth`` deep."""
        if depth > MAX_ARRAY_DEPTH:
            self.fail(f"{shown} nests arrays more than {MAX_ARRAY_DEPTH} deep")
        r = self.r
        self.walk(count, _MIN_ARRAY, shown)
        outer = r.ahead
        for j in range(count):
            r.ahead = outer + (count - j - 1) * _MIN_ARRAY
            etype = r.u32(f"the element type of {shown}[{j}]")
            n = r.u64(f"the element count of {shown}[{j}]")
            if etype in _SCALARS:
                r.skip(n * _SCALARS[etype].size, f"{shown}[{j}]")
            elif etype == STRING:
                self.walk(n, 8, shown)
                r.skip_strings(n, f"the strings of {shown}[{j}]")
            elif etype == ARRAY:
                self.skip_arrays(n, shown, depth + 1)
            else:
                self.fail(f"{shown}[{j}] is an array of unknown element type {etype}")
        r.ahead = outer

    def tensor(self, i: int, names: set[str]) -> TensorInfo:
        r = self.r
        name = self.string(f"the name of tensor {i}", MAX_KEY_BYTES)
        if name is None:
            self.fail(f"the name of tensor {i} is longer than {MAX_KEY_BYTES} bytes")
        shown = f"tensor '{clean_text(name)}'"
        if name in names:
            self.fail(f"{shown} appears twice")
        names.add(name)
        n_dims = r.u32(f"the dimension count of {shown}")
        if not 1 <= n_dims <= MAX_DIMS:
            self.fail(f"{shown} has {n_dims} dimensions (1 to {MAX_DIMS} are possible)")
        dims = tuple(r.u64(f"the dimensions of {shown}") for _ in range(n_dims))
        elements = 1
        for d in dims:
            if d < 1:
                self.fail(f"{shown} has a dimension of {d}")
            elements *= d
            if elements > MAX_TENSOR_ELEMENTS:
                self.fail(f"{shown} has shape {list(dims)}, more than 2^48 elements")
        type_id = r.u32(f"the type of {shown}")
        ggml_type = TYPE_IDS.get(type_id)
        if ggml_type is None:
            self.fail(f"{shown} has unknown GGML type id {type_id}")
        block, block_bytes = BLOCKS[ggml_type]
        if dims[0] % block:
            self.fail(f"{shown} has rows of {dims[0]}, not a whole number of {ggml_type} blocks of {block}")
        offset = r.u64(f"the data offset of {shown}")
        return TensorInfo(name=name, ggml_type=ggml_type, shape=dims, offset=offset,
                          n_bytes=elements // block * block_bytes)
