// RUN: ppc-opt %s -p pl-lower | filecheck %s
// RUN: ppc-opt %s -p 'pl-lower{spmd=true}' | filecheck %s --check-prefix=SPMD

// The WALKTHROUGH program in the frontend's local-variable form, through the default pipeline: one
// dispatch of 4 blocks in the then-branch, one single-block dispatch per iteration of the parallel loop in
// the else-branch (4 at run time); y, unannotated, is inferred out; every kernel is incore.
// CHECK-LABEL: func.func @scale_rows
// CHECK-SAME:    (%x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1)
// CHECK-NOT:     pl.local
// CHECK:         scf.if %flag
// CHECK-NEXT:      pl.dispatch @quarters(%x) outs(%y) blocks(%{{.*}}) {name = "quarters"}
// CHECK:         scf.for
// CHECK-NEXT:      pl.dispatch @rows(%x, %r) outs(%{{.*}}) blocks(%{{.*}}) {name = "rows"}
// CHECK:         } {pl.loop = #pl.loop<parallel>}
// CHECK-LABEL: func.func @quarters
// CHECK-SAME:    {pl.dir = #pl.dir<in>}, %{{.*}}: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %block_idx: index)
// CHECK-SAME:    attributes {pl.kind = #pl.kind<incore>}
// CHECK-LABEL: func.func @rows
// CHECK-SAME:    attributes {pl.kind = #pl.kind<incore>}
// CHECK-NOT:     pl.at
// CHECK-NOT:     pl.spmd

// With spmd=true the parallel loop of pl.at tasks becomes one more 4-block dispatch.
// SPMD-LABEL: func.func @scale_rows
// SPMD:         pl.dispatch @quarters(%x) outs(%y) blocks(%[[N:.*]]) {name = "quarters"}
// SPMD:         pl.dispatch @rows(%x) outs(%y) blocks(%[[M:.*]]) {name = "rows"}
// SPMD-NOT:     scf.for
// SPMD-LABEL: func.func @rows
// SPMD:         arith.muli %block_idx
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>, %flag: i1) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<64x128xf32>>
  pl.local.set %yv, %y : !pl.tensor<64x128xf32>
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c2f = arith.constant 2.0 : f32
  scf.if %flag {
    pl.spmd (%i) in %c4 attributes {name = "quarters"} {
      %off = arith.muli %i, %c16 : index
      %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %m = pl.mul %t, %c2f : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<64x128xf32>
      %y1 = pl.assemble %m into %y0[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.local.set %yv, %y1 : !pl.tensor<64x128xf32>
    }
  } else {
    scf.for %r = %c0 to %c64 step %c16 {
      pl.at attributes {level = #pl.level<core_group>, name = "rows"} {
        %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
        %e = pl.exp %t : !pl.tile<16x128xf32, vec>
        %y0 = pl.local.get %yv : !pl.tensor<64x128xf32>
        %y1 = pl.assemble %e into %y0[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
        pl.local.set %yv, %y1 : !pl.tensor<64x128xf32>
      }
    } {pl.loop = #pl.loop<parallel>}
  }
  %yr = pl.local.get %yv : !pl.tensor<64x128xf32>
  func.return %yr : !pl.tensor<64x128xf32>
}
