"""Every class of user error is one PlDiagnostic at the user's line, with a message that names the problem.

Each kernel marks the line the error must point at with a `# E:<tag>` comment.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic

LINES = {
    m.group(1): i
    for i, line in enumerate(Path(__file__).read_text().splitlines(), start=1)
    if (m := re.search(r"# E:(\w+)", line))
}
GLOBAL_TABLE = None  # mutated (illegally) by a kernel below
CONST = 4


def check(fn, tag: str, message: str, *args) -> PlDiagnostic:
    with pytest.raises(PlDiagnostic) as info:
        fn.lower(*args, pipeline="frontend")
    err = info.value
    assert err.loc.file == __file__
    assert err.loc.line == LINES[tag], str(err)
    assert re.search(message, err.message), err.message
    assert "\n" not in str(err)
    return err


T = pl.Tensor[[16, 64], pl.FP32]


# ----------------------------------------------------------------------------------------- unsupported Python
@pl.jit
def uses_while(x: T, n: pl.Scalar[pl.INT32]):
    while n > 0:  # E:while
        n = n - 1


@pl.jit
def uses_try(x: T):
    try:  # E:try
        pass
    except ValueError:
        pass


@pl.jit
def uses_lambda(x: T):
    f = lambda v: v  # E:lambda  # noqa: E731


@pl.jit
def uses_comprehension(x: T):
    offs = {i * 16 for i in range(4)}  # E:comprehension


@pl.jit.inline
def recursive(t):
    return recursive(t)  # E:recursion


@pl.jit
def calls_recursive(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = recursive(x[:, :])
    return y


@pl.jit
def uses_other_with(x: T):
    with open("f"):  # E:with
        pass


@pl.jit
def declares_global(x: T):
    global GLOBAL_TABLE  # E:global


@pl.jit
def writes_global(x: T):
    with pl.at(level=pl.Level.CORE_GROUP):
        GLOBAL_TABLE[0:16, :] = x[:, :]  # E:globalwrite


@pl.jit
def assigns_attribute(x: T):
    pl.BF16.name = "x"  # E:attribute


@pytest.mark.parametrize(
    ("fn", "tag", "message"),
    [
        (uses_while, "while", r"'while' loops are not supported.*pl\.range"),
        (uses_try, "try", r"'try' statements are not supported"),
        (uses_lambda, "lambda", r"lambda expressions are not supported"),
        (uses_comprehension, "comprehension", r"comprehensions are not supported"),
        (calls_recursive, "recursion", r"recursive call to 'recursive'"),
        (uses_other_with, "with", r"'with' is only supported for task scopes"),
        (declares_global, "global", r"'global' is not supported"),
        (writes_global, "globalwrite", r"cannot modify global 'GLOBAL_TABLE'"),
        (assigns_attribute, "attribute", r"assigning to an attribute is not supported"),
    ],
)
def test_unsupported_python(fn, tag, message):
    check(fn, tag, message)


# ----------------------------------------------------------------------------------------- names and arguments
@pl.jit
def unknown_name(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.expp(x[:, :])  # E:unknown
    return y


@pl.jit
def missing_argument(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.add(x[:, :])  # E:wrongargs
    return y


@pl.jit
def bad_keyword(x: T, y: pl.Out[T]):
    for i in pl.pipeline(4, stages=2):  # E:badkw
        pass
    return y


@pl.jit
def non_constant_shape(x: T, n: pl.Scalar[pl.INDEX]):
    with pl.at(level=pl.Level.CORE_GROUP):  # a tile is static-shaped (a GM tensor may take a run-time size)
        t = pl.full([n, 64], pl.FP32, 0.0)  # E:shapearg


def test_unknown_pl_name():
    check(unknown_name, "unknown", r"unknown pl name 'pl\.expp'")


def test_wrong_arguments():
    check(missing_argument, "wrongargs", r"wrong arguments to pl\.add: missing a required argument: 'rhs'")
    check(bad_keyword, "badkw", r"wrong arguments to pl\.pipeline: .*'stages'")
    check(non_constant_shape, "shapearg", r"the shape of pl\.full must be compile-time integers")


# ----------------------------------------------------------------------------------------- annotations
@pl.jit
def bad_dims(x: pl.Tensor[[16, "n"], pl.FP32]):  # E:baddims
    pass


@pl.jit
def out_scalar(n: pl.Out[pl.Scalar[pl.INT32]]):  # E:outscalar
    pass


@pl.jit
def unannotated(x):  # E:noann
    pass


def test_bad_annotations():
    check(bad_dims, "baddims", r"bad annotation for parameter 'x': pl\.Tensor needs a list of positive")
    check(out_scalar, "outscalar", r"pl\.Out\[\.\.\.\] must wrap a pl\.Tensor")
    check(unannotated, "noann", r"parameter 'x' needs a pl annotation")


# ----------------------------------------------------------------------------------------- shapes and dtypes
@pl.jit
def shape_mismatch(x: T, w: pl.Tensor[[16, 32], pl.FP32], y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.add(x[:, :], w[:, :])  # E:shape
    return y


@pl.jit
def dtype_mismatch(x: T, w: pl.Tensor[[16, 64], pl.BF16], y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.mul(x[:, :], w[:, :])  # E:dtype
    return y


@pl.jit
def region_mismatch(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:8, :] = x[:, :]  # E:region
    return y


@pl.jit
def out_of_bounds(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = x[8:24, :]  # E:bounds
    return y


@pl.jit
def dynamic_extent(x: T, y: pl.Out[T], n: pl.Scalar[pl.INDEX]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:8, :] = x[0:n, :]  # E:extent
    return y


@pl.jit
def checked_args(x: T, y: pl.Out[pl.Tensor[[16, 64], pl.BF16]]):  # E:argmismatch
    return y


def test_shape_and_dtype_mismatch():
    check(shape_mismatch, "shape", r"'pl\.add' operand shapes differ: \[16, 64\] vs \[16, 32\]")
    check(dtype_mismatch, "dtype", r"'pl\.mul' operand dtypes differ: f32 vs bf16")
    check(region_mismatch, "region", r"cannot assign a \[16, 64\] value to the \[8, 64\] region of 'y'")
    check(out_of_bounds, "bounds", r"out of bounds on axis 0: offset 8 \+ extent 16 > dimension 16")
    check(dynamic_extent, "extent", r"extent of slice '0:n' on axis 0 must be a compile-time constant")


def test_argument_mismatch_is_reported_at_the_call_with_a_note_at_the_annotation():
    x = np.zeros((16, 64), np.float32)
    with pytest.raises(PlDiagnostic) as info:
        checked_args.lower(x, x, pipeline="frontend")
    err = info.value
    assert (err.loc.file, err.loc.line) == (__file__, info.traceback[0].lineno + 1)
    assert [(n.file, n.line, text) for n, text in err.notes] == [(__file__, LINES["argmismatch"], "the parameters are declared here")]
    assert re.fullmatch(r"parameter 'y' is annotated pl\.Tensor\[\[16, 64\], pl\.BF16\] but the argument has shape "
                        r"\[16, 64\] and dtype pl\.FP32", err.message)
    assert str(err).splitlines()[1].endswith(": note: the parameters are declared here")
    with pytest.raises(PlDiagnostic, match=r"parameter 'x' is annotated .* has shape \[8, 64\]"):
        checked_args.lower(np.zeros((8, 64), np.float32), x, pipeline="frontend")
    with pytest.raises(PlDiagnostic, match=r"'checked_args' takes 2 arguments, got 1"):
        checked_args.lower(x, pipeline="frontend")


# ----------------------------------------------------------------------------------------- task scopes and returns
@pl.jit
def compute_outside_task(x: T, y: pl.Out[T]):
    t = pl.exp(x)  # E:outside
    return y


@pl.jit.inline
def helper_computes(t):
    return pl.relu(t)  # E:inlineoutside


@pl.jit
def inline_outside_task(x: T, y: pl.Out[T]):
    y = helper_computes(x)
    return y


@pl.jit
def nested_tasks(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        for i in pl.spmd(2):  # E:nested
            pass
    return y


@pl.jit
def returns_expression(x: T, y: pl.Out[T]):
    return pl.create_tensor([4, 4], pl.FP32)  # E:return


@pl.jit
def returns_local(x: T, y: pl.Out[T]):
    z = x
    return z  # E:returnlocal


@pl.jit
def early_return(x: T, flag: pl.Scalar[pl.BOOL]):
    if flag:
        return x  # E:early


def test_compute_outside_task_scope():
    check(compute_outside_task, "outside", r"pl\.exp is a compute op: it must be inside a task scope")
    check(inline_outside_task, "inlineoutside", r"pl\.relu is a compute op")
    check(nested_tasks, "nested", r"pl\.spmd cannot be nested inside another task scope")


def test_return_must_name_parameter_tensors():
    check(returns_expression, "return", r"'return' must name parameter tensors .* is not a parameter")
    check(returns_local, "returnlocal", r"'z' is not a parameter")
    check(early_return, "early", r"'return' must be the last statement")


# ----------------------------------------------------------------------------------------- definedness
@pl.jit
def tile_leaves_spmd(x: T, y: pl.Out[T]):
    for b in pl.spmd(2):  # E:spmdescape
        t = x[b * 8:b * 8 + 8, :]
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:8, :] = t
    return y


def test_a_tile_of_one_spmd_block_cannot_leave_the_scope():
    with pytest.raises(PlDiagnostic) as info:
        tile_leaves_spmd.lower()
    err = info.value
    assert (err.loc.file, err.loc.line) == (__file__, LINES["spmdescape"]), str(err)
    assert re.search(r"value of one block leaves an spmd scope: 't' is assigned in each block", err.message)


# ----------------------------------------------------------------------------------------- misuse of pl constructs
@pl.jit
def uses_break(x: T, n: pl.Scalar[pl.INT32]):
    for i in pl.range(n):
        break  # E:break


@pl.jit
def range_outside_for(x: T):
    r = pl.range(4)  # E:rangeexpr


@pl.jit
def python_iteration(x: T):
    for v in [1, 2, 3]:  # E:pyiter
        pass


@pl.jit
def with_as(x: T):
    with pl.at(level=pl.Level.CORE_GROUP) as (scope, other):  # E:withas
        pass


@pl.jit.incore
def kernel_fn(src: T, dst: pl.Out[T]):
    dst[:, :] = src[:, :]
    return dst


@pl.jit
def incore_outside_task(x: T, y: pl.Out[T]):
    y = kernel_fn(x, y)  # E:incore
    return y


@pl.jit
def calls_entry(x: T, y: pl.Out[T]):
    y = incore_outside_task(x, y)  # E:entrycall
    return y


def plain_python_helper(t):
    return t


@pl.jit
def calls_plain_python(x: T, y: pl.Out[T]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = plain_python_helper(x[:, :])  # E:plaincall
    return y


@pl.jit
def bad_level(x: T, y: pl.Out[T]):
    with pl.at(level="core_group"):  # E:level
        pass
    return y


@pl.jit
def scalar_cast_rounding(x: T, f: pl.Scalar[pl.FP32]):
    n = pl.cast(f, pl.INT32, mode="rint")  # E:castmode


@pl.jit
def tensor_condition(x: T, y: pl.Out[T]):
    if x:  # E:tensorcond
        pass
    return y


@pytest.mark.parametrize(
    ("fn", "tag", "message"),
    [
        (uses_break, "break", r"'break' is not supported"),
        (range_outside_for, "rangeexpr", r"pl\.range can only be used as the iterator of a 'for' loop"),
        (python_iteration, "pyiter", r"must iterate over pl\.range, pl\.parallel"),
        (with_as, "withas", r"'with pl\.at\(\.\.\.\) as tid' binds the task id to a single name"),
        (incore_outside_task, "incore", r"incore function 'kernel_fn' must be called inside a task scope"),
        (calls_entry, "entrycall", r"is a @pl\.jit entry and cannot be called from a kernel"),
        (calls_plain_python, "plaincall", r"cannot call 'plain_python_helper' in a pl kernel"),
        (bad_level, "level", r"level must be a pl\.Level"),
        (scalar_cast_rounding, "castmode", r"truncates toward zero \(PyPTO's scalar cast\); mode='rint' is not"),
        (tensor_condition, "tensorcond", r"a tensor cannot be used as a condition"),
    ],
)
def test_misused_constructs(fn, tag, message):
    check(fn, tag, message)
