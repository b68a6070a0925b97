"""Parameter types: `pl` annotations and call arguments (tensors or shape specs) to dialect types.

An annotation fixes a parameter's type; an argument passed to `lower()` must agree with it (shape and
dtype), and a mismatch is reported at the annotation.  dtypes of numpy, ml_dtypes and torch tensors are
recognised by name, so torch is never imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    IndexType,
    IntegerType,
    Signedness,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute

from ppc.dialects.attributes import Direction
from ppc.dialects.diagnostics import brief
from ppc.dialects.types import DYNAMIC, TensorType

from . import language as pl

_MLIR_TYPES: dict[str, Attribute] = {
    "bf16": BFloat16Type(),
    "f16": Float16Type(),
    "f32": Float32Type(),
    "i8": IntegerType(8),
    "i32": i32,
    "i64": i64,
    "ui8": IntegerType(8, Signedness.UNSIGNED),
    "ui32": IntegerType(32, Signedness.UNSIGNED),
    "i1": i1,
    "index": IndexType(),
}
_BY_ARRAY_DTYPE = {
    "bfloat16": pl.BF16, "float16": pl.FP16, "half": pl.FP16, "float32": pl.FP32, "float": pl.FP32,
    "int8": pl.INT8, "int32": pl.INT32, "int64": pl.INT64, "long": pl.INT64, "uint8": pl.UINT8, "uint32": pl.UINT32, "bool": pl.BOOL,
}  # fmt: skip


def mlir_type(dtype: pl.DType) -> Attribute:
    return _MLIR_TYPES[dtype.mlir]


def dtype_of(t: Attribute) -> pl.DType | None:
    """The `pl` dtype of a dialect element type (for `x.dtype` in a kernel)."""
    for d in pl.DTYPES:
        if _MLIR_TYPES[d.mlir] == t:
            return d
    return None


@dataclass(frozen=True)
class ParamSpec:
    """A parameter's dialect type and declared direction (None = unmarked)."""

    type: Attribute
    direction: Direction | None
    unsigned: bool = False
    """a pl.UINT32 scalar: carried as i32 (arith is signless) and marked `pl.unsigned` for the call-time check"""
    symbols: tuple[str, ...] = ()
    """a tensor's `pl.dynamic` name per axis ("" for a static axis); () when every axis is static"""

    @property
    def is_tensor(self) -> bool:
        return isinstance(self.type, TensorType)


def annotation_spec(ann: Any) -> ParamSpec | str:
    """The spec of a `pl` annotation, or a message saying what is wrong with it."""
    direction = None
    if isinstance(ann, pl.DirectedAnnotation):
        direction, ann = ann.direction, ann.inner
        if not isinstance(ann, pl.TensorAnnotation):
            return f"pl.{'Out' if direction == Direction.OUT else 'InOut'}[...] must wrap a pl.Tensor[[dims], dtype]"
    if isinstance(ann, pl.TensorAnnotation):
        if not ann.shape or not all(_is_dim(d) for d in ann.shape):
            return (
                "pl.Tensor needs a list of positive compile-time dimensions or pl.dynamic sizes, "
                f"got {list(ann.shape)}"
            )
        if not isinstance(ann.dtype, pl.DType):
            return f"pl.Tensor element type must be a pl dtype (pl.BF16, pl.FP32, ...), got {ann.dtype!r}"
        dims = [DYNAMIC if isinstance(d, pl.DynVar) else d for d in ann.shape]
        symbols = tuple(d.name if isinstance(d, pl.DynVar) else "" for d in ann.shape)
        return ParamSpec(TensorType(dims, mlir_type(ann.dtype)), direction, symbols=symbols if any(symbols) else ())
    if isinstance(ann, pl.ScalarAnnotation):
        if not isinstance(ann.dtype, pl.DType):
            return f"pl.Scalar needs a pl dtype (pl.INT32, pl.BOOL, ...), got {ann.dtype!r}"
        # arith works on signless integers: an unsigned scalar is carried as i32 (its bits are the same).
        if ann.dtype == pl.UINT32:
            return ParamSpec(i32, None, unsigned=True)
        if ann.dtype == pl.UINT8:
            return "pl.Scalar[pl.UINT8] is not supported (pl.UINT8 is a tensor element type); use pl.INT32"
        return ParamSpec(mlir_type(ann.dtype), None)
    if isinstance(ann, pl.ArrayAnnotation):
        return (
            "a pl.Array parameter takes a pl.array.create(...) array, which only a @pl.jit.inline helper can receive "
            "(PyPTO: arrays do not cross function boundaries)"
        )
    return (
        "expected pl.Tensor[[dims], dtype], pl.Scalar[dtype], pl.Out[pl.Tensor[...]] or pl.InOut[pl.Tensor[...]], "
        f"got {ann!r}"
    )


def _is_dim(d: Any) -> bool:
    return isinstance(d, pl.DynVar) or (isinstance(d, int) and not isinstance(d, bool) and d > 0)


def accepts_shape(expected: tuple[int, ...], shape: tuple[int, ...], dynamic_fits: bool = False) -> bool:
    """Whether a tensor of `shape` fits a type's shape: static axes equal, a dynamic (`?`) axis any size;
    with `dynamic_fits`, a dynamic axis of `shape` also fits a static one (a helper's annotation)."""
    return len(expected) == len(shape) and all(
        e in (DYNAMIC, d) or (dynamic_fits and d == DYNAMIC) for e, d in zip(expected, shape)
    )


def argument_mismatch(spec: ParamSpec, arg: Any) -> str | None:
    """Why `arg` cannot be passed for a parameter of this spec (None if it can)."""
    if not spec.is_tensor:
        if hasattr(arg, "shape") and tuple(getattr(arg, "shape")) not in ((), (1,)):
            return f"is annotated as a scalar {spec.type} but the argument has shape {list(arg.shape)}"
        return None
    expected = spec.type
    assert isinstance(expected, TensorType)
    if isinstance(arg, pl.DirectedAnnotation):
        arg = arg.inner
    if isinstance(arg, pl.TensorAnnotation):
        shape = tuple(DYNAMIC if isinstance(d, pl.DynVar) else d for d in arg.shape)
        dtype = arg.dtype
    elif hasattr(arg, "shape") and hasattr(arg, "dtype"):
        try:
            shape, dtype = tuple(int(d) for d in arg.shape), arg.dtype
        except (TypeError, ValueError):
            return f"is annotated {_spell(spec)} but the argument's shape {brief(arg.shape)} is not a list of integers"
    else:
        return f"is annotated {_spell(spec)} but the argument is {type(arg).__name__}, not a tensor or shape spec"
    if not isinstance(dtype, pl.DType):
        dtype = _BY_ARRAY_DTYPE.get(str(dtype).removeprefix("torch."), dtype)
    dtype_ok = isinstance(dtype, pl.DType) and mlir_type(dtype) == expected.element_type
    if not (dtype_ok and accepts_shape(expected.get_shape(), shape)):
        shown = ["?" if d == DYNAMIC else d for d in shape]
        return f"is annotated {_spell(spec)} but the argument has shape {shown} and dtype {dtype}"
    return None


def _spell(spec: ParamSpec) -> str:
    t = spec.type
    assert isinstance(t, TensorType)
    names = spec.symbols or ("",) * t.rank
    dims = ", ".join(n or str(d) for n, d in zip(names, t.get_shape()))
    return f"pl.Tensor[[{dims}], {dtype_of(t.element_type)!r}]"
