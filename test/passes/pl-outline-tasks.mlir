// RUN: ppc-opt %s -p pl-outline-tasks --split-input-file | filecheck %s

// The WALKTHROUGH program in SSA form: an spmd in the then-branch, a parallel loop of pl.at in the else-branch.
// CHECK-LABEL: func.func @scale_rows
// CHECK-SAME:    (%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1)
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK:         scf.if %flag
// CHECK-NEXT:      %[[YS:.*]] = pl.dispatch @quarters(%x) outs(%y) blocks(%[[C4]]) {name = "quarters"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
// CHECK-NEXT:      scf.yield %[[YS]]
// CHECK:         scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[YC:.*]] = %y)
// CHECK-NEXT:      %[[YT:.*]] = pl.dispatch @rows(%[[R]], %x) outs(%[[YC]]) blocks(%[[ONE]]) {name = "rows"}
// CHECK-NEXT:      scf.yield %[[YT]]
// CHECK-NOT:     pl.at
// CHECK-NOT:     pl.spmd
// The spmd kernel: live-in %x, out %y, block index last; constants re-materialised inside.
// CHECK-LABEL: func.func @quarters
// CHECK-SAME:    (%x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32>
// CHECK-SAME:    attributes {pl.kind = #pl.kind<incore>}
// CHECK-NEXT:    %[[K16:.*]] = arith.constant 16 : index
// CHECK-NEXT:    %[[K0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[K2:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:    %[[OFF:.*]] = arith.muli %block_idx, %[[K16]] : index
// CHECK-NEXT:    %[[T:.*]] = pl.slice %x[%[[OFF]], %[[K0]]]
// CHECK-NEXT:    %[[M:.*]] = pl.mul %[[T]], %[[K2]]
// CHECK-NEXT:    %[[Y1:.*]] = pl.assemble %[[M]] into %yo[%[[OFF]], %[[K0]]]
// CHECK-NEXT:    func.return %[[Y1]] : !pl.tensor<64x128xf32>
// The pl.at kernel: the enclosing loop index is a scalar parameter (live-ins in first-use order);
// pl.block_idx maps to the block parameter.
// CHECK-LABEL: func.func @rows
// CHECK-SAME:    (%r: index, %x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32>
// CHECK:         arith.addi %r, %block_idx : index
// CHECK:         pl.exp
// CHECK:         func.return
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c2f = arith.constant 2.0 : f32
  %ya = scf.if %flag -> (!pl.tensor<64x128xf32>) {
    %ys = pl.spmd (%i) in %c4 outs(%yo = %y : !pl.tensor<64x128xf32>) attributes {name = "quarters"} {
      %off = arith.muli %i, %c16 : index
      %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %m = pl.mul %t, %c2f : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
      %y1 = pl.assemble %m into %yo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y1 : !pl.tensor<64x128xf32>
    }
    scf.yield %ys : !pl.tensor<64x128xf32>
  } else {
    %yl = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
      %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {level = #pl.level<core_group>, name = "rows"} {
        %b = pl.block_idx
        %rr = arith.addi %r, %b : index
        %t = pl.slice %x[%rr, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
        %e = pl.exp %t : !pl.tile<16x128xf32, vec>
        %y1 = pl.assemble %e into %yo[%rr, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
        pl.yield %y1 : !pl.tensor<64x128xf32>
      }
      scf.yield %yt : !pl.tensor<64x128xf32>
    } {pl.loop = #pl.loop<parallel>}
    scf.yield %yl : !pl.tensor<64x128xf32>
  }
  func.return %ya : !pl.tensor<64x128xf32>
}

// -----

// Kernel names are unique in the module (an existing @k, two scopes named "k"), while each dispatch keeps
// the scope's own name; an unnamed scope is named after its function; a scope with no outs becomes a
// kernel with no results; the pl.at's block count constant is shared at the top of the function.
// CHECK-LABEL: func.func @names
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : index
// CHECK:         %[[A:.*]] = pl.dispatch @k_1(%x) outs(%y) blocks(%[[ONE]]) {name = "k"}
// CHECK-NEXT:    %[[B:.*]] = pl.dispatch @k_2(%x) outs(%[[A]]) blocks(%[[ONE]]) {name = "k"}
// CHECK-NEXT:    pl.dispatch @names_task(%x) outs() blocks(%[[ONE]]) {name = "names_task"} : (!pl.tensor<64x128xf32>) -> ()
// CHECK-NEXT:    func.return %[[B]]
// CHECK-LABEL: func.func @k_1
// CHECK-LABEL: func.func @k_2
// CHECK-LABEL: func.func @names_task(%x: !pl.tensor<64x128xf32>, %block_idx: index) attributes {pl.kind = #pl.kind<incore>}
// CHECK:         pl.read %x
// CHECK-NEXT:    func.return{{$}}
// CHECK-LABEL: func.func @k(
func.func @names(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %y1 = pl.at outs(%yo = %y : !pl.tensor<64x128xf32>) attributes {name = "k"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %y2 = pl.assemble %t into %yo[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %y2 : !pl.tensor<64x128xf32>
  }
  %y3 = pl.at outs(%yo = %y1 : !pl.tensor<64x128xf32>) attributes {name = "k"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %y2 = pl.assemble %t into %yo[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %y2 : !pl.tensor<64x128xf32>
  }
  pl.at {
    %v = pl.read %x[%c0, %c0] : !pl.tensor<64x128xf32> -> f32
  }
  func.return %y3 : !pl.tensor<64x128xf32>
}
func.func @k(%a: index) -> index {
  func.return %a : index
}

// -----

// A tile leaving a pl.at: stored whole into a GM temporary (an out of the dispatch) and loaded again at the
// start of the task that reads it.
// CHECK-LABEL: func.func @tile_into_later_task
// CHECK:         %[[GM:.*]] = pl.create_tensor : !pl.tensor<8x16xf32>
// CHECK-NEXT:    %[[T:.*]] = pl.dispatch @produce(%x) outs(%[[GM]]) blocks(%{{.*}}) {name = "produce"}
// CHECK-NEXT:    %[[Y:.*]] = pl.dispatch @consume(%[[T]]) outs(%y)
// CHECK-NEXT:    func.return %[[Y]]
// CHECK-LABEL: func.func @produce
// CHECK-SAME:    (%x: !pl.tensor<8x16xf32>, %t: !pl.tensor<8x16xf32>, %block_idx: index) -> !pl.tensor<8x16xf32>
// CHECK:         %[[E:.*]] = pl.exp
// CHECK-NEXT:    %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[ST:.*]] = pl.assemble %[[E]] into %t[%[[Z]], %[[Z]]] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32>
// CHECK-NEXT:    func.return %[[ST]]
// CHECK-LABEL: func.func @consume
// CHECK-SAME:    (%t: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>, %block_idx: index)
// CHECK:         %[[LD:.*]] = pl.slice %t[%{{.*}}, %{{.*}}] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
// CHECK-NEXT:    pl.assemble %[[LD]] into %y
func.func @tile_into_later_task(%x: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %t = pl.at -> (!pl.tile<8x16xf32, vec>) attributes {name = "produce"} {
    %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
    %e = pl.exp %s : !pl.tile<8x16xf32, vec>
    pl.yield %e : !pl.tile<8x16xf32, vec>
  }
  %y_1 = pl.at outs(%y_2 = %y : !pl.tensor<8x16xf32>) attributes {name = "consume"} {
    %y1 = pl.assemble %t into %y_2[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
    pl.yield %y1 : !pl.tensor<8x16xf32>
  }
  func.return %y_1 : !pl.tensor<8x16xf32>
}

// -----

// A tensor each spmd block builds from a fresh pl.create_tensor is built in the GM temporary itself, so the
// blocks' parts add up to the whole (no copy).
// CHECK-LABEL: func.func @spmd_tensor_into_orchestration
// CHECK:         %[[GM:.*]] = pl.create_tensor : !pl.tensor<8x16xf32>
// CHECK-NEXT:    %[[BUF:.*]] = pl.dispatch @halves(%x) outs(%[[GM]]) blocks(%c2)
// CHECK-NEXT:    func.return %[[BUF]]
// CHECK-LABEL: func.func @halves
// CHECK-SAME:    (%x: !pl.tensor<8x16xf32>, %buf: !pl.tensor<8x16xf32>, %block_idx: index)
// CHECK-NOT:     pl.create_tensor
// CHECK:         %[[B1:.*]] = pl.assemble %{{.*}} into %buf[
// CHECK-NEXT:    func.return %[[B1]]
func.func @spmd_tensor_into_orchestration(%x: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %buf = pl.spmd (%i) in %c2 -> (!pl.tensor<8x16xf32>) attributes {name = "halves"} {
    %row = arith.muli %i, %c4 : index
    %fresh = pl.create_tensor : !pl.tensor<8x16xf32>
    %s = pl.slice %x[%row, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<4x16xf32, vec>
    %b1 = pl.assemble %s into %fresh[%row, %c0] : !pl.tile<4x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
    pl.yield %b1 : !pl.tensor<8x16xf32>
  }
  func.return %buf : !pl.tensor<8x16xf32>
}

// -----

// Escaping from tasks inside an scf.if and an scf.for: one temporary per dispatch, created next to it.
// CHECK-LABEL: func.func @escape_in_if_and_loop
// CHECK:         scf.if %c -> (!pl.tensor<8x16xf32>) {
// CHECK-NEXT:      %[[GM:.*]] = pl.create_tensor : !pl.tensor<8x16xf32>
// CHECK-NEXT:      %[[T1:.*]] = pl.dispatch @in_if(%x) outs(%[[GM]])
// CHECK-NEXT:      scf.yield %[[T1]]
// CHECK:         scf.for %{{.*}} iter_args(%[[TC:.*]] = %{{.*}})
// CHECK-NEXT:      %[[GM2:.*]] = pl.create_tensor : !pl.tensor<8x16xf32>
// CHECK-NEXT:      %[[T4:.*]] = pl.dispatch @in_loop(%[[TC]]) outs(%[[GM2]])
// CHECK-NEXT:      scf.yield %[[T4]]
func.func @escape_in_if_and_loop(%x: !pl.tensor<8x16xf32>, %c: i1) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %t = scf.if %c -> (!pl.tensor<8x16xf32>) {
    %t_1 = pl.at -> (!pl.tensor<8x16xf32>) attributes {name = "in_if"} {
      %fresh = pl.create_tensor : !pl.tensor<8x16xf32>
      %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
      %n = pl.neg %s : !pl.tile<8x16xf32, vec>
      %w = pl.assemble %n into %fresh[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.yield %w : !pl.tensor<8x16xf32>
    }
    scf.yield %t_1 : !pl.tensor<8x16xf32>
  } else {
    scf.yield %x : !pl.tensor<8x16xf32>
  }
  %t_2 = scf.for %k = %c0 to %c3 step %c1 iter_args(%t_3 = %t) -> (!pl.tensor<8x16xf32>) {
    %t_4 = pl.at -> (!pl.tensor<8x16xf32>) attributes {name = "in_loop"} {
      %s_1 = pl.slice %t_3[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
      %e = pl.exp %s_1 : !pl.tile<8x16xf32, vec>
      %fresh_1 = pl.create_tensor : !pl.tensor<8x16xf32>
      %w_1 = pl.assemble %e into %fresh_1[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.yield %w_1 : !pl.tensor<8x16xf32>
    }
    scf.yield %t_4 : !pl.tensor<8x16xf32>
  }
  func.return %t_2 : !pl.tensor<8x16xf32>
}
