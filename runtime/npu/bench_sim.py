"""Benchmark: wall time to model a ~10,000-dispatch program (the simulation must stay interactive).

Builds chained layers of the synthetic compressor (parallel variant: every site is pl.at tasks, the worst
case for the number of dispatches) and times each phase separately.

    python -m ppc.runtime.npu.bench_sim [--dispatches 10000] [--variant parallel] [--platform a2a3]
"""

from __future__ import annotations

import argparse
import math
import time

# Absolute imports so the file also runs as a plain script once ppc is installed.
from ppc.runtime.npu.config import get_config
from ppc.runtime.npu.report import build_report
from ppc.runtime.npu.sim import simulate
from ppc.runtime.npu.synthetic import VARIANTS, compressor_program
from ppc.runtime.npu.trace import trace_json


def run(dispatches: int = 10_000, variant: str = "parallel", platform: str = "a2a3") -> dict[str, float]:
    """Time building (TensorMap + Level A), simulating, reporting and tracing; return the figures."""
    cfg = get_config(platform)
    per_layer = len(compressor_program(variant, cfg))
    t0 = time.perf_counter()
    tasks = compressor_program(variant, cfg, layers=math.ceil(dispatches / per_layer))
    t1 = time.perf_counter()
    timeline = simulate(tasks, cfg)
    t2 = time.perf_counter()
    report = build_report(timeline)
    t3 = time.perf_counter()
    trace = trace_json(timeline)
    t4 = time.perf_counter()
    return {
        "dispatches": len(tasks),
        "blocks": len(timeline.blocks),
        "build_s": t1 - t0,
        "simulate_s": t2 - t1,
        "report_s": t3 - t2,
        "trace_s": t4 - t3,
        "trace_mb": len(trace) / 1e6,
        "total_test_time_us": report.total_us,
        "avg_head_oh_us": report.avg_head_oh_us,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dispatches", type=int, default=10_000)
    parser.add_argument("--variant", choices=VARIANTS, default="parallel")
    parser.add_argument("--platform", default="a2a3")
    args = parser.parse_args(argv)
    figures = run(args.dispatches, args.variant, args.platform)
    for key, value in figures.items():
        print(f"{key:<20} {value:.3f}" if isinstance(value, float) else f"{key:<20} {value}")


if __name__ == "__main__":
    main()
