"""Models on the Hugging Face Hub, named ``hf:ORG/NAME`` (or ``hf:ORG/NAME@REVISION``), and one
GGUF file of a repository, ``hf:ORG/NAME-GGUF:Q4_K_M``.

Read through ``huggingface_hub`` (the optional extra ``llmguide[hf]``), and only for these explicit
names: the repository's information (its files and their sizes, the licence on its model card,
whether it is gated), then

- for a model repository: its ``config.json`` (at most 4 MiB, kept in the Hugging Face cache and
  read with our own strict reader) and the headers of its ``*.safetensors`` files, through HTTP
  range requests (exact tensor bytes by dtype, as for a model folder here);
- for a GGUF file: its header, through range requests in growing chunks (at most 64 MiB in all),
  with the tensor tables of its other parts for a split file.

No weight file is ever downloaded. ``huggingface_hub`` supplies the endpoint (``HF_ENDPOINT``),
the token (``HF_TOKEN`` or ``hf auth login``), the cache (``HF_HOME``, ``HF_HUB_CACHE``), offline
mode (``HF_HUB_OFFLINE``: the cached config.json only) and proxies. Every request has a 10-second
timeout, and every failure (offline, unreachable, gated, private, not found) is one
``LLMGuideError`` naming the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmguide.errors import LLMGuideError, UsageError

if TYPE_CHECKING:
    from llmguide.model.gguf_file import GGUFInfo
    from llmguide.model.hub_range import RangeFile
    from llmguide.model.safetensors_header import SafetensorsInfo

PREFIX = "hf:"
TIMEOUT = 10.0  # seconds to connect, and between bytes
INSTALL = "hf: names need huggingface_hub: pip install 'llmguide[hf]'"
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_REVISION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,127}")
# A quantization in a GGUF file name: Q4_K_M, IQ2_XXS, UD-Q4_K_XL, Q8_0, BF16, F16, MXFP4, TQ1_0 ...
_QUANT_TOKEN = re.compile(r"(?<![A-Za-z0-9])((?:UD-)?(?:I?Q|TQ)[0-9](?:_[A-Za-z0-9]+)*|BF16|F16|F32|MXFP4(?:_MOE)?)(?![A-Za-z0-9])",
                          re.IGNORECASE)
_GGUF_FIRST_CHUNK = 1 << 20
_SAFETENSORS_FIRST_CHUNK = 128 << 10  # shard headers are tens of kB; one request reads most
_WORKERS = 8  # safetensors headers read at once (a large model has dozens of shards)


@dataclass(frozen=True)
class HubName:
    """``hf:ORG/NAME[@REVISION][:QUANT]`` taken apart."""

    repo: str
    revision: str | None = None
    quant: str | None = None  # a GGUF file of the repository, by the quantization its name carries

    def __str__(self) -> str:
        return PREFIX + self.repo + (f"@{self.revision}" if self.revision else "") + (f":{self.quant}" if self.quant else "")


def is_hub_name(name: str) -> bool:
    """Whether ``name`` names a Hugging Face repository (``hf:ORG/NAME``), read from the Hub."""
    return name[: len(PREFIX)].lower() == PREFIX


def parse_name(name: str) -> HubName:
    """``hf:Qwen/Qwen2.5-7B-Instruct``, ``hf:org/Model-GGUF:Q4_K_M``, ``hf:org/model@v1.0``."""
    from llmguide.units import shorten

    body = name[len(PREFIX):].strip()
    quant = revision = None
    if ":" in body:
        body, quant = body.rsplit(":", 1)
    if "@" in body:
        body, revision = body.split("@", 1)
    body = body.strip("/")
    bad = (not _REPO.fullmatch(body) or (revision is not None and not _REVISION.fullmatch(revision))
           or (quant is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", quant)))
    if bad:
        raise UsageError(f"'{shorten(name)}' is not a Hugging Face repository name.",
                         "Write hf:ORG/NAME (hf:Qwen/Qwen2.5-7B-Instruct), hf:ORG/NAME@REVISION, or hf:ORG/NAME-GGUF:Q4_K_M for one GGUF file.")
    return HubName(body, revision, quant.upper() if quant else None)


@dataclass(frozen=True)
class HubModel:
    """What was read from the Hub about one repository (and one GGUF file of it)."""

    name: HubName
    endpoint: str
    revision: str  # the commit read, when the Hub said; else the revision asked for
    license: str | None  # the model card's licence id (apache-2.0, llama3.1, other ...)
    license_name: str | None  # the card's license_name, for 'other'
    gated: bool
    created: str | None  # YYYY-MM of the repository's creation (or last change)
    tags: tuple[str, ...] = ()  # the Hub's tags (conversational: the tokenizer has a chat template)
    config: dict | None = None
    config_path: str | None = None  # where config.json lies in the Hugging Face cache
    safetensors: SafetensorsInfo | None = None
    gguf: GGUFInfo | None = None
    gguf_file: str | None = None
    offline: bool = False  # read from the cache alone (HF_HUB_OFFLINE)

    @property
    def repo(self) -> str:
        return self.name.repo

    @property
    def page(self) -> str:
        return f"{self.endpoint}/{self.repo}"

    def file_url(self, filename: str) -> str:
        return f"{self.endpoint}/{self.repo}/blob/{self.revision}/{filename}"

    def describe(self) -> str:
        """One line: what was read."""
        if self.gguf is not None:
            what = f"the header of {self.gguf_file}"
        elif self.offline:
            what = "its cached config.json (HF_HUB_OFFLINE: no safetensors headers, no licence)"
        else:
            st = self.safetensors
            what = "config.json" + (f" and the headers of {st.files} safetensors file(s)" if st else " (no safetensors files)")
        at = f" at {self.revision[:10]}" if self.revision else ""
        lic = f", licence {self.license}" if self.license else ""
        gated = ", gated" if self.gated else ""
        if self.offline:
            return f"{self.name}: {what}"
        return f"{self.name} read from the Hub{at}: {what}{lic}{gated}"


def read_model(name: str) -> HubModel:
    """Read ``hf:...`` from the Hub (see the module's docstring); every failure is one error."""
    hn = parse_name(name)
    hub = _hub()
    endpoint = hub.constants.ENDPOINT.rstrip("/")
    try:
        with _errors(hn, endpoint):
            info = hub.HfApi(endpoint=endpoint).model_info(hn.repo, revision=hn.revision, files_metadata=True, timeout=TIMEOUT)
    except _Offline:
        return _offline(hn, hub, endpoint)
    card = info.card_data
    lic = _card(card, "license")
    created = info.created_at or info.last_modified
    base = dict(name=hn, endpoint=endpoint, revision=info.sha or hn.revision or "main",
                license=",".join(lic) if isinstance(lic, list) else lic, license_name=_card(card, "license_name"),
                gated=info.gated not in (None, False), created=created.strftime("%Y-%m") if created else None,
                tags=tuple(t for t in info.tags or () if isinstance(t, str)))
    files = {s.rfilename: (s.lfs.size if s.lfs else s.size) for s in info.siblings or []}
    if hn.quant:
        filename = pick_gguf(hn, list(files))
        info_gguf = _read_gguf(hn, endpoint, base["revision"], filename, files)
        return HubModel(**base, gguf=info_gguf, gguf_file=filename)
    if "config.json" not in files:
        quants = gguf_quants(list(files))
        if quants:
            raise LLMGuideError(f"{hn} holds GGUF files, not a config.json: name one by its quantization, "
                                f"hf:{hn.repo}:{quants[0]} (it has {', '.join(quants)})")
        raise LLMGuideError(f"{hn} has no config.json, so it is not a model llmguide can read")
    config_path = _download_config(hn, hub, endpoint, files.get("config.json"))
    from llmguide.model.config import read_config

    config = read_config(config_path)
    shards = _weight_files(list(files))
    st = _read_safetensors(hn, endpoint, base["revision"], shards) if shards else None
    return HubModel(**base, config=config, config_path=config_path, safetensors=st)


# --- huggingface_hub and its errors -----------------------------------------------------------


def _hub() -> Any:
    """The ``huggingface_hub`` module, imported only for an ``hf:`` name."""
    try:
        import huggingface_hub
        import huggingface_hub.constants  # noqa: F401 - read at call time: the endpoint, cache and offline mode
    except ImportError:
        raise LLMGuideError(INSTALL) from None
    return huggingface_hub


class _Offline(Exception):
    """``HF_HUB_OFFLINE`` is set: only the cache may answer."""


@contextmanager
def _errors(hn: HubName, endpoint: str, what: str | None = None) -> Iterator[None]:
    """``huggingface_hub``'s and the HTTP client's failures as one line each."""
    from huggingface_hub import errors as e

    timeout, transport = _http_errors()

    subject = f"{hn}" + (f": {what}" if what else "")
    login = "accept its licence on the model page if it has one, and set HF_TOKEN to a token of an account with access"
    try:
        yield
    except e.OfflineModeIsEnabled:
        raise _Offline() from None
    except e.GatedRepoError:
        raise LLMGuideError(f"{hn} is gated: accept its licence on {endpoint}/{hn.repo} and set HF_TOKEN to a token "
                            "of that account") from None
    except e.RepositoryNotFoundError as exc:
        if _status(exc) == 401:
            raise LLMGuideError(f"{hn}: not found, or private (HTTP 401): check the name (there is no 'did you mean' "
                                f"for the Hub), or {login}") from None
        raise LLMGuideError(f"{hn}: no such repository on {endpoint} (HTTP {_status(exc) or 404}); names are matched "
                            "exactly, as ORG/NAME on the model page, and there is no 'did you mean' for the Hub") from None
    except e.RevisionNotFoundError:
        raise LLMGuideError(f"{hn}: the repository has no revision '{hn.revision}'") from None
    except e.RemoteEntryNotFoundError:
        raise LLMGuideError(f"{subject}: not found in the repository (HTTP 404)") from None
    except e.HfHubHTTPError as exc:
        status = _status(exc)
        if status in (401, 403):
            raise LLMGuideError(f"{subject}: access denied (HTTP {status}): {login}") from None
        raise LLMGuideError(f"{subject}: {endpoint} answered HTTP {status or '?'}") from None
    except e.LocalEntryNotFoundError:
        raise LLMGuideError(f"{subject}: cannot reach {endpoint}, and nothing is cached") from None
    except timeout:
        raise LLMGuideError(f"{subject}: {endpoint} did not answer within {TIMEOUT:.0f} s") from None
    except transport as exc:  # connection refused, DNS, TLS, proxy
        raise LLMGuideError(f"{subject}: cannot reach {endpoint} ({_reason(exc)})") from None
    except e.FileMetadataError as exc:
        raise LLMGuideError(f"{subject}: {str(exc).splitlines()[0][:300]}") from None


def _http_errors() -> tuple[type[Exception], type[Exception]]:
    """(timeout, any other transport failure) of the HTTP client ``huggingface_hub`` uses: httpx2
    since huggingface_hub 2, httpx before."""
    try:
        import httpx2 as http
    except ImportError:
        import httpx as http  # type: ignore[no-redef, import-not-found, unused-ignore]
    return http.TimeoutException, http.HTTPError


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _reason(exc: Exception) -> str:
    from llmguide.model.files import clean_text

    text = str(exc).strip().splitlines()
    return clean_text(text[-1] if text else type(exc).__name__, 160)


def _card(card: object, key: str) -> Any:
    if card is None:
        return None
    value = card.get(key) if hasattr(card, "get") else getattr(card, key, None)
    return value if isinstance(value, (str, list)) else None


# --- config.json ------------------------------------------------------------------------------


def _download_config(hn: HubName, hub: Any, endpoint: str, size: int | None) -> str:
    """config.json into the Hugging Face cache (its size checked first), without a progress bar."""
    from llmguide.model.config import MAX_CONFIG_BYTES

    if size is not None and size > MAX_CONFIG_BYTES:
        raise LLMGuideError(f"{hn}: config.json is {size:,} bytes, too large for a config.json (at most {MAX_CONFIG_BYTES:,})")
    from huggingface_hub.utils import tqdm as hub_tqdm

    class Quiet(hub_tqdm):  # the library never prints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    with _errors(hn, endpoint, "config.json"):
        try:
            return str(hub.hf_hub_download(hn.repo, "config.json", revision=hn.revision, endpoint=endpoint,
                                           etag_timeout=TIMEOUT, tqdm_class=Quiet))
        except OSError as exc:  # the Hub's errors are OSErrors too: only a cache that cannot be written is this
            if isinstance(exc, (hub.errors.HfHubHTTPError, hub.errors.LocalEntryNotFoundError, hub.errors.OfflineModeIsEnabled,
                                hub.errors.FileMetadataError)):
                raise
            from llmguide.model.files import os_problem

            raise LLMGuideError(f"{hn}: cannot write config.json to the Hugging Face cache ({os_problem(exc)})") from None


def _offline(hn: HubName, hub: Any, endpoint: str) -> HubModel:
    """``HF_HUB_OFFLINE``: the config.json in the cache, when it is there."""
    if hn.quant:
        raise LLMGuideError(f"{hn}: HF_HUB_OFFLINE is set, and a GGUF header on the Hub is read over the network "
                            "(llmguide keeps no copy); unset it, or point at a downloaded .gguf file")
    cached = hub.try_to_load_from_cache(hn.repo, "config.json", revision=hn.revision or "main")
    if not isinstance(cached, str):
        raise LLMGuideError(f"{hn}: HF_HUB_OFFLINE is set and its config.json is not in the Hugging Face cache "
                            f"({hub.constants.HF_HUB_CACHE})")
    from llmguide.model.config import read_config

    return HubModel(hn, endpoint, hn.revision or "main", None, None, False, None, config=read_config(cached),
                    config_path=cached, offline=True)


# --- Headers through range requests -----------------------------------------------------------


def _remote(hn: HubName, endpoint: str, revision: str, filename: str, first_chunk: int) -> RangeFile:
    """A file of the repository as a seekable file over range requests (token, proxies and
    timeouts from ``huggingface_hub``'s session)."""
    from huggingface_hub import get_session, hf_hub_url
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

    from llmguide.model.hub_range import RangeFile

    url = hf_hub_url(hn.repo, filename, revision=revision, endpoint=endpoint)
    if not url.startswith(endpoint):  # the URL template is fixed when huggingface_hub is imported
        from urllib.parse import quote

        url = f"{endpoint}/{hn.repo}/resolve/{quote(revision, safe='')}/{quote(filename)}"
    headers = {**build_hf_headers(), "Accept-Encoding": "identity"}
    label = f"{PREFIX}{hn.repo}/{filename}"

    def fetch(start: int, end: int) -> tuple[bytes, int]:
        with _errors(hn, endpoint, filename):
            with get_session().stream("GET", url, headers={**headers, "Range": f"bytes={start}-{end}"}, timeout=TIMEOUT) as r:
                if r.status_code >= 400:
                    r.read()  # the error's body (small) for its message
                    hf_raise_for_status(r)
                if r.status_code != 206:
                    raise LLMGuideError(f"{label}: the server answered HTTP {r.status_code} to a range request; llmguide "
                                        "reads headers only and will not download the whole file")
                total = _content_range(r.headers.get("Content-Range"), start, label)
                want = min(end, total - 1) - start + 1
                chunks, got = [], 0
                for chunk in r.iter_bytes():
                    chunks.append(chunk)
                    got += len(chunk)
                    if got >= want:
                        break
        return b"".join(chunks)[:want], total

    return RangeFile(fetch, label, first_chunk=first_chunk)


def _content_range(value: str | None, start: int, label: str) -> int:
    """The total size from ``Content-Range: bytes START-END/TOTAL``, checked against the request."""
    m = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+)\s*", value or "")
    if not m or int(m.group(1)) != start:
        raise LLMGuideError(f"{label}: the server's Content-Range {value!r} does not answer the range asked for")
    return int(m.group(3))


