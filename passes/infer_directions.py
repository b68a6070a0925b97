"""`pl-check-directions` and `pl-infer-directions`: declared directions checked, the others inferred.

`pl-check-directions` runs right after `pl-ssa`, before any cleanup could delete a write that breaks a
declaration (canonicalize drops a `y[3, 3] = 8.0` whose new version of `y` is never used).  It raises the
declaration errors below and warns, at the function, about a declared Out with a region no write can
reach: an Out starts undefined on the device (runtime/arguments.py), so the caller gets garbage there;
and it marks each read of a declared Out at a region that depends on values loaded at run time and that
no write is proven to cover (which elements it reads is only known at run time): the executor checks those
reads (runtime/out_reads.py), so the compile-time message is a note.
`pl-infer-directions` (after outlining) checks again and completes the directions.

Guarantee: afterwards every tensor parameter of an orchestration (entry) or incore function carries
`pl.dir`, derived from the IR's own reads and writes (`tensor_effects`): never written -> in; written and
its old contents possibly read (at a known or a run-time region) -> inout; otherwise out — except that an entry parameter must also be fully
overwritten on every path to be out (a partially written entry tensor, e.g. one cache row, is inout, so
the caller's other elements survive the copy-back).  A kernel parameter that is partially written without
reading old contents stays out: kernels write their blocks' tiles in place.
Rule for declarations: a `pl.dir` already present is declared (the frontend writes it for `pl.Out` and
`pl.InOut`; IR may also say `#pl.dir<in>`); a parameter without one is undeclared and is inferred.
Errors, at the offending op: written but declared in (at the first write); declared out but its old
contents may be read (a read of a region that earlier writes on its path do not certainly cover — also
after the first write, e.g. one slot written and all slots read; at the read); an output rebound instead
of written (a task or kernel returns a new tensor for its out, or the entry returns a new tensor while a
declared output is never written; at the new value).
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, BlockArgument, OpResult, Operation, SSAValue
from xdsl.passes import ModulePass

from ppc.dialects.attributes import CHECKED_READ, Direction, DirAttr, FuncKind, KindAttr
from ppc.dialects.data_ops import AssembleOp, WriteOp
from ppc.dialects.diagnostics import UNKNOWN, PlDiagnostic, emit, source_loc
from ppc.dialects.task_ops import DispatchOp, TaskScopeOp
from ppc.dialects.types import TensorType
from ppc.passes.tensor_effects import TensorEffects


def _kind(func: FuncOp) -> FuncKind:
    kind = func.attributes.get("pl.kind")
    return kind.data if isinstance(kind, KindAttr) else FuncKind.ORCHESTRATION


def _arg_attrs(func: FuncOp) -> list[dict[str, Attribute]]:
    n = len(func.body.block.args)
    if func.arg_attrs is None:
        return [{} for _ in range(n)]
    return [dict(d.data) for d in func.arg_attrs.data]


def param_name(param: BlockArgument) -> str:
    return param.name_hint or f"#{param.index}"


def _reassigned(param: BlockArgument, where: Operation) -> PlDiagnostic:
    name = param_name(param)
    return PlDiagnostic(
        where,
        f"'{name}' is reassigned here instead of written, so the caller's tensor never receives the result; "
        f"write into it ({name}[...] = ... or pl.assemble)",
    )


def _check(func: FuncOp, effects: TensorEffects, declared: dict[BlockArgument, Direction],
           zeroed_outs: bool = False) -> None:
    """Raise the first violated declaration, in parameter order; `zeroed_outs`: an Out's old contents are zeros
    (the zeroed staging), so reading them is no violation."""
    for param in effects.params:
        found = effects.effects[param]
        name = param_name(param)
        if declared.get(param) == Direction.IN and found.first_write is not None:
            raise PlDiagnostic(
                found.first_write,
                f"'{name}' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)",
            )
        if declared.get(param) == Direction.OUT and found.first_old_read is not None and not zeroed_outs:
            raise PlDiagnostic(
                found.first_old_read,
                f"'{name}' is declared Out{_declared_at(func)} but its old contents may be read here (no earlier "
                "write certainly covers the region read); mark it pl.InOut",
            )
    if effects.reassignment is not None:
        raise _reassigned(effects.reassignment.param, effects.reassignment.where)
    if _kind(func) == FuncKind.INCORE:
        return
    unwritten = [
        p for p in effects.params
        if declared.get(p) in (Direction.OUT, Direction.INOUT) and effects.effects[p].first_write is None
    ]  # fmt: skip
    ret = func.body.block.last_op
    if not unwritten or not isinstance(ret, ReturnOp):
        return
    fresh = [v for v in ret.arguments if isinstance(v.type, TensorType) and not effects.lineage(v)]
    if fresh:  # the entry returns a new tensor while a declared output is never written: it was rebound
        origin = _origin(fresh[0])
        raise _reassigned(unwritten[0], origin.owner if isinstance(origin.owner, Operation) else ret)


def _declared_at(func: FuncOp) -> str:
    loc = source_loc(func)
    return f" (by '{func.sym_name.data}' at {loc})" if loc != UNKNOWN else ""


def _warn_unwritten(func: FuncOp, effects: TensorEffects, declared: dict[BlockArgument, Direction]) -> None:
    """Warn about each declared Out of an entry with a region that no write of the program can reach."""
    if _kind(func) == FuncKind.INCORE:
        return
    for param in effects.params:
        boxes = effects.never_written(param) if declared.get(param) == Direction.OUT else []
        if not boxes:
            continue
        name = param_name(param)
        shown = ", ".join(f"{name}[{', '.join(f'{lo}:{hi}' for lo, hi in b.intervals())}]" for b in boxes[:4])
        more = f" and {len(boxes) - 4} more regions" if len(boxes) > 4 else ""
        emit(
            func,
            f"'{name}' is declared Out but {shown}{more} is never written: an Out is not copied to the device, "
            "so those elements reach the caller undefined; write them or mark it pl.InOut",
        )


def _warn_unknown_reads(func: FuncOp, effects: TensorEffects, declared: dict[BlockArgument, Direction]) -> None:
    """Mark every read of a declared Out at a region that depends on values loaded at run time (no write is
    proven to cover it, none to miss it) with `CHECKED_READ` = the Out's name, so the executor checks at the
    read that each element was written earlier in the run (runtime/out_reads.py), and note the first one."""
    for param in effects.params:
        reads = effects.effects[param].unknown_reads
        if declared.get(param) != Direction.OUT or not reads:
            continue
        for read in reads:
            read.attributes[CHECKED_READ] = StringAttr(param_name(param))
        emit(
            effects.effects[param].first_unknown_read,
            f"'{param_name(param)}' is declared Out{_declared_at(func)} and the region of it read here depends "
            "on run-time values, so it is checked at run time: a read of an element no earlier write covered "
            "warns there (an error under --strict-out-reads) and sees fresh device memory (see --out-staging)",
            "note",
        )


def _origin(value: SSAValue) -> SSAValue:
    """The first version of a tensor: follow writes, task/dispatch results and loop results backwards."""
    while isinstance(value, OpResult):
        op = value.op
        if isinstance(op, AssembleOp | WriteOp):
            value = op.dest
        elif isinstance(op, TaskScopeOp) and value.index >= len(op.outs):  # escaping: the yielded value
            value = op.body.block.last_op.operands[value.index]
        elif isinstance(op, TaskScopeOp | DispatchOp):
            value = op.outs[value.index]
        elif isinstance(op, scf.ForOp):
            value = op.iter_args[value.index]
        else:
            break
    return value


def _declarations(
    module: ModuleOp, func: FuncOp
) -> tuple[TensorEffects, dict[BlockArgument, Direction], list[dict[str, Attribute]]]:
    """The function's effects, its declared directions and its (mutable) argument attributes."""
    effects = TensorEffects(module, func)
    attrs = _arg_attrs(func)
    declared = {
        p: attrs[p.index]["pl.dir"].data for p in effects.params if isinstance(attrs[p.index].get("pl.dir"), DirAttr)
    }
    return effects, declared, attrs


