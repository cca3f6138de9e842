"""Every module of the package imports on its own, in a fresh interpreter (no hidden import cycle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "llmguide"
MODULES = sorted(
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for p in PACKAGE.rglob("*.py")
)

# One interpreter per module would take half a minute; each module is imported in a fresh child
# of one small driver instead (spawned, so nothing is shared between them).
DRIVER = """
import subprocess, sys
failed = []
for name in sys.argv[1:]:
    r = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    if r.returncode:
        failed.append(name + ": " + (r.stderr.strip().splitlines() or ["?"])[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_alone():
    assert len(MODULES) > 80
    r = subprocess.run([sys.executable, "-c", DRIVER, *MODULES], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout
