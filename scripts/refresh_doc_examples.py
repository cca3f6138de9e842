"""Re-run the `$ llmguide ...` examples in README.md and docs/*.md and write their live output.

    python scripts/refresh_doc_examples.py            # rewrite blocks without cuts; list the others
    python scripts/refresh_doc_examples.py --check    # only list the examples that are stale

It runs each command as tests/test_doc_examples.py does (100 columns, no colour, the test suite's
fixed machine). A block with `...` cuts is never rewritten: it is reported with the live output,
to be cut again by hand (or rewritten whole with --force).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from llmguide.model.files import write_atomic  # noqa: E402


def live(command: str) -> list[str]:
    from typer.testing import CliRunner

    from llmguide.cli.app import app

    env = {"COLUMNS": "100", "NO_COLOR": "1", "LLMGUIDE_DEBUG": None}
    result = CliRunner().invoke(app, shlex.split(command)[1:], env=env, prog_name="llmguide")
    return [line.rstrip() for line in result.output.rstrip("\n").split("\n")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--force", action="append", default=[], metavar="TEXT",
                    help="also rewrite a block with cuts whose command contains TEXT (the cuts are lost)")
    args = ap.parse_args()
    from llmguide.hardware import detect
    from llmguide.hardware.accelerators import Machine

    detect.detect_machine = lambda *a, **k: Machine("Test CPU", 8, 32 << 30, 28 << 30)
    os.environ.setdefault("LLMGUIDE_CACHE_DIR", str(ROOT / ".pytest_cache" / "llmguide"))
    stale = 0
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = path.read_text().split("\n")
        out, i, changed = [], 0, False
        while i < len(lines):
            line = lines[i]
            out.append(line)
            if line.strip() == "```" and i + 1 < len(lines) and lines[i + 1].strip().startswith("$ llmguide "):
                indent = line[: len(line) - len(line.lstrip())]
                j = i + 1
                while lines[j].strip() != "```":
                    j += 1
                block = [b.removeprefix(indent) for b in lines[i + 1 : j]]
                commands = [b for b in block if b.startswith("$ ")]
                cut = any(b.strip().startswith(("...", "…")) for b in block)
                cut = cut and not any(t in commands[0] for t in args.force) if commands else cut
                machine = any(c.split()[2] in ("hardware", "bench") for c in commands if c.startswith("$ llmguide "))
                if len(commands) == 1 and not machine:
                    new = [commands[0], *live(commands[0][2:])]
                    if new != [b.rstrip() for b in block]:
                        stale += 1
                        where = f"{path.name}:{i + 2}: {commands[0]}"
                        if cut or args.check:
                            print(f"STALE{' (has cuts: edit by hand)' if cut else ''} {where}")
                            if cut and not args.check:
                                print("\n".join(new[1:]))
                        else:
                            out += [indent + b if b else b for b in new]
                            out.append(lines[j])
                            i, changed = j + 1, True
                            print(f"rewrote {where}")
                            continue
            i += 1
        if changed and not args.check:
            write_atomic(path, "\n".join(out))
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
