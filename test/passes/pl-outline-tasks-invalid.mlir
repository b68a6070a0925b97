// RUN: ppc-opt %s -p pl-outline-tasks --split-input-file --verify-diagnostics

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

// -----

// Each block of a pl.spmd computes its own tile: one of them cannot be the value after the scope.
func.func @tile_leaves_spmd(%x: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  // expected-error@+1 {{value of one block leaves an spmd scope: 't' is assigned in each block of 'rows' and read after it}}
  %t = pl.spmd (%i) in %c2 -> (!pl.tile<4x16xf32, vec>) attributes {name = "rows"} {
    %row = arith.muli %i, %c4 : index
    %s = pl.slice %x[%row, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<4x16xf32, vec>
    pl.yield %s : !pl.tile<4x16xf32, vec>
  }
  %y1 = pl.at outs(%yo = %y : !pl.tensor<8x16xf32>) attributes {name = "use"} {
    %w = pl.assemble %t into %yo[%c0, %c0] : !pl.tile<4x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
    pl.yield %w : !pl.tensor<8x16xf32>
  }
  func.return %y1 : !pl.tensor<8x16xf32>
}

// -----

// A tensor that is not built from a fresh pl.create_tensor in the body (here: a reshaped input) cannot leave
// a pl.spmd either: every block would return its own.
func.func @foreign_tensor_leaves_spmd(%x: !pl.tensor<8x16xf32>) -> !pl.tensor<16x8xf32> {
  %c2 = arith.constant 2 : index
  // expected-error@+1 {{value of one block leaves an spmd scope: 'r' is assigned}}
  %r = pl.spmd (%i) in %c2 -> (!pl.tensor<16x8xf32>) attributes {name = "views"} {
    %v = pl.reshape %x : !pl.tensor<8x16xf32> -> !pl.tensor<16x8xf32>
    pl.yield %v : !pl.tensor<16x8xf32>
  }
  func.return %r : !pl.tensor<16x8xf32>
}

// -----

// A scalar computed in a task has no GM home: reported with the way around it.
func.func @scalar_leaves_task(%x: !pl.tensor<8x16xf32>) -> index {
  %c3 = arith.constant 3 : index
  // expected-error@+1 {{scalar 'n' computed in 'pl.at' cannot be used after it}}
  %n = pl.at -> (index) attributes {name = "count"} {
    %b = pl.block_idx
    %m = arith.addi %b, %c3 : index
    pl.yield %m : index
  }
  func.return %n : index
}
