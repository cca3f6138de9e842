"""Hardware from command-line flags, validated: sizes are typed in GB (read as GiB, as memory is sold).

``--gpu`` names a preset from ``catalog/hardware`` (``4090``, ``RTX 4090``, ``2x RTX 3090``,
``M2 Max 38-core``); ``--gpus`` multiplies; ``--vram`` overrides the memory per card;
``--bandwidth`` the GPU's memory bandwidth (GB/s); ``--ram`` is system (or unified) memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from llmguide.catalog.schema import close_matches, normalize
from llmguide.errors import UnknownNameError, UsageError
from llmguide.hardware.presets import Device
from llmguide.hardware.profile import DRAM_SUSTAINED_SHARE, Hardware
from llmguide.units import MAX_GB, MAX_RATE, check_count, check_positive, gib_to_bytes

def find_device(devices: tuple[Device, ...], name: str) -> Device:
    """The preset a name means: its id, name or an alias, in any case and spacing, with or without
    the vendor's prefixes ("NVIDIA GeForce", "AMD Radeon"), and "Mobile", "Max-Q" or "Laptop GPU"
    read as "Laptop"."""
    index = _index(devices)
    for key in _keys(normalize(name)):
        if key in index:
            return index[key]
    key = normalize(name)
    close = close_matches(key, index, n=8)
    ids = list(dict.fromkeys(index[c].id for c in close))[:3]
    raise UnknownNameError("GPU", name, ids)


@lru_cache(maxsize=8)
def _index(devices: tuple[Device, ...]) -> dict[str, Device]:
    index: dict[str, Device] = {}
    for dev in devices:
        for n in (dev.id, dev.name, *dev.aliases):
            index.setdefault(normalize(n), dev)
    return index


VENDOR_PREFIXES = ("nvidiageforce", "nvidiatesla", "nvidia", "geforce", "tesla", "amdradeon", "amd", "radeon", "intel", "apple")
LAPTOP_WORDS = (("laptopgpu", "laptop"), ("mobile", "laptop"), ("maxq", "laptop"), ("notebook", "laptop"))


def _keys(key: str) -> list[str]:
    """``key`` and the spellings of the same name to try after it."""
    keys = [key]
    for prefix in VENDOR_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            keys.append(key[len(prefix):])
    for k in list(keys):
        for word, canonical in LAPTOP_WORDS:
            if word in k:
                keys.append(k.replace(word, canonical))
        if k.endswith("gpu") and len(k) > 3:
            keys.append(k[:-3])
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class GpuName:
    """What a --gpu value says: the preset, how many (``2x NAME``, ``NAME x2``), and a memory size
    given in the name (``3060 12GB``, ``M4 Max 128GB``), with a note when it was read loosely."""

    device: Device
    count: int = 1
    size_gb: float | None = None
    note: str | None = None


_COUNT_BEFORE = re.compile(r"^\s*(\d{1,2})\s*[x×*]\s*(\S.*)$", re.I)  # 2x RTX 3090, 2 x 3090, 2×3090
_COUNT_AFTER = re.compile(r"^(.*?\S)\s*[x×*]\s*(\d{1,2})\s*$", re.I)  # RTX 3090 x2, 3090 x 2
_SIZE_IN_NAME = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*gi?b(?![a-z0-9])", re.I)  # 12GB, 128 GB, 32GiB
_CHINA_D = re.compile(r"^(.*\S)\s+d$", re.I)  # RTX 4090 D: the variant sold in China


def parse_gpu(devices: tuple[Device, ...], text: str, vram_gb: float | None = None) -> GpuName:
    """Read a --gpu value. The whole text is tried as a name first, so "7900 XTX" is a card and not
    7900 cards named "TX"; then a count before or after the name, then a memory size in it."""
    try:
        return _sized(devices, text, vram_gb)
    except UnknownNameError as not_found:
        for pattern, count_group, name_group in ((_COUNT_BEFORE, 1, 2), (_COUNT_AFTER, 2, 1)):
            m = pattern.match(text)
            if m:
                try:
                    inner = _sized(devices, m.group(name_group), vram_gb)
                except UnknownNameError:
                    continue
                count = int(m.group(count_group))
                if count < 1:
                    raise UsageError("The GPU count must be at least 1.") from None
                return GpuName(inner.device, count, inner.size_gb, inner.note)
        m = _CHINA_D.match(text)
        if m:
            try:
                base = _sized(devices, m.group(1), vram_gb)
            except UnknownNameError:
                pass
            else:
                return GpuName(base.device, 1, base.size_gb, f"'{text}' is planned as the {base.device.name}: the D variant "
                               "keeps its memory and bandwidth (fewer cores, so prompts run a little slower)")
        raise not_found


def _sized(devices: tuple[Device, ...], text: str, vram_gb: float | None = None) -> GpuName:
    try:
        found = find_device(devices, text)
        if found.kind in ("unified", "igpu"):
            return GpuName(_chip(devices, found, text, None))
        return GpuName(_unambiguous(devices, found, text, vram_gb))
    except UnknownNameError:
        bare = _bare_matches(devices, text)
        if bare:  # "RTX 2060": no preset goes by the bare name, several go by it with a size
            return GpuName(_unambiguous(devices, bare[0], text, vram_gb, force=True))
        m = _SIZE_IN_NAME.search(text)
        if not m:
            raise
        size = float(m.group(1))
        rest = (text[: m.start()] + " " + text[m.end():]).strip()
        if not rest:
            raise
        try:
            dev = find_device(devices, rest)
        except UnknownNameError:
            sized_cards = [d for d in _bare_matches(devices, rest) if d.memory_gb == size]
            if not sized_cards:
                raise
            if len({d.bandwidth_gbs for d in sized_cards}) > 1:
                names = " or ".join(f'"{d.name}"' for d in sized_cards[:3])
                raise UsageError(f"'{text}' names cards with different memory bandwidth: say which.", f"--gpu {names}") from None
            return GpuName(sized_cards[0])
        if dev.kind in ("unified", "igpu"):
            return GpuName(_chip(devices, dev, rest, size), size_gb=size)
        if dev.memory_gb == size:
            return GpuName(dev)
        same_card = [d for d in devices if d.kind == "gpu" and d.memory_gb == size and _base_name(d) == _base_name(dev)]
        if same_card:
            return GpuName(same_card[0])
        sizes = sorted({d.memory_gb for d in devices if d.kind == "gpu" and d.memory_gb and _base_name(d) == _base_name(dev)})
        known = ", ".join(f"{x:g}" for x in sizes)
        raise UsageError(f"No {size:g} GB {_base_title(dev)} among the presets (known: {known} GB).",
                         "Drop the size from the name, or give the card with --vram GB and --bandwidth GB/s.") from None


_CORES = re.compile(r"\b\d+\s*-?\s*cores?(\s*gpu)?\b|\b\d+c\b", re.I)


def _chip(devices: tuple[Device, ...], dev: Device, text: str, size: float | None) -> Device:
    """A unified-memory chip sold with several GPU core counts ("M3 Max": 30 or 40 cores): the one
    the name says, or the one sold with the memory size given (36 GB is only the 30-core M3 Max);
    when the counts differ in bandwidth and nothing decides, the user is asked."""
    if _CORES.search(text):
        return dev
    same = [d for d in devices if d.kind == dev.kind and _chip_base(d) == _chip_base(dev)]
    if size is not None:
        sold = [d for d in same if size in d.memory_options_gb]
        if sold:
            same = sold
    if len({d.bandwidth_gbs for d in same}) > 1:
        ranked = sorted(same, key=lambda d: d.bandwidth_gbs)
        kinds = " or ".join(f"{_cores(d)} ({d.bandwidth_gbs:g} GB/s)" for d in ranked)
        raise UsageError(f"'{text}' comes as {kinds}, which changes the speed: say which.",
                         f'For example --gpu "{" ".join(text.split())} {_cores(ranked[-1])}".')
    return dev if dev in same else same[0]


def _cores(dev: Device) -> str:
    m = _CORES.search(dev.name)
    return m.group(0).strip() if m else dev.name


@lru_cache(maxsize=4096)
def _chip_base(dev: Device) -> str:
    return normalize(_CORES.sub(" ", dev.name))


def _bare_matches(devices: tuple[Device, ...], text: str) -> list[Device]:
    """Discrete cards whose names, without their memory size, are what the user typed."""
    keys = set(_keys(normalize(text)))
    return [d for d in devices if d.kind == "gpu" and _bare_keys(d) & keys]


@lru_cache(maxsize=4096)
def _bare_keys(dev: Device) -> frozenset[str]:
    out: set[str] = set()
    for name in (dev.name, *dev.aliases):
        bare = _SIZE_IN_NAME.sub(" ", name)
        out.update(_keys(normalize(bare)))
        out.update(_keys(normalize(_FORM_FACTOR.sub(" ", bare))))  # "P100" for the PCIe and SXM2 cards alike
    return frozenset(out)


_FORM_FACTOR = re.compile(r"\b(pcie|sxm\d?|nvl|mezzanine)\b", re.I)


def _unambiguous(devices: tuple[Device, ...], dev: Device, text: str, vram_gb: float | None, force: bool = False) -> Device:
    """``dev``, unless the name is one a card sold in several memory sizes goes by ("A100", "RTX 4060
    Ti"): then --vram picks the size, and without it the user is asked."""
    sized = _SIZE_IN_NAME.search(text)
    if dev.kind != "gpu" or normalize(text) in (normalize(dev.id), normalize(dev.name)) or (sized and float(sized.group(1)) == dev.memory_gb):
        return dev
    same = _bare_matches(devices, text) if force else [d for d in devices if d.kind == "gpu" and _base_name(d) == _base_name(dev)]
    sizes = sorted({d.memory_gb for d in same if d.memory_gb})
    if len(sizes) < 2:
        return dev
    if vram_gb is not None:
        exact = [d for d in same if d.memory_gb == vram_gb]
        if exact:
            return exact[0]
        if len({d.bandwidth_gbs for d in same}) == 1:
            return dev  # the sizes differ only in memory, which --vram gives
    listed = ", ".join(f"{x:g}" for x in sizes)
    raise UsageError(f"'{text}' is sold with {listed} GB, which changes the answer: say which.",
                     f'For example --gpu "{text} {sizes[-1]:g}GB" (or --vram {sizes[-1]:g}).')


@lru_cache(maxsize=4096)
def _base_name(dev: Device) -> str:
    """A card's name without its memory size: "NVIDIA A100 80GB" and "NVIDIA A100 40GB" share one."""
    return normalize(_SIZE_IN_NAME.sub(" ", dev.name))


def _base_title(dev: Device) -> str:
    return " ".join(_SIZE_IN_NAME.sub(" ", dev.name).split())


def from_flags(
    vram_gb: float | None,
    ram_gb: float | None,
    *,
    gpu: str | None = None,
    gpus: int | None = None,
    bandwidth_gbs: float | None = None,
    devices: tuple[Device, ...] = (),
    notes: list[str] | None = None,
) -> Hardware:
    """The hardware the flags describe. ``notes`` (when given) receives how a loosely read name or
    an assumed memory size was taken, for the caller to show."""
    for flag, value, top, unit in (("--vram", vram_gb, MAX_GB, "GB"), ("--ram", ram_gb, MAX_GB, "GB"),
                                   ("--bandwidth", bandwidth_gbs, MAX_RATE, "GB/s")):
        if value is not None:
            check_positive(flag, value, top, unit)
    if gpus is not None:
        check_count("--gpus", gpus)
    count = gpus or 1
    dev = None
    named_size = None
    if gpu:
        parsed = parse_gpu(devices, gpu, vram_gb)
        dev, count, named_size = parsed.device, parsed.count * (gpus or 1), parsed.size_gb
        if parsed.note and notes is not None:
            notes.append(parsed.note)
    if dev is not None and dev.kind == "cpu":  # a CPU memory setup: its bandwidth, no GPU
        if vram_gb is not None:
            raise UsageError(f"{dev.name} is a CPU memory setup, not a GPU: drop --vram or name a GPU.")
        if ram_gb is None:
            raise UsageError(f"{dev.name} names the memory's speed, not its size: pass --ram with yours.")
        return Hardware(
            ram=gib_to_bytes(ram_gb) if ram_gb is not None else None,
            source="given" if ram_gb is not None else "none",
            cpu_bandwidth=dev.bandwidth_gbs * 1e9 * DRAM_SUSTAINED_SHARE,  # the preset gives the peak
        )
    unified = bool(dev and dev.kind in ("unified", "igpu"))
    if dev is not None and unified and ram_gb is None:
        ram_gb = vram_gb if vram_gb is not None else named_size  # one pool: --vram, --ram and "128GB" mean the same memory
    if dev is not None and unified and ram_gb is None:
        if not dev.memory_options_gb and not dev.memory_gb:
            raise UsageError(f"{dev.name} shares system memory: pass --ram with yours.")
        ram_gb = dev.memory_gb or min(dev.memory_options_gb)
        options = ", ".join(f"{o:g}" for o in dev.memory_options_gb)
        if notes is not None:
            notes.append(f"{dev.name} shares system memory: assuming its smallest, {ram_gb:g} GB"
                         + (f" (sold with {options} GB)" if options else "") + "; pass --ram with yours")
    if dev is not None and not unified and named_size is not None and vram_gb is None:
        vram_gb = named_size
    vram = vram_gb if vram_gb is not None else (dev.memory_gb if dev and not unified else None)
    bw = bandwidth_gbs if bandwidth_gbs is not None else (dev.bandwidth_gbs if dev else None)
    given = any(v is not None for v in (vram_gb, ram_gb, gpu))
    return Hardware(
        vram=gib_to_bytes(vram) if vram is not None and not unified else None,
        ram=gib_to_bytes(ram_gb) if ram_gb is not None else None,
        source="given" if given else "none",
        gpu_name=dev.name if dev else None,
        gpu_family=dev.vendor if dev else None,
        gpu_count=count,
        gpu_bandwidth=bw * 1e9 if bw else None,
        gpu_flops=dev.fp16_tflops * 1e12 if dev and dev.fp16_tflops else None,
        unified=unified,
    )
