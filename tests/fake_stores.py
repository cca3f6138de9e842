"""Fake model stores for the ``installed`` tests: small valid GGUF headers of real catalog
architectures (the tensor data is a sparse hole, so a 7B file costs a few kilobytes on disk), laid
out as Ollama, LM Studio, the Hugging Face cache and llama.cpp keep them, plus broken entries."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from pathlib import Path

from llmguide.estimate.ggml_types import BLOCKS, TYPE_IDS
from llmguide.model.architecture import Architecture
from tests.model_bytes import INT32, UINT16, header, kv, kv_str, kv_u32, tensor_infos

TYPE_NUMBERS = {name: number for number, name in TYPE_IDS.items()}

DATA = Path(__file__).resolve().parent / "data"
FTYPES = {"Q4_K_M": (15, "Q4_K"), "Q8_0": (7, "Q8_0"), "Q6_K": (18, "Q6_K"), "F16": (1, "F16")}


def _nbytes(shape: tuple[int, ...], ggml_type: str) -> int:
    per_block, block_bytes = BLOCKS[ggml_type]
    n = 1
    for d in shape:
        n *= d
    return n // per_block * block_bytes


def _tensor_list(arch: Architecture, matrix_type: str) -> list[tuple[str, tuple[int, ...], str]]:
    """llama.cpp's tensor names and shapes for ``arch`` (the estimator's own listing)."""
    from llmguide.model.tensors import tensors

    out = []
    for t in tensors(arch):
        base, _, suffix = t.name.partition(".")
        name = (f"blk.{t.layer}." if t.layer is not None else "") + base + "." + (suffix or "weight")
        matrix = t.is_matrix and not suffix and not base.endswith("_norm")
        kind = matrix_type if matrix and t.ne0 % BLOCKS[matrix_type][0] == 0 else ("F16" if matrix else "F32")
        out.append((name, (t.ne0, t.rows) if t.rows > 1 else (t.ne0,), kind))
    return out


def gguf_header(arch: Architecture, quant: str = "Q4_K_M", *, name: str | None = None, arch_name: str = "qwen2",
                tensors: list | None = None, split: tuple[int, int, int] | None = None) -> tuple[bytes, int]:
    """A GGUF header (v3) and the size of the data after it. ``split``: (part index from 0, parts,
    all tensors) for a part of a split model."""
    ftype, matrix_type = FTYPES[quant]
    listing = _tensor_list(arch, matrix_type) if tensors is None else tensors
    kvs = [kv_str("general.architecture", arch_name)]
    if name:
        kvs.append(kv_str("general.name", name))
    if split is None or split[0] == 0:
        kvs += [kv_u32(f"{arch_name}.{k}", v) for k, v in (
            ("block_count", arch.layers), ("embedding_length", arch.hidden_size),
            ("feed_forward_length", arch.intermediate_size), ("attention.head_count", arch.attention_heads),
            ("attention.head_count_kv", arch.kv_heads), ("attention.key_length", arch.head_dim),
            ("vocab_size", arch.vocab_size), ("context_length", 32768))]
        kvs.append(kv_u32("general.file_type", ftype))
    if split is not None:
        kvs += [kv("split.no", UINT16, struct.pack("<H", split[0])), kv("split.count", UINT16, struct.pack("<H", split[1])),
                kv("split.tensors.count", INT32, struct.pack("<i", split[2]))]
    infos, data = tensor_infos((tname, shape, TYPE_NUMBERS[kind], _nbytes(shape, kind)) for tname, shape, kind in listing)
    return header(kvs, infos, len(listing)), data


def write_gguf(path: Path, arch: Architecture, quant: str = "Q4_K_M", **kw) -> Path:
    """A GGUF file whose data is a sparse hole (its size is real, its disk use a few kilobytes)."""
    head, data = gguf_header(arch, quant, **kw)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(len(head) + data)
    return path


def write_split(folder: Path, prefix: str, arch: Architecture, parts: int = 3, quant: str = "Q4_K_M") -> list[Path]:
    """``prefix-0000i-of-0000n.gguf``: the metadata in the first, the tensors spread over all."""
    listing = _tensor_list(arch, FTYPES[quant][1])
    share = -(-len(listing) // parts)
    out = []
    for i in range(parts):
        path = folder / f"{prefix}-{i + 1:05d}-of-{parts:05d}.gguf"
        out.append(write_gguf(path, arch, quant, tensors=listing[i * share:(i + 1) * share],
                              split=(i, parts, len(listing))))
    return out


def catalog_arch(catalog, variant_id: str) -> Architecture:
    return Architecture.from_facts(next(v for _, v in catalog.variants() if v.id == variant_id).architecture)


def ollama_store(root: Path, catalog) -> dict[str, Path]:
    """An Ollama store: two good models, one blob missing, one still downloading, one manifest that
    is not JSON, and one unfinished download no manifest uses yet."""
    blobs, manifests = root / "blobs", root / "manifests" / "registry.ollama.ai" / "library"
    blobs.mkdir(parents=True)
    made = {}

    def model(name: str, tag: str, arch: Architecture | None, quant: str = "Q4_K_M", *, digest: str | None = None,
              blob: bool = True, header_name: str | None = None) -> None:
        head, data = gguf_header(arch, quant, name=header_name) if arch else (b"", 0)
        digest = digest or hashlib.sha256(head + name.encode() + tag.encode()).hexdigest()
        if blob:
            made[f"{name}:{tag}"] = write_gguf(blobs / f"sha256-{digest}", arch, quant, name=header_name)
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:" + "0" * 64, "size": 10},
                    "layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}",
                                "size": len(head) + data},
                               {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "1" * 64, "size": 5}]}
        (manifests / name).mkdir(parents=True, exist_ok=True)
        (manifests / name / tag).write_text(json.dumps(manifest))

    model("qwen2.5", "7b", catalog_arch(catalog, "qwen2.5-7b-instruct"), "Q4_K_M")
    model("qwen2.5", "latest", catalog_arch(catalog, "qwen2.5-0.5b-instruct"), "Q8_0")  # matched by architecture
    model("llama3.2", "3b", catalog_arch(catalog, "llama-3.2-3b-instruct"), blob=False)  # blob missing
    model("gone", "1b", catalog_arch(catalog, "qwen2.5-0.5b-instruct"), blob=False, digest="a" * 64)
    (blobs / f"sha256-{'a' * 64}-partial").write_bytes(b"\0" * 100)  # still downloading
    (manifests / "broken").mkdir()
    (manifests / "broken" / "latest").write_text("{not json")
    (blobs / f"sha256-{'b' * 64}-partial").write_bytes(b"\0" * 10)  # a pull with no manifest yet
    return made


def lmstudio_store(home: Path, catalog) -> Path:
    """LM Studio: one GGUF with a projector beside it, a truncated GGUF, a FIFO and a symlink loop."""
    repo = home / ".lmstudio" / "models" / "bartowski" / "Qwen2.5-7B-Instruct-GGUF"
    good = write_gguf(repo / "Qwen2.5-7B-Instruct-Q6_K.gguf", catalog_arch(catalog, "qwen2.5-7b-instruct"), "Q6_K")
    (repo / "mmproj-model-f16.gguf").write_bytes(b"GGUF")
    broken = home / ".lmstudio" / "models" / "someone" / "broken"
    broken.mkdir(parents=True)
    head, _ = gguf_header(catalog_arch(catalog, "qwen2.5-0.5b-instruct"))
    (broken / "cut-Q4_K_M.gguf").write_bytes(head[: len(head) // 2])  # truncated download
    if hasattr(os, "mkfifo"):
        os.mkfifo(broken / "pipe.gguf")
    os.symlink("loop-b.gguf", broken / "loop-a.gguf")
    os.symlink("loop-a.gguf", broken / "loop-b.gguf")
    os.symlink(broken.parent, broken / "parent-loop")  # a folder that leads back up
    return good


def hf_cache(root: Path, catalog) -> None:
    """The Hugging Face cache: a safetensors model (config.json and a safetensors header) and a
    GGUF repository, both as symbolic links into blobs/, with refs/main."""
    rev = "c" * 40
    repo = root / "models--Qwen--Qwen2.5-7B-Instruct"
    snap = repo / "snapshots" / rev
    snap.mkdir(parents=True)
    (repo / "blobs").mkdir()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(rev)
    shutil.copy(DATA / "qwen2.5-7b-config.json", repo / "blobs" / "cfg")
    os.symlink("../../blobs/cfg", snap / "config.json")
    _safetensors(repo / "blobs" / "st", catalog_arch(catalog, "qwen2.5-7b-instruct"))
    os.symlink("../../blobs/st", snap / "model.safetensors")
    (repo / "blobs" / "dead.incomplete").write_bytes(b"")
    grepo = root / "models--Qwen--Qwen2.5-0.5B-Instruct-GGUF" / "snapshots" / rev
    write_gguf(grepo / "qwen2.5-0.5b-instruct-q8_0.gguf", catalog_arch(catalog, "qwen2.5-0.5b-instruct"), "Q8_0")


def _safetensors(path: Path, arch: Architecture) -> None:
    """One safetensors file holding the model's tensors in BF16 (sparse data)."""
    from llmguide.model.tensors import tensors

    header, offset = {}, 0
    for t in tensors(arch):
        if t.layer is None:
            name = {"token_embd": "model.embed_tokens.weight", "output": "lm_head.weight",
                    "output_norm": "model.norm.weight"}.get(t.name.split(".")[0], f"model.{t.name}")
        else:
            name = f"model.layers.{t.layer}.{t.name}"
        shape = [t.rows, t.ne0] if t.rows > 1 else [t.ne0]
        size = 2 * t.rows * t.ne0
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw)
        fh.truncate(8 + len(raw) + offset)


def llamacpp_cache(root: Path, catalog) -> Path:
    """llama.cpp's older cache: ORG_REPO_FILE.gguf, and a split model in three parts."""
    root.mkdir(parents=True, exist_ok=True)
    one = write_gguf(root / "Qwen_Qwen2.5-7B-Instruct-GGUF_qwen2.5-7b-instruct-q4_k_m.gguf",
                     catalog_arch(catalog, "qwen2.5-7b-instruct"), "Q4_K_M")
    write_split(root, "bartowski_Qwen2.5-14B-Instruct-GGUF_Qwen2.5-14B-Instruct-Q4_K_M",
                catalog_arch(catalog, "qwen2.5-14b-instruct"), 3)
    return one


def every_store(home: Path, catalog) -> Path:
    """A home folder with every store at its default place: Ollama, LM Studio, the HF cache, llama.cpp's cache."""
    ollama_store(home / ".ollama" / "models", catalog)
    lmstudio_store(home, catalog)
    hf_cache(home / ".cache" / "huggingface" / "hub", catalog)
    llamacpp_cache(home / ".cache" / "llama.cpp", catalog)
    return home
