"""Runtime scalar arithmetic: Python operators on `pl.Scalar` parameters, loop indices and their derivatives.

Operands are unified the way Python would mix them, inside MLIR's builtin scalar types: a constant takes
the type of its runtime partner; integers of different types meet at `index` if either is an index, else at
the wider width; an integer meets a float at the float.  `//` and `%` keep Python's floor semantics
(`floordivsi`, and `a - (a // b) * b`), `/` is true division.  Integer values also carry a polynomial form
(sum of coefficient x product of opaque values) so that the extent of `x[a * n:a * n + 16]` is known statically.
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    Signedness,
    i1,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue

from ppc.dialects.diagnostics import brief
from ppc.dialects.types import is_float

INDEX = IndexType()
F32 = Float32Type()


class Emitter(Protocol):
    """What scalar emission needs from the function builder."""

    poly: dict[SSAValue, Poly]

    def emit(self, op: Operation, node: ast.AST) -> Operation: ...

    def cached_constant(self, key: tuple[Attribute, str]) -> SSAValue | None: ...

    def cache_constant(self, key: tuple[Attribute, str], value: SSAValue) -> None: ...

    def error(self, node: ast.AST, message: str) -> Exception: ...


_MAX_TERMS = 64
Monomial = frozenset[tuple[Hashable, int]]
"""a product of atoms, each with its power; the empty product is the constant term"""


@dataclass(frozen=True)
class Poly:
    """sum(coef * monomial) over opaque integer atoms: an SSA value, or `(op, Poly, Poly)` for a `//` or `%`
    of known operands, so the same quotient computed twice is one atom."""

    terms: frozenset[tuple[Monomial, int]]

    @staticmethod
    def of(coefs: dict[Monomial, int]) -> Poly:
        return Poly(frozenset((m, c) for m, c in coefs.items() if c))

    @staticmethod
    def constant(k: int) -> Poly:
        return Poly.of({frozenset(): k})

    @staticmethod
    def atom(a: Hashable) -> Poly:
        return Poly.of({frozenset({(a, 1)}): 1})

    def combine(self, other: Poly, sign: int) -> Poly:
        coefs = dict(self.terms)
        for m, c in other.terms:
            coefs[m] = coefs.get(m, 0) + sign * c
        return Poly.of(coefs)

    def times(self, other: Poly) -> Poly | None:
        """The product, or None when it would be too large to be worth tracking (repeated squaring)."""
        if len(self.terms) * len(other.terms) > _MAX_TERMS:
            return None
        coefs: dict[Monomial, int] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                powers = dict(m1)
                for a, k in m2:
                    powers[a] = powers.get(a, 0) + k
                m = frozenset(powers.items())
                coefs[m] = coefs.get(m, 0) + c1 * c2
        return Poly.of(coefs)

    def as_constant(self) -> int | None:
        """The value, when no atom is left."""
        if any(m for m, _ in self.terms):
            return None
        return sum(c for _, c in self.terms)


def poly_of(b: Emitter, v: Any) -> Poly | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Poly.constant(v)
    if isinstance(v, SSAValue) and is_int(v.type):
        return b.poly.get(v) or Poly.atom(v)
    return None


def static_difference(b: Emitter, hi: Any, lo: Any) -> int | None:
    """`hi - lo` if it is the same for every run-time value (e.g. `off + 16` and `off`, `a * n + 1` and `a * n`)."""
    a, c = poly_of(b, hi), poly_of(b, lo)
    if a is None or c is None:
        return None
    return a.combine(c, -1).as_constant()


# ----------------------------------------------------------------------------------------- types
def is_int(t: Attribute) -> bool:
    return isinstance(t, IndexType) or (isinstance(t, IntegerType) and t.width.data > 1)


def is_unsigned(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.signedness.data == Signedness.UNSIGNED


def is_bool(t: Attribute) -> bool:
    return t == i1


def is_scalar(t: Attribute) -> bool:
    return isinstance(t, IndexType | IntegerType) or is_float(t) or isinstance(t, Float64Type)


def _float_width(t: Attribute) -> int:
    return 32 if isinstance(t, Float32Type) else 64 if isinstance(t, Float64Type) else 16


def default_type(value: Any) -> Attribute:
    """The type a Python constant gets when it must become a run-time value on its own."""
    if isinstance(value, bool):
        return i1
    if isinstance(value, int):
        return INDEX
    return F32


def unify(a: Attribute, b: Attribute) -> Attribute:
    if a == b:
        return a
    if is_float(a) or is_float(b):
        if is_float(a) and is_float(b):
            return a if _float_width(a) >= _float_width(b) else b
        return a if is_float(a) else b
    if is_bool(a):
        return b
    if is_bool(b) or isinstance(a, IndexType):
        return a
    if isinstance(b, IndexType):
        return b
    assert isinstance(a, IntegerType) and isinstance(b, IntegerType)
    return a if a.width.data >= b.width.data else b


# ----------------------------------------------------------------------------------------- values
def constant(b: Emitter, value: Any, t: Attribute, node: ast.AST) -> SSAValue:
    attr = literal(b, value, t, node)
    key = (t, repr(attr))
    cached = b.cached_constant(key)
    if cached is None:
        cached = b.emit(arith.ConstantOp(attr, t), node).results[0]  # type: ignore[arg-type]
        b.cache_constant(key, cached)
    return cached


def literal(b: Emitter, value: Any, t: Attribute, node: ast.AST) -> Attribute:
    """A compile-time number as an attribute of type `t` (an integral float is accepted for an integer type)."""
    if is_float(t):
        if not isinstance(value, int | float):
            raise b.error(node, f"cannot use {brief(value)} as a {t} value")
        finite = not (isinstance(value, float) and math.isinf(value))
        if finite and abs(value) > _FLOAT_MAX.get(str(t), sys.float_info.max):  # it would round to inf
            raise b.error(node, f"constant {_shown(value)} does not fit in {t} (it would round to inf)")
        attr: Attribute = FloatAttr(float(value), t)  # type: ignore[arg-type]
    else:
        if not isinstance(value, int) and not (isinstance(value, float) and value.is_integer()):
            raise b.error(node, f"cannot use {brief(value)} as an integer value of type {t}")
        try:
            if isinstance(t, IndexType) and not -(2**63) <= int(value) < 2**63:
                raise ValueError("index is 64 bits")
            attr = IntegerAttr(int(value), t)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001  (xDSL reports out-of-range values as a generic exception)
            raise b.error(node, f"constant {_shown(value)} does not fit in {t}") from None
    return attr


_FLOAT_MAX = {"f16": 65504.0, "bf16": 3.3895313892515355e38, "f32": 3.4028234663852886e38}
"""the largest finite value of each float type a constant may take"""


def _shown(value: int | float) -> str:
    """A number for a message: a huge integer by its size (Python refuses to print over 4300 digits)."""
    return f"2**{int(value).bit_length() - 1} or more" if isinstance(value, int) and abs(value) >= 10**300 else str(value)


def value_of(b: Emitter, v: Any, t: Attribute, node: ast.AST) -> SSAValue:
    """`v` (a constant or a run-time scalar) as a run-time value of type `t`."""
    if isinstance(v, SSAValue):
        return convert(b, v, t, node)
    if isinstance(v, int | float):
        return constant(b, v, t, node)
    raise b.error(node, f"expected a scalar, got {describe(v)}")


def convert(b: Emitter, v: SSAValue, to: Attribute, node: ast.AST) -> SSAValue:
    """Numeric conversion between builtin scalar types (bool -> int is 0/1, float -> int truncates)."""
    src = v.type
    if src == to:
        return v
    if not is_scalar(src):
        raise b.error(node, f"expected a scalar, got a value of type {src}")

    def op(o: Operation) -> SSAValue:
        return b.emit(o, node).results[0]

    if is_bool(to):
        zero = constant(b, 0, src, node)
        return op(arith.CmpfOp(v, zero, "une") if is_float(src) else arith.CmpiOp(v, zero, "ne"))
    if is_float(to):
        if is_float(src):
            if _float_width(src) == _float_width(to):  # bf16 <-> f16 go through f32
                return convert(b, convert(b, v, F32, node), to, node)
            return op(arith.ExtFOp(v, to) if _float_width(src) < _float_width(to) else arith.TruncFOp(v, to))
        if isinstance(src, IndexType) or is_bool(src):
            v = convert(b, v, i64, node)
        return op(arith.UIToFPOp(v, to) if is_unsigned(src) else arith.SIToFPOp(v, to))  # type: ignore[arg-type]
    # integer (or index) target
    if is_float(src):
        if isinstance(to, IndexType):
            return convert(b, op(arith.FPToSIOp(v, i64)), to, node)
        return op(arith.FPToUIOp(v, to) if is_unsigned(to) else arith.FPToSIOp(v, to))
    if is_bool(src):
        if isinstance(to, IndexType):
            return convert(b, op(arith.ExtUIOp(v, i64)), to, node)
        return op(arith.ExtUIOp(v, to))
    if is_unsigned(src) or is_unsigned(to):
        # as PyPTO: index_cast takes signless types, so an unsigned side is bitcast to its signless twin (the
        # bits of an unsigned source read as signed); between integers a same-width change of signedness is
        # that bitcast, widening zero-extends an unsigned source, narrowing truncates
        if isinstance(src, IndexType):
            return op(arith.BitcastOp(convert(b, v, IntegerType(to.width.data), node), to))
        if isinstance(to, IndexType):
            return convert(b, op(arith.BitcastOp(v, IntegerType(src.width.data))), to, node)
        assert isinstance(src, IntegerType) and isinstance(to, IntegerType)
        if src.width.data == to.width.data:
            return op(arith.BitcastOp(v, to))
        if src.width.data > to.width.data:
            return op(arith.TruncIOp(v, to))
        return op(arith.ExtUIOp(v, to) if is_unsigned(src) else arith.ExtSIOp(v, to))
    if isinstance(src, IndexType) or isinstance(to, IndexType):
        result = op(arith.IndexCastOp(v, to))
    else:
        assert isinstance(src, IntegerType) and isinstance(to, IntegerType)
        result = op(arith.ExtSIOp(v, to) if src.width.data < to.width.data else arith.TruncIOp(v, to))
    if v in b.poly:
        b.poly[result] = b.poly[v]
    return result


def describe(v: Any) -> str:
    if isinstance(v, SSAValue):
        return f"a value of type {v.type}"
    shown = brief(v)
    return shown if shown.startswith(type(v).__name__) else f"{type(v).__name__} {shown}"


# ----------------------------------------------------------------------------------------- operators
_INT_OPS: dict[type[ast.operator], Callable[[SSAValue, SSAValue], Operation]] = {
    ast.Add: arith.AddiOp, ast.Sub: arith.SubiOp, ast.Mult: arith.MuliOp, ast.FloorDiv: arith.FloorDivSIOp,
    ast.BitAnd: arith.AndIOp, ast.BitOr: arith.OrIOp, ast.BitXor: arith.XOrIOp,
    ast.LShift: arith.ShLIOp, ast.RShift: arith.ShRSIOp,
}  # fmt: skip
_FLOAT_OPS: dict[type[ast.operator], Callable[[SSAValue, SSAValue], Operation]] = {
    ast.Add: arith.AddfOp, ast.Sub: arith.SubfOp, ast.Mult: arith.MulfOp, ast.Div: arith.DivfOp,
}  # fmt: skip
_CMP = {
    ast.Lt: ("slt", "olt"), ast.LtE: ("sle", "ole"), ast.Gt: ("sgt", "ogt"), ast.GtE: ("sge", "oge"),
    ast.Eq: ("eq", "oeq"), ast.NotEq: ("ne", "une"),
}  # fmt: skip
OP_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@",
}  # fmt: skip


def operands(b: Emitter, lhs: Any, rhs: Any, node: ast.AST) -> tuple[SSAValue, SSAValue]:
    """Both operands as run-time values of their unified type (at least one is already run-time)."""
    lt = lhs.type if isinstance(lhs, SSAValue) else None
    rt = rhs.type if isinstance(rhs, SSAValue) else None
    if lt is None:
        t = rt if not (isinstance(lhs, float) and not is_float(rt)) else F32
    elif rt is None:
        t = lt if not (isinstance(rhs, float) and not is_float(lt)) else F32
    else:
        t = unify(lt, rt)
    return value_of(b, lhs, t, node), value_of(b, rhs, t, node)


def binary(b: Emitter, op: ast.operator, lhs: Any, rhs: Any, node: ast.AST) -> SSAValue:
    kind = type(op)
    if kind is ast.Div:
        l, r = operands(b, lhs, rhs, node)
        if not is_float(l.type):
            l, r = convert(b, l, F32, node), convert(b, r, F32, node)
        return b.emit(arith.DivfOp(l, r), node).results[0]
    l, r = operands(b, lhs, rhs, node)
    if is_float(l.type):
        if kind not in _FLOAT_OPS:
            raise b.error(node, f"operator '{OP_SYMBOLS.get(kind, kind.__name__)}' is not supported on run-time floats")
        return b.emit(_FLOAT_OPS[kind](l, r), node).results[0]
    if kind is ast.Mod:  # Python's floor modulo: a - (a // b) * b
        q = b.emit(arith.FloorDivSIOp(l, r), node).results[0]
        result = b.emit(arith.SubiOp(l, b.emit(arith.MuliOp(q, r), node).results[0]), node).results[0]
        _track_poly(b, kind, lhs, rhs, result)
        return result
    if kind not in _INT_OPS or (is_bool(l.type) and kind not in (ast.BitAnd, ast.BitOr, ast.BitXor)):
        symbol = OP_SYMBOLS.get(kind, kind.__name__)
        raise b.error(node, f"operator '{symbol}' is not supported on run-time {l.type} values")
    result = b.emit(_INT_OPS[kind](l, r), node).results[0]
    _track_poly(b, kind, lhs, rhs, result)
    return result


def _track_poly(b: Emitter, kind: type[ast.operator], lhs: Any, rhs: Any, result: SSAValue) -> None:
    a, c = poly_of(b, lhs), poly_of(b, rhs)
    if a is None or c is None:
        return
    if kind is ast.Add:
        b.poly[result] = a.combine(c, 1)
    elif kind is ast.Sub:
        b.poly[result] = a.combine(c, -1)
    elif kind is ast.Mult:
        product = a.times(c)
        if product is not None:
            b.poly[result] = product
    elif kind in (ast.FloorDiv, ast.Mod):
        b.poly[result] = Poly.atom((kind, a, c))


def compare(b: Emitter, op: ast.cmpop, lhs: Any, rhs: Any, node: ast.AST) -> SSAValue:
    if type(op) not in _CMP:
        raise b.error(node, f"comparison '{type(op).__name__}' is not supported on run-time values")
    l, r = operands(b, lhs, rhs, node)
    ipred, fpred = _CMP[type(op)]
    cmp = arith.CmpfOp(l, r, fpred) if is_float(l.type) else arith.CmpiOp(l, r, ipred)
    return b.emit(cmp, node).results[0]


def truth(b: Emitter, v: SSAValue, node: ast.AST) -> SSAValue:
    return convert(b, v, i1, node)


def negate(b: Emitter, v: SSAValue, node: ast.AST) -> SSAValue:
    if is_float(v.type):
        return b.emit(arith.NegfOp(v), node).results[0]
    return binary(b, ast.Sub(), 0, v, node)


def logical_not(b: Emitter, v: SSAValue, node: ast.AST) -> SSAValue:
    return b.emit(arith.XOrIOp(truth(b, v, node), constant(b, 1, i1, node)), node).results[0]


def logical(b: Emitter, is_and: bool, lhs: Any, rhs: Any, node: ast.AST) -> SSAValue:
    l, r = (truth(b, x, node) if isinstance(x, SSAValue) else constant(b, bool(x), i1, node) for x in (lhs, rhs))
    return b.emit((arith.AndIOp if is_and else arith.OrIOp)(l, r), node).results[0]


def select(b: Emitter, cond: SSAValue, a: Any, c: Any, node: ast.AST) -> SSAValue:
    x, y = operands(b, a, c, node)
    return b.emit(arith.SelectOp(truth(b, cond, node), x, y), node).results[0]


def min_max(b: Emitter, is_max: bool, values: list[Any], node: ast.AST) -> SSAValue:
    acc = values[0]
    for v in values[1:]:
        l, r = operands(b, acc, v, node)
        if is_float(l.type):
            cls = arith.MaximumfOp if is_max else arith.MinimumfOp
        else:
            cls = arith.MaxSIOp if is_max else arith.MinSIOp
        acc = b.emit(cls(l, r), node).results[0]
    return acc