def infer_function(module: ModuleOp, func: FuncOp, zeroed_outs: bool = False) -> None:
    """Check and complete the `pl.dir` attributes of one function's tensor parameters."""
    effects, declared, attrs = _declarations(module, func)
    _check(func, effects, declared, zeroed_outs)
    entry = _kind(func) != FuncKind.INCORE
    for param in effects.params:
        if param in declared:
            continue
        found = effects.effects[param]
        if found.first_write is None:
            direction = Direction.IN
        elif found.first_old_read or found.first_unknown_read or (entry and not effects.fully_written(param)):
            direction = Direction.INOUT
        else:
            direction = Direction.OUT
        attrs[param.index]["pl.dir"] = DirAttr(direction)
    func.arg_attrs = ArrayAttr(DictionaryAttr(a) for a in attrs)


def _functions(module: ModuleOp) -> list[FuncOp]:
    """Functions with a body, inline helpers excluded; entries first: their messages name user params."""
    funcs = [f for f in module.ops if isinstance(f, FuncOp) and f.body.blocks and _kind(f) != FuncKind.INLINE]
    funcs.sort(key=lambda f: _kind(f) == FuncKind.INCORE)
    return funcs


def _outs_as_staged(func: FuncOp, effects: TensorEffects, declared: dict[BlockArgument, Direction],
                    attrs: list[dict[str, Attribute]], staging: str) -> None:
    """Reads of a declared Out's old contents under the older simpler runtimes, which gave them a meaning that
    kernels of their eras rely on: `copied` (before 2026-06-15) staged an Out with the caller's data, as an
    InOut, so each such Out becomes InOut; `zeroed` (2026-06-15 to 07-16) zero-filled it on the device, so the
    read sees zeros and the Out stays Out. Either way a note at the read says so."""
    for param in effects.params:
        read = effects.effects[param].first_old_read
        if declared.get(param) != Direction.OUT or read is None:
            continue
        if staging == "copied":
            declared[param] = Direction.INOUT
            attrs[param.index]["pl.dir"] = DirAttr(Direction.INOUT)
            meaning = "with the copied Out staging it holds the caller's data, so it is treated as InOut"
        else:
            meaning = "with the zeroed Out staging an element not yet written reads as zero"
        emit(read, f"'{param_name(param)}' is declared Out{_declared_at(func)} and its old contents are read here: "
             + meaning, "note")
    func.arg_attrs = ArrayAttr(DictionaryAttr(a) for a in attrs)


