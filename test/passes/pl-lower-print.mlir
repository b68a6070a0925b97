// RUN: ppc-opt %s -p pl-inline,pl-ssa,canonicalize,cse,pl-outline-tasks,pl-infer-directions --mlir-print-ir-after-all | filecheck %s

// The default pipeline spelled out prints the IR after each of its passes, in order.
// CHECK:       IR Dump After pl-inline
// CHECK:         pl.local.decl
// CHECK:       IR Dump After pl-ssa
// CHECK-NOT:     pl.local
// CHECK:         pl.at outs(
// CHECK:       IR Dump After canonicalize
// CHECK:       IR Dump After cse
// CHECK:       IR Dump After pl-outline-tasks
// CHECK-NOT:     pl.at
// CHECK:         pl.dispatch @rows
// CHECK:       IR Dump After pl-infer-directions
// CHECK:         %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<64x128xf32>>
  pl.local.set %yv, %y : !pl.tensor<64x128xf32>
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c64 step %c16 {
    pl.at attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<64x128xf32>
      %y1 = pl.assemble %t into %y0[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.local.set %yv, %y1 : !pl.tensor<64x128xf32>
    }
  } {pl.loop = #pl.loop<parallel>}
  %yr = pl.local.get %yv : !pl.tensor<64x128xf32>
  func.return %yr : !pl.tensor<64x128xf32>
}
