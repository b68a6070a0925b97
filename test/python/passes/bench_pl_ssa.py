"""Benchmark: pl-ssa time against program size (prints figures; run `python test/python/passes/bench_pl_ssa.py`).

The program repeats a kernel-shaped stage `copies` times in one function: an spmd whose body runs a
pipelined matmul loop with the `k == 0` peel, accumulates into an outer tensor across two nested loops,
and keeps eight scalar variables alive across the whole function (so the variable count grows with the
program, the worst case for the O(ops x live variables) analysis).
"""

from __future__ import annotations

import time

from ppc.dialects.parsing import make_context, parse_mlir
from ppc.passes.ssa import PlSsaPass

STAGE = """
  pl.spmd (%b{n}) in %c2 attributes {{name = "mm{n}"}} {{
    %acc{n} = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
    scf.for %k{n} = %c0 to %c64 step %c32 {{
      %l{n} = pl.slice %a[%c0, %k{n}] : !pl.tensor<32x64xbf16> -> !pl.tile<16x32xbf16, left>
      %r{n} = pl.slice %w[%k{n}, %c0] : !pl.tensor<64x32xbf16> -> !pl.tile<32x32xbf16, right>
      %f{n} = arith.cmpi eq, %k{n}, %c0 : index
      scf.if %f{n} {{
        %m{n} = pl.matmul %l{n}, %r{n} : (!pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
        pl.local.set %acc{n}, %m{n} : !pl.tile<16x32xf32, acc>
      }} else {{
        %p{n} = pl.local.get %acc{n} : !pl.tile<16x32xf32, acc>
        %q{n} = pl.matmul_acc %p{n}, %l{n}, %r{n} : (!pl.tile<16x32xf32, acc>, !pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
        pl.local.set %acc{n}, %q{n} : !pl.tile<16x32xf32, acc>
      }}
    }} {{pl.loop = #pl.loop<pipeline>}}
    %g{n} = pl.local.get %acc{n} : !pl.tile<16x32xf32, acc>
    %o{n} = pl.local.get %out : !pl.tensor<32x32xf32>
    %o2{n} = pl.assemble %g{n} into %o{n}[%c0, %c0] : !pl.tile<16x32xf32, acc> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32>
    pl.local.set %out, %o2{n} : !pl.tensor<32x32xf32>
  }}
  scf.for %i{n} = %c0 to %c2 step %c1 {{
    scf.for %j{n} = %c0 to %c2 step %c1 {{
      %sg{n} = pl.local.get %s{v} : index
      %t{n} = arith.addi %sg{n}, %j{n} : index
      pl.local.set %s{v}, %t{n} : index
      %y{n} = pl.local.get %out : !pl.tensor<32x32xf32>
      %z{n} = pl.slice %y{n}[%c0, %c0] : !pl.tensor<32x32xf32> -> !pl.tile<16x32xf32, vec>
      %e{n} = pl.exp %z{n} : !pl.tile<16x32xf32, vec>
      %y2{n} = pl.assemble %e{n} into %y{n}[%c0, %c0] : !pl.tile<16x32xf32, vec> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32>
      pl.local.set %out, %y2{n} : !pl.tensor<32x32xf32>
    }}
  }}
"""


def program(copies: int) -> str:
    head = [
        "func.func @k(%a: !pl.tensor<32x64xbf16>, %w: !pl.tensor<64x32xbf16>, %o: !pl.tensor<32x32xf32>) -> !pl.tensor<32x32xf32> {",
        *(f"  %c{c} = arith.constant {c} : index" for c in (0, 1, 2, 32, 64)),
        '  %out = pl.local.decl "out" : !pl.ref<!pl.tensor<32x32xf32>>',
        "  pl.local.set %out, %o : !pl.tensor<32x32xf32>",
    ]
    for v in range(8):
        head += [f'  %s{v} = pl.local.decl "s{v}" : !pl.ref<index>', f"  pl.local.set %s{v}, %c0 : index"]
    body = [STAGE.format(n=n, v=n % 8) for n in range(copies)]
    tail = ["  %res = pl.local.get %out : !pl.tensor<32x32xf32>", "  func.return %res : !pl.tensor<32x32xf32>", "}"]
    return "\n".join([*head, *body, *tail])


def main() -> None:
    ctx = make_context()
    print(f"{'copies':>6} {'ops':>6} {'pl-ssa ms':>10} {'us/op':>7}")
    for copies in (1, 4, 16, 64):
        module = parse_mlir(program(copies), "bench.mlir", ctx)
        n_ops = sum(1 for _ in module.walk())
        start = time.perf_counter()
        PlSsaPass().apply(ctx, module)
        ms = (time.perf_counter() - start) * 1e3
        print(f"{copies:>6} {n_ops:>6} {ms:>10.1f} {ms * 1e3 / n_ops:>7.1f}")


if __name__ == "__main__":
    main()