STAGINGS_WITH_OLD_CONTENTS = ("copied", "zeroed")
OUT_STAGING_NAMES = ("undefined", "zeroed", "copied", "poison")  # the keys of runtime/arguments.py OUT_STAGINGS


def _known_staging(staging: str) -> None:
    """A pass option naming no staging is an error of the pipeline given, not today's staging in disguise."""
    if staging not in OUT_STAGING_NAMES:
        raise ValueError(f"unknown Out staging {staging!r}; expected one of {', '.join(OUT_STAGING_NAMES)}")


@dataclass(frozen=True)
class CheckDirectionsPass(ModulePass):
    """`out_staging`: the simpler runtime's Out staging the program is compiled for (runtime/arguments.py):
    under `copied` and `zeroed` a read of an Out's old contents is defined (`_outs_as_staged`)."""

    name = "pl-check-directions"
    out_staging: str = "undefined"

    def __post_init__(self) -> None:
        _known_staging(self.out_staging)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in _functions(op):
            effects, declared, attrs = _declarations(op, func)
            if self.out_staging in STAGINGS_WITH_OLD_CONTENTS:
                _outs_as_staged(func, effects, declared, attrs, self.out_staging)
            _check(func, effects, declared, self.out_staging == "zeroed")
            if self.out_staging != "copied":
                _warn_unwritten(func, effects, declared)
            _warn_unknown_reads(func, effects, declared)


@dataclass(frozen=True)
class InferDirectionsPass(ModulePass):
    """`out_staging`: as for `pl-check-directions` (a zeroed Out may be read before it is written)."""

    name = "pl-infer-directions"
    out_staging: str = "undefined"

    def __post_init__(self) -> None:
        _known_staging(self.out_staging)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in _functions(op):
            infer_function(op, func, self.out_staging == "zeroed")
