# RUN: %python %s | filecheck %s
# Compile-time folding: module constants (also from a config object), arithmetic on them, math, shapes,
# f-strings, `if` on constants (only the taken arm is built, and a constant chosen by it stays constant),
# compile-time asserts.
import math
from dataclasses import dataclass

from ppc import pl
from ppc.dialects.diagnostics import verify_module


@dataclass(frozen=True)
class Config:
    rows: int = 32
    cols: int = 64
    mode: str = "fast"


CFG = Config()
HALF = CFG.rows // 2
USE_EXP = False


@pl.jit
def consts(x: pl.Tensor[[CFG.rows, CFG.cols], pl.FP32], y: pl.Out[pl.Tensor[[CFG.rows, CFG.cols], pl.FP32]]):
    assert CFG.cols % 16 == 0, "cols must be a multiple of 16"
    if CFG.mode == "fast":
        chunk = HALF
    else:
        chunk = 8
    rows, cols = x.shape
    scale = 1.0 / math.sqrt(cols)
    for i in pl.unroll(rows // chunk):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint=f"part{i}"):
            t = x[i * chunk : i * chunk + chunk, :]
            if USE_EXP:
                t = pl.exp(t)
            y[i * chunk : (i + 1) * chunk, :] = pl.mul(t, scale)
    return y


module = consts.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @consts(%x: !pl.tensor<32x64xf32>, %y: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>})
# `chunk` comes from a folded `if`, so it is a constant: slices have static offsets and no locals for it.
# CHECK-NOT: pl.local.decl "chunk"
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "part0"} {
# CHECK: %[[Z:.*]] = arith.constant 0 : index
# CHECK: pl.slice %x[%[[Z]], %{{.*}}] : !pl.tensor<32x64xf32> -> !pl.tile<16x64xf32, vec>
# CHECK-NOT: pl.exp
# CHECK: arith.constant 1.250000e-01 : f32
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "part1"} {
# CHECK: %[[S:.*]] = arith.constant 16 : index
# CHECK: pl.slice %x[%[[S]], %{{.*}}]
# CHECK-NOT: pl.at
