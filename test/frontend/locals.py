# RUN: %python %s | filecheck %s
# Local-variable form: which names become pl.local variables, and where their decls go.
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def local_form(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]], n: pl.Scalar[pl.INT32], flag: pl.Scalar[pl.BOOL]):
    total = 0
    for i in pl.range(n):
        total = total + i
    if flag:
        last = total
    else:
        last = 1
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        acc = x[:, :]
        if flag:
            acc = pl.exp(acc)
        acc = pl.cast(acc, pl.BF16)
        y[:, :] = pl.cast(acc, pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="u"):
        once = x[0:8, :]
        y[0:8, :] = once
    return y


module = local_form.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @local_form
# Decls of the function body come first, in order of first assignment; `y` (subscript-assigned parameter)
# gets a decl and an initial set.
# CHECK-NEXT: %[[Y:.*]] = pl.local.decl "y" : !pl.ref<!pl.tensor<16x64xf32>>
# CHECK-NEXT: %[[TOT:.*]] = pl.local.decl "total" : !pl.ref<index>
# CHECK-NEXT: %[[LAST:.*]] = pl.local.decl "last" : !pl.ref<index>
# CHECK-NEXT: pl.local.set %[[Y]], %y
# A loop-carried variable: read and written in the body.
# CHECK: scf.for %i =
# CHECK: %[[T0:.*]] = pl.local.get %[[TOT]] : index
# CHECK: %[[T1:.*]] = arith.addi %[[T0]], %i : index
# CHECK: pl.local.set %[[TOT]], %[[T1]] : index
# Assigned in both arms of a runtime if.
# CHECK: scf.if %flag {
# CHECK: pl.local.set %[[LAST]]
# CHECK: } else {
# CHECK: pl.local.set %[[LAST]]
# Names first assigned in a task body are declared at the start of that body; re-binding `acc` to a
# value of another type (bf16) uses a fresh decl with the same name.
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "t"} {
# CHECK-NEXT: %[[ACC:.*]] = pl.local.decl "acc" : !pl.ref<!pl.tile<16x64xf32, vec>>
# CHECK-NEXT: %[[ACC2:.*]] = pl.local.decl "acc" : !pl.ref<!pl.tile<16x64xbf16, vec>>
# CHECK: scf.if %flag {
# CHECK: pl.local.set %[[ACC]]
# CHECK: pl.local.set %[[ACC2]]
# CHECK: pl.local.get %[[ACC2]]
# A name assigned once and only read after its assignment is bound directly (no decl).
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "u"} {
# CHECK-NOT: pl.local.decl
# CHECK: %once = pl.slice
# CHECK: pl.assemble %once into
