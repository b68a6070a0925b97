"""The `pl` language surface (`from ppc import pl`): the names of PyPTO's `pypto.language`.

Kernels written with these names are *parsed*, never executed: the decorators wrap the function in a
`JitFunction`, annotations and dtypes are plain descriptor objects the builder reads at compile time, and
every op below is a stub whose signature is the op's argument contract (the builder binds call arguments
against it, so a wrong call is reported at the user's line) and whose body refuses to run in plain Python.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ppc.dialects.attributes import Direction, Level
from ppc.dialects.attributes import PadValue as _Pad

from .jit import FunctionType, JitDecorator, function, program
from . import arrays as _arrays
from .namespaces import promote, tensor, tile
from .stub import NotExecutable, in_place  # noqa: F401  (pl.NotExecutable)
from .stub import stub as _stub
from .tasks import TaskDummy as _TaskDummy

# ----------------------------------------------------------------------------------------- dtypes


@dataclass(frozen=True)
class DType:
    """A `pl` element type; `mlir` is its spelling in the dialect (`bf16`, `i32`, `index`, ...)."""

    name: str
    mlir: str

    def __repr__(self) -> str:
        return f"pl.{self.name}"


BF16 = DType("BF16", "bf16")
FP16 = DType("FP16", "f16")
FP32 = DType("FP32", "f32")
INT8 = DType("INT8", "i8")
INT32 = DType("INT32", "i32")
INT64 = DType("INT64", "i64")
UINT8 = DType("UINT8", "ui8")
UINT32 = DType("UINT32", "ui32")
BOOL = DType("BOOL", "i1")
TASK_ID = DType("TASK_ID", "task_id")
"""A task's id (`pl.Scalar[pl.TASK_ID]`): compile-time in ppc (frontend/tasks.py), never a tensor element type."""
INDEX = DType("INDEX", "index")
DTYPES = (BF16, FP16, FP32, INT8, INT32, INT64, UINT8, UINT32, BOOL, INDEX)


class PadValue:
    """Pad values of `fillpad` (PyPTO spells them `pl.PadValue.min`; upper-case aliases accepted)."""

    zero = ZERO = _Pad.ZERO
    min = MIN = _Pad.MIN
    max = MAX = _Pad.MAX


# ----------------------------------------------------------------------------------------- annotations


@dataclass(frozen=True)
class TensorAnnotation:
    """`pl.Tensor[[d0, d1, ...], dtype]`."""

    shape: tuple[Any, ...]
    dtype: Any


@dataclass(frozen=True)
class ScalarAnnotation:
    """`pl.Scalar[dtype]`."""

    dtype: Any


@dataclass(frozen=True)
class DirectedAnnotation:
    """`pl.Out[...]` / `pl.InOut[...]` around a tensor annotation."""

    direction: Direction
    inner: Any


@dataclass(frozen=True)
class DynVar:
    """`pl.dynamic(name)`: a symbolic size for tensor annotations (`pl.Tensor[[T_DYN, 512], ...]`).

    The axis is `?` in the compiled program, so one program serves every size; every axis annotated with
    the same symbol must get the same size at call time."""

    name: str

    def __repr__(self) -> str:
        return f"pl.dynamic({self.name!r})"


def dynamic(name: str) -> DynVar:
    """A dynamic dimension named `name` (module level: `T_DYN = pl.dynamic("T_DYN")`)."""
    return DynVar(name)


class Tensor:
    def __class_getitem__(cls, item: Any) -> TensorAnnotation:
        if not isinstance(item, tuple) or len(item) != 2:
            return TensorAnnotation((), item)  # rejected by the builder with the parameter's location
        shape, dtype = item
        return TensorAnnotation(tuple(shape) if isinstance(shape, list | tuple) else (shape,), dtype)


class Scalar:
    def __class_getitem__(cls, item: Any) -> ScalarAnnotation:
        return ScalarAnnotation(item)


@dataclass(frozen=True)
class ArrayAnnotation:
    """`pl.Array[extent, dtype]`: a `pl.array.create` array passed to an inline helper (frontend/arrays.py)."""

    extent: Any
    dtype: Any


