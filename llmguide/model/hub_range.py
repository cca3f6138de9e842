"""A file on a web server read as a seekable file, through HTTP range requests, with a cap on the bytes.

The GGUF and safetensors header readers take a file-like object (``seek``, ``tell``, ``read``);
``RangeFile`` gives them one over a URL, so a header on the Hugging Face Hub is read without the
weights behind it. Bytes are fetched on demand, in chunks that start at ``first_chunk`` and double
with each fetch (a header with a large vocabulary takes a few fetches, a small one a single one),
kept in one window that follows the reader forward; a seek past the window (a skipped array) costs
nothing. The total is capped: a header that needs more than ``budget`` bytes is an error, never a
download of the file. How a range is fetched (headers, token, timeouts, errors) is the caller's
``fetch(start, end)``, which returns the bytes ``start..end`` (inclusive) and the file's total size.
"""

from __future__ import annotations

from collections.abc import Callable

from llmguide.errors import LLMGuideError

FIRST_CHUNK = 1 << 20  # 1 MiB: most GGUF headers without a big vocabulary, every safetensors header but the largest
MAX_CHUNK = 32 << 20
BUDGET = 64 << 20  # a GGUF header with a Llama 3 vocabulary is about 9 MB; nothing real needs 64 MiB

Fetch = Callable[[int, int], tuple[bytes, int]]


class RangeFile:
    """Read-only, seekable bytes of a remote file of ``size`` bytes (None: learnt from the first fetch)."""

    def __init__(self, fetch: Fetch, name: str, size: int | None = None, first_chunk: int = FIRST_CHUNK,
                 budget: int = BUDGET):
        self._fetch = fetch
        self.name = name
        self._size = size
        self._chunk = first_chunk
        self.budget = budget
        self.fetched = 0  # bytes received so far
        self.requests = 0
        self._pos = 0
        self._win = b""
        self._win_start = 0

    @property
    def size(self) -> int:
        """The file's length (one small fetch, when not known yet)."""
        if self._size is None:
            self._load(0, 1)
        assert self._size is not None
        return self._size

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = self._pos if whence == 1 else self.size if whence == 2 else 0
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self._pos + n)
        if end <= self._pos:
            return b""
        win_end = self._win_start + len(self._win)
        if not (self._win_start <= self._pos and end <= win_end):
            self._load(self._pos, end)
        start = self._pos - self._win_start
        data = self._win[start:start + (end - self._pos)]
        self._pos += len(data)
        return data

    def _load(self, start: int, end: int) -> None:
        """Make bytes ``start..end`` (exclusive) available: extend the window when they follow on
        from it, else start a new one. Each fetch is at least the current chunk, which then doubles."""
        win_end = self._win_start + len(self._win)
        extend = self._win_start <= start <= win_end
        first = win_end if extend else start
        want = max(end - first, self._chunk)
        if self._size is not None:
            want = min(want, self._size - first)
        if self.fetched + want > self.budget:
            want = max(end - first, self.budget - self.fetched)
            if self.fetched + want > self.budget:
                raise LLMGuideError(f"{self.name}: the header needs more than {self.budget >> 20} MiB; llmguide reads at "
                                    "most that much of a remote file (a header this large is not a real model's)")
        data, total = self._fetch(first, first + want - 1)
        self.requests += 1
        self.fetched += len(data)
        self._size = total
        if len(data) < min(want, total - first):
            raise LLMGuideError(f"{self.name}: the server sent {len(data)} bytes where {min(want, total - first)} were asked for")
        self._chunk = min(self._chunk * 2, MAX_CHUNK)
        if extend:
            self._win += data
        else:
            self._win, self._win_start = data, first
        # Keep the window bounded: drop what lies before the reader (it reads forward).
        if self._win_start < start and len(self._win) > 2 * MAX_CHUNK:
            cut = start - self._win_start
            self._win, self._win_start = self._win[cut:], start
