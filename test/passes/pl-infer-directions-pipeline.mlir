// RUN: ppc-opt %s -p pl-lower --split-input-file --verify-diagnostics

// `y[3, 3] = 8.0` into an In tensor whose new version is never used: canonicalize would delete the write,
// so declarations are checked right after pl-ssa, before any cleanup.
func.func @write_into_in(%x: !pl.tensor<8x8xf32>, %y: !pl.tensor<8x8xf32> {pl.dir = #pl.dir<in>}, %out: !pl.tensor<8x8xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<8x8xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<8x8xf32>>
  pl.local.set %yv, %y : !pl.tensor<8x8xf32>
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %v = arith.constant 8.0 : f32
  %o1 = pl.at outs(%oo = %out : !pl.tensor<8x8xf32>) attributes {name = "copy"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<8x8xf32> -> !pl.tile<8x8xf32, vec>
    %o2 = pl.assemble %t into %oo[%c0, %c0] : !pl.tile<8x8xf32, vec> into !pl.tensor<8x8xf32> -> !pl.tensor<8x8xf32>
    pl.yield %o2 : !pl.tensor<8x8xf32>
  }
  %y0 = pl.local.get %yv : !pl.tensor<8x8xf32>
  // expected-error@+1 {{'y' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)}}
  %y1 = pl.write %v into %y0[%c3, %c3] : f32 into !pl.tensor<8x8xf32> -> !pl.tensor<8x8xf32>
  pl.local.set %yv, %y1 : !pl.tensor<8x8xf32>
  func.return %o1 : !pl.tensor<8x8xf32>
}

// -----

// An Out whose last rows no write can reach: a warning at the declaring function lists the region (it
// reaches the caller undefined).  Rows 0..15 are written in two tiles by a loop.
// expected-warning@+1 {{'y' is declared Out but y[16:32, 0:64] is never written: an Out is not copied to the device, so those elements reach the caller undefined; write them or mark it pl.InOut}}
func.func @half_written(%x: !pl.tensor<32x64xf32>, %y: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<32x64xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %y1 = scf.for %r = %c0 to %c16 step %c8 iter_args(%yc = %y) -> (!pl.tensor<32x64xf32>) {
    %y2 = pl.at outs(%yo = %yc : !pl.tensor<32x64xf32>) attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<32x64xf32> -> !pl.tile<8x64xf32, vec>
      %y3 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<8x64xf32, vec> into !pl.tensor<32x64xf32> -> !pl.tensor<32x64xf32>
      pl.yield %y3 : !pl.tensor<32x64xf32>
    }
    scf.yield %y2 : !pl.tensor<32x64xf32>
  }
  func.return %y1 : !pl.tensor<32x64xf32>
}

// -----

// No warning for an Out written whole by an inner loop inside a loop of one iteration: the writes of the
// first iteration do not depend on the outer induction variable and are kept.
func.func @one_outer_iteration(%y: !pl.tensor<4x2x64xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<4x2x64xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  %y1 = scf.for %b = %c0 to %c4 step %c4 iter_args(%yc = %y) -> (!pl.tensor<4x2x64xf32>) {
    %y2 = pl.at outs(%yo = %yc : !pl.tensor<4x2x64xf32>) attributes {name = "zero"} {
      %y3 = scf.for %s = %c0 to %c2 step %c1 iter_args(%ys = %yo) -> (!pl.tensor<4x2x64xf32>) {
        %f = pl.full %z : f32 -> !pl.tile<4x1x64xf32, vec>
        %y4 = pl.assemble %f into %ys[%b, %s, %c0] : !pl.tile<4x1x64xf32, vec> into !pl.tensor<4x2x64xf32> -> !pl.tensor<4x2x64xf32>
        scf.yield %y4 : !pl.tensor<4x2x64xf32>
      }
      pl.yield %y3 : !pl.tensor<4x2x64xf32>
    }
    scf.yield %y2 : !pl.tensor<4x2x64xf32>
  }
  func.return %y1 : !pl.tensor<4x2x64xf32>
}