def _read_safetensors(hn: HubName, endpoint: str, revision: str, shards: list[str]) -> SafetensorsInfo:
    from concurrent.futures import ThreadPoolExecutor

    from llmguide.model.safetensors_header import parse_header, summarize

    def one(filename: str) -> tuple[str, dict, int]:
        f = _remote(hn, endpoint, revision, filename, _SAFETENSORS_FIRST_CHUNK)
        return (f.name, *parse_header(f, f.size, f.name))

    if len(shards) == 1:
        return summarize([one(shards[0])])
    with ThreadPoolExecutor(max_workers=min(_WORKERS, len(shards))) as pool:
        return summarize(list(pool.map(one, shards)))


def _weight_files(files: list[str]) -> list[str]:
    """The safetensors files at the top of the repository (as a folder's ``*.safetensors``); when
    transformers' own files are there (``model.safetensors``, ``model-00001-of-00004.safetensors``),
    only those, so that a second copy in another layout (Mistral's ``consolidated.safetensors``)
    is not counted twice."""
    top = sorted(f for f in files if f.endswith(".safetensors") and "/" not in f)
    own = [f for f in top if re.fullmatch(r"model(-\d{5}-of-\d{5})?\.safetensors", f)]
    return own or top


# --- GGUF files -------------------------------------------------------------------------------


