// A loc("...") file name with a newline is printed escaped: the diagnostic stays one line.
// RUN: not ppc-opt %s 2>&1 | filecheck %s
// CHECK: {{^}}a\nb:3:4: error: 'pl.add' operand shapes differ
// CHECK-NOT: {{^}}b:3:4
func.func @f(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32> loc("a\nb":3:4)
  func.return
}
