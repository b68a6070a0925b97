"""Tile ops on unsigned element types take their scalar operand as a signless `arith` integer.

Regression: `pl.arange([1, N], pl.UINT32, 0)` (the index row of `pl.sort32`) and `pl.full(..., pl.UINT32, v)`
built an `arith.constant` of type ui32, which xDSL rejects ("Expected ... signless"), so the kernel did
not compile.
"""

import numpy as np

from ppc import pl


@pl.jit
def unsigned_rows(out: pl.Out[pl.Tensor[[2, 8], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="unsigned_rows"):
        ids = pl.arange([1, 8], pl.UINT32, 3)
        out = pl.assemble(out, pl.cast(ids, target_type=pl.INT32), [0, 0])
        sevens = pl.add(pl.full([1, 8], pl.UINT32, 5), 2)
        out = pl.assemble(out, pl.cast(sevens, target_type=pl.INT32), [1, 0])
    return out


def test_unsigned_arange_full_and_scalar_add():
    out = np.zeros((2, 8), np.int32)
    unsigned_rows.compile(out).run(out)
    np.testing.assert_array_equal(out, [list(range(3, 11)), [7] * 8])
