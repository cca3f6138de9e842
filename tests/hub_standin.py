"""A local stand-in for the Hugging Face Hub, for tests: never the internet.

An HTTP server on 127.0.0.1 (a free port, a thread) that answers what ``huggingface_hub`` and
llmguide ask for:

- ``GET /api/models/ORG/NAME`` and ``/api/models/ORG/NAME/revision/REV``: the model's information
  (``sha``, ``siblings`` with sizes, ``cardData`` with the licence, ``gated``, ``createdAt``);
- ``HEAD`` and ``GET /ORG/NAME/resolve/REV/FILE``: a small file (config.json) directly, with the
  headers ``hf_hub_download`` needs (``X-Repo-Commit``, ``ETag``, ``Content-Length``); a large one
  (weights) by a redirect to ``/cdn/...``, as the Hub sends LFS files to its CDN, which answers
  ``Range`` requests with ``206`` and ``Content-Range``.

A file is its real first bytes (a header) followed by as many zeros as its claimed size needs,
made on demand, so a 200 MB GGUF costs nothing unless someone downloads it, and the bytes served
for each file are counted. Errors look like the Hub's: 404 ``RepoNotFound`` / ``EntryNotFound``,
401 for a private repository without the right token, 403 ``GatedRepo`` for a gated file.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

TOKEN = "hf_standin_good_token"
LFS_FROM = 10 << 20  # files at least this large are served by the "CDN" (a redirect), as LFS files are


@dataclass
class File:
    head: bytes
    size: int  # claimed: the head, then zeros

    def __post_init__(self) -> None:
        self.size = max(self.size, len(self.head))

    def bytes(self, start: int, end: int) -> bytes:
        """Bytes start..end (inclusive)."""
        out = self.head[start:end + 1]
        return out + b"\0" * (end + 1 - start - len(out))


@dataclass
class Repo:
    files: dict[str, File]
    license: str | None = "apache-2.0"
    gated: bool = False
    private: bool = False
    sha: str = ""
    created: str = "2024-09-19T00:00:00.000Z"

    def __post_init__(self) -> None:
        self.sha = self.sha or hashlib.sha1(repr(sorted(self.files)).encode()).hexdigest()


@dataclass
class Hub:
    repos: dict[str, Repo] = field(default_factory=dict)
    served: Counter = field(default_factory=Counter)  # file path -> bytes of its body sent
    requests: list = field(default_factory=list)  # (method, path, Range header)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Hub:
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    hub: Hub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        path = unquote(urlparse(self.path).path)
        self.hub.requests.append((self.command, path, self.headers.get("Range")))
        m = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/(.+))?", path)
        if m:
            return self._info(m.group(1), body)
        m = re.fullmatch(r"/(cdn/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
        if m:
            return self._file(m.group(2), m.group(3), m.group(4), bool(m.group(1)), body)
        self._error(404, "EntryNotFound", "no such page", body)

    def _repo(self, repo_id: str, body: bool) -> Repo | None:
        repo = self.hub.repos.get(repo_id)
        authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found", body)
        elif repo.private and not authorized:
            self._error(401, "RepoNotFound", "Invalid username or password.", body)
        else:
            return repo
        return None

    def _info(self, repo_id: str, body: bool) -> None:
        repo = self._repo(repo_id, body)
        if repo is None:
            return
        siblings = []
        for name, f in sorted(repo.files.items()):
            entry: dict = {"rfilename": name, "size": f.size, "blobId": hashlib.sha1(name.encode()).hexdigest()}
            if f.size >= LFS_FROM or name.endswith((".gguf", ".safetensors")):
                entry["lfs"] = {"size": f.size, "sha256": hashlib.sha256(name.encode()).hexdigest(), "pointerSize": 134}
            siblings.append(entry)
        info = {"_id": "x", "id": repo_id, "modelId": repo_id, "author": repo_id.split("/")[0], "sha": repo.sha,
                "lastModified": repo.created, "createdAt": repo.created, "private": repo.private,
                "gated": "manual" if repo.gated else False, "disabled": False, "downloads": 0, "likes": 0,
                "tags": [], "siblings": siblings, "cardData": {"license": repo.license} if repo.license else {}}
        self._send(200, json.dumps(info).encode(), {"Content-Type": "application/json"}, body)

    def _file(self, repo_id: str, revision: str, name: str, cdn: bool, body: bool) -> None:
        repo = self._repo(repo_id, body)
        if repo is None:
            return
        if revision not in ("main", repo.sha):
            return self._error(404, "RevisionNotFound", "Invalid rev id", body)
        f = repo.files.get(name)
        if f is None:
            return self._error(404, "EntryNotFound", f"{name} does not exist", body, repo.sha)
        authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
        if repo.gated and not authorized:
            return self._error(403, "GatedRepo", "Access to this model is restricted", body, repo.sha)
        etag = '"' + hashlib.sha256(name.encode()).hexdigest() + '"'
        common = {"X-Repo-Commit": repo.sha, "ETag": etag, "Accept-Ranges": "bytes"}
        large = f.size >= LFS_FROM or name.endswith((".gguf", ".safetensors"))
        if large and not cdn:  # the Hub sends LFS files to its CDN
            location = f"{self.hub.endpoint}/cdn/{repo_id}/resolve/{revision}/{name}"
            return self._send(302, b"", {**common, "Location": location, "X-Linked-Etag": etag,
                                         "X-Linked-Size": str(f.size)}, body)
        rng = self.headers.get("Range")
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if not m or int(m.group(1)) >= f.size:
                return self._send(416, b"", {**common, "Content-Range": f"bytes */{f.size}"}, body)
            start = int(m.group(1))
            end = min(int(m.group(2)) if m.group(2) else f.size - 1, f.size - 1)
            data = f.bytes(start, end) if body else b""
            if body:
                self.hub.served[name] += len(data)
            return self._send(206, data, {**common, "Content-Range": f"bytes {start}-{end}/{f.size}",
                                          "Content-Type": "application/octet-stream"}, body, length=end - start + 1)
        if body:
            self.hub.served[name] += f.size
        self._send(200, b"", {**common, "Content-Type": "application/octet-stream"}, body, length=f.size,
                   stream=f if body else None)

    def _error(self, status: int, code: str, message: str, body: bool, sha: str | None = None) -> None:
        headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
        if sha:
            headers["X-Repo-Commit"] = sha
        self._send(status, json.dumps({"error": message}).encode(), headers, body)

    def _send(self, status: int, data: bytes, headers: dict, body: bool, length: int | None = None,
              stream: File | None = None) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        if not body:
            return
        try:
            if stream is not None:  # a whole file, made in pieces
                for start in range(0, stream.size, 1 << 20):
                    self.wfile.write(stream.bytes(start, min(start + (1 << 20), stream.size) - 1))
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


# --- Files ------------------------------------------------------------------------------------


def qwen2_tensors(config: dict) -> dict[str, tuple[str, list[int]]]:
    """The tensors of a Qwen2 checkpoint of this config, BF16 (the names transformers saves)."""
    h, inter, layers, vocab = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"], config["vocab_size"]
    kv = h // config["num_attention_heads"] * config["num_key_value_heads"]
    out: dict[str, tuple[str, list[int]]] = {"model.embed_tokens.weight": ("BF16", [vocab, h])}
    for i in range(layers):
        p = f"model.layers.{i}."
        out.update({p + "self_attn.q_proj.weight": ("BF16", [h, h]), p + "self_attn.q_proj.bias": ("BF16", [h]),
                    p + "self_attn.k_proj.weight": ("BF16", [kv, h]), p + "self_attn.k_proj.bias": ("BF16", [kv]),
                    p + "self_attn.v_proj.weight": ("BF16", [kv, h]), p + "self_attn.v_proj.bias": ("BF16", [kv]),
                    p + "self_attn.o_proj.weight": ("BF16", [h, h]), p + "mlp.gate_proj.weight": ("BF16", [inter, h]),
                    p + "mlp.up_proj.weight": ("BF16", [inter, h]), p + "mlp.down_proj.weight": ("BF16", [h, inter]),
                    p + "input_layernorm.weight": ("BF16", [h]), p + "post_attention_layernorm.weight": ("BF16", [h])})
    out["model.norm.weight"] = ("BF16", [h])
    out["lm_head.weight"] = ("BF16", [vocab, h])
    return out


def gguf_head(layers: int = 8, hidden: int = 2048, heads: int = 16, kv: int = 4, ffn: int = 5632, vocab: int = 32000,
              token_bytes: int = 64, split: tuple[int, int] | None = None, tensors_of_part: slice | None = None) -> tuple[bytes, int]:
    """The header of a Llama-shaped GGUF v3 file at Q4_K (type 12; file type Q4_K_M), with a
    vocabulary of ``vocab`` tokens of ``token_bytes`` bytes each (a header of about
    vocab x (token_bytes + 8) bytes), and the full size of the file its tensors make (some
    240 MB by default). ``split`` = (part number from 0, parts) writes llama.cpp's split keys;
    ``tensors_of_part`` the slice of the tensor list this part holds."""
    from tests.model_bytes import INT32, UINT16, header, kv as kv_pair, kv_str, kv_strings, kv_u32, llama_tensors, tensor_infos

    kvs = [kv_str("general.architecture", "llama"), kv_str("general.name", "Standin Llama"),
           kv_u32("general.file_type", 15), kv_u32("llama.block_count", layers), kv_u32("llama.embedding_length", hidden),
           kv_u32("llama.feed_forward_length", ffn), kv_u32("llama.attention.head_count", heads),
           kv_u32("llama.attention.head_count_kv", kv), kv_u32("llama.context_length", 8192)]
    if split is None or split[0] == 0:
        kvs.append(kv_strings("tokenizer.ggml.tokens", (f"{i:08d}".ljust(token_bytes, "x") for i in range(vocab))))
    tensors = [*llama_tensors(layers, hidden, heads, kv, ffn, vocab), ("output.weight", (hidden, vocab))]
    if split is not None:
        kvs += [kv_pair("split.no", UINT16, struct.pack("<H", split[0])), kv_pair("split.count", UINT16, struct.pack("<H", split[1])),
                kv_pair("split.tensors.count", INT32, struct.pack("<i", len(tensors)))]
        tensors = tensors[tensors_of_part or slice(None)]
    # Q4_K: 144 bytes per 256 elements
    infos, data = tensor_infos((name, shape, 12, shape[0] * shape[1] // 256 * 144) for name, shape in tensors)
    head = header(kvs, infos, len(tensors))
    return head, len(head) + data