def _tokens(filename: str) -> set[str]:
    return {m.upper() for m in _QUANT_TOKEN.findall(filename)}


def _first_parts(files: list[str]) -> list[str]:
    """The GGUF model files: each split model by its first part, projectors (mmproj) left out."""
    from llmguide.model.gguf_split import split_name

    out = []
    for f in files:
        base = f.rsplit("/", 1)[-1]
        if not base.lower().endswith(".gguf") or base.lower().startswith("mmproj"):
            continue
        split = split_name(base)
        if split is None or split[1] == 1:
            out.append(f)
    return sorted(out)


def gguf_quants(files: list[str]) -> list[str]:
    """The quantizations a repository's GGUF file names carry."""
    found = {t for f in _first_parts(files) for t in _tokens(f)}
    return sorted(found, key=lambda q: (q.startswith("UD-"), q))


def pick_gguf(hn: HubName, files: list[str]) -> str:
    """The GGUF file whose name carries ``hn.quant`` (case-insensitive; a split model's first part)."""
    want = (hn.quant or "").upper()
    matches = [f for f in _first_parts(files) if want in _tokens(f) or f"UD-{want}" in _tokens(f)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LLMGuideError(f"{hn}: {len(matches)} GGUF files carry {want} ({', '.join(matches[:6])}); "
                            "llmguide needs a quantization that names one")
    quants = gguf_quants(files)
    has = f"it has {', '.join(quants)}" if quants else "it has no GGUF files"
    raise LLMGuideError(f"{hn}: no GGUF file for {want}; {has}")


def _read_gguf(hn: HubName, endpoint: str, revision: str, filename: str, sizes: dict) -> GGUFInfo:
    """The GGUF header of ``filename`` (and of its other parts, for a split model), read remotely."""
    from llmguide.model.gguf_file import gguf_info, header_parts
    from llmguide.model.gguf_header import parse_header

    f = _remote(hn, endpoint, revision, filename, _GGUF_FIRST_CHUNK)
    header = parse_header(f, f.size, f.name)  # type: ignore[arg-type]  # a file-like object
    fields, vocab, tensors = header_parts(header)
    total, parts = f.size, 1
    if fields.get("split.count") not in (None, 0, 1):
        from llmguide.model.gguf_split import other_parts

        more, extra = other_parts(f"{PREFIX}{hn.repo}/{filename}", filename.rsplit("/", 1)[-1], fields, len(tensors),
                                  _hub_parts(hn, endpoint, revision, filename, set(sizes)))
        tensors += more
        total, parts = total + extra, fields["split.count"]
    return gguf_info(f.name, fields, vocab, tensors, total, parts)


def _hub_parts(hn: HubName, endpoint: str, revision: str, first: str, files: set[str]):
    """``gguf_split.other_parts``' opener for a split model on the Hub: each part beside ``first``
    in the repository, its header read remotely."""
    from llmguide.model.gguf_header import parse_header

    folder = first.rsplit("/", 1)[0] + "/" if "/" in first else ""

    def open_part(name: str, i: int, count: int):
        if folder + name not in files:
            raise LLMGuideError(f"{PREFIX}{hn.repo}/{first}: part {i} of {count} ({folder + name}) is not in the repository")
        f = _remote(hn, endpoint, revision, folder + name, _SAFETENSORS_FIRST_CHUNK)
        return parse_header(f, f.size, f.name), f.name  # type: ignore[arg-type]  # a file-like object

    return open_part
