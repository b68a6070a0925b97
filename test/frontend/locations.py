# RUN: %python %s | filecheck %s
# Every op carries the file:line:col of the Python source it came from.
from xdsl.printer import Printer

from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def located(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for i in pl.spmd(2, name_hint="halves"):
        t = pl.exp(x[i * 8 : i * 8 + 8, :])
        y[i * 8 : i * 8 + 8, :] = t
    return y


module = located.lower(pipeline="frontend")
verify_module(module)
Printer(print_debuginfo=True).print_op(module)
# Column numbers are 1-based: `pl.exp(...)` starts at column 13 of line 12, its argument `x[...]` at 20.
# CHECK: pl.local.decl "y" {{.*}} loc("{{.*}}locations.py":10:46)
# CHECK: pl.spmd (%i) in %{{.*}} attributes {name = "halves"} {
# CHECK: pl.slice {{.*}} loc("{{.*}}locations.py":12:20)
# CHECK: pl.exp {{.*}} loc("{{.*}}locations.py":12:13)
# CHECK: pl.assemble {{.*}} loc("{{.*}}locations.py":13:9)
# CHECK: } loc("{{.*}}locations.py":11:5)
# CHECK: func.return {{.*}} loc("{{.*}}locations.py":14:5)
# CHECK: } loc("{{.*}}locations.py":10:1)
