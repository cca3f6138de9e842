"""Plain-data (JSON-ready) forms of what the core returns. The shapes are documented in docs/json.md."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from llmguide.catalog.listing import ListedModel

if TYPE_CHECKING:  # the catalog's records, the cards, the ranking and the run commands are imported where a result
    # needs them: `list` needs none
    from llmguide.catalog.schema import Family
    from llmguide.cards import Card, VariantFacts
    from llmguide.rules.engine import Recommendation

SCHEMA_VERSION = 1


def family_dict(family: Family) -> dict:
    data = asdict(family)
    del data["variants"]
    return data


def variant_dict(vf: VariantFacts, family: Family) -> dict:
    data = asdict(vf.variant)
    data["family"] = family.id
    data["license"] = asdict(vf.license)
    data["params_counted"] = vf.count.counted_total
    data["active_params_counted"] = vf.count.counted_active
    data["memory"] = {q: est.as_dict() for q, est in vf.memory.items()}
    data["evidence"] = [evidence_dict(e) for e in vf.evidence]
    return data


def evidence_dict(e) -> dict:
    """One sourced score (catalog/evidence.csv)."""
    return {"benchmark": e.benchmark, "version": e.version, "score": e.score, "setting": e.setting,
            "effort": e.effort or None, "evaluator": e.evaluator, "source_url": e.source_url,
            "source_date": e.source_date or None, "status": e.status or None}


def quality_dict(q) -> dict | None:
    """A task-quality judgement: value on the task's scale, points, confidence and the evidence used."""
    if q is None:
        return None
    return {
        "points": round(q.points, 1),
        "ranked_points": round(q.ranked_points, 1),
        "uncertainty_points": round(q.points - q.ranked_points, 1),
        "value": round(q.value, 2),
        "uncertainty": round(q.se, 2),
        "basis": q.basis,
        "confidence": q.confidence,
        "mode": {"setting": q.mode[0], "effort": q.mode[1] or None} if q.mode else None,
        "rung": q.rung,
        "note": q.note or None,
        "evidence": [{**evidence_dict(u.row), "value_on_scale": round(u.value, 2), "points": round(u.points, 1),
                      "uncertainty": round(u.se, 2)} for u in q.used],
    }


def language_support(r, req) -> dict:
    """What the --lang verdict (H4) of a ranked model relied on: the listed codes, a developer's
    claim, and the verdict."""
    from llmguide.catalog.schema import languages_of

    langs = languages_of(r.candidate.family, r.candidate.variant)
    return {"codes": list(langs.codes), "claimed_count": langs.claimed_count, "asked": list(req.languages),
            "covered_by": ("list" if all(x in langs.codes for x in req.languages) else "claim") if req.languages else None,
            "verdict": next((v.reason for v in r.verdicts if v.code == "H4"), None)}


def card_dict(card: Card) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "variant" if card.focus else "family",
        "id": card.id,
        "family": family_dict(card.family),
        "memory_context": card.context,
        "variants": [variant_dict(vf, card.family) for vf in card.variants],
    }


def compare_dict(cards: list[Card]) -> dict:
    from llmguide.cards import differing_fields

    return {"schema_version": SCHEMA_VERSION, "items": [card_dict(c) for c in cards], "differences": differing_fields(cards)}


def list_dict(rows: list[ListedModel]) -> dict:
    return {"schema_version": SCHEMA_VERSION, "models": [dict(zip(ListedModel._fields, row)) for row in rows]}


