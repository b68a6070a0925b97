// An unterminated string literal: a located error at its opening quote, at once (xDSL's own string rule
// backtracks exponentially on this line and never answers).
// RUN: not ppc-opt %s 2>&1 | filecheck %s
// CHECK: unterminated-string.mlir:[[# @LINE + 2]]:16: error: unterminated string literal
// CHECK-NOT: Traceback
func.func @f() "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
