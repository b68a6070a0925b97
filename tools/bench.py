"""`ppc-bench`: print the speed figures the project has targets for, measured in one run.

    ppc-bench [frontend] [passes] [executor] [matmul] [tensormap] [simulation]     (default: all)

frontend   - `lower(pipeline="frontend")` of the ratio-128 compressor (a ~400-line kernel), warm median
             (target < 0.3 s);
passes     - `pl-lower` on the same module, per pass (each includes the verification after it);
executor   - executor overhead per tile op (target <= 20 us) and a 10,000-dispatch program end to end;
matmul     - one tile matmul of the executor (int8 and bf16 operands, order-exact results), median per call;
tensormap  - task dependencies of a dispatch stream tiling one [128, 28672] tensor the way a large projection
             does (16 producers writing 8-row bands of 128-column tiles, 448 consumers each reading a
             16-row strip of all of them), CPU time of the TensorMap submits;
simulation - the Level-B simulation of a 10,000-dispatch synthetic program (target <= 2 s);
harness    - the pypto golden harness around a one-tile kernel over a 512 MiB bf16 input: run_jit end to end
             against building that input alone (the rest is the golden's one clone and bookkeeping).
Machines are shared and noisy: compare figures from the same run, not across runs.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from collections.abc import Callable

SECTIONS = ("frontend", "passes", "executor", "matmul", "tensormap", "simulation", "harness")


def _compressor_entries():
    from ppc.models.deepseek_v4.cases import ARG_ORDER, make_inputs
    from ppc.models.deepseek_v4.compressor_r128 import build_compressor_r128
    from ppc.models.deepseek_v4.config import FULL

    inputs = make_inputs(FULL, start_pos=FULL.R - 1, rotate=True)
    return build_compressor_r128(FULL), [inputs[n] for n in ARG_ORDER]


def bench_frontend(repeat: int = 7) -> None:
    from ppc.dialects.diagnostics import capture_diagnostics
    from ppc.models.deepseek_v4 import compressor_r128

    entries, args = _compressor_entries()
    lines = len(inspect.getsource(compressor_r128).splitlines())
    for variant in ("parallel", "spmd"):
        entry = getattr(entries, variant)
        times = []
        with capture_diagnostics():
            for _ in range(repeat):
                start = time.perf_counter()
                module = entry.lower(*args, pipeline="frontend")
                times.append(time.perf_counter() - start)
        ops = sum(1 for _ in module.walk())
        print(f"frontend  compressor_r128.{variant} ({lines} source lines, {ops} ops): cold {times[0]:.3f} s, "
              f"warm median {statistics.median(times[1:]):.3f} s (target < 0.3 s)")


def bench_passes() -> None:
    from ppc.frontend.builder import build_module
    from ppc.passes.pipeline import default_pipeline, run_pipeline

    entries, args = _compressor_entries()
    for variant in ("parallel", "spmd"):
        module = build_module(getattr(entries, variant), args)
        times: dict[str, float] = {}
        last = [time.perf_counter()]

        def record(name: str, _module: object) -> None:
            now = time.perf_counter()
            times[name], last[0] = now - last[0], now

        start = last[0]
        run_pipeline(module, default_pipeline(), after_each=record)
        per_pass = ", ".join(f"{name} {1e3 * t:.0f}" for name, t in times.items())
        print(f"passes    pl-lower on compressor_r128.{variant}: {1e3 * (last[0] - start):.0f} ms ({per_pass} ms)")


def bench_executor() -> None:
    from ppc.runtime.bench_executor import bench_dispatches, bench_ops

    bench_ops(5000)
    bench_dispatches(10_000)


def bench_matmul(repeat: int = 50) -> None:
    import numpy as np

    from ppc.runtime.dtypes import BF16
    from ppc.runtime.numerics import matmul

    rng = np.random.default_rng(0)
    for name, dtype, (m, k, n) in (("int8", np.int8, (128, 128, 128)), ("int8", np.int8, (64, 7168, 64)),
                                   ("bf16", BF16, (128, 128, 128))):
        a = rng.integers(-128, 128, (m, k)).astype(dtype)
        b = rng.integers(-128, 128, (k, n)).astype(dtype)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            matmul(a, b, False, False, np.dtype(np.int32 if name == "int8" else np.float32))
            times.append(time.perf_counter() - start)
        print(f"matmul    {name} [{m},{k}]x[{k},{n}]: median {1e3 * statistics.median(times):.3f} ms per call")


def bench_tensormap() -> None:
    from ppc.runtime.npu import Region, TensorMap

    rows, cols, tile = 128, 28672, 128
    tm = TensorMap()
    producers = [[Region("x", ((r, r + 8), (c, c + tile))) for c in range(0, cols, tile)] for r in range(0, rows, 8)]
    consumers = [[Region("x", ((r, r + 16), (c, c + tile))) for c in range(0, cols, tile)]
                 for r in range(0, rows, 16) for _ in range(56)]
    start = time.process_time()
    for writes in producers:
        tm.submit((), writes)
    deps = sum(len(tm.submit(reads, [Region(("out", i), ((0, 1),))])) for i, reads in enumerate(consumers))
    cpu = time.process_time() - start
    regions = sum(map(len, producers)) + sum(map(len, consumers))
    print(f"tensormap {tm.num_tasks} submits / {regions} regions ({deps} dependencies): {cpu:.3f} s CPU, "
          f"{1e6 * cpu / regions:.1f} us per region")


def bench_simulation() -> None:
    from ppc.runtime.npu.bench_sim import run

    figures = run(10_000)
    print(f"simulation {figures['dispatches']} dispatches / {figures['blocks']} blocks: "
          f"{figures['simulate_s']:.3f} s (target <= 2 s); building the task list {figures['build_s']:.3f} s, "
          f"report {figures['report_s']:.3f} s, trace {figures['trace_s']:.3f} s")


def bench_harness() -> None:
    from ppc.runtime.bench_harness import run

    figures = run(16384)
    print(f"harness   run_jit over a {figures['mib']:.0f} MiB bf16 input: {figures['run_jit_s']:.2f} s end to end, "
          f"{figures['run_jit_s'] / figures['build_s']:.1f}x building the input alone ({figures['build_s']:.2f} s)")


BENCHES: dict[str, Callable[[], None]] = {
    "frontend": bench_frontend,
    "passes": bench_passes,
    "executor": bench_executor,
    "matmul": bench_matmul,
    "tensormap": bench_tensormap,
    "simulation": bench_simulation,
    "harness": bench_harness,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="ppc-bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"any of {', '.join(SECTIONS)}")
    sections = parser.parse_args(argv).sections or SECTIONS
    unknown = [s for s in sections if s not in BENCHES]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    for name in sections:
        BENCHES[name]()


if __name__ == "__main__":
    main()
