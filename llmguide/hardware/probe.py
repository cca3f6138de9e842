"""Run a probe command with a time limit and a size limit; every way it can fail becomes one
``ProbeFailure``.

A probe (nvidia-smi, rocm-smi, sysctl, system_profiler) answers in a few kilobytes. Its output is
read in chunks: a probe that floods its output (a broken driver, a wrapper script stuck in a loop)
is stopped at ``PROBE_MAX_BYTES`` instead of being buffered whole, and one that hangs at
``PROBE_TIMEOUT_S``. Control characters in what it prints are removed before anyone reads it.
"""

from __future__ import annotations

import subprocess
import threading
import time

PROBE_TIMEOUT_S = 3.0
PROBE_MAX_BYTES = 4 << 20  # system_profiler's display report is ~100 kB; nvidia-smi's CSV a few hundred bytes


class ProbeFailure(Exception):
    """A probe that could not answer: missing tool, timeout, refusal, error or unreadable output."""


def run_command(args: list[str], timeout: float = PROBE_TIMEOUT_S, max_bytes: int = PROBE_MAX_BYTES) -> str:
    """The probe's stdout, decoded (undecodable bytes replaced) and without control codes."""
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise ProbeFailure(f"{args[0]} not found") from None
    except PermissionError:
        raise ProbeFailure(f"{args[0]}: permission denied") from None
    except OSError as exc:
        raise ProbeFailure(f"{args[0]}: {exc}") from None
    streams = [_Drain(proc.stdout, max_bytes, proc), _Drain(proc.stderr, max_bytes, proc)]
    deadline = time.monotonic() + timeout
    try:
        proc.wait(timeout=timeout)
        for s in streams:
            s.join(max(0.0, deadline - time.monotonic()) + 0.5)
    except subprocess.TimeoutExpired:
        raise ProbeFailure(f"{args[0]} did not answer within {timeout:g} s") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out, err = (s.text() for s in streams)
    if any(s.overflow for s in streams):
        raise ProbeFailure(f"{args[0]} printed more than {max_bytes >> 20} MiB; its output was not read")
    if proc.returncode != 0:
        first = (err or out).strip().splitlines()[:1]
        raise ProbeFailure(f"{args[0]} exited with {proc.returncode}" + (f": {first[0][:200]}" if first else ""))
    return out


class _Drain(threading.Thread):
    """Reads one pipe in 64 kB chunks, keeping at most ``limit`` bytes; past that it kills the probe."""

    def __init__(self, pipe, limit: int, proc: subprocess.Popen):
        super().__init__(daemon=True)
        self.pipe, self.limit, self.proc = pipe, limit, proc
        self.chunks: list[bytes] = []
        self.size = 0
        self.overflow = False
        self.start()

    def run(self) -> None:
        try:
            while chunk := self.pipe.read1(65536):
                self.size += len(chunk)
                if self.size > self.limit:
                    self.overflow = True
                    self.proc.kill()
                    return
                self.chunks.append(chunk)
        except (OSError, ValueError):
            pass
        finally:
            self.pipe.close()

    def text(self) -> str:
        from llmguide.model.files import strip_controls

        return strip_controls(b"".join(self.chunks).decode("utf-8", "replace"))
