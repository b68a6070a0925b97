// RUN: ppc-opt %s -p pl-check-directions --split-input-file | filecheck %s

// The blocks of a launch with a run-time count (t // 8) write 8 rows each, [0, 8 * (t // 8)); a later loop
// over as many steps (its own t // 8) reads 8 rows per step through a same-shape reshape: every read lies in
// the written span, so the declared Out is accepted.
// CHECK-LABEL: func.func @dynamic_blocks
func.func @dynamic_blocks(%x: !pl.tensor<?x4xf32>, %y: !pl.tensor<?x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<?x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %t = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x4xf32>) -> index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %yv = pl.reshape %y[%t] : !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
  %n = arith.floordivsi %t, %c8 : index
  %y1 = pl.spmd (%b) in %n outs(%yo = %yv : !pl.tensor<?x4xf32>) attributes {name = "write"} {
    %r = arith.muli %b, %c8 : index
    %s = pl.slice %x[%r, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<8x4xf32, vec>
    %w = pl.assemble %s into %yo[%r, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    pl.yield %w : !pl.tensor<?x4xf32>
  }
  %c8b = arith.constant 8 : index
  %m = arith.floordivsi %t, %c8b : index
  %y2 = scf.for %i = %c0 to %m step %c1 iter_args(%ya = %y1) -> (!pl.tensor<?x4xf32>) {
    %r = arith.muli %i, %c8 : index
    %old = pl.slice %ya[%r, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<8x4xf32, vec>
    %d = pl.add %old, %old : !pl.tile<8x4xf32, vec>
    %w = pl.assemble %d into %ya[%r, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    scf.yield %w : !pl.tensor<?x4xf32>
  }
  func.return %y2 : !pl.tensor<?x4xf32>
}

// -----

// One block per row writes rows [0, t); a strided loop then reads 16-row windows at t0 = (w // v) * 16
// (non-negative: a division of non-negative values) whose valid rows, min(16, t - t0), end by row t.
// CHECK-LABEL: func.func @valid_rows
func.func @valid_rows(%x: !pl.tensor<?x4xf32>, %v: index, %items: index, %y: !pl.tensor<?x4xf32> {pl.dir = #pl.dir<out>}, %z: !pl.tensor<?x4xf32> {pl.dir = #pl.dir<out>}) -> (!pl.tensor<?x4xf32>, !pl.tensor<?x4xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %t = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x4xf32>) -> index
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %vd = pl.dim %y {axis = 1 : i64} : (!pl.tensor<?x4xf32>) -> index
  %y1 = pl.spmd (%b) in %t outs(%yo = %y : !pl.tensor<?x4xf32>) attributes {name = "rows"} {
    %s = pl.slice %x[%b, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<1x4xf32, vec>
    %w = pl.assemble %s into %yo[%b, %c0] : !pl.tile<1x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    pl.yield %w : !pl.tensor<?x4xf32>
  }
  %z1 = pl.spmd (%blk) in %c4 outs(%zo = %z : !pl.tensor<?x4xf32>) attributes {name = "windows"} {
    %z2 = scf.for %w = %blk to %items step %c4 iter_args(%za = %zo) -> (!pl.tensor<?x4xf32>) {
      %q = arith.floordivsi %w, %vd : index
      %t0 = arith.muli %q, %c16 : index
      %left = arith.subi %t, %t0 : index
      %rows = arith.minsi %c16, %left : index
      %e = pl.slice %y1[%t0, %c0] valid[%rows, %c4] : !pl.tensor<?x4xf32> -> !pl.tile<16x4xf32, vec, valid ?x4>
      %za1 = pl.assemble %e into %za[%t0, %c0] : !pl.tile<16x4xf32, vec, valid ?x4> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
      scf.yield %za1 : !pl.tensor<?x4xf32>
    }
    pl.yield %z2 : !pl.tensor<?x4xf32>
  }
  func.return %y1, %z1 : !pl.tensor<?x4xf32>, !pl.tensor<?x4xf32>
}
