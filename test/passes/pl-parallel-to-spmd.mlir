// RUN: ppc-opt %s -p pl-parallel-to-spmd --split-input-file | filecheck %s
// RUN: ppc-opt %s -p 'pl-parallel-to-spmd{debug=true}' --split-input-file --verify-diagnostics

// Legal: each iteration's pl.at reads x and writes only its own 16 rows of y (and re-reads rows of its own
// slab) -> one spmd of 4 blocks whose body recomputes r = b * 16; pl.block_idx of the old pl.at (always 0) becomes the constant 0.
// CHECK-LABEL: func.func @legal
// CHECK:         %[[N:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[YS:.*]] = pl.spmd (%b) in %[[N]] outs(%[[YO:.*]] = %y : !pl.tensor<64x128xf32>) attributes {name = "rows"} {
// CHECK-NEXT:      %[[ST:.*]] = arith.constant 16 : index
// CHECK-NEXT:      %[[R:.*]] = arith.muli %b, %[[ST]] : index
// CHECK-NEXT:      %[[R8:.*]] = arith.addi %[[R]], %c8 : index
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[T:.*]] = pl.slice %x[%[[R]], %c0]
// CHECK-NEXT:      %[[E:.*]] = pl.exp %[[T]]
// CHECK-NEXT:      %[[Y1:.*]] = pl.assemble %[[E]] into %[[YO]][%[[R]], %c0]
// CHECK-NEXT:      %[[H:.*]] = pl.slice %[[Y1]][%[[R8]], %[[ZERO]]]
// CHECK-NEXT:      %[[Y2:.*]] = pl.assemble %[[H]] into %[[Y1]][%[[R8]], %c0]
// CHECK-NEXT:      pl.yield %[[Y2]] : !pl.tensor<64x128xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[YS]]
// CHECK-NOT:     scf.for
func.func @legal(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %yl = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
    %r8 = arith.addi %r, %c8 : index
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {level = #pl.level<core_group>, name = "rows"} {
      %b = pl.block_idx
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %e = pl.exp %t : !pl.tile<16x128xf32, vec>
      %y1 = pl.assemble %e into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      %h = pl.slice %y1[%r8, %b] : !pl.tensor<64x128xf32> -> !pl.tile<8x128xf32, vec>
      %y2 = pl.assemble %h into %y1[%r8, %c0] : !pl.tile<8x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y2 : !pl.tensor<64x128xf32>
    }
    scf.yield %yt : !pl.tensor<64x128xf32>
  } {pl.loop = #pl.loop<parallel>}
  func.return %yl : !pl.tensor<64x128xf32>
}

// -----

// Illegal: step 8 but each iteration writes 16 rows, so neighbouring iterations overlap -> unchanged.
// CHECK-LABEL: func.func @overlapping
// CHECK:         scf.for
// CHECK:           pl.at
// CHECK-NOT:     pl.spmd
func.func @overlapping(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c48 = arith.constant 48 : index
  // expected-remark@+1 {{parallel loop not converted to pl.spmd: accesses to pl.at out #0 of different iterations may overlap ('pl.assemble' at}}
  %yl = scf.for %r = %c0 to %c48 step %c8 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y1 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y1 : !pl.tensor<64x128xf32>
    }
    scf.yield %yt : !pl.tensor<64x128xf32>
  } {pl.loop = #pl.loop<parallel>}
  func.return %yl : !pl.tensor<64x128xf32>
}

// -----

// Illegal: a running offset is carried from one iteration to the next -> unchanged.
// CHECK-LABEL: func.func @carried
// CHECK:         scf.for
// CHECK:           pl.at
// CHECK-NOT:     pl.spmd
func.func @carried(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  // expected-remark@+1 {{parallel loop not converted to pl.spmd: a value is carried between iterations (iter_arg #1 is not just a tensor threaded through the pl.at)}}
  %yl, %end = scf.for %i = %c0 to %c4 step %c4 iter_args(%yc = %y, %off = %c0) -> (!pl.tensor<64x128xf32>, index) {
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "rows"} {
      %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y1 = pl.assemble %t into %yo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y1 : !pl.tensor<64x128xf32>
    }
    %next = arith.addi %off, %c16 : index
    scf.yield %yt, %next : !pl.tensor<64x128xf32>, index
  } {pl.loop = #pl.loop<parallel>}
  func.return %yl : !pl.tensor<64x128xf32>
}

