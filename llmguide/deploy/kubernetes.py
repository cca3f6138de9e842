"""A Kubernetes manifest for a GPU engine's plan that needs more than one server process: replicas
(a ``Deployment`` of identical pods behind a ``Service``) or pipeline stages across nodes (a
``LeaderWorkerSet``, the Kubernetes SIG's API for multi-node inference, one leader and
``pipeline_parallel - 1`` workers per replica joined by Ray).

Each pod asks for its GPUs (``nvidia.com/gpu`` or ``amd.com/gpu``), shares memory for NCCL,
mounts a model volume at the Hugging Face cache, and answers the engine's health endpoint for
readiness and liveness (loading a model takes minutes, so the liveness probe waits). The fields
used are the documented ones listed in ``tests/data/kubernetes_fields.yaml``.
"""

from __future__ import annotations

from llmguide.deploy.commands import HEALTH, PORTS, Step, _replicas_per_server
from llmguide.deploy.plan import Plan

IMAGES = {"vllm": "vllm/vllm-openai:latest", "sglang": "lmsysorg/sglang:latest"}
CACHE = "/root/.cache/huggingface"


def manifest(plan: Plan, steps: tuple[Step, ...], gpu_family: str | None) -> str | None:
    """The manifest as YAML text, or None when one server process serves the plan (or the engine is
    llama.cpp or Ollama, which one machine runs)."""
    import yaml

    if plan.backend not in IMAGES or (plan.replicas <= 1 and plan.nodes <= 1):
        return None
    serve = steps[-1].lines[0]  # the engine's own command, as the plan's steps give it
    name = "".join(c if c.isalnum() else "-" for c in plan.model.id.lower()).strip("-")[:50]
    per_server = _replicas_per_server(plan)
    pods = max(1, plan.replicas // per_server)
    gpus = plan.tensor_parallel * per_server
    port = PORTS[plan.backend]
    key = "amd.com/gpu" if gpu_family == "amd" else "nvidia.com/gpu"
    if plan.nodes > 1 and plan.backend == "sglang":  # one process per node, ranked; LWS gives each its index
        first = steps[0].lines[0].replace("HEAD_IP", "$(LWS_LEADER_ADDRESS)")
        leader_cmd, worker_cmd = first, first.replace("--node-rank 0", "--node-rank $(LWS_WORKER_INDEX)")
        size, gpus = plan.nodes, plan.gpus_per_node
    else:
        leader_cmd, worker_cmd = f"ray start --head --port=6379 && {serve}", "ray start --address=$(LWS_LEADER_ADDRESS):6379 --block"
        size = plan.pipeline_parallel
    if plan.nodes > 1:
        leader = {"metadata": {"labels": {"role": "leader"}}, **_pod(plan, leader_cmd, gpus, port, key, probes=True)}
        worker = _pod(plan, worker_cmd, gpus, port, key, probes=False)
        docs = [{
            "apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet", "metadata": {"name": name},
            "spec": {"replicas": pods, "leaderWorkerTemplate": {
                "size": size, "leaderTemplate": leader, "workerTemplate": worker}},
        }]
    else:
        template = {"metadata": {"labels": {"app": name}}, **_pod(plan, serve, gpus, port, key, probes=True)}
        docs = [{
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": pods, "selector": {"matchLabels": {"app": name}}, "template": template},
        }]
    docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                 "spec": {"selector": {"app": name} if plan.nodes <= 1 else
                          {"leaderworkerset.sigs.k8s.io/name": name, "role": "leader"},
                          "ports": [{"port": port, "targetPort": port}]}})
    return yaml.safe_dump_all(docs, sort_keys=False, width=200)


def _pod(plan: Plan, command: str, gpus: int, port: int, gpu_key: str, probes: bool) -> dict:
    container: dict = {
        "name": plan.backend, "image": IMAGES[plan.backend], "command": ["sh", "-c", command],
        "ports": [{"containerPort": port}],
        "resources": {"limits": {gpu_key: gpus}},
        "volumeMounts": [{"name": "model-cache", "mountPath": CACHE}, {"name": "shm", "mountPath": "/dev/shm"}],
    }
    if probes:
        container["readinessProbe"] = {"httpGet": {"path": HEALTH[plan.backend], "port": port}, "periodSeconds": 10}
        container["livenessProbe"] = {"httpGet": {"path": HEALTH[plan.backend], "port": port},
                                      "initialDelaySeconds": 900, "periodSeconds": 30}
    return {"spec": {"containers": [container], "volumes": [
        {"name": "model-cache", "persistentVolumeClaim": {"claimName": "model-cache"}},
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "16Gi"}},
    ]}}
