"""This machine's system-RAM read bandwidth: a short, bounded measurement, stored per machine.

llama.cpp reads the weights it keeps in RAM with every core, so what matters is the bandwidth all
cores reach together. Each of ``workers`` processes scans its own buffer (``bytes.find`` of a
byte it does not hold: memchr reads every byte at memory speed, without writing) for about
``seconds``; the bytes all of them
read, over the wall time, is the estimate. The buffers total ``total_bytes`` (256 MiB by
default), far beyond any CPU cache, so the scan is served from RAM. The result is stored in the
user data directory (the same as ``llmguide bench``'s) and used for this machine's CPU speeds.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from llmguide.errors import LLMGuideError

FILE_NAME = "ram_bandwidth.json"
PLAUSIBLE_GBS = (1.0, 2000.0)


@dataclass(frozen=True)
class RamBandwidth:
    machine: str
    gbs: float
    workers: int
    measured_at: str

    def describe(self) -> str:
        return f"{self.gbs:.1f} GB/s measured by llmguide hardware --measure-bandwidth on {self.measured_at} ({self.workers} processes)"


def _scan(size: int, seconds: float, start, out) -> None:
    buf = bytes(bytearray(b"\x01") * size)  # touched once, then only read
    start.wait()
    read, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        buf.find(b"\xff")  # memchr over the whole buffer: a read at memory speed
        read += size
    out.put(read)


def measure(total_bytes: int = 256 << 20, seconds: float = 0.6, workers: int | None = None) -> tuple[float, int]:
    """(GB/s read by all workers together, workers)."""
    n = max(1, min(workers or os.cpu_count() or 1, 64))
    size = max(1 << 20, total_bytes // n)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_scan, args=(size, seconds, start, out), daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    time.sleep(0.2 + 0.002 * (size >> 20))  # let each worker fill its buffer
    t0 = time.perf_counter()
    start.set()
    total = 0
    try:
        for _ in procs:
            total += out.get(timeout=seconds + 30)
    except Exception as exc:  # noqa: BLE001 - a worker that died or hung
        raise LLMGuideError(f"The RAM bandwidth measurement failed ({type(exc).__name__}).") from None
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    wall = time.perf_counter() - t0
    return total / wall / 1e9, n


def _path() -> Path:
    from llmguide.estimate.calibration import data_dir

    return data_dir() / FILE_NAME


def stored(machine: str | None) -> RamBandwidth | None:
    """The measurement stored for this machine, if any (an unreadable file is an error naming it)."""
    from llmguide.model.files import clean_text, read_json

    path = _path()
    if not machine or not _exists(path):
        return None
    hint = "Delete the file, or run llmguide hardware --measure-bandwidth again."
    try:
        rows = read_json(path, "the stored RAM bandwidth", 1 << 20)["measurements"]  # type: ignore[index]
        found = [RamBandwidth(**row) for row in rows]
    except LLMGuideError as exc:
        raise LLMGuideError(exc.message, hint) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise LLMGuideError(f"{path}: cannot read the stored RAM bandwidth ({clean_text(str(exc), 120)}).", hint) from None
    for m in found:
        if isinstance(m.gbs, bool) or not isinstance(m.gbs, (int, float)) or not PLAUSIBLE_GBS[0] <= m.gbs <= PLAUSIBLE_GBS[1]:
            raise LLMGuideError(f"{path}: gbs: {clean_text(repr(m.gbs), 40)} is not a plausible RAM bandwidth "
                                f"({PLAUSIBLE_GBS[0]:g}-{PLAUSIBLE_GBS[1]:g} GB/s).", hint)
    return next((m for m in found if m.machine == machine), None)


def _exists(path) -> bool:
    """Whether a stored file is there; a folder llmguide may not look into counts as none."""
    try:
        return path.exists()
    except OSError:
        return False


def save(m: RamBandwidth) -> Path:
    if not PLAUSIBLE_GBS[0] <= m.gbs <= PLAUSIBLE_GBS[1]:
        raise LLMGuideError(f"{m.gbs:.1f} GB/s is not a plausible RAM bandwidth; not stored.")
    path = _path()
    kept = []
    if _exists(path):
        from llmguide.model.files import read_json

        try:
            kept = [row for row in read_json(path, "the stored RAM bandwidth", 1 << 20)["measurements"]  # type: ignore[index]
                    if row.get("machine") != m.machine]
        except (LLMGuideError, ValueError, TypeError, KeyError, AttributeError):
            kept = []
    from llmguide.model.files import write_atomic

    write_atomic(path, json.dumps({"measurements": [*kept, asdict(m)]}, indent=2) + "\n")
    return path


def measure_and_store(machine: str, **kw) -> RamBandwidth:
    gbs, workers = measure(**kw)
    m = RamBandwidth(machine, round(gbs, 1), workers, datetime.date.today().isoformat())
    save(m)
    return m
