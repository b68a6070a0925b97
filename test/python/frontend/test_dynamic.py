"""Dynamic dimensions end to end: `pl.dynamic` annotations, `bind_dynamic`, `pl.tensor.dim`, one compiled
program for every size, call-time size checks, and run-time bounds on `?` axes.

Kernels mark the line an error must point at with a `# E:<tag>` comment.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.frontend.jit import JitFunction
from ppc.runtime import PlRuntimeError

LINES = {
    m.group(1): i
    for i, line in enumerate(Path(__file__).read_text().splitlines(), start=1)
    if (m := re.search(r"# E:(\w+)", line))
}
T = pl.dynamic("T")
B = pl.dynamic("B")
D = 64
TT = 16


@pl.jit
def scale(
    x: pl.Tensor[[T, D], pl.FP32],  # E:scale_x
    w: pl.Tensor[[B, T], pl.FP32],
    y: pl.Out[pl.Tensor[[T, D], pl.FP32]],
):
    x.bind_dynamic(0, T)
    w.bind_dynamic(0, B)
    w.bind_dynamic(1, T)
    y.bind_dynamic(0, T)
    t = pl.tensor.dim(x, 0)
    for i in pl.spmd((t + TT - 1) // TT):
        rows = pl.min(TT, t - i * TT)
        a = pl.slice(x, [TT, D], [i * TT, 0], valid_shape=[rows, D])
        y[i * TT:(i + 1) * TT, :] = pl.mul(a, 2.0)
    return y


def _inputs(t: int, b: int = 2, ty: int | None = None):
    rng = np.random.default_rng(t)
    x = rng.standard_normal((t, D)).astype(np.float32)
    return x, np.zeros((b, t), np.float32), np.zeros((t if ty is None else ty, D), np.float32)


def test_one_compiled_program_serves_every_size(monkeypatch):
    compiles = []
    original = JitFunction.compile

    def counting(self, *args, **kwargs):
        compiles.append([a.shape for a in args])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(JitFunction, "compile", counting)
    for t in (37, 16, 5, 37):
        x, w, y = _inputs(t)
        scale(x, w, y)
        assert np.array_equal(y, x * 2), t  # the ragged last tile too
    assert len(compiles) == 1
    assert [k[1] for k in scale._compiled] == [(("?", 64), "float32")]


def test_one_symbol_is_one_size_at_call_time():
    x, w, y = _inputs(20, ty=21)
    with pytest.raises(PlRuntimeError) as info:
        scale(x, w, y)
    err = info.value
    assert "argument 'y' of 'scale': pl.dynamic 'T' is 20 (axis 0 of 'x') but 21 on axis 0 of 'y'" in err.message
    assert (err.loc.file, err.loc.line) == (__file__, info.traceback[0].lineno + 1)  # the call, not the kernel
    assert [(n.file, n.line) for n, _ in err.notes] == [(__file__, LINES["scale_x"] - 1)]  # a note: the entry
    x, w, y = _inputs(20, b=3)
    w = np.zeros((3, 19), np.float32)
    with pytest.raises(PlRuntimeError, match="pl.dynamic 'T' is 20 \\(axis 0 of 'x'\\) but 19 on axis 1 of 'w'"):
        scale(x, w, y)


def test_static_axes_stay_exact():
    x, w, y = _inputs(20)
    program = scale.compile(x, w, y)
    with pytest.raises(PlRuntimeError, match=r"argument 'x' of 'scale': expected shape \[T, 64\], got \[20, 65\]"):
        program.run(np.zeros((20, 65), np.float32), w, y)
    with pytest.raises(PlDiagnostic) as info:  # a call compiles first: reported at the call, the annotation a note
        scale(np.zeros((20, 65), np.float32), w, y)
    assert info.value.loc.line == info.traceback[0].lineno + 1
    assert info.value.notes[0][0].line == LINES["scale_x"]
    assert "is annotated pl.Tensor[[T, 64], pl.FP32] but the argument has shape [20, 65]" in info.value.message
    module = scale.lower(pl.Tensor[[T, D], pl.FP32], pl.Tensor[[B, T], pl.FP32], pl.Out[pl.Tensor[[T, D], pl.FP32]])
    assert "!pl.tensor<?x?xf32>" in str(module)


@pl.jit
def overrun(x: pl.Tensor[[T, D], pl.FP32], y: pl.Out[pl.Tensor[[TT, D], pl.FP32]]):
    t = pl.tensor.dim(x, 0)
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = x[t - TT:t, :]  # E:overrun
    return y


def test_out_of_bounds_on_a_dynamic_axis_is_a_located_run_time_error():
    with pytest.raises(PlRuntimeError) as info:
        overrun(np.zeros((10, D), np.float32), np.zeros((TT, D), np.float32))  # fewer rows than the window
    err = info.value
    assert "pl.slice offsets [-6, 0] with shape [16, 64] out of bounds for tensor [10, 64]" in err.message
    assert (err.loc.file, err.loc.line) == (__file__, LINES["overrun"])
    y = np.zeros((TT, D), np.float32)
    x = np.arange(24 * D, dtype=np.float32).reshape(24, D)
    overrun(x, y)
    assert np.array_equal(y, x[8:24])


@pl.jit
def regroup(x: pl.Tensor[[T, D], pl.FP32], y: pl.Out[pl.Tensor[[T, D], pl.FP32]]):
    t = pl.tensor.dim(x, 0)
    pairs = pl.reshape(x, [t * 2, D // 2])
    scratch = pl.create_tensor([t * 2, D // 2], pl.FP32)
    for i in pl.spmd(t * 2):
        scratch[i:i + 1, :] = pl.add(pairs[i:i + 1, :], 1.0)
    flat = pl.reshape(scratch, [t, D])
    for i in pl.spmd(t):
        y[i:i + 1, :] = flat[i:i + 1, :]
    return y


@pl.jit
def grows(x: pl.Tensor[[T, D], pl.FP32], y: pl.Out[pl.Tensor[[T, D], pl.FP32]]):
    more = pl.reshape(x, [pl.tensor.dim(x, 0) + 1, D])  # E:grows
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:1, :] = more[0:1, :]
    return y


def test_run_time_sizes_in_create_tensor_and_reshape():
    for t in (3, 5):
        x = np.arange(t * D, dtype=np.float32).reshape(t, D)
        y = np.zeros_like(x)
        regroup(x, y)
        assert np.array_equal(y, x + 1), t
    assert len(regroup._compiled) == 1
    with pytest.raises(PlRuntimeError) as info:
        grows(x, np.zeros_like(x))
    assert "pl.reshape: cannot reshape a [5, 64] tensor (320 elements) to [6, 64]" in info.value.message
    assert info.value.loc.line == LINES["grows"]


def check(fn, tag: str, message: str, *args) -> None:
    with pytest.raises(PlDiagnostic) as info:
        fn.lower(*args, pipeline="frontend")
    err = info.value
    assert (err.loc.file, err.loc.line) == (__file__, LINES[tag]), str(err)
    assert message in err.message, err.message


@pl.jit
def binds_static(x: pl.Tensor[[T, D], pl.FP32]):
    x.bind_dynamic(1, T)  # E:binds_static


@pl.jit
def binds_other(x: pl.Tensor[[T, D], pl.FP32]):
    x.bind_dynamic(0, B)  # E:binds_other


@pl.jit
def binds_local(x: pl.Tensor[[T, D], pl.FP32]):
    v = pl.create_tensor([TT, D], pl.FP32)
    v.bind_dynamic(0, T)  # E:binds_local


@pl.jit
def binds_axis(x: pl.Tensor[[T, D], pl.FP32]):
    x.bind_dynamic(2, T)  # E:binds_axis


@pl.jit
def dim_axis(x: pl.Tensor[[T, D], pl.FP32]):
    n = pl.tensor.dim(x, 2)  # E:dim_axis


@pl.jit
def whole_axis(x: pl.Tensor[[T, D], pl.FP32], y: pl.Out[pl.Tensor[[T, D], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:16, :] = x[:, 0:16]  # E:whole_axis


@pl.jit.inline
def static_rows(x: pl.Tensor[[TT, D], pl.BF16]):  # a dynamic axis would fit (PyPTO), the dtype does not
    return x


@pl.jit
def passes_dynamic(x: pl.Tensor[[T, D], pl.FP32]):
    static_rows(x)  # E:passes_dynamic


@pl.jit
def bad_dim(x: pl.Tensor[[T, 0], pl.FP32]):  # E:bad_dim
    pass


def test_compile_time_errors_are_located():
    check(binds_static, "binds_static", "'x' axis 1 is annotated with the static size 64, so it cannot be bound "
          "to pl.dynamic('T')")
    check(binds_other, "binds_other", "'x' axis 0 is annotated with pl.dynamic('T'), so it cannot be bound to "
          "pl.dynamic('B')")
    check(binds_local, "binds_local", "bind_dynamic applies to a tensor parameter of the function")
    check(binds_axis, "binds_axis", "bind_dynamic axis must be a constant in [0, 2) for 'x', got 2")
    check(dim_axis, "dim_axis", "pl.tensor.dim axis must be a constant in [0, 2), got 2")
    check(whole_axis, "whole_axis", "axis 0 is dynamic (pl.dynamic), so taking all of it has no static extent")
    check(passes_dynamic, "passes_dynamic", "argument 'x' of 'static_rows' has type !pl.tensor<?x64xf32>, but "
          "the parameter is annotated !pl.tensor<16x64xbf16>")
    check(bad_dim, "bad_dim", "pl.Tensor needs a list of positive compile-time dimensions or pl.dynamic sizes")


def test_pl_dynamic_outside_a_kernel():
    assert pl.dynamic("T_DYN") == pl.DynVar("T_DYN") and repr(pl.dynamic("T_DYN")) == "pl.dynamic('T_DYN')"
    with pytest.raises(pl.NotExecutable, match="pl.tensor.dim can only be used inside a @pl.jit function"):
        pl.tensor.dim(np.zeros(3), 0)


@pl.jit
def reads_out(x: pl.Tensor[[T, D], pl.FP32], y: pl.Out[pl.Tensor[[T, D], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        a = y[0:16, :]  # E:reads_out
        y[0:16, :] = pl.add(a, x[0:16, :])
    return y


def test_direction_checks_see_dynamic_tensors():
    with pytest.raises(PlDiagnostic) as info:
        reads_out.lower(pl.Tensor[[T, D], pl.FP32], pl.Out[pl.Tensor[[T, D], pl.FP32]])
    assert info.value.loc.line == LINES["reads_out"]
    assert "'y' is declared Out" in info.value.message
