"""`pl.prefetch`: PyPTO's `pl.prefetch.async_prefetch`, an asynchronous GM -> L2 cache warm-up of a tensor.

It changes no value (PyPTO: a kernel is numerically identical with or without it), so the op has no result;
it reads its source (ordering it after the source's writers) and is not Pure, so no pass drops it.  The
context, event and session handles of PyPTO's API are compile-time values of the frontend
(frontend/prefetch.py): they carry no data and have no run-time effect.
"""

from __future__ import annotations

from xdsl.ir import SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def
from xdsl.utils.exceptions import VerifyException

from .types import DYNAMIC, TensorType


def flat_source_error(t: object) -> str | None:
    """Why `t` is not what PyPTO's verifier accepts as a prefetch source (a GM tensor of static shape whose
    dimensions are all 1 but the last: one flat contiguous run), or None."""
    if not isinstance(t, TensorType):
        return f"src must be a GM tensor (prefetch reads global memory), got {t}"
    shape = t.get_shape()
    if not shape:
        return "src must have rank >= 1, got a rank-0 tensor"
    if DYNAMIC in shape:
        return f"src must have a fully static shape (a compile-time byte extent), got {t}"
    if any(d != 1 for d in shape[:-1]):
        return f"src must be a flat contiguous 1-D region (all dimensions but the last 1), got shape {list(shape)}; reshape it to [N] or [1, ..., N]"  # noqa: E501
    return None


@irdl_op_definition
class PrefetchOp(IRDLOperation):
    """`pl.prefetch %src : !pl.tensor<[N], T>`: warm L2 with the whole of `src`."""

    name = "pl.prefetch"
    source = operand_def(TensorType)
    assembly_format = "$source attr-dict `:` type($source)"

    def __init__(self, source: SSAValue):
        super().__init__(operands=[source])

    def verify_(self) -> None:
        problem = flat_source_error(self.source.type)
        if problem is not None:
            raise VerifyException(f"'pl.prefetch' {problem}")


PREFETCH_OPS = [PrefetchOp]
