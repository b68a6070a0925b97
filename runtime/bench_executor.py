"""Executor benchmark: overhead per executed tile op, and a 10,000-dispatch program end to end.

    python -m ppc.runtime.bench_executor [--ops N] [--dispatches N]

1. One kernel block runs a loop of small-tile ops (8x16 f32 and bf16), so the time per op is almost all
   executor overhead (closure dispatch, cost recording, the Level-A schedule of the block) rather than
   numpy arithmetic. Target: <= 20 us per tile op.
2. A parallel loop of 10,000 single-block `pl.at`-style dispatches (slice, exp, assemble each), timed as
   execution (orchestration + kernels + TensorMap) and as the Level-B simulation of the task list.
   Target: <= 2 s for the simulation.
"""

from __future__ import annotations

import argparse
import time

import ml_dtypes
import numpy as np

from ppc.dialects.parsing import parse_mlir
from ppc.runtime.npu import simulate
from ppc.runtime.program import CompiledProgram


def _ops_program(dtype: str) -> str:
    tile = f"!pl.tile<8x16x{dtype}, vec>"
    tensor = f"!pl.tensor<8x16x{dtype}>"
    return f"""
func.func @main(%x: {tensor} {{pl.dir = #pl.dir<in>}}, %y: {tensor} {{pl.dir = #pl.dir<out>}}, %n: index) -> {tensor} attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %c1 = arith.constant 1 : index
  %r = pl.dispatch @k(%x, %n) outs(%y) blocks(%c1) {{name = "k"}} : ({tensor}, index) -> ({tensor})
  func.return %r : {tensor}
}}
func.func @k(%x: {tensor}, %n: index, %y: {tensor} {{pl.dir = #pl.dir<out>}}, %b: index) -> {tensor} attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %half = arith.constant 0.5 : f32
  %t = pl.slice %x[%c0, %c0] : {tensor} -> {tile}
  %res = scf.for %i = %c0 to %n step %c1 iter_args(%v = %t) -> ({tile}) {{
    %a = pl.add %v, %t : {tile}
    %m = pl.mul %a, %half : ({tile}, f32) -> {tile}
    %e = pl.maximum %m, %t : {tile}
    %s = pl.sub %e, %m : {tile}
    scf.yield %s : {tile}
  }}
  %y1 = pl.assemble %res into %y[%c0, %c0] : {tile} into {tensor} -> {tensor}
  func.return %y1 : {tensor}
}}"""


def _dispatch_program(n: int) -> str:
    tensor = f"!pl.tensor<{16 * n}x16xf32>"
    tile = "!pl.tile<16x16xf32, vec>"
    return f"""
func.func @main(%x: {tensor} {{pl.dir = #pl.dir<in>}}, %y: {tensor} {{pl.dir = #pl.dir<out>}}) -> {tensor} attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index
  %r = scf.for %i = %c0 to %cn step %c1 iter_args(%yc = %y) -> ({tensor}) {{
    %yt = pl.dispatch @rows(%x, %i) outs(%yc) blocks(%c1) {{name = "rows"}} : ({tensor}, index) -> ({tensor})
    scf.yield %yt : {tensor}
  }} {{pl.loop = #pl.loop<parallel>}}
  func.return %r : {tensor}
}}
func.func @rows(%x: {tensor}, %i: index, %y: {tensor} {{pl.dir = #pl.dir<out>}}, %b: index) -> {tensor} attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %off = arith.muli %i, %c16 : index
  %t = pl.slice %x[%off, %c0] : {tensor} -> {tile}
  %e = pl.exp %t : {tile}
  %y1 = pl.assemble %e into %y[%off, %c0] : {tile} into {tensor} -> {tensor}
  func.return %y1 : {tensor}
}}"""


def bench_ops(n_iters: int) -> None:
    for dtype, np_dtype in (("f32", np.float32), ("bf16", ml_dtypes.bfloat16)):
        program = CompiledProgram(parse_mlir(_ops_program(dtype), "bench.mlir"))
        x = np.ones((8, 16), np_dtype)
        y = np.zeros((8, 16), np_dtype)
        program.run(x, y, 10)  # warm-up
        start = time.perf_counter()
        program.run(x, y, n_iters)
        elapsed = time.perf_counter() - start
        ops = 4 * n_iters + 2  # 4 tile ops per iteration + load + store
        print(f"executor overhead per tile op ({dtype}, 8x16 tiles, {ops} ops): {1e6 * elapsed / ops:6.2f} us "
              f"(target <= 20 us)")


def bench_dispatches(n: int) -> None:
    start = time.perf_counter()
    program = CompiledProgram(parse_mlir(_dispatch_program(n), "bench.mlir"))
    prepared = time.perf_counter()
    x = np.random.default_rng(0).standard_normal((16 * n, 16)).astype(np.float32)
    y = np.zeros_like(x)
    result = program.run(x, y)
    total = time.perf_counter() - prepared
    sim_start = time.perf_counter()
    simulate(result.tasks, program.config)
    sim = time.perf_counter() - sim_start
    assert result.report.tasks == n and np.array_equal(y, np.exp(x))
    print(f"{n} dispatches: prepare {1e3 * (prepared - start):.1f} ms, run end to end {total:.3f} s; "
          f"Level-B simulation of the task list alone {sim:.3f} s (target <= 2 s); "
          f"about {1e6 * (total - sim) / n:.1f} us per dispatch to execute")
    print(f"  modelled Total Test Time {result.report.total_us:.1f} us, avg Head OH {result.report.avg_head_oh_us:.3f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000, help="loop iterations of the op benchmark (4 ops each)")
    parser.add_argument("--dispatches", type=int, default=10_000)
    args = parser.parse_args()
    bench_ops(args.ops)
    bench_dispatches(args.dispatches)


if __name__ == "__main__":
    main()
