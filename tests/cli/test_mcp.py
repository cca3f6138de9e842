"""``llmguide mcp``: one server process for the module, driven over stdio with JSON-RPC lines; every
tool's result equals the command's --json output, errors are tool errors, stdout is only protocol."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading

import pytest

pytest.importorskip("mcp")

from tests.conftest import check_json_schema  # noqa: E402

TIMEOUT = 60  # seconds any one answer may take (the first call loads the catalog)
TOOLS = {"recommend", "fit", "show", "compare", "deploy", "hardware", "explain"}


class Server:
    """``python -m llmguide mcp`` as a subprocess, spoken to in JSON-RPC lines."""

    def __init__(self, stderr_path) -> None:
        self.stderr_path = stderr_path
        self._stderr = open(stderr_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "llmguide", "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True, encoding="utf-8")
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def request(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, **({"params": params} if params is not None else {})})
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail(f"no answer to {method} within {TIMEOUT} s; stderr: {self.stderr()[-2000:]}")
            if line is None:
                pytest.fail(f"the server ended (exit code {self.proc.poll()}); stderr: {self.stderr()[-2000:]}")
            message = json.loads(line)  # stdout carries nothing but protocol messages
            assert message.get("jsonrpc") == "2.0", line
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]

    def call(self, tool: str, **arguments) -> dict:
        return self.request("tools/call", {"name": tool, "arguments": arguments})

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text()

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The server and the in-process CLI read the same (empty) data folder: no stored calibration differs.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLMGUIDE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        s = Server(tmp_path_factory.mktemp("mcp") / "stderr.txt")
        try:
            init = s.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                            "clientInfo": {"name": "llmguide-tests", "version": "0"}})
            assert init["serverInfo"]["name"] == "llmguide" and "tools" in init["capabilities"]
            s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            yield s
        finally:
            s.close()


def result_json(result: dict):
    """The JSON of a successful tool result, the same as text and as structured content."""
    assert result.get("isError") is not True, result
    (block,) = result["content"]
    assert block["type"] == "text"
    data = json.loads(block["text"])
    assert result["structuredContent"] == data
    return data


def error_text(result: dict) -> str:
    assert result["isError"] is True, result
    return "\n".join(block["text"] for block in result["content"])


def test_lists_the_seven_tools_with_typed_arguments(server):
    tools = {t["name"]: t for t in server.request("tools/list")["tools"]}
    assert set(tools) == TOOLS
    props = {name: t["inputSchema"]["properties"] for name, t in tools.items()}
    hardware = {"gpu", "gpus", "vram", "ram", "bandwidth", "cpu_bandwidth", "cpu_only"}
    assert props["recommend"].keys() >= hardware | {"headroom", "task", "lang", "context", "license", "min_speed", "max_ttft",
                                                    "modality", "top", "sort"}
    assert props["fit"].keys() >= hardware | {"headroom", "model", "quant", "context", "kv_type", "parallel", "backend",
                                              "prompt_tokens", "flash_attn", "mmap", "depth", "n_gpu_layers", "n_cpu_moe", "cpu_moe"}
    assert props["deploy"].keys() >= hardware | {"model", "users", "context", "prompt_tokens", "output_tokens", "target_tps",
                                                 "nodes", "max_gpus", "backend"}
    assert props["show"].keys() == {"name", "context"} and props["compare"].keys() == {"names", "context"}
    assert props["hardware"].keys() == {"cpu_only", "headroom", "measure_bandwidth"} and props["explain"].keys() == {"term"}
    for tool in tools.values():  # output-only options are not arguments
        assert not {"json", "as_json", "explain", "runtime", "sources", "markdown", "max_users", "max_context"} & tool["inputSchema"]["properties"].keys()
        assert tool["description"] and all(p.get("description") for p in tool["inputSchema"]["properties"].values())
    rec, fit = props["recommend"], props["fit"]
    assert rec["top"] == {"default": 5, "description": "How many recommendations to show.", "title": "Top", "type": "integer"}
    assert rec["task"]["default"] == "chat" and rec["lang"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    assert fit["vram"]["anyOf"][0] == {"type": "number"} and fit["context"]["default"] == 4096
    assert fit["cpu_only"]["type"] == "boolean" and fit["mmap"]["default"] is True
    assert tools["fit"]["inputSchema"]["required"] == ["model"] and tools["compare"]["inputSchema"]["required"] == ["names"]
    assert all(t["inputSchema"]["additionalProperties"] is False for t in tools.values())
    assert "Without gpu, vram or ram, the machine" in tools["recommend"]["description"]  # the CLI's help, in argument names
    assert props["deploy"]["nodes"]["description"].endswith("With gpus, fixes the deployment's size.")
    assert fit["cpu_moe"]["description"].startswith("llama.cpp's --cpu-moe:")


@pytest.mark.parametrize(("tool", "arguments", "command_line"), [
    ("recommend", {"task": "chat", "vram": 8, "ram": 32, "lang": ["fr"], "top": 2},
     ["recommend", "--task", "chat", "--vram", "8", "--ram", "32", "--lang", "fr", "--top", "2"]),
    ("fit", {"model": "qwen3-8b", "vram": 24, "quant": "Q4_K_M,Q8_0", "context": 8192, "mmap": False},
     ["fit", "qwen3-8b", "--vram", "24", "--quant", "Q4_K_M,Q8_0", "--context", "8192", "--no-mmap"]),
    ("fit", {"model": "phi-4", "gpu": "4090", "ram": 64}, ["fit", "phi-4", "--gpu", "4090", "--ram", "64"]),
    ("show", {"name": "zephyr"}, ["show", "zephyr"]),
    ("compare", {"names": ["mixtral", "llama2"], "context": 8192}, ["compare", "mixtral", "llama2", "--context", "8192"]),
    ("deploy", {"model": "qwen3-8b", "users": 2, "gpu": "4090"}, ["deploy", "qwen3-8b", "--users", "2", "--gpu", "4090"]),
    ("explain", {"term": "kv-cache"}, ["explain", "kv-cache"]),
    ("explain", {}, ["explain"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_results_are_the_commands_json(server, cli, tool, arguments, command_line):
    assert result_json(server.call(tool, **arguments)) == cli.json(*command_line)


def test_notes_go_to_stderr(server):
    result_json(server.call("fit", model="phi-4", vram=24))  # read as its one variant, with a note
    assert "'phi-4' is the Phi-4 family" in server.stderr()


def test_hardware_detects_the_servers_machine(server):
    data = result_json(server.call("hardware", headroom="10%"))
    check_json_schema(["hardware"], json.dumps(data))


def test_errors_are_tool_errors_and_the_server_keeps_serving(server):
    unknown = error_text(server.call("show", name="zephyrr"))
    assert unknown.startswith("Unknown model 'zephyrr'.") and "Did you mean: zephyr" in unknown
    assert "Did you mean" in error_text(server.call("fit", model="qwen3-8bb", vram=24))
    assert error_text(server.call("fit", model="qwen3-8b", vram=-4)) == "vram must be a positive number of GB, not -4."
    assert "context" in error_text(server.call("fit", model="qwen3-8b", vram=24, context=0))
    assert "vram" in error_text(server.call("fit", model="qwen3-8b", vram="lots"))  # refused by the input schema
    assert "vram_gb" in error_text(server.call("fit", model="qwen3-8b", vram_gb=24))  # as is an argument it does not have
    assert "Traceback" not in server.stderr()
    assert result_json(server.call("show", name="zephyr"))["id"] == "zephyr"


def test_an_unexpected_failure_is_an_internal_error(cli, monkeypatch):
    import anyio

    import llmguide.cards
    from llmguide.cli.mcp_server import build_server

    def boom(*a, **k):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(llmguide.cards, "make_card", boom)
    server = build_server()
    result = anyio.run(server.call_tool, "show", {"name": "zephyr"})
    assert result.is_error and result.content[0].text == "internal error: RuntimeError: synthetic failure"
    monkeypatch.undo()
    assert not anyio.run(server.call_tool, "show", {"name": "zephyr"}).is_error


def test_without_the_sdk_one_clear_error(cli, monkeypatch):
    for name in [m for m in sys.modules if m == "mcp" or m.startswith(("mcp.", "mcp_types"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mcp", None)  # as if not installed
    r = cli("mcp")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == "Error: llmguide mcp needs the mcp package: pip install 'llmguide[mcp]'"
    assert os.environ.get("LLMGUIDE_DEBUG") != "1"


def test_a_server_keeps_its_collector_collecting(monkeypatch):
    """The llmguide script freezes what a command built for the cyclic collector (the process ends
    after the answer); a server that runs commands in-process for hours, or a test, must not."""
    import gc

    from llmguide.catalog import cache
    from llmguide.cli import common
    from llmguide.cli.mcp_server import build_server

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(cache, "FREEZE", False)
    common.settle()  # a test or a program running commands: nothing frozen
    cache.loads(cache.pickle.dumps([1]))
    assert frozen == []
    monkeypatch.setattr(cache, "FREEZE", True)  # as the llmguide script sets it
    common.settle()
    cache.loads(cache.pickle.dumps([1]))
    assert frozen == [1, 1]
    build_server()  # `llmguide mcp` starts as the script, then serves for hours
    assert not cache.FREEZE
    common.settle()
    cache.loads(cache.pickle.dumps([1]))
    assert frozen == [1, 1]


def test_a_failed_calls_notes_are_not_written_with_the_next_one(capsys):
    """A call that fails drops the notes it made (its error is its answer): they must not come out
    when the next call answers, as if that call had made them."""
    import anyio

    from llmguide.cli.mcp_server import build_server

    server = build_server()
    failed = anyio.run(server.call_tool, "fit", {"model": "no-such-model", "gpu": "M2 Max"})  # notes its assumed RAM, then fails
    assert failed.is_error
    assert not anyio.run(server.call_tool, "show", {"name": "mixtral"}).is_error
    assert "M2 Max" not in capsys.readouterr().err
    assert not anyio.run(server.call_tool, "fit", {"model": "zephyr-7b-beta", "gpu": "M2 Max"}).is_error
    assert "M2 Max" in capsys.readouterr().err  # a call that answers writes its notes
