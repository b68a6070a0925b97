// An input of nothing but comments is an empty module (as with mlir-opt), not an error.
// RUN: ppc-opt %s | filecheck %s
// RUN: ppc-opt %s -p pl-lower | filecheck %s
// CHECK:      builtin.module {
// CHECK-NEXT: }
