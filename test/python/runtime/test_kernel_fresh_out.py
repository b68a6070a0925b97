"""A kernel whose result for an out is another tensor (a `pl.create_tensor` it filled) must still deliver
the data in the out buffer, and the copy must count as a write of the whole out for the TensorMap."""

from __future__ import annotations

import numpy as np
import pytest

from ppc.runtime.errors import PlRuntimeError
from rt_programs import compile_text

T = "!pl.tensor<16x32xf32>"
V = "!pl.tile<16x32xf32, vec>"


def _module(blocks: int) -> str:
    return f"""
func.func @main(%x: {T} {{pl.dir = #pl.dir<in>}}, %y: {T} {{pl.dir = #pl.dir<out>}}, %z: {T} {{pl.dir = #pl.dir<out>}}) -> ({T}, {T}) attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %nb = arith.constant {blocks} : index
  %c1 = arith.constant 1 : index
  %y1 = pl.dispatch @fresh(%x) outs(%y) blocks(%nb) {{name = "fresh"}} : ({T}) -> ({T})
  %z1 = pl.dispatch @twice(%y1) outs(%z) blocks(%c1) {{name = "twice"}} : ({T}) -> ({T})
  func.return %y1, %z1 : {T}, {T}
}}
func.func @fresh(%x: {T}, %y: {T}, %b: index) -> {T} attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%c0, %c0] : {T} -> {V}
  %e = pl.exp %t : {V}
  %s = pl.create_tensor : {T}
  %s1 = pl.assemble %e into %s[%c0, %c0] : {V} into {T} -> {T}
  func.return %s1 : {T}
}}
func.func @twice(%y: {T}, %z: {T}, %b: index) -> {T} attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %t = pl.slice %y[%c0, %c0] : {T} -> {V}
  %d = pl.add %t, %t : ({V}, {V}) -> {V}
  %z1 = pl.assemble %d into %z[%c0, %c0] : {V} into {T} -> {T}
  func.return %z1 : {T}
}}
"""


def _x() -> np.ndarray:
    return np.random.default_rng(3).standard_normal((16, 32)).astype(np.float32)


def test_fresh_result_lands_in_the_out_and_orders_its_reader():
    x = _x()
    y, z = np.zeros_like(x), np.zeros_like(x)
    res = compile_text(_module(1)).run(x, y, z)
    np.testing.assert_array_equal(y, np.exp(x))
    np.testing.assert_array_equal(z, np.exp(x) * np.float32(2))
    assert res.outputs[0] is y and res.outputs[1] is z
    # the copy is a write of all of y, so the reader of y depends on the task that produced it
    assert [t.deps for t in res.tasks] == [(), (0,)]


def test_fresh_result_of_a_multi_block_kernel_is_a_located_error():
    x = _x()
    y, z = np.zeros_like(x), np.zeros_like(x)
    with pytest.raises(PlRuntimeError) as err:
        compile_text(_module(2)).run(x, y, z)
    msg = str(err.value)
    assert msg.startswith("test.mlir:15:3: error: kernel 'fresh' block 0: result #0 is not written into out #0")
    assert "with 2 blocks" in msg
    assert not y.any() and not z.any()  # nothing written back after a failed run
