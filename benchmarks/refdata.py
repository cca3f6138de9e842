"""Architectures for the rows of the shared reference data (benchmarks only).

The GGUF-size and speed sheets in ../shared/data name base models by Hugging Face repo. Their
architectures come, in order, from the catalog, from ../shared/data/catalog_facts.csv, from
../shared/data/model_configs_dev.csv, and from benchmarks/data/extra_configs.json; each is read
through llmguide's own config reader, so the benchmark exercises the same path a user's
config.json takes. Repos that only differ from another by fine-tuning share its architecture
(SAME_AS, each from the model card's "based on" line).
"""

from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path

from llmguide.catalog import load_catalog
from llmguide.errors import LLMGuideError
from llmguide.model import Architecture
from llmguide.model.config import from_config

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "data"

SAME_AS = {
    "meta-llama/Meta-Llama-3.1-70B-Instruct": "meta-llama/Llama-3.1-70B",
    "deepseek-ai/DeepSeek-V3-0324": "deepseek-ai/DeepSeek-V3",
    "tiiuae/falcon-7b-instruct": "tiiuae/falcon-7b",
}


def model_type(repo: str) -> str:
    """The config's model_type, from the repo name (the sheets do not carry it)."""
    r = repo.lower()
    rules = [
        ("gpt-oss", "gpt_oss"), ("deepseek-v3", "deepseek_v3"), ("deepseek-r1-distill-llama", "llama"),
        ("deepseek-r1-distill-qwen", "qwen2"), ("deepseek-r1", "deepseek_v3"), ("qwen3", "qwen3"),
        ("qwen", "qwen2"), ("phi-3", "phi3"), ("phi-4-mini", "phi3"), ("phi-4", "phi3"), ("gemma-3", "gemma3"),
        ("gemma-2", "gemma2"), ("gemma", "gemma"), ("falcon", "falcon"), ("mixtral", "mixtral"),
        ("mistral", "mistral"), ("nemo", "mistral"),
    ]
    return next((t for key, t in rules if key in r), "llama")


def _num(value: str):
    value = (value or "").strip()
    m = re.match(r"^(\d+)", value)
    return int(m.group(1)) if m else None


def _from_facts_row(row: dict) -> dict:
    cfg = {
        "model_type": model_type(row["hf_repo"]),
        "num_hidden_layers": _num(row["layers"]), "hidden_size": _num(row["hidden_size"]),
        "intermediate_size": _num(row["intermediate_size"]), "num_attention_heads": _num(row["attention_heads"]),
        "num_key_value_heads": _num(row["kv_heads"]), "head_dim": _num(row["head_dim"]),
        "vocab_size": _num(row["vocab_size"]), "sliding_window": _num(row["sliding_window"]),
        "moe_intermediate_size": _num(row["moe_intermediate_size"]),
        "num_local_experts": _num(row["num_experts"]), "num_experts_per_tok": _num(row["experts_per_token"]),
        "n_shared_experts": _num(row["shared_experts"]),
    }
    if row["tied_embeddings"] in ("true", "false"):
        cfg["tie_word_embeddings"] = row["tied_embeddings"] == "true"
    pattern = row.get("attention_pattern", "")
    mla = re.search(r"q_lora (\d+), kv_lora (\d+), qk_nope (\d+), qk_rope (\d+), v_head (\d+)", pattern)
    if mla:
        q, kv, nope, rope, v = map(int, mla.groups())
        cfg.update(q_lora_rank=q, kv_lora_rank=kv, qk_nope_head_dim=nope, qk_rope_head_dim=rope, v_head_dim=v)
    dense = re.search(r"first (\d+) layers dense", pattern)
    if dense:
        cfg["first_k_dense_replace"] = int(dense.group(1))
    if cfg["model_type"] == "gpt_oss" and cfg["sliding_window"]:
        cfg["layer_types"] = ["sliding_attention", "full_attention"] * (cfg["num_hidden_layers"] // 2)
    return cfg


def _from_configs_row(row: dict) -> dict:
    cfg = {
        "model_type": model_type(row["base_model"]),
        "num_hidden_layers": _num(row["n_layers"]), "hidden_size": _num(row["hidden"]),
        "intermediate_size": _num(row["intermediate"]), "num_attention_heads": _num(row["n_heads"]),
        "num_key_value_heads": _num(row["n_kv_heads"]), "head_dim": _num(row["head_dim"]),
        "vocab_size": _num(row["vocab"]), "sliding_window": _num(row["sliding_window"]),
        "num_local_experts": _num(row["n_experts"]), "num_experts_per_tok": _num(row["n_experts_active"]),
    }
    if row["tied_embeddings"] in ("true", "false"):
        cfg["tie_word_embeddings"] = row["tied_embeddings"] == "true"
    if "use_sliding_window=false" in row["sliding_window"]:
        cfg["use_sliding_window"] = False
    return cfg


@functools.cache
def architectures() -> dict[str, Architecture]:
    """Hugging Face repo -> Architecture, for every base model the sources describe (read once per
    process; do not change the mapping)."""
    # The fact sheet has the most fields (MLA, experts); config.json numbers (model_configs_dev)
    # overlay it where they exist, since a model card can misprint one (Mistral NeMo's FFN width).
    configs: dict[str, dict] = {}
    with (SHARED / "catalog_facts.csv").open() as fh:
        for row in csv.DictReader(fh):
            if _num(row["layers"]) and _num(row["vocab_size"]):
                configs[row["hf_repo"]] = _from_facts_row(row)
    with (SHARED / "model_configs_dev.csv").open() as fh:
        for row in csv.DictReader(fh):
            if _num(row["n_layers"]) and _num(row["vocab"]):
                overlay = {k: v for k, v in _from_configs_row(row).items() if v is not None}
                configs[row["base_model"]] = {**configs.get(row["base_model"], {}), **overlay}
    extra = json.loads((HERE / "data" / "extra_configs.json").read_text())
    for repo, entry in extra.items():
        if not repo.startswith("_"):
            configs[repo] = entry["config"]
    archs: dict[str, Architecture] = {}
    for repo, cfg in configs.items():
        try:
            archs[repo] = from_config({k: v for k, v in cfg.items() if v is not None}, repo)
        except LLMGuideError:
            continue
    for _, variant in load_catalog().variants():
        archs[variant.hf_repo] = Architecture.from_facts(variant.architecture)
    for repo, same in SAME_AS.items():
        if same in archs:
            archs.setdefault(repo, archs[same])
    return archs
