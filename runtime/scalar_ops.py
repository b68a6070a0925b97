"""Executor handlers for scalars and structured control flow: arith and scf.

Integer scalars (index, iN) are Python ints (i1: bool), float scalars numpy scalars of their IR type, so
`arith.addf` on f32 rounds like f32. Loops and branches run their compiled bodies directly; loop-carried
values and branch results move between slots together with their producer positions.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import FloatAttr, IndexType, IntegerAttr, IntegerType, Signedness, StringAttr

from ..dialects.attributes import LoopAttr, LoopKind
from .dtypes import numpy_dtype, scalar_of
from .errors import PlRuntimeError
from .interp import Frame, FunctionCompiler, handles, terminator_slots


@handles(arith.ConstantOp)
def _constant(op: arith.ConstantOp, c: FunctionCompiler):
    value = op.value
    if isinstance(value, IntegerAttr):
        data = value.value.data
        c.constant(op.result, bool(data) if numpy_dtype(op.result.type).kind == "b" else int(data))
    elif isinstance(value, FloatAttr):
        c.constant(op.result, numpy_dtype(op.result.type).type(value.value.data))
    else:
        raise PlRuntimeError(f"{c.label}: arith.constant of {value} is not supported by the executor", op)
    return None


def _divsi(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def _remsi(a: int, b: int) -> int:
    return a - b * _divsi(a, b)


def _ceildiv(a: int, b: int) -> int:
    return -(-a // b)


_INT_BINARY = {
    arith.AddiOp: operator.add, arith.SubiOp: operator.sub, arith.MuliOp: operator.mul,
    arith.DivSIOp: _divsi, arith.DivUIOp: operator.floordiv, arith.RemSIOp: _remsi, arith.RemUIOp: operator.mod,
    arith.FloorDivSIOp: operator.floordiv, arith.CeilDivSIOp: _ceildiv, arith.CeilDivUIOp: _ceildiv,
    arith.MaxSIOp: max, arith.MinSIOp: min, arith.MaxUIOp: max, arith.MinUIOp: min,
    arith.AndIOp: operator.and_, arith.OrIOp: operator.or_, arith.XOrIOp: operator.xor,
    arith.ShLIOp: operator.lshift, arith.ShRSIOp: operator.rshift, arith.ShRUIOp: operator.rshift,
}  # fmt: skip
_DIVISIONS = (arith.DivSIOp, arith.DivUIOp, arith.RemSIOp, arith.RemUIOp, arith.FloorDivSIOp,
              arith.CeilDivSIOp, arith.CeilDivUIOp)  # fmt: skip
_SHIFTS = (arith.ShLIOp, arith.ShRSIOp, arith.ShRUIOp)
_UNSIGNED = (arith.DivUIOp, arith.RemUIOp, arith.CeilDivUIOp, arith.MaxUIOp, arith.MinUIOp)  # both operands
_FLOAT_BINARY = {
    arith.AddfOp: operator.add, arith.SubfOp: operator.sub, arith.MulfOp: operator.mul, arith.DivfOp: operator.truediv,
    arith.MaximumfOp: np.maximum, arith.MinimumfOp: np.minimum, arith.MaxnumfOp: np.fmax, arith.MinnumfOp: np.fmin,
}  # fmt: skip


def int_width(t) -> int:
    """Bits of an integer scalar type (index is 64-bit, like the hardware's registers)."""
    return 64 if isinstance(t, IndexType) else t.width.data


def _wrap_int(width: int, signed: bool):
    """Reduce an unbounded Python int to a `width`-bit value, as fixed-width hardware arithmetic does:
    signed (two's complement, how signless values are held) or unsigned (how unsigned ops read them)."""
    mask = (1 << width) - 1
    half = 1 << (width - 1)
    if width == 1:
        return (lambda v: bool(v & 1)) if signed else (lambda v: int(v) & 1)
    if signed:
        return lambda v: ((int(v) & mask) ^ half) - half
    return lambda v: int(v) & mask


def _binary(op, c: FunctionCompiler, fn):
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    if op.result.type == IntegerType(1):
        def run_bool(f: Frame) -> None:
            f.r[o] = bool(fn(f.r[a], f.r[b]))

        return run_bool
    width = int_width(op.result.type)
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    wrap = _wrap_int(width, True)
    unsigned = _wrap_int(width, False)
    lhs = unsigned if isinstance(op, _UNSIGNED + (arith.ShRUIOp,)) else None
    rhs = unsigned if isinstance(op, _UNSIGNED) else None
    divides = isinstance(op, _DIVISIONS)
    divisor = op.attributes.get("pl.nonzero")  # what the divisor stands for (the step of a strided loop)
    zero = f"{divisor.data} is zero" if isinstance(divisor, StringAttr) else f"integer division by zero in '{op.name}'"
    shifts = isinstance(op, _SHIFTS)
    if not (divides or shifts or lhs or rhs):  # add, sub, mul, signed min/max, bitwise: the hot path
        def run_plain(f: Frame) -> None:
            r = f.r
            v = fn(r[a], r[b])
            r[o] = v if lo <= v <= hi else wrap(v)

        return run_plain

    def run(f: Frame) -> None:
        r = f.r
        x, y = r[a], r[b]
        if divides and y == 0:
            raise PlRuntimeError(zero, op)
        if shifts and not 0 <= y < width:
            raise PlRuntimeError(f"shift amount {y} out of range [0, {width}) in '{op.name}'", op)
        if lhs is not None:
            x = lhs(x)
        if rhs is not None:
            y = rhs(y)
        v = fn(x, y)
        r[o] = v if lo <= v <= hi else wrap(v)

    return run


for _cls, _fn in _INT_BINARY.items():
    handles(_cls)(lambda op, c, fn=_fn: _binary(op, c, fn))


def _float_binary(op, c: FunctionCompiler, fn):
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    conv = numpy_dtype(op.result.type).type

    def run(f: Frame) -> None:
        r = f.r
        r[o] = conv(fn(conv(r[a]), conv(r[b])))

    return run


for _cls, _fn in _FLOAT_BINARY.items():
    handles(_cls)(lambda op, c, fn=_fn: _float_binary(op, c, fn))


@handles(arith.NegfOp)
def _negf(op: arith.NegfOp, c: FunctionCompiler):
    a, o = c.slot(op.operand), c.slot(op.result)

    def run(f: Frame) -> None:
        f.r[o] = -f.r[a]

    return run


_CMPI = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
         operator.lt, operator.le, operator.gt, operator.ge]  # fmt: skip


