"""Every `$ llmguide ...` example in the README and docs/ must be what the command prints today.

An example block may cut lines with a `...` line; the lines it keeps must appear in the live
output in the same order. A block without cuts must match line for line. Examples of `hardware`
and `bench` (whose answers are the machine the docs were written on) are not checked.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^\s*```\s*$")
MACHINE_BOUND = ("hardware", "bench")


def _examples():
    for path in FILES:
        lines = path.read_text().split("\n")
        i = 0
        while i < len(lines):
            if FENCE.match(lines[i]) and i + 1 < len(lines) and lines[i + 1].strip().startswith("$ llmguide "):
                indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
                j = i + 1
                while not FENCE.match(lines[j]):
                    j += 1
                block = [line.removeprefix(indent) for line in lines[i + 1 : j]]
                current = None
                for line in block:
                    if line.startswith("$ "):
                        current = (line, [])
                        if line.startswith("$ llmguide ") and line.split()[2] not in MACHINE_BOUND:
                            yield pytest.param(current[0], current[1], id=f"{path.name}:{i + 2}:{line[2:60]}")
                    elif current is not None:
                        current[1].append(line)
                i = j
            i += 1


def _is_cut(line: str) -> bool:
    return line.strip().strip("│").strip().startswith(("...", "…"))


@pytest.mark.parametrize("command, shown", list(_examples()))
def test_example_matches_the_live_output(cli, command, shown):
    result = cli(*shlex.split(command)[2:])
    live = [line.rstrip() for line in result.output.rstrip("\n").split("\n")]
    k = 0
    for line in shown:
        if _is_cut(line) or not line.strip():
            continue
        while k < len(live) and live[k] != line.rstrip():
            k += 1
        assert k < len(live), f"{command}: the docs show a line the command no longer prints:\n{line}\n--- live output ---\n" + "\n".join(live)
        k += 1
    if not any(_is_cut(line) for line in shown):
        missing = [line for line in live if line.strip() and line not in [s.rstrip() for s in shown]]
        assert not missing, f"{command}: the command prints lines the docs leave out: {missing[:3]}"
