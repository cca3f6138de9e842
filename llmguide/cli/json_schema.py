"""The JSON Schema of every command's ``--json`` output, built from code.

Each command's document is declared here once, beside the serializers in ``serialize.py``; the
catalog's own records (a family, a variant) take their schema from the catalog dataclasses through
pydantic, so a new catalog field appears in ``show --json``'s schema by itself. Objects are closed
(``additionalProperties: false``) and every key is required unless marked optional, so a key added
to a serializer without its schema, or dropped from one, fails the tests
(``tests/cli/test_json_schema.py`` validates every ``--json`` output the test suite produces).

``python -m llmguide.cli.json_schema --write docs/schema`` writes one file per command;
``docs/json.md`` describes the same keys in words, and a test checks the two name the same keys.
"""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
NULL: Schema = {"type": "null"}
ANY: Schema = {}


def opt(schema: Schema) -> Schema:
    """The value or ``null``."""
    return {"anyOf": [schema, NULL]}


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


class OptionalKey:
    """A key that may be absent (as opposed to present with ``null``)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema


def obj(props: dict[str, Schema | OptionalKey]) -> Schema:
    """A closed object: every key required unless wrapped in ``OptionalKey``."""
    return {
        "type": "object",
        "properties": {k: (v.schema if isinstance(v, OptionalKey) else v) for k, v in props.items()},
        "required": [k for k, v in props.items() if not isinstance(v, OptionalKey)],
        "additionalProperties": False,
    }


def mapping(values: Schema) -> Schema:
    """An object whose keys are data (quantization names, source keys)."""
    return {"type": "object", "additionalProperties": values}


VERSION = {"type": "integer", "const": 1}
MODES = enum("gpu", "split", "expert_offload", "cpu")
PLACEMENT_MODES = enum("gpu", "split", "expert_offload", "cpu", "none")  # "none": fit's does-not-fit

SOURCE = obj({"key": STR, "title": STR, "url": STR})

MEMORY = obj({
    "quant": STR, "context": INT, "weights_bytes": INT, "repeating_weights_bytes": INT, "kv_cache_bytes": INT,
    "compute_bytes": INT, "overhead_bytes": INT, "work_bytes": INT, "process_bytes": INT, "repacked_bytes": INT,
    "host_only_bytes": INT, "encoder_bytes": INT, "total_bytes": INT, "cpu_resident_bytes": INT,
    "assumptions": arr(STR), "mmap": OptionalKey(BOOL),
})

HARDWARE = obj({
    "source": STR, "gpu": opt(STR), "gpu_family": opt(STR), "gpu_count": INT, "vram_bytes": opt(INT),
    "ram_bytes": opt(INT), "unified_memory": BOOL, "vram_budget_bytes": opt(INT), "ram_budget_bytes": opt(INT),
    "gpu_bandwidth_bytes_per_s": opt(NUM), "gpu_fp16_flops": opt(NUM), "cpu_bandwidth_bytes_per_s": NUM,
    "cpu_bandwidth_assumed": BOOL, "cpu_isa": opt(STR), "cpu_flops": NUM, "cpu_flops_assumed": BOOL,
    "machine": opt(STR), "vram_free_bytes": opt(INT),
    "reserve_rule": obj({"vram": STR, "ram": STR, "unified": STR}),
})

PLACEMENT = obj({
    "mode": PLACEMENT_MODES, "gpu_layers": INT, "cpu_moe_layers": INT, "gpu_bytes": INT, "cpu_bytes": INT,
    "cpu_expert_bytes": INT, "shortfall_bytes": INT, "total_layers": OptionalKey(INT), "llama_cpp_flags": OptionalKey(opt(STR)),
})

SPEED = obj({
    "prefill_tokens_per_s": opt(NUM), "decode_tokens_per_s": opt(NUM), "ttft_s": OptionalKey(opt(NUM)),
    "basis": OptionalKey(arr(STR)),
})

EVIDENCE = obj({
    "benchmark": STR, "version": STR, "score": NUM, "setting": STR, "effort": opt(STR), "evaluator": STR,
    "source_url": STR, "source_date": opt(STR), "status": opt(STR),
    # in a quality judgement: the row on the task's scale
    "value_on_scale": OptionalKey(NUM), "points": OptionalKey(NUM), "uncertainty": OptionalKey(NUM),
})

QUALITY = obj({
    "points": NUM, "ranked_points": NUM, "uncertainty_points": NUM, "value": NUM, "uncertainty": NUM,
    "basis": STR, "confidence": STR, "mode": opt(obj({"setting": STR, "effort": opt(STR)})), "rung": opt(INT),
    "note": opt(STR), "evidence": arr(ref("evidence")),
})

PARAMS = obj({
    "counted_total": INT, "counted_active": INT, "published_total_b": opt(NUM), "published_active_b": opt(NUM),
    "differs": BOOL, "note": opt(STR),
})

LANGUAGE_SUPPORT = obj({
    "codes": arr(STR), "claimed_count": opt(INT), "asked": arr(STR), "covered_by": opt(STR), "verdict": STR,
})

SCORE = obj({"code": STR, "points": NUM, "reason": STR, "estimated": BOOL})

RUN = obj({"llama_cpp": opt(STR), "ollama": opt(STR), "lmstudio": opt(STR), "note": opt(STR)})

RANKED = obj({
    "rank": INT, "id": STR, "name": STR, "hf_repo": STR, "family": STR, "params_total": INT, "params_active": INT,
    "params": ref("params"), "quant": STR, "context_length": INT, "languages": arr(STR),
    "language_support": ref("language_support"), "license": STR, "commercial_use": STR, "modalities": arr(STR),
    "specialties": arr(STR), "memory_bytes": INT, "memory": ref("memory"), "placement": opt(ref("placement")),
    "prefill_tokens_per_s": opt(NUM), "decode_tokens_per_s": opt(NUM), "ttft_s": opt(NUM), "score": NUM, "estimated": BOOL,
    "expected_quality": NUM, "quality": opt(ref("quality")), "reasons": arr(STR), "scores": arr(ref("score")),
    "run": ref("run"),
})

REJECTED = obj({
    "id": STR, "hf_repo": STR, "reasons": arr(STR), "rules": arr(STR), "would_fit_with": opt(STR),
    "smallest_memory_bytes": INT,
})

CONSTRAINTS = obj({
    "task": STR, "context": INT, "context_given": BOOL, "languages": arr(STR), "top": INT, "license": opt(STR),
    "min_speed": opt(NUM), "max_ttft": opt(NUM), "modalities": arr(STR), "sort": STR, "usable_speed": NUM,
})

DEFS: dict[str, Schema] = {
    "source": SOURCE, "memory": MEMORY, "hardware": HARDWARE, "placement": PLACEMENT, "speed": SPEED,
    "evidence": EVIDENCE, "quality": QUALITY, "params": PARAMS, "language_support": LANGUAGE_SUPPORT,
    "score": SCORE, "run": RUN, "ranked": RANKED, "rejected": REJECTED, "constraints": CONSTRAINTS,
}

CARD = obj({
    "schema_version": VERSION, "kind": enum("family", "variant"), "id": STR, "family": ref("family"),
    "memory_context": INT, "variants": arr(ref("variant")),
})

VLLM = obj({
    "budget_bytes_per_gpu": INT, "weights_bytes_per_gpu": INT, "activation_bytes": INT,
    "graphs_and_runtime_bytes": INT, "kv_pool_bytes_per_gpu": INT, "kv_tokens": INT, "concurrent_sequences": INT,
    "tensor_parallel": INT,
})

FIT = obj({  # fit's single-model document (also, less its version and hardware, each variant of a family's)
    "schema_version": VERSION,
    "model": obj({
        "id": STR, "hf_repo": opt(STR), "source": STR, "params_total": INT, "params_active": INT,
        "params": ref("params"), "max_context": opt(INT),
    }),
    "hardware": ref("hardware"),
    "estimates": arr(obj({
        "quant": STR, "context": INT, "backend": STR, "file_bytes": INT, "memory": ref("memory"),
        "placement": opt(ref("placement")), "fits": BOOL, "fit_level": STR, "vllm": opt(VLLM),
        "speed": opt(ref("speed")), "basis": arr(STR), "run": opt(RUN),
    })),
})


def _without(schema: Schema, *keys: str) -> Schema:
    """An object schema less some keys."""
    out = copy.deepcopy(schema)
    for k in keys:
        del out["properties"][k]
    out["required"] = [k for k in out["required"] if k not in keys]
    return out


COMMANDS: dict[str, Schema] = {
    "show": CARD,
    "compare": obj({"schema_version": VERSION, "items": arr(CARD), "differences": arr(STR)}),
    "list": obj({"schema_version": VERSION, "models": arr(obj({
        "id": STR, "name": STR, "family": STR, "hf_repo": STR, "kind": STR, "params_b": NUM,
        "active_params_b": opt(NUM), "context_length": INT, "license": STR, "commercial_use": STR,
        "specialties": arr(STR), "languages": arr(STR),
    }))}),
    "recommend": obj({
        "schema_version": VERSION, "constraints": ref("constraints"), "hardware": ref("hardware"),
        "recommendations": arr(ref("ranked")), "rejected": arr(ref("rejected")),
    }),
    "why-not": obj({
        "schema_version": VERSION, "constraints": ref("constraints"), "hardware": ref("hardware"), "eligible": BOOL,
        "rank": OptionalKey(INT), "of": OptionalKey(INT),
        "verdicts": arr(obj({"code": STR, "passed": BOOL, "reason": STR, "hint": opt(STR)})),
        "recommendation": OptionalKey(ref("ranked")), "rejected": OptionalKey(ref("rejected")),
    }),
    "fit": {"oneOf": [FIT, obj({
        "schema_version": VERSION, "family": obj({"id": STR, "name": STR}), "hardware": ref("hardware"),
        "best": opt(STR), "variants": arr(_without(FIT, "schema_version", "hardware")),
    })]},
    "bench": obj({
        "schema_version": VERSION, "model": obj({"id": STR, "source": STR, "quant": STR}), "machine": STR,
        "placement": MODES, "gpu_layers": INT, "prompt_tokens": INT, "gen_tokens": INT, "runtime": STR,
        "measured": ref("speed"), "estimated": ref("speed"),
        "calibration": obj({"decode_factor": NUM, "prefill_factor": opt(NUM), "measured_at": STR, "stored_in": opt(STR)}),
    }),
    "deploy": obj({
        "schema_version": VERSION, "model": obj({"id": STR, "hf_repo": opt(STR), "source": STR}),
        "request": obj({"users": INT, "context": INT, "prompt_tokens": INT, "output_tokens": INT,
                        "target_tps": opt(NUM), "nodes": INT, "max_gpus": INT}),
        "hardware": ref("hardware"), "backend": enum("vllm", "sglang", "llama.cpp", "ollama"), "why": arr(STR),
        "quant": STR, "nodes": INT, "gpus_per_node": INT, "gpus_total": INT, "sized": BOOL, "tensor_parallel": INT,
        "pipeline_parallel": INT, "replicas": INT, "kv_cache_dtype": enum("auto", "fp8"),
        "gpu_layers": opt(INT), "llama_cpp_flags": opt(STR), "concurrent_sequences": INT, "max_users": INT,
        "max_context": opt(INT),
        "per_user_tokens_per_s": opt(NUM), "aggregate_tokens_per_s": opt(NUM), "ttft_s": opt(NUM),
        "memory_per_gpu_bytes": opt(INT), "weights_per_gpu_bytes": opt(INT), "warnings": arr(STR),
        "commands": arr(obj({"title": STR, "lines": arr(STR)})), "checklist": arr(STR), "kubernetes": opt(STR),
        "basis": arr(STR),
    }),
    "explain": {"oneOf": [
        obj({"schema_version": VERSION, "id": STR, "term": STR,
             "kind": enum("concept", "inference", "quantization", "parallelism", "technique", "search", "tool"),
             "text": STR, "aliases": arr(STR), "commands": arr(STR), "see_also": arr(STR), "sources": arr(ref("source"))}),
        obj({"schema_version": VERSION, "terms": arr(obj({"id": STR, "term": STR, "kind": STR, "summary": STR}))}),
    ]},
    "faq": {"oneOf": [
        obj({"schema_version": VERSION, "id": STR, "question": STR, "answer": STR, "commands": arr(STR),
             "see_also": arr(STR), "sources": arr(ref("source"))}),
        obj({"schema_version": VERSION, "questions": arr(obj({"id": STR, "question": STR}))}),
    ]},
    "hardware": obj({
        "schema_version": VERSION,
        "cpu": obj({"model": opt(STR), "cores": opt(INT), "isa": opt(STR), "flops": opt(NUM)}),
        "ram": obj({"total_bytes": opt(INT), "available_bytes": opt(INT)}),
        "accelerators": arr(obj({
            "vendor": enum("nvidia", "amd", "intel", "apple"), "name": STR, "memory_total_bytes": opt(INT),
            "memory_free_bytes": opt(INT), "driver": opt(STR), "compute_capability": opt(STR), "integrated": BOOL,
            "unified_memory": BOOL, "gpu_cores": opt(INT), "detected_by": STR,
            "preset": opt(obj({"id": STR, "bandwidth_gbs": NUM, "fp16_tflops": opt(NUM)})),
        })),
        "warnings": arr(STR), "notes": arr(STR), "plan": ref("hardware"),
    }),
    "catalog validate": obj({
        "schema_version": VERSION, "path": STR, "files": INT, "ok": BOOL, "problems": arr(STR),
    }),
    "installed": obj({
        "schema_version": VERSION, "hardware": ref("hardware"), "context": INT,
        "searched": arr(obj({"store": enum("ollama", "lmstudio", "hf", "llama.cpp", "path"), "path": STR, "source": STR,
                             "exists": BOOL})),
        "models": arr(obj({
            "name": STR, "store": enum("ollama", "lmstudio", "hf", "llama.cpp", "path"), "path": STR,
            "format": enum("gguf", "safetensors"), "repo": opt(STR), "file_bytes": opt(INT), "parts": INT, "quant": opt(STR),
            "architecture": opt(STR), "catalog_id": opt(STR), "match": STR,
            "runs": opt(obj({
                "quant": STR, "context": INT, "fits": opt(BOOL), "fit_level": STR, "memory": ref("memory"),
                "placement": opt(ref("placement")), "speed": opt(ref("speed")), "basis": arr(STR),
            })),
            "problems": arr(STR), "notes": arr(STR),
        })),
        "notes": arr(STR),
    }),
}


def _catalog_defs() -> dict[str, Schema]:
    """``family`` and ``variant`` as ``show`` writes them: the catalog dataclasses (every field
    present, as ``dataclasses.asdict`` writes them), the variant with its computed keys added."""
    from pydantic import TypeAdapter

    from llmguide.catalog import constraints, reference
    from llmguide.catalog import schema as catalog_schema
    from llmguide.hardware import presets

    constraints.install(catalog_schema, reference, presets)
    doc = TypeAdapter(catalog_schema.Family).json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs: dict[str, Schema] = doc.pop("$defs")
    for d in defs.values():
        _all_required(d)
    family = _all_required(doc)
    family.pop("title", None)
    del family["properties"]["variants"]
    family["required"] = [k for k in family["required"] if k != "variants"]
    variant = copy.deepcopy(defs.pop("Variant"))
    variant["properties"].update({
        "family": STR, "license": ref("License"), "params_counted": INT, "active_params_counted": INT,
        "memory": mapping(ref("memory")), "evidence": arr(ref("evidence")),
    })
    variant["required"] = list(variant["properties"])
    return {**defs, "family": family, "variant": variant}


def _all_required(schema: Schema) -> Schema:
    if schema.get("type") == "object" and "properties" in schema:
        schema["required"] = list(schema["properties"])
    return schema


def schema_for(command: str) -> Schema:
    """The whole JSON Schema document of ``llmguide COMMAND --json``."""
    if command not in COMMANDS:
        raise KeyError(command)
    defs = {**DEFS, **(_catalog_defs() if command in ("show", "compare") else {})}
    body = copy.deepcopy(COMMANDS[command])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://llmguide.dev/schema/{command.replace(' ', '-')}.json",
        "title": f"llmguide {command} --json",
        **body,
        "$defs": _used(body, defs),
    }


def _used(body: Schema, defs: dict[str, Schema]) -> dict[str, Schema]:
    """The definitions ``body`` reaches, and only those."""
    import json

    seen: dict[str, Schema] = {}
    todo = [body]
    while todo:
        text = json.dumps(todo.pop())
        for name in defs:
            if f'"#/$defs/{name}"' in text and name not in seen:
                seen[name] = copy.deepcopy(defs[name])
                todo.append(seen[name])
    return dict(sorted(seen.items()))


def file_name(command: str) -> str:
    return command.replace(" ", "-") + ".json"


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    from pathlib import Path

    from llmguide.model.files import write_atomic

    ap = argparse.ArgumentParser(description="Write the JSON Schema of every command's --json output.")
    ap.add_argument("--write", type=Path, required=True, help="folder for one COMMAND.json per command")
    args = ap.parse_args(argv)
    args.write.mkdir(parents=True, exist_ok=True)
    for command in COMMANDS:
        write_atomic(args.write / file_name(command), json.dumps(schema_for(command), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