@handles(arith.CmpiOp)
def _cmpi(op: arith.CmpiOp, c: FunctionCompiler):
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    predicate = op.predicate.value.data
    fn = _CMPI[predicate]
    if predicate >= 6:  # ult ule ugt uge compare the unsigned readings of the bits
        unsigned = _wrap_int(int_width(op.lhs.type), False)

        def run_unsigned(f: Frame) -> None:
            r = f.r
            r[o] = fn(unsigned(r[a]), unsigned(r[b]))

        return run_unsigned

    def run(f: Frame) -> None:
        r = f.r
        r[o] = fn(r[a], r[b])

    return run


# cmpf predicates in order: false oeq ogt oge olt ole one ord ueq ugt uge ult ule une uno true
_CMPF_BASE = [None, operator.eq, operator.gt, operator.ge, operator.lt, operator.le, operator.ne, None]


def _cmpf_fn(predicate: int):
    if predicate in (0, 15):
        return lambda x, y: predicate == 15
    if predicate == 7:
        return lambda x, y: not (math.isnan(x) or math.isnan(y))
    if predicate == 14:
        return lambda x, y: math.isnan(x) or math.isnan(y)
    ordered = predicate < 8
    base = _CMPF_BASE[predicate if ordered else predicate - 7]
    if ordered:
        return lambda x, y: not (math.isnan(x) or math.isnan(y)) and base(x, y)
    return lambda x, y: math.isnan(x) or math.isnan(y) or base(x, y)


@handles(arith.CmpfOp)
def _cmpf(op: arith.CmpfOp, c: FunctionCompiler):
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    fn = _cmpf_fn(op.predicate.value.data)

    def run(f: Frame) -> None:
        r = f.r
        r[o] = bool(fn(float(r[a]), float(r[b])))

    return run


@handles(arith.SelectOp)
def _select(op: arith.SelectOp, c: FunctionCompiler):
    cond, t, e, o = c.slot(op.cond), c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)

    def run(f: Frame) -> None:
        r, p = f.r, f.p
        src = t if r[cond] else e
        r[o] = r[src]
        p[o] = p[src]

    return run


def _float_to_int(op, width: int, signed: bool):
    """Truncation toward zero; a value with no integer of the result type (NaN, inf, out of range) is an
    error rather than the hardware's unspecified result."""
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
    target = op.result.type

    def conv(v) -> int:
        x = float(v)
        if not (lo - 1 < x < hi + 1):  # also false for NaN
            raise PlRuntimeError(f"float {x} has no value in {target} (conversion truncates toward zero)", op)
        return int(math.trunc(x))

    return conv


