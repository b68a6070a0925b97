"""Element types of the IR as numpy dtypes (bf16 through ml_dtypes) and scalar conversion.

Integer scalars of the IR (index, i32, i64, i1) live as Python ints/bools at run time, float scalars as
numpy float32/bfloat16/float16 scalars so scalar arithmetic rounds like the declared type.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    Signedness,
)
from xdsl.ir import Attribute

BF16 = np.dtype(ml_dtypes.bfloat16)


def numpy_dtype(t: Attribute) -> np.dtype:
    """The numpy dtype holding elements of IR type `t`."""
    if isinstance(t, BFloat16Type):
        return BF16
    if isinstance(t, Float16Type):
        return np.dtype(np.float16)
    if isinstance(t, Float32Type):
        return np.dtype(np.float32)
    if isinstance(t, Float64Type):
        return np.dtype(np.float64)
    if isinstance(t, IndexType):
        return np.dtype(np.int64)
    if isinstance(t, IntegerType):
        width = t.width.data
        if width == 1:
            return np.dtype(np.bool_)
        unsigned = t.signedness.data == Signedness.UNSIGNED
        return np.dtype(f"{'u' if unsigned else ''}int{width}")
    raise TypeError(f"no numpy dtype for IR type {t}")


def dtype_name(dtype: np.dtype) -> str:
    """Short name used by the cost model and in messages: bf16, f16, f32, i8, i32, ..."""
    if dtype == BF16:
        return "bf16"
    if dtype.kind == "f":
        return f"f{dtype.itemsize * 8}"
    if dtype.kind == "b":
        return "i1"
    if dtype.kind in "iu":
        return f"{'u' if dtype.kind == 'u' else 'i'}{dtype.itemsize * 8}"
    return str(dtype)


def is_float_dtype(dtype: np.dtype) -> bool:
    return dtype == BF16 or dtype.kind == "f"


def scalar_of(t: Attribute):
    """Converter of a Python/numpy scalar to the run-time representation of IR scalar type `t`."""
    dtype = numpy_dtype(t)
    if dtype.kind == "b":
        return bool
    if dtype.kind in "iu":
        return int
    return dtype.type
