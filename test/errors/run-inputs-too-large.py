# RUN: not %python -m ppc.tools.run %s::big 2> %t.err
# RUN: filecheck %s < %t.err
# ppc-run makes the inputs in host memory: a tensor larger than the machine's memory is refused at its parameter.
from ppc import pl


@pl.jit
def big(x: pl.Tensor[[1 << 40], pl.FP32], y: pl.Out[pl.Tensor[[16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0], [16]), [0], y)
    return y
# CHECK: run-inputs-too-large.py:8:9: error: tensor 'x' of shape [1099511627776]: the inputs need 4.1e+03 GiB, more than half this machine's memory
# CHECK-NOT: Traceback
