"""How to get and run one pick on this machine, in each local runtime.

``recommend`` and ``fit`` end with these: one command per runtime that downloads the chosen
quantization and runs it with the placement llmguide planned. Only repositories the catalog
records (``downloads.repos`` with format ``gguf``, each with its source) are printed, never an
invented one; without one, ``deploy`` shows how to make the file. The syntax of each command:

- llama.cpp: ``llama-server -hf REPO:QUANT`` downloads the file of that quantization from the
  repository and caches it (llama.cpp's README, "-hf"); ``-ngl``, ``--n-cpu-moe`` and ``-c`` as
  ``fit`` plans them.
- Ollama: ``ollama run hf.co/REPO:QUANT`` runs any GGUF repository on Hugging Face at the chosen
  quantization (Hugging Face Hub docs, "Use Ollama with any GGUF Model on Hugging Face Hub"); a
  catalog Ollama tag is given instead only when no GGUF repository is recorded, as its
  quantization is Ollama's choice, not the plan's.
- LM Studio: ``lms get URL@quant`` (LM Studio docs, "lms get": a Hugging Face URL, and ``@`` to
  pick the quantization).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

RUNTIMES = ("llama.cpp", "ollama", "lmstudio")
RUNTIME_NAMES = {"llama.cpp": "llama.cpp", "ollama": "Ollama", "lmstudio": "LM Studio"}
OLLAMA_DEFAULT_CONTEXT = 4096  # Ollama's num_ctx when nothing sets it


@dataclass(frozen=True)
class RunCommands:
    """One command per runtime (None where the catalog records nothing to run it from), and a
    note on what the commands leave to the user."""

    llama_cpp: str | None
    ollama: str | None
    lmstudio: str | None
    note: str | None = None  # for every runtime: what the commands fetch instead, or why there are none
    ollama_note: str | None = None  # Ollama's own default context, when more is planned
    instead: str | None = None  # the quantization fetched when no recorded upload holds the one asked

    def get(self, runtime: str) -> str | None:
        return {"llama.cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio}[runtime]

    def as_dict(self) -> dict:
        notes = [n for n in (self.note, self.ollama_note) if n]
        return {"llama_cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio, "note": " ".join(notes) or None}

    def notes_for(self, runtime: str) -> list[str]:
        return [n for n in (self.note, self.ollama_note if runtime == "ollama" else None) if n]

    def why_none(self, runtime: str) -> str:
        """Why ``runtime`` has no command: its notes, or a plain line."""
        return " ".join(self.notes_for(runtime)) or f"No {RUNTIME_NAMES[runtime]} command for this model."


def run_commands(model, quant: str, context: int, placement_flags: str | None = None, server_flags: str = "",
                 sequences: int = 1, file_bytes: int | None = None) -> RunCommands:
    """The commands for ``model`` (a ``ModelRef``) at GGUF quantization ``quant`` with a
    ``context``-token window for each of ``sequences`` parallel sequences; ``placement_flags`` are
    llama.cpp's (``-ngl 99 --n-cpu-moe 20``), all layers on the GPU when not given;
    ``server_flags`` any other llama-server switches the estimate assumed (``-np 4 -ctk q8_0``,
    YaRN's); ``file_bytes`` the file's size, when known (Ollama cannot load a split file)."""
    on_gpu = placement_flags in (None, "-ngl 99")
    flags = " ".join(f for f in (placement_flags or "-ngl 99", server_flags) if f)
    ctx = f"-c {context * sequences}"  # llama-server shares -c among its -np slots
    if model.gguf is not None and not model.hub_quant:  # a file on disk: run it where it is
        path = shlex.quote(model.source)
        return RunCommands(f"llama-server -m {path} {flags} {ctx}", None, None,
                           "Ollama and LM Studio import a local file: a Modelfile with FROM, or lms import.")
    smaller = None
    repo, quant, caution = model.gguf_source(quant)  # an hf:ORG/NAME:QUANT file: its own repository and quantization
    if repo is None and caution and on_gpu:
        # A smaller file runs wherever this one did when everything is on the GPU; a split
        # placement would change with it, so there the user is sent to fit instead.
        smaller = _nearest_smaller(model, quant)
        if smaller:
            asked, (repo, quant) = quant, smaller
            caution = (f"no recorded GGUF upload holds {asked}; {quant} is the nearest one no larger that {repo} "
                       f"holds, and fits all on the GPU too ('llmguide fit {model.id} --quant {quant}' prices it)")
    if repo:
        return RunCommands(f"llama-server -hf {shlex.quote(f'{repo}:{quant}')} {flags} {ctx}",
                           None if _split(file_bytes) else f"ollama run {shlex.quote(f'hf.co/{repo}:{quant}')}",
                           f"lms get {shlex.quote(f'https://huggingface.co/{repo}@{quant.lower()}')}",
                           _sentence(caution), _ollama_note(context, sequences, on_gpu, server_flags, file_bytes),
                           quant if smaller else None)
    tags = model.ollama_tags
    ollama = f"ollama run {shlex.quote(tags[0])}" if tags else None
    if caution:  # files are recorded, but not this one
        return RunCommands(None, ollama, None, f"{caution[0].upper()}{caution[1:]}; 'llmguide fit {model.id}' gives the "
                           "command for the best recorded file that fits (with the same hardware flags).")
    missing = "No GGUF upload is recorded:"
    return RunCommands(None, ollama,
                       None, f"{missing} 'llmguide deploy {model.id} --backend llama.cpp' shows how to make the file"
                       + (" (the Ollama tag pulls Ollama's own choice of quantization)." if tags else "."))


SPLIT_BYTES = 50 * 10**9  # Hugging Face stores no file over 50 GB: larger GGUFs are split in parts


def _split(file_bytes: int | None) -> bool:
    return file_bytes is not None and file_bytes > SPLIT_BYTES


def _ollama_note(context: int, sequences: int, on_gpu: bool, server_flags: str, file_bytes: int | None) -> str | None:
    """What Ollama does differently from the plan, and the settings that bring it closer."""
    if _split(file_bytes):
        return ("Ollama cannot load a GGUF split in parts, and files over 50 GB are split on Hugging Face "
                "(ollama/ollama#5245): use llama.cpp.")
    notes = []
    if context > OLLAMA_DEFAULT_CONTEXT:
        notes.append(f"OLLAMA_CONTEXT_LENGTH={context} ollama serve (or /set parameter num_ctx {context} in a chat) gives "
                     f"the planned context; Ollama's default is {OLLAMA_DEFAULT_CONTEXT}.")
    if sequences > 1:
        notes.append(f"OLLAMA_NUM_PARALLEL={sequences} serves {sequences} requests at once.")
    if "-ctk" in server_flags:
        kv = server_flags.split("-ctk ", 1)[1].split()[0]
        notes.append(f"OLLAMA_FLASH_ATTENTION=1 OLLAMA_KV_CACHE_TYPE={kv} gives the planned KV cache.")
    if not on_gpu:
        notes.append("Ollama places whole layers, not only the experts, so a model that does not fit the GPU runs "
                     "slower there than the speed shown for llama.cpp.")
    return " ".join(notes) or None


# Quantizations from the most bits per weight to the fewest (what "no larger" means above).
BY_SIZE = ("F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_M", "Q4_K_S", "IQ4_XS",
           "IQ4_NL", "Q4_1", "Q4_0", "MXFP4_MOE", "Q3_K_L", "Q3_K_M", "IQ3_M", "Q3_K_S", "IQ3_XS", "Q2_K", "IQ2_M")


def _nearest_smaller(model, quant: str) -> tuple[str, str] | None:
    """(repository, quantization): the largest recorded quantization no larger than ``quant``."""
    if quant.upper() not in BY_SIZE:
        return None
    for smaller in BY_SIZE[BY_SIZE.index(quant.upper()) + 1:]:
        repo, caution = model.gguf_upload(smaller)
        if repo and caution is None:
            return repo, smaller
    return None


def _sentence(text: str | None) -> str | None:
    return f"{text[0].upper()}{text[1:]}." if text else None


def for_estimate(model, est) -> RunCommands:
    """The commands for one of ``fit``'s llama.cpp estimates (a ``FitEstimate`` of ``model``): its
    quantization, context, placement and switches."""
    flags = est.placement.flags(model.arch) if est.placement is not None else None
    return run_commands(model, est.quant, est.context, flags, est.server_flags, est.sequences, est.file_bytes)


def for_pick(variant, arch, quant: str, context: int, placement, installed: tuple = ()) -> RunCommands:
    """The commands for a catalog variant as ``recommend`` picked it: its quantization, context
    and placement (``placement`` None: not checked, all layers on the GPU). ``installed``
    (``Recommendation.installed``): copies already on this machine, run where they are."""
    from llmguide.model.modelref import variant_ref

    from llmguide.estimate.fit import yarn_flags
    from llmguide.estimate.weights import gguf_file_bytes

    flags = placement.flags(arch) if placement is not None else None
    yarn = yarn_flags(variant.context, context)
    here = [c for c in installed if c[0] == variant.id and (c[1] or "").upper() == quant.upper()]
    if here:
        return _installed_commands(here, " ".join(f for f in (flags, yarn) if f) or None, context)
    return run_commands(variant_ref(variant), quant, context, flags, yarn, file_bytes=gguf_file_bytes(arch, quant))


def _installed_commands(copies: list, placement_flags: str | None, context: int) -> RunCommands:
    """Run a copy already on disk: its file with llama-server, its tag with Ollama."""
    flags = placement_flags or "-ngl 99"
    path = next(c[4] for c in copies)
    ollama = next((f"ollama run {shlex.quote(c[3])}" for c in copies if c[2] == "ollama"), None)
    stores = ", ".join(dict.fromkeys(c[2] for c in copies))
    return RunCommands(f"llama-server -m {shlex.quote(path)} {flags} -c {context}", ollama, None,
                       f"Installed ({stores}): nothing to download.")
