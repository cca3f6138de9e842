"""Speed factors per device class, fitted across classes, with the leave-one-device-out check.

The base efficiencies in llmguide/estimate/speed.py (per vendor and block kind) were fitted on
consumer NVIDIA and single-die Apple rows. Three kinds of device fall off them for physical
reasons: datacenter HBM cards (lower clocks, so llama.cpp's many small per-layer kernels take
longer, and its single-stream GEMV kernels reach a smaller share of HBM's bandwidth), Apple's
two-die Ultra chips (the dies share memory over a bridge that single-stream reads cross), and AMD
GPUs with current Vulkan and ROCm builds (faster than the 2024 rows the base was set from). Each
class gets one multiplicative factor: the median of measured / predicted over its rows in
../shared/data/speeds_dev.csv and benchmarks/data/speeds_more.csv. To show that the factor is
not just fitted to the rows, each device is also predicted with the factor fitted on the other
devices of its class (leave-one-device-out).

    python benchmarks/calibrate_classes.py
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.speedrows import MORE, generation_rows  # noqa: E402
from llmguide.estimate.speed import CLASS_FACTOR, SpeedDevice, estimate_speed, speed_class  # noqa: E402

def ratios() -> dict[str, list[tuple[str, float]]]:
    """class -> (device, measured / predicted without any class factor)."""
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for path in (None, MORE):
        for r in generation_rows(path):
            klass = speed_class(r.hardware, r.vendor)
            if not klass:
                continue
            pred = estimate_speed(r.arch, r.preset, [(SpeedDevice(r.vendor, r.bandwidth_gbs * 1e9), 1.0)], depth=r.depth).decode_tokens_per_s
            out[klass].append((r.hardware.split("(")[0].strip(), r.tokens_per_s / pred))
    return out


def main() -> int:
    print("| class | rows | devices | factor (all rows) | in llmguide | leave-one-device-out median abs. error | without a factor |")
    print("|---|---|---|---|---|---|---|")
    for klass, rows in sorted(ratios().items()):
        factor = statistics.median(x for _, x in rows)
        devices = sorted({d for d, _ in rows})
        errors = []
        for d in devices:
            others = [x for dd, x in rows if dd != d] or [x for _, x in rows]
            f = statistics.median(others)
            errors += [abs(f / x - 1) * 100 for dd, x in rows if dd == d]
        plain = [abs(1 / x - 1) * 100 for _, x in rows]
        check = f"{statistics.median(errors):.1f}%" + (" (one device: in-sample)" if len(devices) == 1 else "")
        print(f"| {klass} | {len(rows)} | {len(devices)} | {factor:.2f} | {CLASS_FACTOR.get(klass, 1.0):.2f} "
              f"| {check} | {statistics.median(plain):.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
