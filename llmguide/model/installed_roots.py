"""Where each local model store lives: from its environment variable, else the platform's default.

``default_roots`` computes the folders for any environment, platform and home folder (the scan
takes them as parameters, so tests and other machines can give their own); docs/installed.md has
the table per platform, and the sources (llama.cpp's ``fs_get_cache_directory`` in
common/common.cpp, huggingface_hub's cache constants, Ollama's ``OLLAMA_MODELS``).
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from llmguide.errors import LLMGuideError, UsageError
from llmguide.model.files import read_regular

STORES = ("ollama", "lmstudio", "hf", "llama.cpp")
STORE_WORDS = {"ollama": "ollama", "lmstudio": "lmstudio", "lm-studio": "lmstudio", "lm_studio": "lmstudio",
               "hf": "hf", "huggingface": "hf", "hugging-face": "hf", "llama.cpp": "llama.cpp", "llamacpp": "llama.cpp",
               "llama-cpp": "llama.cpp"}


@dataclass(frozen=True)
class StoreRoot:
    store: str  # ollama | lmstudio | hf | llama.cpp | path (a folder given)
    path: Path
    source: str  # what chose it: an environment variable, "default", "system service", "--path"

    @property
    def exists(self) -> bool:
        try:
            return self.path.exists()
        except (OSError, ValueError):
            return False


def parse_stores(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Store names as typed (``ollama,lmstudio``; ``none`` for only the folders given)."""
    if text is None:
        return STORES
    words = [w.strip().lower() for part in ([text] if isinstance(text, str) else text) for w in part.split(",") if w.strip()]
    if words == ["none"]:
        return ()
    unknown = [w for w in words if w not in STORE_WORDS]
    if unknown or not words:
        raise UsageError(f"Unknown store '{unknown[0] if unknown else text}'.", f"Use one or more of: {', '.join(STORES)}, or none.")
    return tuple(dict.fromkeys(STORE_WORDS[w] for w in words))


def default_roots(stores: Iterable[str] = STORES, env: Mapping[str, str] | None = None, system: str | None = None,
                  home: Path | None = None) -> list[StoreRoot]:
    """Where each store keeps its models here (``env``, ``system`` and ``home`` default to this
    process's environment, ``platform.system()`` and the user's home folder)."""
    env = os.environ if env is None else env
    system = system or platform.system()
    windows = system == "Windows"
    if home is None:
        home = _home(env.get("USERPROFILE" if windows else "HOME"))
    roots: list[StoreRoot] = []
    for store in stores:
        if store == "ollama":
            if env.get("OLLAMA_MODELS"):
                roots.append(StoreRoot(store, Path(env["OLLAMA_MODELS"]), "OLLAMA_MODELS"))
            else:
                roots.append(StoreRoot(store, home / ".ollama" / "models", "default"))
                service = StoreRoot(store, Path("/usr/share/ollama/.ollama/models"), "the Linux system service")
                if system == "Linux" and service.exists:
                    roots.append(service)
        elif store == "lmstudio":
            pointed = _lmstudio_home(home)
            if pointed is not None:
                roots.append(StoreRoot(store, pointed / "models", "~/.lmstudio-home-pointer"))
            roots += [StoreRoot(store, home / ".lmstudio" / "models", "default"),
                      StoreRoot(store, home / ".cache" / "lm-studio" / "models", "default, older LM Studio versions")]
        elif store == "hf":
            roots.append(_hf_root(env, home))
        elif store == "llama.cpp":
            roots.append(_llamacpp_root(env, system, home))
    return _distinct(roots)


def _home(given: str | None) -> Path:
    """The home folder; "~" as typed when the system cannot say (no HOME, no password entry), so
    that the folders under it are shown, and not found."""
    if given:
        return Path(given)
    try:
        return Path.home()
    except (RuntimeError, KeyError, OSError):
        return Path("~")


def _hf_root(env: Mapping[str, str], home: Path) -> StoreRoot:
    """huggingface_hub's cache: HF_HUB_CACHE (or its old name), HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub."""
    for var, tail in (("HF_HUB_CACHE", ()), ("HUGGINGFACE_HUB_CACHE", ()), ("HF_HOME", ("hub",)),
                      ("XDG_CACHE_HOME", ("huggingface", "hub"))):
        if env.get(var):
            return StoreRoot("hf", Path(env[var]).joinpath(*tail), var)
    return StoreRoot("hf", home / ".cache" / "huggingface" / "hub", "default")


def _llamacpp_root(env: Mapping[str, str], system: str, home: Path) -> StoreRoot:
    """llama.cpp's fs_get_cache_directory (common/common.cpp): LLAMA_CACHE, else per platform."""
    if env.get("LLAMA_CACHE"):
        return StoreRoot("llama.cpp", Path(env["LLAMA_CACHE"]), "LLAMA_CACHE")
    if system == "Darwin":
        return StoreRoot("llama.cpp", home / "Library" / "Caches" / "llama.cpp", "default")
    if system == "Windows":
        base = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else home / "AppData" / "Local"
        return StoreRoot("llama.cpp", base / "llama.cpp", "default")
    if env.get("XDG_CACHE_HOME"):
        return StoreRoot("llama.cpp", Path(env["XDG_CACHE_HOME"]) / "llama.cpp", "XDG_CACHE_HOME")
    return StoreRoot("llama.cpp", home / ".cache" / "llama.cpp", "default")


def _lmstudio_home(home: Path) -> Path | None:
    """The folder ``~/.lmstudio-home-pointer`` names (LM Studio's moved home), if any."""
    try:
        text = read_regular(home / ".lmstudio-home-pointer", "LM Studio's home pointer", 4096).decode("utf-8", "replace").strip()
    except LLMGuideError:
        return None
    path = Path(text) if text and "\0" not in text and "\n" not in text else None
    return path if path is not None and path.is_absolute() and path != home / ".lmstudio" else None


def _distinct(roots: list[StoreRoot]) -> list[StoreRoot]:
    """Each folder once (LLAMA_CACHE may be the Hugging Face cache): the first store that names it keeps it."""
    seen: set[str] = set()
    out = []
    for root in roots:
        key = os.path.realpath(root.path)
        if key not in seen:
            seen.add(key)
            out.append(root)
    return out


def with_paths(roots: list[StoreRoot], paths: Iterable[str | Path]) -> list[StoreRoot]:
    """``roots`` and the folders given (``--path``), each once."""
    given = []
    for p in paths:
        if not str(p).strip() or "\0" in str(p):
            raise UsageError(f"--path needs a folder or file, not {str(p)!r}.", "Example: --path ~/models")
        try:
            path = Path(p).expanduser()
        except RuntimeError:  # ~user of no such user: the name as typed
            path = Path(p)
        given.append(StoreRoot("path", path, "--path"))
    return _distinct([*roots, *given])