// -----

// Illegal: each iteration reads the row block *before* its own through the loop's initial value, which is
// the same buffer at run time (a neighbour's output) -> unchanged.
// CHECK-LABEL: func.func @captured_init
// CHECK-NOT:     pl.spmd
func.func @captured_init(%y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  // expected-remark@+1 {{accesses to pl.at out #0 of different iterations may overlap}}
  %yl = scf.for %r = %c16 to %c64 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
    %prev = arith.subi %r, %c16 : index
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "shift"} {
      %t = pl.slice %y[%prev, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y1 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y1 : !pl.tensor<64x128xf32>
    }
    scf.yield %yt : !pl.tensor<64x128xf32>
  } {pl.loop = #pl.loop<parallel>}
  func.return %yl : !pl.tensor<64x128xf32>
}

// -----

// A non-zero lower bound and unit step: iv = b + 2; a write of one row per iteration.
// CHECK-LABEL: func.func @offset_rows
// CHECK:         %[[N:.*]] = arith.constant 3 : index
// CHECK-NEXT:    pl.spmd (%b) in %[[N]] outs(%{{.*}} = %y : !pl.tensor<8x4xf32>) attributes {name = "row"} {
// CHECK-NEXT:      %[[LB:.*]] = arith.constant 2 : index
// CHECK-NEXT:      %[[I:.*]] = arith.addi %b, %[[LB]] : index
// CHECK-NEXT:      pl.write %v into %{{.*}}[%[[I]], %c0]
func.func @offset_rows(%y: !pl.tensor<8x4xf32>, %v: f32) -> !pl.tensor<8x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c5 = arith.constant 5 : index
  %yl = scf.for %i = %c2 to %c5 step %c1 iter_args(%yc = %y) -> (!pl.tensor<8x4xf32>) {
    %yt = pl.at outs(%yo = %yc : !pl.tensor<8x4xf32>) attributes {name = "row"} {
      %y1 = pl.write %v into %yo[%i, %c0] : f32 into !pl.tensor<8x4xf32> -> !pl.tensor<8x4xf32>
      pl.yield %y1 : !pl.tensor<8x4xf32>
    }
    scf.yield %yt : !pl.tensor<8x4xf32>
  } {pl.loop = #pl.loop<parallel>}
  func.return %yl : !pl.tensor<8x4xf32>
}

// -----

// Other rejections, each with its reason: run-time bounds; two tasks in one iteration; a range loop is
// never considered (no remark).
// CHECK-LABEL: func.func @others
// CHECK-NOT:     pl.spmd
func.func @others(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>, %n: index) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  // expected-remark@+1 {{parallel loop not converted to pl.spmd: its bounds are not compile-time constants}}
  %y1 = scf.for %r = %c0 to %n step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y2 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y2 : !pl.tensor<64x128xf32>
    }
    scf.yield %yt : !pl.tensor<64x128xf32>
  } {pl.loop = #pl.loop<parallel>}
  // expected-remark@+1 {{parallel loop not converted to pl.spmd: its body holds 2 pl.at tasks, not one}}
  %y3 = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y1) -> (!pl.tensor<64x128xf32>) {
    %ya = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "a"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y2 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y2 : !pl.tensor<64x128xf32>
    }
    %yb = pl.at outs(%yo = %ya : !pl.tensor<64x128xf32>) attributes {name = "b"} {
      pl.yield %yo : !pl.tensor<64x128xf32>
    }
    scf.yield %yb : !pl.tensor<64x128xf32>
  } {pl.loop = #pl.loop<parallel>}
  %y4 = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y3) -> (!pl.tensor<64x128xf32>) {
    %yt = pl.at outs(%yo = %yc : !pl.tensor<64x128xf32>) attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y2 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %y2 : !pl.tensor<64x128xf32>
    }
    scf.yield %yt : !pl.tensor<64x128xf32>
  }
  func.return %y4 : !pl.tensor<64x128xf32>
}
