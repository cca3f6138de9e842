"""Weight prices kept between runs.

Pricing a model's weights under a GGUF preset walks every tensor through llama-quantize's rules
(estimate/weights.py). The price depends only on the architecture and the preset, not on the
catalog, the hardware or the request, so a command that prices many models (``recommend`` over a
catalog) keeps what it priced in the user cache and the next run reads it back: ranking is then
arithmetic on stored sizes. What else needs the architecture's tensor list is kept the same way:
the number of tensors (what sizes the GGUF header), the parameters counted, the bytes of an MoE's
routed experts per layer (what ``--n-cpu-moe`` moves) and the bytes a CPU repacks
(estimate/repack.py), so a warm ranking seldom lists a model's tensors. The file is keyed by
llmguide's version and the estimator code that sets the prices, so a change to either prices afresh.

Only the command line turns this on (``enable``), and a process that prices fewer than ``ENOUGH``
(architecture, preset) pairs neither reads nor writes the file: ``show`` and ``fit`` stay as quick
to start as before. A ranking says beforehand how many models it prices (``expect``), and reads
the file before pricing the first. A missing, damaged or unwritable file costs a recomputation,
never a command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
P = TypeVar("P")

ENOUGH = 24  # prices worked out in one process before the stored ones are worth reading
MAX_STORED = 50_000  # entries kept: the shipped catalog and a large user catalog fit many times over

PRICED: dict[Any, tuple[int, int]] = {}  # (Architecture, Preset) -> (all tensors, repeating blocks), bytes
READS: dict[Any, int] = {}  # (Architecture, Preset) -> weight bytes one decoded token reads
TENSORS: dict[Any, int] = {}  # (Architecture, None) -> how many tensors its GGUF file lists (its header's size)
PARAMS: dict[Any, tuple[int, int]] = {}  # (Architecture, None) -> parameters counted: (total, active)
REPACKED: dict[Any, int] = {}  # (Architecture, (Preset, CPU ISA)) -> bytes the CPU keeps a repacked copy of
EXPERTS: dict[Any, tuple[int, ...]] = {}  # (Architecture, Preset) -> bytes of the routed experts in each layer (MoE)

_state = {"enabled": False, "loaded": False, "many": False, "computed": 0, "stored": 0}


def enable() -> None:
    """Keep prices between runs in this process (the command line calls this)."""
    _state["enabled"] = True


def kept(store: dict, arch: Any, key: P, work: Callable[[Any, P], T]) -> T:
    """``work(arch, key)``, once per architecture and key, kept between runs in ``store``."""
    found = store.get((arch, key))
    if found is None:
        computed()  # may read the stored prices into ``store``
        found = store.get((arch, key))
        if found is None:
            found = store[(arch, key)] = work(arch, key)
    return found


def expect(models: int) -> None:
    """A command is about to price ``models`` models (``recommend`` over the catalog): from
    ``ENOUGH`` on, the stored prices are read before the first is worked out, not after ``ENOUGH``
    of them (pricing those took longer than reading the file)."""
    if models >= ENOUGH:
        _state["many"] = True


def computed() -> None:
    """Called by the estimator for each price it works out: past ``ENOUGH`` (or from the first,
    after ``expect``), the stored ones are read."""
    _state["computed"] += 1
    if _state["enabled"] and not _state["loaded"] and (_state["many"] or _state["computed"] >= ENOUGH):
        _load()


def save() -> None:
    """Store what this process priced, merged with what was stored (never fails the command): past
    ``ENOUGH`` prices, or any new one after a ranking (``expect``) read the store."""
    held = sum(len(store) for store in _stores().values())
    few = _state["computed"] < ENOUGH and not _state["many"]
    if not _state["enabled"] or few or held > MAX_STORED:
        return
    if not _state["loaded"]:
        _load()
        held = sum(len(store) for store in _stores().values())
    if held <= _state["stored"]:
        return  # everything priced here was stored already
    from llmguide.catalog import cache

    cache.write_key(_key(), {name: dict(store) for name, store in _stores().items()})
    _state["stored"] = held


def _load() -> None:
    from llmguide.catalog import cache
    from llmguide.model.architecture import intern

    _state["loaded"] = True
    table = cache.read_key(_key())
    if not isinstance(table, dict):
        return
    for name, store in _stores().items():
        stored = table.get(name) or {}
        _state["stored"] += len(stored)
        for (arch, preset), value in stored.items():
            store.setdefault((intern(arch), preset), value)


def _stores() -> dict[str, dict[Any, Any]]:
    return {"priced": PRICED, "reads": READS, "tensors": TENSORS, "params": PARAMS, "repacked": REPACKED,
            "experts": EXPERTS}


def _key() -> str:
    """``prices-`` and a digest of the version and of the files whose code sets a price."""
    from llmguide import __version__
    from llmguide.catalog.cache import stamped_key

    here = Path(__file__).resolve().parent
    code = [here / "weights.py", here / "gguf_rules.py", here / "ggml_types.py", here / "repack.py",
            here.parent / "model" / "tensors.py", here.parent / "model" / "architecture.py"]
    return "prices-" + stamped_key([__version__], code)
