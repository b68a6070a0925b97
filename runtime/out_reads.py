"""Run-time check of the Out reads that `pl-check-directions` could not decide (`CHECKED_READ` on the op).

An Out is not copied to the device, so an element no write of this run reached holds whatever the staging
put there (fresh device memory by default, `arguments.OUT_STAGINGS`). When the region a read takes from a
declared Out depends on values loaded at run time, only the run can tell whether every element read was
written first. So each Out named by such a read gets a written-elements mask (one bool per element, shared
by all views of its buffer through `GmTensor.written`; other tensors and programs carry None), every GM
write path calls `note_write`, and a checked read compares what it reads with the mask when it happens: an
element never written is a located warning, once per read site, or with `strict` a located error. The
value read is still the staging's, as under PyPTO (poison staging still poisons).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from numpy.lib.stride_tricks import as_strided
from xdsl.ir import Operation

from ..dialects.attributes import CHECKED_READ
from ..dialects.data_ops import SetValidShapeOp, SliceOp
from ..dialects.diagnostics import emit, source_loc
from ..dialects.types import TensorType
from ..passes.tensor_effects import padded_by
from .errors import PlRuntimeError
from .gm import GmTensor
from .npu import Region

_READ_AS = {
    "undefined": "zeros (fresh device memory)",
    "zeroed": "zeros (zero-filled device memory)",
    "copied": "the caller's data (copied in)",
    "poison": "poison (NaN / int min)",
}


def _index(box) -> tuple[slice, ...]:
    return tuple(slice(*dim) for dim in box)


class WrittenMask:
    """Which elements of one Out buffer this run has written. While a checked read runs, writes are `held`
    so that a read-modify-write (an atomic assemble) is checked against what was written before it."""

    __slots__ = ("bits", "name", "run", "held")

    def __init__(self, shape: tuple[int, ...], name: str, run: OutReadCheck):
        self.bits = np.zeros(shape, bool)
        self.name, self.run = name, run
        self.held: list[Region] | None = None

    def mark(self, regions: Iterable[Region]) -> None:
        if self.held is not None:
            self.held.extend(regions)
            return
        for region in regions:
            self.bits[_index(region.box)] = True

    def of_view(self, view: GmTensor) -> np.ndarray:
        """The mask laid out like `view` (a read-only strided view of `bits`)."""
        return as_strided(self.bits.reshape(-1)[view.offset:], view.shape, view.strides, writeable=False)


def note_write(dest: GmTensor, regions: list[Region]) -> None:
    """Record a GM write for the read check (nothing unless `dest`'s buffer is an Out being checked)."""
    if dest.written is not None:
        dest.written.mark(regions)


class OutReadCheck:
    """One run's check: the staging (what a never-written element reads as), strict or not, and the read
    sites already warned about."""

    def __init__(self, staging: str, strict: bool):
        self.staging, self.strict = staging, strict
        self.warned: set[str] = set()

    def track(self, tensor: GmTensor, name: str) -> None:
        tensor.written = WrittenMask(tensor.root_shape, name, self)

    def verify(self, op: Operation, mask: WrittenMask, region: Region, who: str) -> None:
        """Check one root region read against the mask."""
        missing = ~mask.bits[_index(region.box)]
        if not missing.any():
            return
        box = []
        for dim, at in zip(region.box, np.nonzero(missing)):
            step = dim[2] if len(dim) == 3 else 1
            box.append((dim[0] + int(at.min()) * step, dim[0] + int(at.max()) * step + 1))
        self.report(op, mask, [box], missing, who)

    def report(self, op: Operation, mask: WrittenMask, boxes: list, missing: np.ndarray, who: str) -> None:
        """`missing`: which elements read were never written; `boxes`: the root boxes that hold them."""
        name = mask.name
        shown = ", ".join(f"{name}[{', '.join(f'{lo}:{hi}' for lo, hi, *_ in box)}]" for box in boxes)
        what = f"{shown} ({int(missing.sum())} of the {missing.size} elements it uses), never written in this run"
        advice = f"write them first or mark '{name}' pl.InOut"
        if self.strict:
            raise PlRuntimeError(f"read of never-written elements of Out '{name}': {what}; {advice}", op, context=who)
        site = str(source_loc(op))
        if site in self.warned:
            return
        self.warned.add(site)
        emit(op, f"read of never-written elements of Out '{name}': {who} reads {what}; they read as "
                 f"{_READ_AS[self.staging]}; {advice} (--strict-out-reads makes this an error)")


def guard_out_reads(op: Operation, fn, compiler):
    """`fn` of a checked read, checking each region it reads of a tracked Out against that Out's mask."""
    padded = padded_by(op) if isinstance(op, SliceOp) else None
    if padded is not None:
        return _guard_padded(op, padded, fn, compiler)
    slots = compiler.slots_of(list(dict.fromkeys(v for v in op.operands if isinstance(v.type, TensorType))))
    who = _who(compiler)

    def run(f) -> None:
        r = f.r
        masks = {r[s].root_id: r[s].written for s in slots if isinstance(r[s], GmTensor) and r[s].written is not None}
        if not masks:
            fn(f)
            return
        first = len(f.rec.reads)
        for mask in masks.values():
            mask.held = []
        try:
            fn(f)
            for region in f.rec.reads[first:]:
                mask = masks.get(region.tensor)
                if mask is not None:
                    mask.run.verify(op, mask, region, who(r))
        finally:
            for mask in masks.values():
                held, mask.held = mask.held, None
                mask.mark(held)

    return run


def _who(compiler) -> Callable[[list], str]:
    """The reader named in messages: a kernel's block (its index is the kernel's last parameter), or the
    orchestration."""
    if compiler.program is not None:
        return lambda r: compiler.label
    block = compiler.slot(compiler.function.body.block.args[-1])
    return lambda r: f"{compiler.label} block {r[block]}"


def _guard_padded(op: SliceOp, padded: SetValidShapeOp, fn, compiler):
    """A slice whose only use is a `pl.set_validshape` feeding a `pl.fillpad` uses only the part that survives
    the padding (what the direction check reasons about; the rest is replaced, its value unused), and that
    part is only known at the `pl.set_validshape`: the slice keeps which elements of its window had been
    written, and the check runs right after the `pl.set_validshape`."""
    src, offsets, shape = compiler.slot(op.source), compiler.slots_of(op.offsets), op.result.type.get_shape()
    limits = [compiler.slots_of(op.valid_shape), compiler.slots_of(padded.valid_shape)]
    kept = compiler.fresh_slot()
    who = _who(compiler)

    def run(f) -> None:
        fn(f)
        r = f.r
        source: GmTensor = r[src]
        if source.written is None:
            r[kept] = None
            return
        at = tuple(r[s] for s in offsets)
        window = source.written.of_view(source)[tuple(slice(a, a + n) for a, n in zip(at, shape))]
        r[kept] = (source, at, window.copy())

    def check(f) -> None:
        r = f.r
        if r[kept] is None:
            return
        source, at, written = r[kept]
        extent = [max(0, min(n, *(r[v[axis]] for v in limits if v))) for axis, n in enumerate(shape)]
        missing = ~written[tuple(slice(0, e) for e in extent)]
        if not missing.any():
            return
        hit = np.nonzero(missing)
        lo = tuple(a + int(h.min()) for a, h in zip(at, hit))
        size = tuple(int(h.max()) - int(h.min()) + 1 for h in hit)
        boxes = [region.box for region in source.regions(lo, size)]
        source.written.run.report(op, source.written, boxes, missing, who(r))

    compiler.after[padded] = check
    return run


def checked_outs(module: Operation) -> set[str]:
    """The names of the entry's Outs that some checked read of `module` reads."""
    return {op.attributes[CHECKED_READ].data for op in module.walk() if CHECKED_READ in op.attributes}
