# RUN: %python %s 2>&1 | filecheck %s
# Optimisation hints are accepted (`optimizations=[...]` or `optimization=`), kept as an attribute, and an
# unimplemented one is reported once per compilation as a remark, never as an error.
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def hinted(x: pl.Tensor[[64, 64], pl.FP32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for r in pl.parallel(0, 64, 16):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="a", optimizations=[pl.auto_chunk, pl.chunked_loop_optimizer]):
            y[r : r + 16, :] = pl.exp(x[r : r + 16, :])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="b", optimization=pl.auto_chunk):
        y[0:16, :] = pl.exp(x[0:16, :])
    return y


module = hinted.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK: hints.py:11:14: remark: optimization 'auto_chunk' is not implemented yet; kept as an attribute
# CHECK-NEXT: hints.py:11:14: remark: optimization 'chunked_loop_optimizer' is not implemented yet; kept as an attribute
# CHECK-NOT: remark
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "a", optimizations = ["auto_chunk", "chunked_loop_optimizer"]}
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "b", optimizations = ["auto_chunk"]}