def recommendation_dict(rec: Recommendation) -> dict:
    from llmguide.catalog.schema import languages_of
    from llmguide.deploy import run
    from llmguide.estimate.weights import counted_params
    from llmguide.model.params import count_params

    req, hw = rec.request, rec.hardware
    recommendations: list[dict] = []
    rejected: list[dict] = []
    out = {
        "schema_version": SCHEMA_VERSION,
        "constraints": {
            "task": req.task_id,
            "context": req.context,
            "context_given": req.context_given,
            "languages": list(req.languages),
            "top": req.top,
            "license": req.license,
            "min_speed": req.min_speed,
            "max_ttft": req.max_ttft,
            "modalities": list(req.modalities),
            "sort": rec.sort,
            "usable_speed": req.task.usable_speed,
        },
        "hardware": hw.as_dict(),
        "recommendations": recommendations,
        "rejected": rejected,
    }
    for r in rec.top:
        c, fit = r.candidate, r.fit
        lic = c.variant.license or c.family.license
        est = fit.estimate
        params = count_params(c.arch, c.variant.params, counted_params(c.arch))
        recommendations.append(
            {
                "rank": r.rank,
                "id": c.variant.id,
                "name": c.variant.name,
                "hf_repo": c.variant.hf_repo,
                "family": c.family.id,
                "params_total": params.counted_total,
                "params_active": params.counted_active,
                "params": params.as_dict(),
                "quant": est.quant,
                "context_length": c.variant.context.length,
                "languages": list(languages_of(c.family, c.variant).codes),
                "language_support": language_support(r, req),
                "license": lic.id,
                "commercial_use": lic.commercial_use,
                "modalities": list(c.variant.modalities),
                "specialties": list(c.variant.specialties),
                "memory_bytes": est.total,
                "decode_tokens_per_s": round(fit.speed.decode_tokens_per_s, 1) if fit.speed else None,
                "prefill_tokens_per_s": round(fit.speed.prefill_tokens_per_s, 1) if fit.speed and fit.speed.prefill_tokens_per_s else None,
                "ttft_s": round(fit.speed.ttft_s, 3) if fit.speed and fit.speed.ttft_s is not None else None,
                "memory": est.as_dict(),
                "placement": fit.placement.as_dict() if fit.placement else None,
                "score": r.score,
                "estimated": r.estimated,
                "expected_quality": round(r.expected_quality, 1),
                "quality": quality_dict(c.quality),
                "reasons": [v.reason for v in r.verdicts] + [s.reason for s in r.scores],
                "scores": [{"code": s.code, "points": round(s.points, 2), "reason": s.reason, "estimated": s.estimated} for s in r.scores],
                "run": run.for_pick(c.variant, c.arch, est.quant, req.context, fit.placement, rec.installed).as_dict(),
            }
        )
    said: dict[tuple, tuple[list[str], list[str], str | None]] = {}  # a few dozen ways to fail, thousands of rejections
    for j in rec.rejected:
        failed, cand = j.failed, j.candidate
        why = said.get(failed)
        if why is None:
            why = said[failed] = ([v.reason for v in failed], [v.code for v in failed],
                                  next((v.would_fit_with for v in failed if v.would_fit_with), None))
        rejected.append(
            {
                "id": cand.variant.id,
                "hf_repo": cand.variant.hf_repo,
                "reasons": why[0].copy(),
                "rules": why[1].copy(),
                "would_fit_with": why[2],
                "smallest_memory_bytes": cand.smallest.total,
            }
        )
    return out


def _memory_and_placement(e, arch) -> dict:
    """A ``FitEstimate``'s memory (as in recommend) and placement, as ``fit`` and ``installed`` show them."""
    return {
        "memory": {**e.memory.as_dict(), "mmap": e.memory.mmap},
        "placement": None if e.placement is None else {
            **e.placement.as_dict(),
            "total_layers": arch.layers,
            "llama_cpp_flags": e.placement.flags(arch) if e.backend == "llama.cpp" and e.fits else None,
        },
    }


def fit_dict(ref, hw, results) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "model": {
            "id": ref.id,
            "hf_repo": ref.hf_repo,
            "source": ref.source,
            "params_total": ref.params.counted_total,
            "params_active": ref.params.counted_active,
            "params": ref.params.as_dict(),
            "max_context": ref.max_context,
        },
        "hardware": hw.as_dict(),
        "estimates": [
            {
                "quant": r.quant,
                "context": r.context,
                "backend": r.backend,
                "file_bytes": r.file_bytes,
                **_memory_and_placement(r, ref.arch),
                "fits": r.fits,
                "fit_level": r.fit_level,
                "vllm": None if r.vllm is None else {
                    "budget_bytes_per_gpu": r.vllm.budget,
                    "weights_bytes_per_gpu": r.vllm.weights,
                    "activation_bytes": r.vllm.activation,
                    "graphs_and_runtime_bytes": r.vllm.graphs,
                    "kv_pool_bytes_per_gpu": max(0, r.vllm.kv_pool),
                    "kv_tokens": r.vllm.kv_tokens,
                    "concurrent_sequences": r.vllm.concurrent_sequences,
                    "tensor_parallel": hw.gpu_count,
                },
                "speed": None if r.speed is None else r.speed.as_dict(),
                "basis": list(r.basis),
                "run": _fit_run(ref, r),
            }
            for r in results
        ],
    }


