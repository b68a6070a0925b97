"""Run-time check of the Out reads that `pl-check-directions` could not decide (`CHECKED_READ` on the op).

An Out is not copied to the device, so an element no write of this run reached holds whatever the staging
put there (fresh device memory by default, `arguments.OUT_STAGINGS`). When the region a read takes from a
declared Out depends on values loaded at run time, only the run can tell whether every element read was
written first. So each Out named by such a read gets a written-elements mask (one bool per element, shared
by all views of its buffer through `GmTensor.written`; other tensors and programs carry None), every GM
write path calls `note_write`, and a checked read compares the regions it recorded with the mask when it
happens: an element never written is a located warning, once per read site, or with `strict` a located
error. The value read is still the staging's, as under PyPTO (poison staging still poisons).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from xdsl.ir import Operation

from ..dialects.attributes import CHECKED_READ
from ..dialects.diagnostics import emit, source_loc
from ..dialects.types import TensorType
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
        missing = ~mask.bits[_index(region.box)]
        if not missing.any():
            return
        name = mask.name
        hit = np.nonzero(missing)
        bounds = []
        for dim, at in zip(region.box, hit):
            step = dim[2] if len(dim) == 3 else 1
            bounds.append(f"{dim[0] + int(at.min()) * step}:{dim[0] + int(at.max()) * step + 1}")
        what = (f"{name}[{', '.join(bounds)}] ({int(missing.sum())} of the {missing.size} elements it reads), "
                "never written in this run")
        advice = f"write them first or mark '{name}' pl.InOut"
        if self.strict:
            raise PlRuntimeError(
                f"read of never-written elements of Out '{name}': {what}; {advice}", op, context=who
            )
        site = str(source_loc(op))
        if site in self.warned:
            return
        self.warned.add(site)
        emit(op, f"read of never-written elements of Out '{name}': {who} reads {what}; they read as "
                 f"{_READ_AS[self.staging]}; {advice} (--strict-out-reads makes this an error)")


def guard_out_reads(op: Operation, fn, compiler):
    """`fn` of a checked read, checking each region it reads of a tracked Out against that Out's mask."""
    slots = compiler.slots_of(list(dict.fromkeys(v for v in op.operands if isinstance(v.type, TensorType))))
    args = compiler.function.body.block.args
    block = compiler.slot(args[-1]) if compiler.program is None else None  # a kernel: its block index is last

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
            who = compiler.label if block is None else f"{compiler.label} block {r[block]}"
            for region in f.rec.reads[first:]:
                mask = masks.get(region.tensor)
                if mask is not None:
                    mask.run.verify(op, mask, region, who)
        finally:
            for mask in masks.values():
                held, mask.held = mask.held, None
                mask.mark(held)

    return run


def checked_outs(module: Operation) -> set[str]:
    """The names of the entry's Outs that some checked read of `module` reads."""
    return {op.attributes[CHECKED_READ].data for op in module.walk() if CHECKED_READ in op.attributes}
