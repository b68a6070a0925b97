"""arith and scf semantics of the executor (orchestration and kernels share them)."""

from __future__ import annotations

import numpy as np

from rt_programs import compile_text, single_kernel

OUT = {"out": ((1, 16), "i64")}


def _scalars(lines: list[str], values: list[str], a: int, b: int, f: float) -> list[int]:
    """Run a kernel computing `values` (i64 SSA names) from scalars %a, %b (index) and %f (f32)."""
    writes = []
    prev = "%out"
    for i, v in enumerate(values):
        idx = f"%k{i}"
        writes.append(f"  {idx} = arith.constant {i} : index")
        writes.append(f"  %w{i} = pl.write {v} into {prev}[%c0, {idx}] : i64 into !pl.tensor<1x16xi64> -> !pl.tensor<1x16xi64>")
        prev = f"%w{i}"
    body = "\n".join(lines + writes)
    text = single_kernel({}, OUT, body, scalars={"a": "index", "b": "index", "f": "f32"},
                         results={"out": prev}, out_dir="inout")
    out = np.full((1, 16), -99, np.int64)
    compile_text(text).run(out, a, b, np.float32(f))
    return out[0, : len(values)].tolist()


def _i64(name: str) -> str:
    return f"  {name}_64 = arith.index_cast {name} : index to i64"


INT_OPS = ["divsi", "remsi", "floordivsi", "ceildivsi", "maxsi", "minsi", "muli", "subi"]


def test_integer_ops_follow_c_semantics():
    lines = [f"  %{op} = arith.{op} %a, %b : index" for op in INT_OPS] + [_i64(f"%{op}") for op in INT_OPS]
    got = _scalars(lines, [f"%{op}_64" for op in INT_OPS], -7, 2, 0.0)
    assert got == [-3, -1, -4, -3, 2, -7, -14, -9]


def test_compare_select_and_float_conversions():
    lines = [
        "  %lt = arith.cmpi slt, %a, %b : index",
        "  %sel = arith.select %lt, %a, %b : index",
        _i64("%sel"),
        "  %g = arith.constant 2.5 : f32",
        "  %fm = arith.mulf %f, %g : f32",
        "  %gt = arith.cmpf ogt, %fm, %g : f32",
        "  %gt64 = arith.extui %gt : i1 to i64",
        "  %fi = arith.fptosi %fm : f32 to i64",
        "  %ai = arith.index_cast %a : index to i64",
        "  %af = arith.sitofp %ai : i64 to f32",
        "  %sum = arith.addf %af, %fm : f32",
        "  %si = arith.fptosi %sum : f32 to i64",
    ]
    assert _scalars(lines, ["%sel_64", "%gt64", "%fi", "%si"], 3, 5, 1.5) == [3, 1, 3, 6]  # 1.5*2.5 = 3.75


def test_nested_loops_and_if_with_results_in_a_kernel():
    lines = [
        "  %zero = arith.constant 0 : index",
        "  %total = scf.for %i = %c0 to %a step %c1 iter_args(%acc = %zero) -> (index) {",
        "    %inner = scf.for %j = %c0 to %b step %c1 iter_args(%acc2 = %acc) -> (index) {",
        "      %even = arith.remsi %j, %c2 : index",
        "      %is_even = arith.cmpi eq, %even, %c0 : index",
        "      %next = scf.if %is_even -> (index) {",
        "        %p = arith.addi %acc2, %i : index",
        "        scf.yield %p : index",
        "      } else {",
        "        %q = arith.addi %acc2, %c1 : index",
        "        scf.yield %q : index",
        "      }",
        "      scf.yield %next : index",
        "    }",
        "    scf.yield %inner : index",
        "  }",
        _i64("%total"),
    ]
    a, b = 4, 5
    want = sum((i if j % 2 == 0 else 1) for i in range(a) for j in range(b))
    assert _scalars(lines, ["%total_64"], a, b, 0.0) == [want]