class Array:
    def __class_getitem__(cls, item: Any) -> ArrayAnnotation:
        extent, dtype = item if isinstance(item, tuple) and len(item) == 2 else (item, None)
        return ArrayAnnotation(extent, dtype)


class Out:
    def __class_getitem__(cls, item: Any) -> DirectedAnnotation:
        return DirectedAnnotation(Direction.OUT, item)


class InOut:
    def __class_getitem__(cls, item: Any) -> DirectedAnnotation:
        return DirectedAnnotation(Direction.INOUT, item)


# ----------------------------------------------------------------------------------------- functions

jit = JitDecorator()
"""`@pl.jit` (orchestration entry), `@pl.jit.inline` (spliced helper), `@pl.jit.incore` (kernel function)."""


# ----------------------------------------------------------------------------------------- stubs


# Loops and task scopes.
@_stub
def range(*bounds: Any) -> Any:  # noqa: A001
    """`range(stop | start, stop[, step])`: a sequential loop (`scf.for`, `#pl.loop<range>`)."""


@_stub
def parallel(*bounds: Any, chunk: Any = None) -> Any:
    """Independent iterations; around a `pl.at` every iteration is its own task."""


@_stub
def pipeline(*bounds: Any, stage: Any = 2) -> Any:
    """Sequential loop with `stage`-deep buffered loads."""


@_stub
def unroll(*bounds: Any) -> Any:
    """Compile-time unrolled loop (the frontend repeats the body with a constant index)."""


@_stub
def spmd(
    n: Any, name_hint: Any = None, optimizations: Any = None, deps: Any = None, allow_early_resolve: Any = False,
    sync_start: Any = False,
) -> Any:
    """One task of `n` blocks; the loop variable is the block index (`with pl.spmd(n) as tid:` names the task).

    `deps` are task ids it waits for besides its tracked producers; `allow_early_resolve` lets its consumers be
    pre-staged before it finishes and `sync_start` launches its blocks at once (scheduling hints, kept)."""


@_stub
def split_aiv(n: Any, *, mode: Any) -> Any:
    """The two AIV lanes of a core group, each running the body with its lane index (frontend/split_aiv.py)."""


@_stub
def at(
    level: Any = Level.CORE_GROUP, name_hint: Any = None, optimizations: Any = None, optimization: Any = None,
    deps: Any = None, allow_early_resolve: Any = False, sync_start: Any = False,
) -> Any:
    """`with pl.at(...) [as tid]`: the body is one task; `deps`, `allow_early_resolve` as for `pl.spmd`."""


class ScopeMode:
    """Dependency-tracking modes of a PyPTO runtime scope (`pl.scope(mode=...)`)."""

    AUTO = "auto"
    MANUAL = "manual"


@_stub
def scope(mode: Any = ScopeMode.AUTO) -> Any:
    """`with pl.scope():` a runtime scope (PyPTO's PTO2_SCOPE: a heap tier bounding dependency tracking). In AUTO
    mode it is tuning only (needs `auto_scope=False` on the function); ppc runs its body in place. MANUAL: see
    `manual_scope`."""


@_stub
def manual_scope() -> Any:
    """`with pl.manual_scope():` PyPTO's `pl.scope(mode=pl.ScopeMode.MANUAL)`: its runtime tracks no dependencies
    inside, only `deps=` order the tasks. ppc runs the body in place and still tracks them (plus `deps=`), which
    orders at least as much: the same results for a race-free body, a schedule that may be more serial."""


class system:  # noqa: N801 - PyPTO spells the namespace `pl.system`
    """Runtime-system constructs (`pl.system.task_dummy`)."""

    __pl_namespace__ = "system"

    task_dummy = _TaskDummy()

    @_stub
    def syncall(*, core_type: Any = "mix", mode: Any = "hard", gm_workspace: Any = None, used_cores: Any = None) -> Any:
        """A barrier among all blocks of the enclosing `pl.spmd` task (frontend/syncall.py)."""

    syncall.__pl_name__ = "system.syncall"


def _named(namespace: str):
    """`_stub` for a construct PyPTO spells `pl.<namespace>.<name>`."""

    def wrap(fn: Any) -> Any:
        fn.__name__ = f"{namespace}.{fn.__name__}"
        return _stub(fn)

    return wrap


