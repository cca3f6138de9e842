"""Pieces several commands share: the catalog (loaded once per process) and common options."""

from __future__ import annotations

from functools import lru_cache

import typer

from llmguide.catalog.loader import Catalog, load_catalog


EXTRA_CATALOGS: list = []  # --catalog PATH options of the current invocation


@lru_cache(maxsize=8)
def _catalog(extra: tuple, env: str, user_dir: str) -> Catalog:
    """Cached per set of overlays (``env`` and ``user_dir`` are part of the key; they are read inside)."""
    from llmguide.catalog.overlay import apply_overlays, overlay_paths

    return apply_overlays(lambda: load_catalog(use_cache=True), overlay_paths(list(extra)), use_cache=True)


def catalog() -> Catalog:
    """The shipped catalog with the user's catalogs on top (see llmguide/catalog/overlay.py)."""
    import os

    from llmguide.catalog import overlay

    user = overlay.user_catalog_dir()
    return _catalog(tuple(EXTRA_CATALOGS), os.environ.get("LLMGUIDE_CATALOG", ""), f"{user}:{user.is_dir()}")


JSON_OPTION = typer.Option(False, "--json", help="Print JSON only (shape in docs/json.md).")

# Hardware flags shared by recommend and fit.
GPU_OPTION = typer.Option(None, "--gpu", help="GPU preset, e.g. 4090, 'RTX 3090', '2x RTX 3090', 'M2 Max 38-core'.")
GPUS_OPTION = typer.Option(None, "--gpus", help="Number of GPUs.")
VRAM_OPTION = typer.Option(None, "--vram", help="GPU memory per card in GB, e.g. 24 (overrides the preset).")
RAM_OPTION = typer.Option(None, "--ram", help="System RAM in GB (with a GPU: allows GPU+CPU split; unified memory on Apple).")
BANDWIDTH_OPTION = typer.Option(None, "--bandwidth", help="GPU memory bandwidth in GB/s (for speed; overrides the preset).")
CPU_BANDWIDTH_OPTION = typer.Option(None, "--cpu-bandwidth", help="System RAM bandwidth in GB/s that the CPU reaches (for the speed of layers or experts in RAM; default: 72, DDR5-5600 dual channel at 80% of its 89.6 GB/s peak; `llmguide hardware --measure-bandwidth` measures yours).")
CPU_ONLY_OPTION = typer.Option(False, "--cpu-only", help="Plan without any GPU, detected or given.")
# What recommend and why-not ask of a model, beyond the hardware. TASK_IDS is kept in step with
# catalog/tasks.yaml by tests/cli/test_recommend.py (reading the catalog here would slow start-up).
TASK_IDS = "chat, code, reasoning, math, summarization, long-context, multilingual, tool-use, vision"
TASK_OPTION = typer.Option("chat", "--task", "-t", help=f"What the model is for: {TASK_IDS}.")
LANG_OPTION = typer.Option(None, "--lang", "-l", help="Language(s) needed: ISO 639-1 codes or names; repeat or comma-separate.")
CONTEXT_OPTION = typer.Option(None, "--context", "-c", help="Context to plan for, in tokens (default 4096, or the task's minimum).")
LICENSE_OPTION = typer.Option(None, "--license", help="License policy: an SPDX id (Apache-2.0, MIT, ...), 'permissive' or 'commercial'.")
MIN_SPEED_OPTION = typer.Option(None, "--min-speed", help="Minimum generation speed, tokens per second.")
MAX_TTFT_OPTION = typer.Option(None, "--max-ttft", help="Maximum time to the first token, seconds (for a 512-token prompt).")
MODALITY_OPTION = typer.Option(None, "--modality", help="Input the model must take: text, image, audio, video (repeat or comma-separate).")
HEADROOM_OPTION = typer.Option(None, "--headroom", help="Memory kept free for the desktop and OS: GB (e.g. 2) or a share (e.g. 10%). Default: max(0.5 GB, 5%) of VRAM, max(2 GB, 10%) of RAM.")


def hardware(gpu, gpus, vram, ram, bandwidth, cpu_only: bool, headroom: str | None, cpu_bandwidth: float | None = None):
    hw = _hardware(gpu, gpus, vram, ram, bandwidth, cpu_only, headroom)
    if cpu_bandwidth is not None:
        from dataclasses import replace

        from llmguide.errors import UsageError

        if not 0 < cpu_bandwidth < 100_000:
            raise UsageError(f"--cpu-bandwidth must be a positive number of GB/s, not {cpu_bandwidth:g}.")
        hw = replace(hw, cpu_bandwidth=cpu_bandwidth * 1e9)
    return hw


def _hardware(gpu, gpus, vram, ram, bandwidth, cpu_only: bool, headroom: str | None):
    """The hardware to plan for: --gpu/--vram/--ram when given, else this machine as detected
    (--gpus and --bandwidth then refine what was found).

    Detection warnings and notes go to stderr, so --json output stays pure."""
    from dataclasses import replace

    from llmguide.hardware.flags import from_flags
    from llmguide.hardware.plan import parse_headroom

    room_bytes, room_share = parse_headroom(headroom)
    cat = catalog()
    if any(v is not None for v in (gpu, vram, ram)):
        hw = from_flags(vram, ram, gpu=gpu, gpus=gpus, bandwidth_gbs=bandwidth, devices=cat.hardware)
        if cpu_only:
            hw = replace(hw, vram=None, gpu_name=None, gpu_family=None, gpu_count=1, gpu_bandwidth=None,
                         gpu_flops=None, unified=False)
        return replace(hw, headroom_bytes=room_bytes, headroom_share=room_share)
    from llmguide.hardware import detect
    from llmguide.hardware.plan import to_hardware

    machine = detect.detect_machine()
    hw, notes = to_hardware(machine, cat.hardware, cpu_only, (room_bytes, room_share))
    if gpus is not None or bandwidth is not None:  # refine what was detected
        if gpus is not None and gpus < 1:
            from llmguide.errors import UsageError

            raise UsageError(f"--gpus must be at least 1, not {gpus}.")
        hw = replace(hw, gpu_count=gpus or hw.gpu_count,
                     gpu_bandwidth=bandwidth * 1e9 if bandwidth else hw.gpu_bandwidth)
    from llmguide.cli.console import err

    for line in (*machine.warnings, *notes):
        err().print(f"[yellow]Note:[/] {line}", highlight=False)
    return hw
