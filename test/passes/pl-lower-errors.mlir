// RUN: ppc-opt %s -p pl-lower --split-input-file --verify-diagnostics

// Through the whole pipeline, a direction error still points at the user's write (inside what became a
// kernel) and names the entry's parameter.
func.func @declared_in(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<64x128xf32>>
  pl.local.set %yv, %y : !pl.tensor<64x128xf32>
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c64 step %c16 {
    pl.at attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<64x128xf32>
      // expected-error@+1 {{'y' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)}}
      %y1 = pl.assemble %t into %y0[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.local.set %yv, %y1 : !pl.tensor<64x128xf32>
    }
  } {pl.loop = #pl.loop<parallel>}
  %yr = pl.local.get %yv : !pl.tensor<64x128xf32>
  func.return %yr : !pl.tensor<64x128xf32>
}

// -----

// `out = pl.add(a, b)` inside a task: after pl-ssa the task yields the sum for its out; reported at the add.
func.func @rebound(%a: !pl.tensor<64x128xf32>, %b: !pl.tensor<64x128xf32>, %out: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %ov = pl.local.decl "out" : !pl.ref<!pl.tensor<64x128xf32>>
  pl.local.set %ov, %out : !pl.tensor<64x128xf32>
  pl.at attributes {name = "add"} {
    // expected-error@+1 {{'out' is reassigned here instead of written}}
    %s = pl.add %a, %b : !pl.tensor<64x128xf32>
    pl.local.set %ov, %s : !pl.tensor<64x128xf32>
  }
  %r = pl.local.get %ov : !pl.tensor<64x128xf32>
  func.return %r : !pl.tensor<64x128xf32>
}