class prefetch:  # noqa: N801 - PyPTO spells the namespace `pl.prefetch`
    """PyPTO's asynchronous GM -> L2 prefetch, a cache hint that changes no value (frontend/prefetch.py)."""

    __pl_namespace__ = "prefetch"

    @_named("prefetch")
    def make_context() -> Any: ...
    @_named("prefetch")
    def async_prefetch(src: Any, ctx: Any) -> Any: ...
    @_named("prefetch")
    def session(ctx: Any) -> Any: ...
    @_named("prefetch")
    def wait(event: Any, session_handle: Any) -> Any: ...


class array:  # noqa: N801 - PyPTO spells the namespace `pl.array`
    """Arrays of task ids (frontend/arrays.py): `pl.array.create(n, pl.TASK_ID)`, element get and update."""

    create = _arrays.ArrayOp("create", _arrays.create)
    get_element = _arrays.ArrayOp("get_element", _arrays.get_element)
    update_element = _arrays.ArrayOp("update_element", _arrays.update_element)


@dataclass(frozen=True)
class OptimizationHint:
    """An optimisation hint for `pl.at(optimizations=[...])`; calling it (with any options) names the same hint."""

    name: str

    def __call__(self, *_args: Any, **_kwargs: Any) -> OptimizationHint:
        return self


auto_chunk = OptimizationHint("auto_chunk")
chunked_loop_optimizer = OptimizationHint("chunked_loop_optimizer")
split = OptimizationHint("split")
"""`pl.split(pl.SplitMode.UP_DOWN)`: how a mixed cube/vector scope splits data across cores (a hint)."""
cross_core_slot = OptimizationHint("cross_core_slot")


class SplitMode:
    """Modes of `pl.split` (only named by the hint; the executor does not split)."""

    NONE = "none"
    UP_DOWN = "up_down"
    LEFT_RIGHT = "left_right"


# Creation.
@_stub
def create_tensor(shape: Sequence[Any], dtype: DType, *, init_value: Any = None, manual_dep: Any = False) -> Any:
    """A GM scratch tensor; with `init_value` (a number) every element is set to it when the tensor is
    allocated, before any task runs on it. `manual_dep=True` (PyPTO: no runtime dependency tracking through
    it, `deps=` order its tasks) is kept on the op; ppc still tracks it, ordering at least as PyPTO does."""


@_stub
def full(shape: Sequence[Any], dtype: DType, value: Any) -> Any:
    """A tile (in a task) or tensor filled with `value`."""


@_stub
def arange(*args: Any, dtype: Any = None, start: Any = None, descending: Any = False) -> Any:
    """`start, start+1, ...` (or `start, start-1, ...` if `descending`) along the last axis of a [N] or
    [1, N] result. PyPTO's form `arange(start, shape, dtype=INT32)`; also `arange(shape, dtype, start)`."""


@_stub
def create_tile(shape: Sequence[Any], dtype: DType, target_memory: Any = None, transpose: Any = None, *, flat_layout: Any = None) -> Any:  # noqa: E501
    """A tile whose contents are undefined in PyPTO (a scratch or an assemble target); ppc zero-fills it so runs
    are deterministic. `target_memory`, `transpose` and `flat_layout` only place and lay it out."""


@_stub
def create_l1(shape: Sequence[Any], dtype: DType, transpose: Any = False) -> Any:
    """PyPTO's on-chip (L1) accumulator that `gather_row` fills: a `create_tile` (zero-filled by ppc);
    `transpose` only lays it out."""


@in_place("acc")
def gather_row(
    acc: Any, src: Any, dst_offset: Sequence[Any], src_offset: Sequence[Any], shapes: Sequence[Any],
    transpose: Any = False, *, valid_shape: Sequence[Any] | None = None,
) -> Any:
    """PyPTO's kernel-driven gather: the `valid_shape` box (default: all of the static window `shapes`) of
    the GM tensor `src` at `src_offset`, written into the accumulator `acc` at `dst_offset` (transposed if
    `transpose`); returns the new `acc`."""


@_stub
def get_block_idx() -> Any:
    """The index of the running block: the block index of a `pl.spmd` task, 0 in a `pl.at` task."""


