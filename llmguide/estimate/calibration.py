"""Speed calibrations measured on this machine by ``llmguide bench``, and where they are kept.

A calibration is the ratio of a measured speed to llmguide's estimate for the same model, file and
placement, for generation and for prompt processing, keyed by the machine it was measured on (CPU
model and the GPUs planned with). Later estimates for the same detected machine are multiplied by
it, and say so. Calibrations live in one JSON file in the user data directory
(``LLMGUIDE_DATA_DIR`` overrides it), written to a temporary file and renamed, so a failed write
never leaves half a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from pathlib import Path

from llmguide.errors import LLMGuideError

FILE_NAME = "calibration.json"
# A ratio outside this range means the run measured something else (another program loading the
# machine, a wrong placement): it is refused rather than stored.
PLAUSIBLE = (0.05, 20.0)


@dataclass(frozen=True)
class Calibration:
    machine: str  # the fingerprint of the machine it was measured on (see ``fingerprint``)
    placement: str  # gpu | cpu | split | expert_offload (older files: offload = split): a factor only applies where it was measured
    decode_factor: float  # measured / estimated generation tokens/s
    prefill_factor: float | None  # measured / estimated prompt tokens/s (None when no estimate)
    model: str  # the GGUF file measured
    quant: str
    measured_at: str  # ISO date
    runtime: str  # e.g. "llama-cpp-python 0.3.36"

    def describe(self) -> str:
        prefill = f", prefill x{self.prefill_factor:.2f}" if self.prefill_factor else ""
        return (f"speed: calibrated on this machine by llmguide bench ({self.model} {self.quant}, {self.measured_at}): "
                f"generation x{self.decode_factor:.2f}{prefill}")


def fingerprint(cpu_model: str | None, gpu_names: tuple[str, ...] = ()) -> str:
    return " + ".join([cpu_model or "unknown CPU", *gpu_names])


def data_dir() -> Path:
    override = os.environ.get("LLMGUIDE_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("llmguide", appauthor=False))


def _path() -> Path:
    return data_dir() / FILE_NAME


_read: dict[tuple[Path, int], list[Calibration]] = {}  # (file, mtime) -> its calibrations: read once per change

MAX_FILE_BYTES = 1 << 20  # a calibration is some 300 bytes: thousands of machines fit in far less
_TEXT_FIELDS = ("machine", "placement", "model", "quant", "measured_at", "runtime")
_FACTOR_FIELDS = ("decode_factor", "prefill_factor")


# Inside ``held``: a box for the calibrations the first lookup read (per thread and task).
_HELD: ContextVar[list[list[Calibration] | None] | None] = ContextVar("llmguide_calibrations_held", default=None)


@contextmanager
def held() -> Iterator[None]:
    """Answer every lookup inside from one read of the file. A ranking asks for this machine's
    calibration at every option of every model; a calibration stored meanwhile counts from the next
    command (or, in the MCP server, the next call). Nothing is read unless a lookup asks."""
    token = _HELD.set([None])
    try:
        yield
    finally:
        _HELD.reset(token)


def load_all() -> list[Calibration]:
    """Every stored calibration (inside ``held``, as first read there); an unreadable file is an
    error naming it."""
    box = _HELD.get()
    if box is not None and box[0] is not None:
        return box[0]
    found = _read_all()
    if box is not None:
        box[0] = found
    return found


def _read_all() -> list[Calibration]:
    """Every stored calibration; an unreadable file is an error naming it (never silently ignored).

    The file is read at the edge like any input: only a regular file (a FIFO never blocks), at
    most ``MAX_FILE_BYTES``, strict JSON, every field of the right type, factors finite and within
    ``PLAUSIBLE`` (what ``save`` stores), text without control characters."""
    from llmguide.model.files import read_json

    path = _path()
    try:
        stamp = path.stat().st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        return []
    except PermissionError as exc:  # a data folder llmguide may not enter (an unreadable HOME)
        from llmguide.errors import warn

        warn(f"cannot read {path.parent} ({exc.strerror}); speeds are not calibrated")
        return []
    except OSError:
        stamp = -1  # unreadable in some other way: read_json says how
    if (path, stamp) in _read:
        return _read[(path, stamp)]
    try:
        found = _parse(read_json(path, "the stored calibrations", MAX_FILE_BYTES), path)
    except LLMGuideError as exc:
        raise LLMGuideError(f"{exc.message}.", "Delete the file, or run llmguide bench again to rewrite it.") from None
    _read[(path, stamp)] = found
    return found


def _parse(data: object, path: Path) -> list[Calibration]:
    from llmguide.model.files import clean_text, shown_path
    from llmguide.model.limits import shown

    where = f"{shown_path(path)}: cannot read the stored calibrations"
    rows = data.get("calibrations") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise LLMGuideError(f"{where}: expected an object with a 'calibrations' list")
    found = []
    for i, row in enumerate(rows):
        at = f"{where}: calibrations[{i}]"
        if not isinstance(row, dict):
            raise LLMGuideError(f"{at}: expected an object, not {shown(row)}")
        unknown = sorted(set(row) - set(_TEXT_FIELDS) - set(_FACTOR_FIELDS))
        missing = [k for k in (*_TEXT_FIELDS, *_FACTOR_FIELDS) if k not in row]
        if unknown or missing:
            what = f"unknown field {clean_text(unknown[0], 60)!r}" if unknown else f"no {missing[0]}"
            raise LLMGuideError(f"{at}: {what}")
        values: dict = {}
        for key in _TEXT_FIELDS:
            if not isinstance(row[key], str):
                raise LLMGuideError(f"{at}.{key}: {shown(row[key])} is not text")
            values[key] = clean_text(row[key])
        for key in _FACTOR_FIELDS:
            value = row[key]
            if value is None and key == "prefill_factor":
                values[key] = None
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise LLMGuideError(f"{at}.{key}: {shown(value)} is not a number")
            if not PLAUSIBLE[0] <= value <= PLAUSIBLE[1]:  # NaN fails this too
                raise LLMGuideError(f"{at}.{key}: {shown(value)} is outside the plausible {PLAUSIBLE[0]}-{PLAUSIBLE[1]}")
            values[key] = float(value)
        found.append(Calibration(**values))
    return found


def find(machine: str | None, placement: str) -> Calibration | None:
    """The newest calibration for this machine and placement."""
    if not machine:
        return None
    found = [c for c in load_all() if c.machine == machine and {"offload": "split"}.get(c.placement, c.placement) == placement]
    return max(found, key=lambda c: c.measured_at) if found else None


def save(cal: Calibration) -> Path:
    """Store ``cal``, replacing an older one for the same machine and placement."""
    for factor in (cal.decode_factor, cal.prefill_factor):
        if factor is not None and not PLAUSIBLE[0] <= factor <= PLAUSIBLE[1]:
            raise LLMGuideError(f"The measured speed is {factor:.2f}x the estimate, which is not plausible; not stored.",
                                "Close other programs using the machine and run llmguide bench again.")
    path = _path()
    kept = [c for c in load_all() if (c.machine, c.placement) != (cal.machine, cal.placement)]
    from llmguide.model.files import write_atomic

    write_atomic(path, json.dumps({"calibrations": [asdict(c) for c in [*kept, cal]]}, indent=2) + "\n")
    return path
