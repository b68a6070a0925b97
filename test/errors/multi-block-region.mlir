// A region of more than one block: ppc programs have no branches (passes assume one block per region).
// RUN: ppc-opt %s -p pl-lower --verify-diagnostics
// expected-error@+1 {{'func.func' has a region of 2 blocks: ppc programs have no branches}}
func.func @f() {
^bb0:
  func.return
^bb1:
  func.return
}