load = promote(tile.load)
store = promote(tile.store)
move = promote(tile.move)


class MemorySpace:
    """On-chip memory spaces (`target_memory=` of `pl.create_tile` / `pl.tile.load`): placement only, the
    values are the same wherever a tile lives."""

    DDR = "ddr"
    Vec = "vec"
    Mat = "mat"
    Left = "left"
    Right = "right"
    Acc = "acc"
    Bias = "bias"


Mem = MemorySpace


# Views and writes.
@_stub
def slice(tensor: Any, shape: Sequence[Any], offsets: Sequence[Any], valid_shape: Any = None) -> Any:  # noqa: A001
    """A static-shaped window at (run-time) offsets; a tile when loaded inside a task."""


@_stub
def reshape(tensor: Any, shape: Sequence[Any]) -> Any:
    """Same elements, new static shape."""


class AtomicType:
    """Combine modes of a GM write (`pl.assemble(..., atomic=pl.AtomicType.Add)`)."""

    None_ = "none"
    Add = "add"


@in_place("dst")
def assemble(dst: Any, src: Any, offsets: Sequence[Any], *, atomic: Any = AtomicType.None_) -> Any:
    """Write `src` into `dst` at `offsets`; returns the new `dst`. `atomic=pl.AtomicType.Add` adds `src` into
    the region instead (a tile into a GM tensor inside a task: split-K partial sums)."""


@_stub
def read(tensor: Any, indices: Sequence[Any]) -> Any:
    """One scalar element."""


@in_place("tensor")
def write(tensor: Any, indices: Sequence[Any], value: Any) -> Any:
    """Write one scalar element; returns the new tensor."""


@_stub
def cast(tensor: Any, target_type: DType, mode: Any = None) -> Any:
    """Element type conversion (`mode` = rint | round | trunc | none); also converts runtime scalars.
    Without a mode, float -> integer rounds half away from zero (PyPTO's default "round") and other casts
    round to nearest-even (as torch's `.to()` does). A run-time scalar float -> integer truncates toward zero,
    as PyPTO's scalar cast does in its one (default) mode."""


@_stub
def concat(lhs: Any, rhs: Any, axis: Any = 1) -> Any:
    """Concatenate along `axis`; by default the columns, as PyPTO's `concat(src0, src1)` (which has no axis)."""


@_stub
def set_validshape(input: Any, valid_rows: Any, valid_cols: Any) -> Any:  # noqa: A002
    """Declare the valid rows and columns of a 2-D tile (no data moves)."""


@_stub
def fillpad(tile: Any, pad_value: Any = PadValue.zero) -> Any:
    """Fill the invalid part of a tile with `pad_value`."""


# Elementwise.
@_stub
def add(lhs: Any, rhs: Any) -> Any: ...
@_stub
def sub(lhs: Any, rhs: Any) -> Any: ...
@_stub
def mul(lhs: Any, rhs: Any) -> Any: ...
@_stub
def div(lhs: Any, rhs: Any) -> Any: ...
@_stub
def maximum(lhs: Any, rhs: Any) -> Any: ...
@_stub
def minimum(lhs: Any, rhs: Any) -> Any: ...
@_stub
def exp(x: Any) -> Any: ...
@_stub
def sqrt(x: Any) -> Any: ...
@_stub
def rsqrt(x: Any, high_precision: Any = False) -> Any:
    """`1 / sqrt(x)`; `high_precision` picks the hardware's precise mode (the executor is always exact)."""


@_stub
def log(x: Any, high_precision: Any = False) -> Any:
    """Natural logarithm; `high_precision` as for `rsqrt`."""


@_stub
def recip(x: Any) -> Any: ...
@_stub
def neg(x: Any) -> Any: ...
@_stub
def abs(x: Any) -> Any: ...  # noqa: A001
@_stub
def relu(x: Any) -> Any: ...


