// A function body that does not end in func.return, under pl-lower: located at the block's last op.
// RUN: not ppc-opt %s -p pl-lower 2>&1 | filecheck %s
// CHECK: kernel-without-return.mlir:9:3: error: 'pl.assemble' Operation pl.assemble terminates block in single-block region but is not a terminator
// CHECK-NOT: Traceback
func.func @scale(%x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32> {pl.dir = #pl.dir<out>}) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
  // the last op of the body is no terminator
  %w = pl.assemble %t into %y[%c0, %c0] : !pl.tile<16x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
}
