"""Build llama.cpp's CPU tools from the source PyPI ships, pinned and cached.

The `llama-cpp-python` sdist vendors all of llama.cpp. This script downloads that sdist (pinned
below), unpacks it under the cache directory and builds `llama-bench`, `llama-quantize`,
`llama-completion` and `llama-fit-params` for this machine's CPU. A second run reuses the build.

    python benchmarks/llamacpp/setup.py            # prints the bin directory
    python benchmarks/llamacpp/setup.py --avx2     # portable x86 AVX2 build (the committed results)
    LLMGUIDE_BENCH_CACHE=/somewhere python ...     # cache elsewhere (default ~/.cache/llmguide-bench)

Nothing here is part of the test suite; see benchmarks/llamacpp/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

# The pinned source: llama-cpp-python's sdist and the llama.cpp build it vendors.
SDIST_VERSION = "0.3.36"
ARCH_FLAGS = {
    False: ("-DGGML_NATIVE=ON",),
    True: ("-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"),
}
TOOLS = ("llama-bench", "llama-quantize", "llama-completion", "llama-fit-params")


def cache_dir() -> Path:
    root = os.environ.get("LLMGUIDE_BENCH_CACHE") or Path.home() / ".cache" / "llmguide-bench"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_dir() -> Path:
    cache = cache_dir()
    src = cache / f"llama_cpp_python-{SDIST_VERSION}" / "vendor" / "llama.cpp"
    if src.is_dir():
        return src
    sdist = cache / f"llama_cpp_python-{SDIST_VERSION}.tar.gz"
    if not sdist.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"llama-cpp-python=={SDIST_VERSION}",
             "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "-d", str(cache)],
            check=True,
        )
    with tarfile.open(sdist) as tar:
        tar.extractall(cache, filter="data")
    return src


def build(avx2: bool = False) -> Path:
    """Build the tools; ``avx2`` builds portable x86 AVX2/FMA/F16C code instead of
    ``-march=native``, so the measured kernels and weight repacking are those of any AVX2 desktop
    rather than whatever else the measuring CPU has (the committed results use it)."""
    src = source_dir()
    build_dir = src / ("build-cpu-avx2" if avx2 else "build-cpu")
    bin_dir = build_dir / "bin"
    if all((bin_dir / tool).exists() for tool in TOOLS):
        return bin_dir
    subprocess.run(
        ["cmake", "-S", str(src), "-B", str(build_dir), "-G", "Ninja",
         "-DCMAKE_BUILD_TYPE=Release", *ARCH_FLAGS[avx2], "-DLLAMA_CURL=OFF",
         "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF",
         "-DBUILD_SHARED_LIBS=OFF"],
        check=True,
    )
    subprocess.run(["cmake", "--build", str(build_dir), "--target", *TOOLS, "-j", str(os.cpu_count() or 2)],
                   check=True)
    return bin_dir


def version(bin_dir: Path) -> str:
    """llama.cpp's own version line, e.g. 'version: 7890 (abc1234)'."""
    out = subprocess.run([str(bin_dir / "llama-bench"), "--version"], capture_output=True, text=True)
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    bins = build(avx2="--avx2" in sys.argv)
    print(bins)
    print(f"llama.cpp {version(bins)} (llama-cpp-python {SDIST_VERSION} sdist)", file=sys.stderr)
