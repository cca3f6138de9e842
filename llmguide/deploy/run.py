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
    note: str | None = None

    def get(self, runtime: str) -> str | None:
        return {"llama.cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio}[runtime]

    def as_dict(self) -> dict:
        return {"llama.cpp": self.llama_cpp, "ollama": self.ollama, "lmstudio": self.lmstudio, "note": self.note}


def run_commands(model, quant: str, context: int, placement_flags: str | None = None, server_flags: str = "",
                 sequences: int = 1) -> RunCommands:
    """The commands for ``model`` (a ``ModelRef``) at GGUF quantization ``quant`` with a
    ``context``-token window for each of ``sequences`` parallel sequences; ``placement_flags`` are
    llama.cpp's (``-ngl 99 --n-cpu-moe 20``), all layers on the GPU when not given;
    ``server_flags`` any other llama-server switches the estimate assumed (``-np 4 -ctk q8_0``)."""
    flags = " ".join(f for f in (placement_flags or "-ngl 99", server_flags) if f)
    ctx = f"-c {context * sequences}"  # llama-server shares -c among its -np slots
    if model.gguf is not None:  # a file on disk: run it where it is
        path = shlex.quote(model.source)
        return RunCommands(f"llama-server -m {path} {flags} {ctx}", None, None,
                           "Ollama and LM Studio import a local file: a Modelfile with FROM, or lms import.")
    repo = model.upload("gguf")
    if repo:
        note = (f"In Ollama, /set parameter num_ctx {context} inside the chat gives the planned context "
                f"(its default is {OLLAMA_DEFAULT_CONTEXT}).") if context > OLLAMA_DEFAULT_CONTEXT else None
        return RunCommands(f"llama-server -hf {shlex.quote(f'{repo}:{quant}')} {flags} {ctx}",
                           f"ollama run {shlex.quote(f'hf.co/{repo}:{quant}')}",
                           f"lms get {shlex.quote(f'https://huggingface.co/{repo}@{quant.lower()}')}", note)
    tags = model.ollama_tags
    ollama = f"ollama run {shlex.quote(tags[0])}" if tags else None
    return RunCommands(None, ollama,
                       None, f"No GGUF upload is recorded: 'llmguide deploy {model.id} --backend llama.cpp' shows how to "
                       "make the file" + (" (the Ollama tag pulls Ollama's own choice of quantization)." if tags else "."))


def for_pick(variant, arch, quant: str, context: int, placement) -> RunCommands:
    """The commands for a catalog variant as ``recommend`` picked it: its quantization, context
    and placement (``placement`` None: not checked, all layers on the GPU)."""
    from llmguide.model.modelref import variant_ref

    return run_commands(variant_ref(variant), quant, context, placement.flags(arch) if placement is not None else None)
