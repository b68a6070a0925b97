// The complete message of WALKTHROUGH §4, with the frontend's source location of the write.
// RUN: not ppc-opt %s -p pl-infer-directions 2>&1 | filecheck %s
// CHECK: k.py:6:12: error: 'y' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %ys = pl.spmd (%i) in %c4 outs(%yo = %y : !pl.tensor<64x128xf32>) attributes {name = "quarters"} {
    %off = arith.muli %i, %c16 : index
    %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %y1 = pl.assemble %t into %yo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32> loc("k.py":6:12)
    pl.yield %y1 : !pl.tensor<64x128xf32>
  } loc("k.py":4:8)
  func.return %ys : !pl.tensor<64x128xf32>
}
