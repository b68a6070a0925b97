// A control character quoted from the input into a parse error is escaped: the diagnostic stays one line.
// RUN: not ppc-opt %s 2>&1 | filecheck %s
// CHECK: control-character-in-name.mlir:[[# @LINE + 3]]:7: error: Operation \n is not registered
// CHECK-NOT: {{^}} is not registered
func.func @f() {
  "\n"() : () -> ()
  func.return
}