def _fit_run(ref, r) -> dict | None:
    """How to get and run a llama.cpp estimate that fits (None for other backends or no fit)."""
    if r.backend != "llama.cpp" or not r.fits:
        return None
    from llmguide.deploy.run import for_estimate

    return for_estimate(ref, r).as_dict()


def family_fit_dict(ff) -> dict:
    """``fit FAMILY --json``: each variant's ``fit`` document (without its own version and hardware)."""
    def variant(rep) -> dict:
        doc = fit_dict(rep.model, rep.hardware, rep.estimates)
        del doc["schema_version"], doc["hardware"]
        return doc

    return {"schema_version": SCHEMA_VERSION, "family": {"id": ff.family.id, "name": ff.family.name},
            "hardware": ff.hardware.as_dict(), "best": ff.best, "variants": [variant(r) for r in ff.reports]}


def machine_dict(machine, hw, notes, devices) -> dict:
    from llmguide.errors import UnknownNameError
    from llmguide.hardware.flags import find_device

    def preset_of(a):
        try:
            d = find_device(devices, a.name)
        except UnknownNameError:
            return None
        return {"id": d.id, "bandwidth_gbs": d.bandwidth_gbs, "fp16_tflops": d.fp16_tflops}

    return {
        "schema_version": SCHEMA_VERSION,
        "cpu": {"model": machine.cpu_model, "cores": machine.cpu_cores, "isa": machine.cpu_isa, "flops": machine.cpu_flops},
        "ram": {"total_bytes": machine.ram_total, "available_bytes": machine.ram_available},
        "accelerators": [
            {
                "vendor": a.vendor, "name": a.name, "memory_total_bytes": a.memory_total,
                "memory_free_bytes": a.memory_free, "driver": a.driver, "compute_capability": a.compute_capability,
                "integrated": a.integrated, "unified_memory": a.unified, "gpu_cores": a.gpu_cores,
                "detected_by": a.method, "preset": preset_of(a),
            }
            for a in machine.accelerators
        ],
        "warnings": list(machine.warnings),
        "notes": list(notes),
        "plan": hw.as_dict(),
    }


def why_not_dict(rec: Recommendation, ranked, rejected) -> dict:
    """One model's standing under a request: its rank or the rules it fails, and every verdict."""
    base = recommendation_dict(rec)
    head = {"schema_version": SCHEMA_VERSION, "constraints": base["constraints"], "hardware": base["hardware"]}
    if ranked is not None:
        item = next(r for r in recommendation_dict_all(rec) if r["id"] == ranked.candidate.variant.id)
        return {**head, "eligible": True, "rank": ranked.rank, "of": len(rec.ranked),
                "verdicts": _verdicts(ranked.verdicts), "recommendation": item}
    item = next(j for j in base["rejected"] if j["id"] == rejected.candidate.variant.id)
    return {**head, "eligible": False, "verdicts": _verdicts(rejected.verdicts), "rejected": item}


def _verdicts(verdicts) -> list[dict]:
    return [{"code": v.code, "passed": v.passed, "reason": v.reason, "hint": v.would_fit_with} for v in verdicts]


def recommendation_dict_all(rec: Recommendation) -> list[dict]:
    """Every eligible model in recommendation form, not only the top N."""
    from dataclasses import replace

    whole = replace(rec, leading=rec.ranked, rest=None, request=replace(rec.request, top=len(rec.ranked) or 1))
    return recommendation_dict(whole)["recommendations"]


def bench_dict(report, hw) -> dict:
    m, cal = report.measured, report.calibration
    return {
        "schema_version": SCHEMA_VERSION,
        "model": {"id": report.model.id, "source": report.model.source, "quant": report.quant},
        "machine": hw.machine,
        "placement": report.placement,
        "gpu_layers": report.gpu_layers,
        "prompt_tokens": report.prompt_tokens,
        "gen_tokens": report.gen_tokens,
        "runtime": m.runtime,
        "measured": {"prefill_tokens_per_s": round(m.prefill_tokens_per_s, 2), "decode_tokens_per_s": round(m.decode_tokens_per_s, 2)},
        "estimated": {"prefill_tokens_per_s": round(report.estimated_prefill, 2) if report.estimated_prefill else None,
                      "decode_tokens_per_s": round(report.estimated_decode, 2)},
        "calibration": {"decode_factor": cal.decode_factor, "prefill_factor": cal.prefill_factor,
                        "measured_at": cal.measured_at, "stored_in": report.saved_to},
    }