def _held(t):
    """How a value of integer type `t` is held: unsigned as such, signless as two's complement."""
    return _wrap_int(int_width(t), not (isinstance(t, IntegerType) and t.signedness.data == Signedness.UNSIGNED))


def _conversion(op, c: FunctionCompiler):
    a, o = c.slot(op.input), c.slot(op.result)
    src, dst = op.input.type, op.result.type
    if isinstance(op, arith.TruncIOp | arith.IndexCastOp):  # index_cast truncates or sign-extends
        conv = _held(dst)
    elif isinstance(op, arith.ExtUIOp):
        conv = _wrap_int(int_width(src), False)
    elif isinstance(op, arith.UIToFPOp):
        unsigned, to_float = _wrap_int(int_width(src), False), scalar_of(dst)
        conv = lambda v: to_float(unsigned(v))  # noqa: E731
    elif isinstance(op, arith.FPToSIOp | arith.FPToUIOp):
        to_int, held = _float_to_int(op, int_width(dst), isinstance(op, arith.FPToSIOp)), _held(dst)
        conv = lambda v: held(to_int(v))  # noqa: E731
    elif isinstance(op, arith.BitcastOp):  # same-width integers: the bits read in the result's signedness
        conv = _held(dst)
    else:  # extsi, sitofp, extf, truncf: the value in the result type
        conv = scalar_of(dst)

    def run(f: Frame) -> None:
        f.r[o] = conv(f.r[a])

    return run


for _cls in (arith.IndexCastOp, arith.ExtSIOp, arith.ExtUIOp, arith.TruncIOp, arith.SIToFPOp, arith.UIToFPOp,
             arith.FPToSIOp, arith.FPToUIOp, arith.ExtFOp, arith.TruncFOp, arith.BitcastOp):  # fmt: skip
    handles(_cls)(_conversion)


# ------------------------------------------------------------------------------------------------ scf
def _move(f: Frame, dst: tuple[int, ...], src: tuple[int, ...]) -> None:
    """Parallel copy of values (and producer positions) from `src` slots to `dst` slots."""
    r, p = f.r, f.p
    values = [r[s] for s in src]
    producers = [p[s] for s in src]
    for d, v, q in zip(dst, values, producers):
        r[d] = v
        p[d] = q


@handles(scf.ForOp)
def _for(op: scf.ForOp, c: FunctionCompiler):
    block = op.body.block
    lb, ub, step = c.slot(op.lb), c.slot(op.ub), c.slot(op.step)
    iv = c.slot(block.args[0])
    carried = c.slots_of(block.args[1:])
    inits = c.slots_of(op.iter_args)
    results = c.slots_of(op.res)
    kind = op.attributes.get("pl.loop")
    outer_stages = c.stages
    if isinstance(kind, LoopAttr) and kind.data == LoopKind.PIPELINE:
        stages = op.attributes.get("pl.stages")
        c.stages = stages.value.data if isinstance(stages, IntegerAttr) else 2
    body = c.compile_block(block)
    c.stages = outer_stages
    yields = terminator_slots(block, c)

    def run(f: Frame) -> None:
        r = f.r
        _move(f, carried, inits)
        if r[step] <= 0:
            raise PlRuntimeError(f"scf.for step must be positive, got {r[step]}", op)
        for i in range(r[lb], r[ub], r[step]):
            r[iv] = i
            for fn in body:
                fn(f)
            if yields:
                _move(f, carried, yields)
        _move(f, results, carried)

    return run


@handles(scf.IfOp)
def _if(op: scf.IfOp, c: FunctionCompiler):
    cond = c.slot(op.cond)
    results = c.slots_of(op.output)
    then_block = op.true_region.block
    then_fns, then_yields = c.compile_block(then_block), terminator_slots(then_block, c)
    if op.false_region.blocks:
        else_block = op.false_region.block
        else_fns, else_yields = c.compile_block(else_block), terminator_slots(else_block, c)
    else:
        else_fns, else_yields = (), ()

    def run(f: Frame) -> None:
        if f.r[cond]:
            fns, yields = then_fns, then_yields
        else:
            fns, yields = else_fns, else_yields
        for fn in fns:
            fn(f)
        if results:
            _move(f, results, yields)

    return run
