"""Frontend speed: time `lower(pipeline="frontend")` of a ~400-line kernel (target: < 0.3 s warm).

Run: `python test/python/frontend/bench_frontend.py [--repeat N]`.  Prints the cold time (first lower:
source parsing and analysis included), the best and median warm times, and, separately, the time of a full
`verify_module` of the result (which the passes' pipeline runs, not the frontend).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from ppc.dialects.diagnostics import capture_diagnostics, verify_module

KERNEL = Path(__file__).resolve().parents[2] / "frontend" / "Inputs" / "bench_kernel.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(KERNEL.parent))
    import bench_kernel  # noqa: PLC0415  (the kernel lives next to the lit tests)

    lines = len(KERNEL.read_text().splitlines())
    with capture_diagnostics():  # the kernel's optimisation-hint remark is expected
        start = time.perf_counter()
        module = bench_kernel.decode_step.lower(pipeline="frontend")
        cold = time.perf_counter() - start
        warm = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            module = bench_kernel.decode_step.lower(pipeline="frontend")
            warm.append(time.perf_counter() - start)
    start = time.perf_counter()
    verify_module(module)
    verify = time.perf_counter() - start
    ops = sum(1 for _ in module.walk())
    print(f"kernel: {KERNEL.name}, {lines} lines -> {ops} ops")
    print(f"frontend cold: {cold:.3f} s")
    print(f"frontend warm: best {min(warm):.3f} s, median {statistics.median(warm):.3f} s over {args.repeat} runs")
    print(f"verify_module (not part of the frontend): {verify:.3f} s")


if __name__ == "__main__":
    main()