def term_dict(term, g) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": term.id,
        "term": term.term,
        "kind": term.kind,
        "text": term.text,
        "aliases": list(term.aliases),
        "commands": list(term.commands),
        "see_also": list(term.see_also),
        "sources": [{"key": k, "title": g.sources[k].title, "url": g.sources[k].url} for k in term.sources],
    }


def glossary_dict(g) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "terms": [{"id": t.id, "term": t.term, "kind": t.kind, "summary": t.summary} for t in g.terms],
    }


def deploy_dict(p, req, hw, steps, items, kubernetes: str | None = None) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "model": {"id": p.model.id, "hf_repo": p.model.hf_repo, "source": p.model.source},
        "request": {"users": req.users, "context": req.context, "prompt_tokens": req.prompt_tokens,
                    "output_tokens": req.output_tokens, "target_tps": req.target_tps, "nodes": req.nodes,
                    "max_gpus": req.max_gpus},
        "hardware": hw.as_dict(),
        "backend": p.backend,
        "why": list(p.why),
        "quant": p.quant,
        "nodes": p.nodes,
        "gpus_per_node": p.gpus_per_node,
        "gpus_total": p.gpus_total,
        "sized": req.size and p.backend in ("vllm", "sglang"),
        "tensor_parallel": p.tensor_parallel,
        "pipeline_parallel": p.pipeline_parallel,
        "replicas": p.replicas,
        "kv_cache_dtype": p.kv_cache_dtype,
        "gpu_layers": p.gpu_layers,
        "llama_cpp_flags": p.llama_flags if p.backend in ("llama.cpp", "ollama") else None,
        "concurrent_sequences": p.concurrent_sequences,
        "max_users": p.concurrent_sequences,
        "max_context": p.max_context,
        "per_user_tokens_per_s": round(p.per_user_tokens_per_s, 2) if p.per_user_tokens_per_s else None,
        "aggregate_tokens_per_s": round(p.aggregate_tokens_per_s, 1) if p.aggregate_tokens_per_s else None,
        "ttft_s": round(p.ttft_s, 3) if p.ttft_s is not None else None,
        "memory_per_gpu_bytes": p.memory_per_gpu,
        "weights_per_gpu_bytes": p.weights_per_gpu,
        "warnings": list(p.warnings),
        "commands": [{"title": s.title, "lines": list(s.lines)} for s in steps],
        "checklist": list(items),
        "kubernetes": kubernetes,
        "basis": list(p.basis),
    }


def faq_dict(f, q=None) -> dict:
    if q is None:
        return {"schema_version": SCHEMA_VERSION, "questions": [{"id": x.id, "question": x.question} for x in f.questions]}
    return {
        "schema_version": SCHEMA_VERSION,
        "id": q.id,
        "question": q.question,
        "answer": q.answer,
        "commands": list(q.commands),
        "see_also": list(q.see_also),
        "sources": [{"key": k, "title": f.sources[k].title, "url": f.sources[k].url} for k in q.sources],
    }


def validation_dict(path, report) -> dict:
    """``catalog validate``: what was checked and every problem found."""
    return {"schema_version": SCHEMA_VERSION, "path": str(path), "files": report.files, "ok": report.ok,
            "problems": list(report.problems)}


def installed_dict(report) -> dict:
    """``installed``: the folders searched, each model found with how it runs here, and notes."""
    from llmguide.model.installed import text

    def run(r) -> dict | None:
        e = r.estimate
        if e is None:
            return None
        return {"quant": e.quant, "context": e.context, "fits": e.fits, "fit_level": e.fit_level,
                **_memory_and_placement(e, r.model.ref.arch),
                "speed": None if e.speed is None else e.speed.as_dict(), "basis": [text(b) for b in e.basis]}

    return {
        "schema_version": SCHEMA_VERSION,
        "hardware": report.hardware.as_dict(),
        "context": report.context,
        "searched": [{"store": r.store, "path": text(str(r.path)), "source": r.source, "exists": r.exists} for r in report.scan.roots],
        "models": [
            {
                "name": r.model.name, "store": r.model.store, "path": r.model.path, "format": r.model.format,
                "repo": r.model.repo, "file_bytes": r.model.file_bytes, "parts": r.model.parts, "quant": r.model.quant,
                "architecture": r.model.architecture, "catalog_id": r.model.catalog_id, "match": r.model.match,
                "runs": run(r), "problems": list(r.problems), "notes": list(r.model.notes),
            }
            for r in report.runs
        ],
        "notes": list(report.scan.notes),
    }
