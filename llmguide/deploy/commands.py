"""The launch commands and the production checklist of a ``Plan``.

Only flags each tool documents are used (tests/data/deploy_flags.yaml lists them with their
sources, and the tests check every generated flag against it). Commands are data: a title and the
lines to run, with ``HEAD_IP`` and the model file as placeholders the reader fills in.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from llmguide.deploy.plan import GPU_MEMORY_UTILIZATION, DeployRequest, Plan

PORTS = {"vllm": 8000, "sglang": 30000, "llama.cpp": 8080, "ollama": 11434}
HEALTH = {"vllm": "/health", "sglang": "/health", "llama.cpp": "/health", "ollama": "/api/version"}
METRICS = {"vllm": "/metrics (on by default)", "sglang": "/metrics (with --enable-metrics)",
           "llama.cpp": "/metrics (with --metrics)", "ollama": None}


@dataclass(frozen=True)
class Step:
    title: str
    lines: tuple[str, ...]


def _q(s: str) -> str:
    return shlex.quote(s)


def commands(plan: Plan, req: DeployRequest) -> tuple[Step, ...]:
    return {"vllm": _vllm, "sglang": _sglang, "llama.cpp": _llama_server, "ollama": _ollama}[plan.backend](plan, req)


def _repo(plan: Plan) -> str:
    """The repository to serve: the checkpoint itself (BF16, a low-bit release as shipped), or a
    known quantized copy (the catalog's downloads)."""
    repo = plan.model.hf_repo or plan.model.source
    if plan.quant in ("AWQ", "FP8"):
        return plan.model.upload(plan.quant.lower()) or repo
    return repo


def _vllm(plan: Plan, req: DeployRequest) -> tuple[Step, ...]:
    args = ["vllm", "serve", _q(_repo(plan)), "--tensor-parallel-size", str(plan.tensor_parallel),
            "--max-model-len", str(req.context), "--gpu-memory-utilization", str(GPU_MEMORY_UTILIZATION),
            "--max-num-seqs", str(_seqs_per_replica(plan, req))]
    if plan.quant == "FP8" and _repo(plan) == (plan.model.hf_repo or plan.model.source):
        args += ["--quantization", "fp8"]  # no FP8 copy known: vLLM quantizes the BF16 weights on load
    if plan.kv_cache_dtype == "fp8":
        args += ["--kv-cache-dtype", "fp8"]
    if plan.pipeline_parallel > 1:
        args += ["--pipeline-parallel-size", str(plan.pipeline_parallel), "--distributed-executor-backend", "ray"]
    per_server = _replicas_per_server(plan)
    if per_server > 1:
        args += ["--data-parallel-size", str(per_server)]  # copies of the model in one server, one API
    args += ["--host", "0.0.0.0", "--port", str(PORTS["vllm"])]
    steps = []
    servers = plan.replicas // per_server
    if plan.pipeline_parallel > 1:
        group = f" of each of the {servers} replicas" if servers > 1 else ""
        steps += [Step(f"On the head node{group}: start the Ray cluster", ("ray start --head --port=6379",)),
                  Step(f"On each of the other {plan.pipeline_parallel - 1} node(s){group}: join it",
                       ("ray start --address=HEAD_IP:6379",))]
    where = f"On each of the {servers} servers" if servers > 1 else "Serve"
    steps.append(Step(where + (" (on the head node)" if plan.pipeline_parallel > 1 else "")
                      + (", then put a load balancer in front of them" if servers > 1 else ""), (" ".join(args),)))
    return tuple(steps)


def _seqs_per_replica(plan: Plan, req: DeployRequest) -> int:
    """The sequences one copy of the model runs at once (the engines' limit is per copy)."""
    replicas = max(1, plan.replicas)
    return max(1, min(-(-req.users // replicas), plan.concurrent_sequences // replicas))


def _replicas_per_server(plan: Plan) -> int:
    """Replicas that run in one server (vLLM's data parallel) rather than as separate servers."""
    if plan.replicas <= 1 or plan.pipeline_parallel > 1:
        return 1
    return max(1, min(plan.replicas, plan.gpus_per_node // max(1, plan.tensor_parallel)))


def _sglang(plan: Plan, req: DeployRequest) -> tuple[Step, ...]:
    base = ["python", "-m", "sglang.launch_server", "--model-path", _q(_repo(plan)),
            "--tp-size", str(plan.tensor_parallel), "--context-length", str(req.context),
            "--mem-fraction-static", str(GPU_MEMORY_UTILIZATION),
            "--max-running-requests", str(_seqs_per_replica(plan, req))]
    if plan.quant == "FP8" and _repo(plan) == (plan.model.hf_repo or plan.model.source):
        base += ["--quantization", "fp8"]
    if plan.kv_cache_dtype == "fp8":
        base += ["--kv-cache-dtype", "fp8_e4m3"]
    if _replicas_per_server(plan) > 1:
        base += ["--dp-size", str(_replicas_per_server(plan))]
    base += ["--host", "0.0.0.0", "--port", str(PORTS["sglang"])]
    if plan.nodes == 1:
        return (Step("Serve", (" ".join(base),)),)
    multi = ["--nnodes", str(plan.nodes), "--dist-init-addr", "HEAD_IP:5000"]
    return tuple(Step(f"On node {rank}" + (" (the head)" if rank == 0 else ""),
                      (" ".join([*base, *multi, "--node-rank", str(rank)]),)) for rank in range(plan.nodes))


def _gguf_name(plan: Plan) -> str:
    if plan.model.gguf is not None:
        return plan.model.source
    return f"./{plan.model.id}-{plan.quant}.gguf"


def _gguf_source(plan: Plan) -> tuple[str, str] | None:
    """(repository, quantization) to fetch the file from: a known GGUF upload of a catalog model
    (the catalog's downloads), or the Hub repository an ``hf:ORG/NAME:QUANT`` file was read from."""
    if plan.model.gguf is not None and not plan.model.hub_quant:  # a file here
        return None
    repo, quant, _ = plan.model.gguf_source(plan.quant)
    return (repo, quant) if repo else None


def _make_gguf(plan: Plan) -> tuple[Step, ...]:
    """When no GGUF upload is known: download the checkpoint, convert it and quantize it with
    llama.cpp's own tools (run from a llama.cpp checkout), so the file the server reads exists."""
    if plan.model.gguf is not None or _gguf_source(plan) or not plan.model.hf_repo:
        return ()
    folder, bf16, out = f"./{plan.model.id}", f"./{plan.model.id}-BF16.gguf", _gguf_name(plan)
    lines = [f"hf download {_q(plan.model.hf_repo)} --local-dir {_q(folder)}",
             f"python convert_hf_to_gguf.py {_q(folder)} --outtype bf16 --outfile {_q(bf16)}"]
    if plan.quant not in ("BF16", "F16"):
        lines.append(f"llama-quantize {_q(bf16)} {_q(out)} {plan.quant}")
    return (Step(f"Make the {plan.quant} file (no GGUF upload is recorded): download, convert and quantize "
                 "in a llama.cpp checkout", tuple(lines)),)


def _llama_server(plan: Plan, req: DeployRequest) -> tuple[Step, ...]:
    placement = (plan.llama_flags or f"-ngl {plan.gpu_layers or 0}").split()
    fetch = _gguf_source(plan)
    source = ["-hf", _q(":".join(fetch))] if fetch else ["-m", _q(_gguf_name(plan))]  # -hf downloads and caches the file
    args = ["llama-server", *source, *placement,
            "-c", str(req.context * req.users), "-np", str(req.users), "-fa", "on",
            "--host", "0.0.0.0", "--port", str(PORTS["llama.cpp"]), "--metrics"]
    return (*_make_gguf(plan), Step(f"Serve (-c is shared by the {req.users} slot(s): {req.context} tokens each)", (" ".join(args),)))


def _ollama(plan: Plan, req: DeployRequest) -> tuple[Step, ...]:
    name = plan.model.id
    fetch = _gguf_source(plan)
    tag = f"hf.co/{':'.join(fetch)}" if fetch else None
    modelfile = (f"FROM {tag or _gguf_name(plan)}", f"PARAMETER num_ctx {req.context}")
    pull = (Step(f"Download the {plan.quant} file from Hugging Face", (f"ollama pull {_q(tag)}",)),) if tag else _make_gguf(plan)
    return (
        *pull,
        Step("Write a file named Modelfile", modelfile),
        Step("Create the model", (f"ollama create {_q(name)} -f Modelfile",)),
        Step(f"Serve {req.users} request(s) at once, on every interface",
             (f"OLLAMA_HOST=0.0.0.0:{PORTS['ollama']} OLLAMA_NUM_PARALLEL={req.users} ollama serve",)),
    )


def checklist(plan: Plan, req: DeployRequest) -> tuple[str, ...]:
    """The production items that apply to this plan."""
    port = PORTS[plan.backend]
    items = [f"Health check: GET http://HOST:{port}{HEALTH[plan.backend]} from the load balancer or orchestrator "
             "(liveness and readiness: loading a model takes minutes)."]
    if METRICS[plan.backend]:
        items.append(f"Metrics: scrape http://HOST:{port}{METRICS[plan.backend]} with Prometheus; watch queue length, "
                     "time to first token and KV cache use.")
    if plan.backend in ("vllm", "sglang", "llama.cpp"):
        items.append(f"API: OpenAI-compatible at http://HOST:{port}/v1/chat/completions; put authentication "
                     "and rate limits in front of it (a gateway), never expose it bare.")
    if req.users > plan.concurrent_sequences:
        items.append(f"Scale out: one server holds {plan.concurrent_sequences} of {req.users} users at once; run replicas "
                     "in containers on an orchestrator (Kubernetes) and autoscale on queue length, not CPU.")
    elif plan.backend in ("vllm", "sglang"):
        items.append("Containers: run the engine's official image on an orchestrator (Kubernetes) with GPU requests, "
                     "and autoscale replicas on queue length or time to first token, not CPU.")
    items.append("Logging: log request ids, token counts and latencies; keep prompts and answers out of the logs "
                 "unless users agreed.")
    if plan.nodes > 1:
        items.append("Network: pipeline stages pass activations between nodes every token; use the fastest link "
                     "between them (InfiniBand or 100 GbE) and keep the nodes in one rack.")
    return tuple(items)
