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

    def get(self, runtime: str) -> str | None:
        return {"llama.cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio}[runtime]

    def as_dict(self) -> dict:
        notes = [n for n in (self.note, self.ollama_note) if n]
        return {"llama_cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio, "note": " ".join(notes) or None}

    def notes_for(self, runtime: str) -> list[str]:
        return [n for n in (self.note, self.ollama_note if runtime == "ollama" else None) if n]


def run_commands(model, quant: str, context: int, placement_flags: str | None = None, server_flags: str = "",
                 sequences: int = 1) -> RunCommands:
    """The commands for ``model`` (a ``ModelRef``) at GGUF quantization ``quant`` with a
    ``context``-token window for each of ``sequences`` parallel sequences; ``placement_flags`` are
    llama.cpp's (``-ngl 99 --n-cpu-moe 20``), all layers on the GPU when not given;
    ``server_flags`` any other llama-server switches the estimate assumed (``-np 4 -ctk q8_0``)."""
    flags = " ".join(f for f in (placement_flags or "-ngl 99", server_flags) if f)
    ctx = f"-c {context * sequences}"  # llama-server shares -c among its -np slots
    if model.gguf is not None and not model.hub_quant:  # a file on disk: run it where it is
        path = shlex.quote(model.source)
        return RunCommands(f"llama-server -m {path} {flags} {ctx}", None, None,
                           "Ollama and LM Studio import a local file: a Modelfile with FROM, or lms import.")
    if model.hub_quant:  # a file on the Hub, read through its tag: that repository holds it
        repo, caution, quant = model.upload("gguf"), None, model.hub_quant
    else:
        repo, caution = model.gguf_upload(quant)
        if repo is None and caution:  # the pick is not among the recorded files: the nearest smaller one that is
            smaller = _nearest_smaller(model, quant)
            if smaller:
                repo, quant = smaller
                caution = (f"no recorded GGUF upload holds {quant_asked(caution)} as one file; {quant} is the nearest "
                           f"smaller one that {repo} holds ('llmguide fit {model.id} --quant {quant}' prices it)")
    if repo:
        ollama_note = (f"In Ollama, /set parameter num_ctx {context} inside the chat gives the planned context "
                       f"(its default is {OLLAMA_DEFAULT_CONTEXT}).") if context > OLLAMA_DEFAULT_CONTEXT else None
        return RunCommands(f"llama-server -hf {shlex.quote(f'{repo}:{quant}')} {flags} {ctx}",
                           f"ollama run {shlex.quote(f'hf.co/{repo}:{quant}')}",
                           f"lms get {shlex.quote(f'https://huggingface.co/{repo}@{quant.lower()}')}",
                           _sentence(caution), ollama_note)
    tags = model.ollama_tags
    ollama = f"ollama run {shlex.quote(tags[0])}" if tags else None
    missing = f"{caution[0].upper()}{caution[1:]};" if caution else "No GGUF upload is recorded:"
    return RunCommands(None, ollama,
                       None, f"{missing} 'llmguide deploy {model.id} --backend llama.cpp' shows how to make the file"
                       + (" (the Ollama tag pulls Ollama's own choice of quantization)." if tags else "."))


# Quantizations from the most bits per weight to the fewest (what "smaller" means above).
BY_SIZE = ("F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_M", "Q4_K_S", "IQ4_XS",
           "IQ4_NL", "Q4_1", "Q4_0", "MXFP4_MOE", "Q3_K_L", "Q3_K_M", "IQ3_M", "Q3_K_S", "IQ3_XS", "Q2_K", "IQ2_M")


def _nearest_smaller(model, quant: str) -> tuple[str, str] | None:
    """(repository, quantization): the largest recorded single-file quantization smaller than ``quant``."""
    if quant.upper() not in BY_SIZE:
        return None
    for smaller in BY_SIZE[BY_SIZE.index(quant.upper()) + 1:]:
        repo, caution = model.gguf_upload(smaller)
        if repo and caution is None:
            return repo, smaller
    return None


def quant_asked(caution: str) -> str:
    """The quantization a 'no recorded GGUF upload holds X' caution names."""
    return caution.split(" holds ", 1)[1].split(" ", 1)[0]


def _sentence(text: str | None) -> str | None:
    return f"{text[0].upper()}{text[1:]}." if text else None


def for_pick(variant, arch, quant: str, context: int, placement, installed: tuple = ()) -> RunCommands:
    """The commands for a catalog variant as ``recommend`` picked it: its quantization, context
    and placement (``placement`` None: not checked, all layers on the GPU). ``installed``
    (``Recommendation.installed``): copies already on this machine, run where they are."""
    from llmguide.model.modelref import variant_ref

    flags = placement.flags(arch) if placement is not None else None
    here = [c for c in installed if c[0] == variant.id and (c[1] or "").upper() == quant.upper()]
    if here:
        return _installed_commands(here, flags, context)
    return run_commands(variant_ref(variant), quant, context, flags)


def _installed_commands(copies: list, placement_flags: str | None, context: int) -> RunCommands:
    """Run a copy already on disk: its file with llama-server, its tag with Ollama."""
    flags = placement_flags or "-ngl 99"
    path = next(c[4] for c in copies)
    ollama = next((f"ollama run {shlex.quote(c[3])}" for c in copies if c[2] == "ollama"), None)
    stores = ", ".join(dict.fromkeys(c[2] for c in copies))
    return RunCommands(f"llama-server -m {shlex.quote(path)} {flags} -c {context}", ollama, None,
                       f"Installed ({stores}): nothing to download.")
