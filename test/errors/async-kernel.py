# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A kernel is a plain def: an async def is refused at its def.
from ppc import pl


@pl.jit
async def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    return y


copy.lower()
# CHECK: async-kernel.py:8:1: error: 'copy' is an async def: a pl kernel must be a plain def
# CHECK-NOT: Traceback
