// RUN: ppc-opt %s -p pl-outline-tasks --verify-diagnostics

// A task cannot launch another task: the inner scope is reported at its own location.
func.func @nested(%x: !pl.tensor<64x128xf32>) {
  %c2 = arith.constant 2 : index
  pl.spmd (%i) in %c2 attributes {name = "outer"} {
    // expected-error@+1 {{'pl.at' cannot be nested inside another task scope ('pl.spmd')}}
    pl.at attributes {name = "inner"} {
      %b = pl.block_idx
    }
  }
  func.return
}
