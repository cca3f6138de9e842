"""Where each local model store keeps its models, walked with bounded work.

Each walker turns one store's folder into ``Found`` items: a model's name as that store shows it,
the file or folder to read, and what is already known to be wrong with it. Nothing here reads a
model file; :mod:`llmguide.model.installed` does, through its header only.

- **Ollama**: manifests naming GGUF blobs (``llmguide.model.installed_ollama``).
- **LM Studio**: ``PUBLISHER/REPO/*.gguf`` (and MLX folders with a config.json).
- **Hugging Face cache** (and newer llama.cpp caches): ``models--ORG--NAME/snapshots/REV/``, the
  revision ``refs/main`` names when it is there.
- **llama.cpp's older cache**: ``ORG_REPO_FILE.gguf`` side by side.

Folders are listed, never followed twice (a symbolic-link loop ends there), and every entry looked
at counts against one budget for the whole scan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llmguide.errors import LLMGuideError
from llmguide.model.files import os_problem, read_regular, shown_path
from llmguide.model.gguf_split import split_name

_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass
class Found:
    """One model a store holds, before its file is read."""

    store: str
    name: str  # as the store shows it: an Ollama tag, REPO/FILE, a path
    path: Path  # the GGUF file (the first part of a split one), or the folder with config.json
    format: str  # "gguf" or "safetensors"
    repo: str | None = None  # the Hugging Face repository, when the store records it
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expected_bytes: int | None = None  # the size the store recorded (an Ollama layer's)


class Walk:
    """Directory listing for one scan: each folder at most once, at most ``limit`` entries in all."""

    def __init__(self, limit: int) -> None:
        self.limit, self.left, self.stopped = limit, limit, False
        self.notes: list[str] = []
        self._seen: set[tuple[int, int]] = set()

    def entries(self, folder: Path) -> list[os.DirEntry]:
        """The entries of ``folder`` by name (hidden ones left out); [] when it was listed before, is
        not there, cannot be read (noted) or the budget is spent."""
        try:
            st = os.stat(folder)
        except (OSError, ValueError):
            return []
        if (st.st_dev, st.st_ino) in self._seen:
            return []
        self._seen.add((st.st_dev, st.st_ino))
        found: list[os.DirEntry] = []
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    if self.left <= 0:
                        self.stopped = True
                        break
                    self.left -= 1
                    if not entry.name.startswith("."):
                        found.append(entry)
        except OSError as exc:
            self.notes.append(f"{shown_path(folder)}: cannot list the folder: {os_problem(exc)}")
        return sorted(found, key=lambda e: e.name)

    def forget(self, folder: Path) -> None:
        """Allow ``folder`` to be listed once more (after a look at what it holds)."""
        try:
            st = os.stat(folder)
        except (OSError, ValueError):
            return
        self._seen.discard((st.st_dev, st.st_ino))

    def files(self, folder: Path, depth: int, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], os.DirEntry]]:
        """Every entry that is not a folder, down to ``depth`` folders below ``folder``, with its
        path relative to ``folder`` as parts."""
        for entry in self.entries(folder):
            if _is_dir(entry):
                if depth > 0:
                    yield from self.files(Path(entry.path), depth - 1, (*at, entry.name))
            else:
                yield (*at, entry.name), entry


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows a link; a loop or a dangling link is not a folder
    except OSError:
        return False


# --- Model folders: LM Studio, the Hugging Face cache, folders given ---------------------------

def lmstudio(root: Path, walk: Walk) -> Iterator[Found]:
    for publisher in walk.entries(root):
        if _is_dir(publisher):
            for repo in walk.entries(Path(publisher.path)):
                if _is_dir(repo):
                    repo_id = f"{publisher.name}/{repo.name}"
                    yield from model_folder("lmstudio", repo_id, Path(repo.path), walk, 2, repo=repo_id)


def hf_cache(root: Path, walk: Walk, store: str = "hf", entries: list[os.DirEntry] | None = None) -> Iterator[Found]:
    for entry in walk.entries(root) if entries is None else entries:
        if not entry.name.startswith("models--") or not _is_dir(entry):
            continue
        repo = entry.name[len("models--"):].replace("--", "/")
        folder = Path(entry.path)
        snapshots = _snapshots(folder, walk)
        for rev, snapshot in snapshots:
            label = repo if len(snapshots) == 1 else f"{repo}@{rev[:7]}"
            yield from model_folder(store, label, snapshot, walk, 3, repo=repo, config_anywhere=False)
        unfinished = [e.name for e in walk.entries(folder / "blobs") if e.name.endswith(".incomplete")]
        if unfinished:
            walk.notes.append(f"{repo} ({store}): {len(unfinished)} unfinished download(s) in {shown_path(folder / 'blobs')}")


def _snapshots(repo_folder: Path, walk: Walk) -> list[tuple[str, Path]]:
    """The snapshot ``refs/main`` names when it is there, else every snapshot."""
    try:
        main = read_regular(repo_folder / "refs" / "main", "a Hugging Face ref", 256).decode("ascii", "replace").strip()
    except LLMGuideError:
        main = ""
    if _COMMIT.fullmatch(main) and (repo_folder / "snapshots" / main).is_dir():
        return [(main, repo_folder / "snapshots" / main)]
    return [(e.name, Path(e.path)) for e in walk.entries(repo_folder / "snapshots") if _is_dir(e)]


def model_folder(store: str, label: str, folder: Path, walk: Walk, depth: int, *, repo: str | None = None,
                 config_anywhere: bool = True) -> Iterator[Found]:
    """The models in one folder: each GGUF file (a split model once, by its first part; projector
    files ``mmproj*.gguf`` noted, not listed) and each folder with a config.json (only ``folder``
    itself unless ``config_anywhere``), named ``label/relative path``."""
    files = list(walk.files(folder, depth))
    names = {parts for parts, _ in files}
    projectors: dict[tuple[str, ...], list[str]] = {}
    ggufs, configs = [], []
    for parts, entry in files:
        low = parts[-1].lower()
        if low.endswith(".gguf") and low.startswith("mmproj"):
            projectors.setdefault(parts[:-1], []).append(parts[-1])
        elif low.endswith(".gguf"):
            ggufs.append((parts, entry))
        elif parts[-1] == "config.json" and (config_anywhere or len(parts) == 1):
            configs.append(parts[:-1])
    for parts, entry, problem in first_parts(ggufs):
        found = Found(store, "/".join((label, *parts)), Path(entry.path), "gguf", repo=repo)
        found.problems += [problem] if problem else []
        found.notes += [f"vision projector {p} beside it (not counted in the size)" for p in projectors.get(parts[:-1], [])]
        yield found
    for parts in configs:
        weights = any(len(p) == len(parts) + 1 and p[:-1] == parts and p[-1].endswith(".safetensors") for p in names)
        if weights or not any(g[0][:-1] == parts for g in ggufs):
            yield Found(store, "/".join((label, *parts)), folder.joinpath(*parts), "safetensors", repo=repo)


def first_parts(ggufs: list) -> Iterator[tuple[tuple[str, ...], os.DirEntry, str | None]]:
    """Each GGUF file of ``ggufs`` (``(parts, entry)``) that stands for a model: a whole file, or the
    first part of a split one; when the first part is missing, the lowest part there, with that
    problem."""
    groups: dict[tuple, list[tuple[int, tuple[str, ...], os.DirEntry]]] = {}
    for parts, entry in ggufs:
        split = split_name(parts[-1])
        if split is None:
            yield parts, entry, None
        else:
            groups.setdefault((parts[:-1], split[0], split[2]), []).append((split[1], parts, entry))
    for (_, prefix, count), members in groups.items():
        no, parts, entry = min(members, key=lambda m: m[0])
        yield parts, entry, None if no == 1 else f"part 1 of this {count}-part model is missing ({prefix}-00001-of-{count:05d}.gguf)"


# --- llama.cpp's cache, and folders given with --path ------------------------------------------

def llamacpp(root: Path, walk: Walk) -> Iterator[Found]:
    """Older llama.cpp (``-hf``) kept ``ORG_REPO_FILE.gguf`` in its cache folder; newer versions keep
    the Hugging Face layout there (``models--ORG--NAME``) when ``LLAMA_CACHE`` is set."""
    entries = walk.entries(root)
    yield from hf_cache(root, walk, "llama.cpp", [e for e in entries if e.name.startswith("models--")])
    files = [e for e in entries if not _is_dir(e)]
    ggufs = [((e.name,), e) for e in files if e.name.lower().endswith(".gguf") and not e.name.lower().startswith("mmproj")]
    for parts, entry, problem in first_parts(ggufs):
        org, repo, file = legacy_cache_name(entry.name)
        found = Found("llama.cpp", f"{org}/{repo}/{file}" if repo else entry.name, Path(entry.path), "gguf",
                      repo=f"{org}/{repo}" if repo else None)
        found.problems += [problem] if problem else []
        yield found
    unfinished = [e.name for e in files if e.name.endswith(".downloadInProgress")]
    if unfinished:
        walk.notes.append(f"{shown_path(root)}: {len(unfinished)} unfinished llama.cpp download(s) ({unfinished[0]})")


def legacy_cache_name(file_name: str) -> tuple[str, str | None, str]:
    """(org, repo, file) from llama.cpp's ``ORG_REPO_FILE.gguf`` (its ``/`` became ``_``, so the
    split is a guess: the repository whose name, less ``-GGUF``, begins the file's, else the one
    ending in ``-GGUF``); repo None when neither is found."""
    org, _, rest = file_name.partition("_")
    words = rest.split("_")
    cuts = [("_".join(words[:i]), "_".join(words[i:])) for i in range(1, len(words))]
    for repo, file in cuts:
        stem = re.sub(r"-gguf$", "", repo, flags=re.IGNORECASE)
        if stem and file.lower().startswith(stem.lower()):
            return org, repo, file
    for repo, file in cuts:
        if repo.lower().endswith("-gguf"):
            return org, repo, file
    return org, None, file_name


def given_folder(path: Path, walk: Walk) -> Iterator[Found]:
    """A folder (or file) given with --path: read as an Ollama store, a Hugging Face cache or a
    plain folder of models, whichever it looks like."""
    if not path.is_dir():  # one file (anything but a plain file is refused when it is read)
        config = path.name == "config.json"
        yield Found("path", str(path), path.parent if config else path, "safetensors" if config else "gguf")
        return
    if (path / "manifests").is_dir() and (path / "blobs").is_dir():
        from llmguide.model.installed_ollama import ollama

        yield from ollama(path, walk)
        return
    entries = walk.entries(path)
    if any(e.name.startswith("models--") for e in entries):
        yield from hf_cache(path, walk, "path", entries)
        return
    walk.forget(path)  # listed to see what it is; now walked as a folder of models
    yield from model_folder("path", path.name or str(path), path, walk, 4)