# Row / column reductions and broadcasts.
@_stub
def row_sum(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def row_max(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def row_min(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def col_sum(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def col_max(x: Any) -> Any: ...
@_stub
def row_argmax(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def row_argmin(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def col_argmax(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def col_argmin(x: Any, tmp_tile: Any = None) -> Any: ...
@_stub
def row_expand(x: Any, v: Any) -> Any: ...
@_stub
def row_expand_add(x: Any, v: Any) -> Any: ...
@_stub
def row_expand_sub(x: Any, v: Any) -> Any: ...
@_stub
def row_expand_mul(x: Any, v: Any) -> Any: ...
@_stub
def row_expand_div(x: Any, v: Any) -> Any: ...
@_stub
def col_expand(x: Any, v: Any) -> Any: ...
@_stub
def col_expand_add(x: Any, v: Any) -> Any: ...
@_stub
def col_expand_sub(x: Any, v: Any) -> Any: ...
@_stub
def col_expand_mul(x: Any, v: Any) -> Any: ...
@_stub
def col_expand_div(x: Any, v: Any) -> Any: ...
@_stub
def col_expand_expdif(x: Any, v: Any) -> Any:
    """`exp(x - v)`, v [1, N] broadcast over the rows."""


@_stub
def transpose(x: Any, axis1: Any, axis2: Any) -> Any:
    """Swap two axes (compile-time, negative counts from the end)."""


# Matrix.
@_stub
def matmul(a: Any, b: Any, out_dtype: Any = None, a_trans: Any = False, b_trans: Any = False) -> Any:
    """`a @ b`: int8 x int8 accumulates in INT32, floats in FP32 unless `out_dtype` says otherwise."""


@_stub
def matmul_acc(acc: Any, a: Any, b: Any, a_trans: Any = False, b_trans: Any = False) -> Any:
    """`acc + a @ b`."""


# Sorting (top-k building blocks).
@_stub
def sort32(scores: Any, indices: Any) -> Any: ...
@_stub
def mrgsort(
    src0: Any, src1: Any = None, src2: Any = None, src3: Any = None, tmp: Any = None, *, exhausted: Any = False,
    block_len: Any = None,
) -> Any:
    """PyPTO's two formats: `mrgsort(x, block_len=n)` merges each four sorted runs of n words of a row;
    `mrgsort(a, b[, c[, d]])` merges 2-4 sorted rows into one (`tmp`, if given, is the result's shape)."""
@_stub
def gather(
    input: Any, dim: Any = None, index: Any = None, *, mask_pattern: Any = None, output_dtype: Any = None,  # noqa: A002
    kvalue: Any = None, cmp_mode: Any = None, out_cols: Any = None, offset: Any = 0, count_dtype: Any = None,
) -> Any:
    """PyPTO's gather: the index form `gather(x, dim, index)` (torch.gather) or the mask form
    `gather(x, mask_pattern=P, output_dtype=None)` (pl.tile.MaskPattern); the compare form is refused."""

@_stub
def scatter(
    input: Any, dim: Any = None, index: Any = None, src: Any = None, *, mask_pattern: Any = None,  # noqa: A002
    dst: Any = None,
) -> Any:
    """PyPTO's scatter (inverse of gather): the index form `scatter(x, -1, index, src)` writes
    `src[b, k]` to column `index[b, k]` of row b; the mask form `scatter(src, mask_pattern=P, dst=d)`
    writes each compact row into the columns of `d` that P selects."""


# Scalar helpers (not reductions).
@_stub
def min(*values: Any) -> Any:  # noqa: A001
    """The smallest of scalar values (compile-time folded when all are constants)."""


@_stub
def max(*values: Any) -> Any:  # noqa: A001
    """The largest of scalar values."""


OPS = {name: obj for name, obj in list(globals().items()) if builtins.hasattr(obj, "__pl_name__")}
"""Every `pl` construct the builder understands, by name."""

__all__ = [
    "BF16", "FP16", "FP32", "INT8", "INT32", "INT64", "UINT8", "UINT32", "BOOL", "INDEX", "DType", "Level", "PadValue",
    "Tensor", "Scalar", "Out", "InOut", "jit", "program", "function", "FunctionType", "TASK_ID", "system", "array", "Array",
    "prefetch", "AtomicType", "ScopeMode", "DynVar", "dynamic", "tensor", "tile", "MemorySpace", "Mem", "auto_chunk",
    "chunked_loop_optimizer", "split", "cross_core_slot",
    "SplitMode", *OPS,
]  # fmt: skip
