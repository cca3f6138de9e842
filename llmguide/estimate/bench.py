"""``bench``: run a GGUF model on this machine, compare the speed with the estimate, calibrate.

The run is short: a warm-up, one prompt of ``prompt_tokens`` processed in micro-batches, then
``gen_tokens`` generated one at a time after it. The estimate is the one ``fit`` gives for the same
file, placement and context depth, without any earlier calibration; the ratio of the two becomes
this machine's calibration (see ``calibration``). Running the model needs llama-cpp-python (the
``bench`` extra); the runner is a parameter so tests can stand in for it.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from llmguide.estimate.calibration import Calibration, save
from llmguide.errors import LLMGuideError, UsageError
from llmguide.hardware.profile import Hardware
from llmguide.model.modelref import ModelRef

INSTALL_HINT = "Install it with: pip install 'llmguide[bench]' (or pip install llama-cpp-python)."


@dataclass(frozen=True)
class Measured:
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    runtime: str  # e.g. "llama-cpp-python 0.3.36"


# (GGUF path, context, GPU layers, threads or None, prompt tokens, generated tokens) -> Measured
Runner = Callable[[str, int, int, "int | None", int, int], Measured]


@dataclass(frozen=True)
class BenchReport:
    model: ModelRef
    quant: str
    placement: str  # gpu | split | cpu
    gpu_layers: int
    prompt_tokens: int
    gen_tokens: int
    measured: Measured
    estimated_decode: float
    estimated_prefill: float | None
    calibration: Calibration
    saved_to: str | None


def llama_cpp_runner(path: str, context: int, gpu_layers: int, threads: int | None, prompt_tokens: int, gen_tokens: int) -> Measured:
    """Time prompt processing and generation with llama-cpp-python."""
    try:
        import llama_cpp
    except ImportError:
        raise LLMGuideError("llmguide bench runs the model with llama-cpp-python, which is not installed.", INSTALL_HINT) from None
    if gpu_layers and not llama_cpp.llama_supports_gpu_offload():
        raise LLMGuideError("This llama-cpp-python was built without GPU support, but the model would run on the GPU here.",
                            "Reinstall it with GPU support (see its README), or pass --cpu-only to calibrate the CPU.")
    if threads is None:  # llama.cpp's own default (llama-cpp-python's is half the logical CPUs)
        import psutil

        threads = psutil.cpu_count(logical=False) or psutil.cpu_count() or 1
    try:
        llm = llama_cpp.Llama(model_path=path, n_ctx=context, n_gpu_layers=gpu_layers, n_threads=threads,
                              n_threads_batch=threads, n_batch=512, n_ubatch=512, verbose=False)
        vocab = llm.n_vocab()
        prompt = [256 + (i * 7919) % max(1, vocab - 512) for i in range(prompt_tokens)]  # ordinary tokens
        llm.eval(prompt[:8])  # warm-up: the first graph allocates its buffers
        llm.reset()
        start = time.perf_counter()
        llm.eval(prompt)
        prefill = prompt_tokens / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(gen_tokens):
            llm.eval([prompt[i % prompt_tokens]])
        decode = gen_tokens / (time.perf_counter() - start)
    except (ValueError, RuntimeError, OSError) as exc:
        raise LLMGuideError(f"llama-cpp-python could not run {path}: {exc}") from None
    return Measured(prefill, decode, f"llama-cpp-python {llama_cpp.__version__}")


def bench(
    model: ModelRef,
    hw: Hardware,
    *,
    runner: Runner | None = None,
    prompt_tokens: int = 512,
    gen_tokens: int = 64,
    threads: int | None = None,
    store: bool = True,
) -> BenchReport:
    from llmguide.estimate.fit import fit

    if model.gguf is None:
        raise UsageError(f"llmguide bench measures a .gguf file, not {model.source}.")
    if hw.source != "detected":
        raise UsageError("llmguide bench measures this machine: leave out --gpu, --vram and --ram.")
    if not 16 <= prompt_tokens <= 8192:
        raise UsageError(f"--prompt-tokens must be between 16 and 8192, not {prompt_tokens}.")
    if not 8 <= gen_tokens <= 1024:
        raise UsageError(f"--gen-tokens must be between 8 and 1024, not {gen_tokens}.")
    if threads is not None and threads < 1:
        raise UsageError(f"--threads must be at least 1, not {threads}.")
    context = prompt_tokens + gen_tokens
    est = fit(model, hw, (model.gguf.file_type,), context, prompt_tokens=prompt_tokens, depth=prompt_tokens + gen_tokens // 2,
              calibrated=False)[0]
    if not est.fits:
        raise LLMGuideError(f"{model.id} does not fit this machine's memory, so it cannot be measured here.")
    if est.speed is None:
        raise LLMGuideError(f"llmguide has no speed estimate for {model.id} here to calibrate.",
                            "Pass --bandwidth GB/s for a GPU that is not among the presets.")
    where = est.placement
    if where is None:
        raise LLMGuideError(f"llmguide has no placement for {model.id} on this machine to calibrate.")
    if where.mode == "expert_offload":
        raise UsageError(f"{model.id} would run here with its routed experts in RAM (--n-cpu-moe), which llama-cpp-python "
                         "cannot set up, so bench cannot time the placement llmguide estimates.",
                         "Calibrate with a model that fits the GPU, or pass --cpu-only to calibrate the CPU.")
    gpu_layers = 0 if where.mode == "cpu" else (where.gpu_layers if where.mode == "split" else -1)
    measured = (runner or llama_cpp_runner)(model.source, context, gpu_layers, threads, prompt_tokens, gen_tokens)
    prefill_est = est.speed.prefill_tokens_per_s
    cal = Calibration(
        machine=hw.machine or "",
        placement=where.mode,
        decode_factor=round(measured.decode_tokens_per_s / est.speed.decode_tokens_per_s, 4),
        prefill_factor=round(measured.prefill_tokens_per_s / prefill_est, 4) if prefill_est else None,
        model=model.id,
        quant=est.quant,
        measured_at=datetime.date.today().isoformat(),
        runtime=measured.runtime,
    )
    saved = str(save(cal)) if store and hw.machine else None
    return BenchReport(model, est.quant, where.mode, max(gpu_layers, 0) if gpu_layers >= 0 else model.arch.layers,
                       prompt_tokens, gen_tokens, measured, est.speed.decode_tokens_per_s, prefill_est, cal, saved)
