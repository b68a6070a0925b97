// RUN: ppc-opt %s -p pl-infer-directions --split-input-file --verify-diagnostics

// Written inside a kernel but declared In: reported at the write, naming the entry's parameter.
func.func @declared_in(%x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c4 = arith.constant 4 : index
  %y1 = pl.dispatch @quarters(%x) outs(%y) blocks(%c4) {name = "quarters"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
  func.return %y1 : !pl.tensor<64x128xf32>
}
func.func @quarters(%x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c16 = arith.constant 16 : index
  %c0 = arith.constant 0 : index
  %off = arith.muli %block_idx, %c16 : index
  %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  // expected-error@+1 {{'y' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)}}
  %y1 = pl.assemble %t into %yo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}

// -----

// Declared Out, but a block reads rows of `acc` that no earlier write produced: reported at the read,
// naming the declaring function and its location.
func.func @out_read_first(%x: !pl.tensor<64x128xf32>, %acc: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %a1 = pl.spmd (%i) in %c4 outs(%ao = %acc : !pl.tensor<64x128xf32>) attributes {name = "accumulate"} {
    %off = arith.muli %i, %c16 : index
    %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    // expected-error@+1 {{'acc' is declared Out (by 'out_read_first' at}}
    %old = pl.slice %ao[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %s = pl.add %t, %old : !pl.tile<16x128xf32, vec>
    %a2 = pl.assemble %s into %ao[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %a2 : !pl.tensor<64x128xf32>
  }
  func.return %a1 : !pl.tensor<64x128xf32>
}

// -----

// `out = pl.add(a, b)` inside a task rebinds the name: the task returns a new tensor for its out.
func.func @rebound_in_task(%a: !pl.tensor<64x128xf32>, %b: !pl.tensor<64x128xf32>, %out: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %o1 = pl.at outs(%oo = %out : !pl.tensor<64x128xf32>) attributes {name = "add"} {
    // expected-error@+1 {{'out' is reassigned here instead of written, so the caller's tensor never receives the result; write into it (out[...] = ... or pl.assemble)}}
    %sum = pl.add %a, %b : !pl.tensor<64x128xf32>
    pl.yield %sum : !pl.tensor<64x128xf32>
  }
  func.return %o1 : !pl.tensor<64x128xf32>
}

// -----

// The same mistake in the orchestration function: the entry returns a new tensor and never writes `out`.
func.func @rebound_in_entry(%a: !pl.tensor<64x128xf32>, %out: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{'out' is reassigned here instead of written}}
  %fresh = pl.create_tensor : !pl.tensor<64x128xf32>
  %f1 = pl.at outs(%fo = %fresh : !pl.tensor<64x128xf32>) attributes {name = "copy"} {
    %t = pl.slice %a[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<64x128xf32, vec>
    %f2 = pl.assemble %t into %fo[%c0, %c0] : !pl.tile<64x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %f2 : !pl.tensor<64x128xf32>
  }
  func.return %f1 : !pl.tensor<64x128xf32>
}

// -----

// The PR #659 shape: one slot of an Out state is written through a flat view, then every slot is read
// (an online softmax over the slots).  Slot 1 was never written by this program: its old contents are
// read, so the state must be InOut.  Reported at the first read of an unwritten slot.
func.func @slot_then_all(%x: !pl.tensor<4x64xf32>, %state: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<out>}, %pooled: !pl.tensor<4x64xf32> {pl.dir = #pl.dir<out>}) -> (!pl.tensor<4x8x64xf32>, !pl.tensor<4x64xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %flat = pl.reshape %state : !pl.tensor<4x8x64xf32> -> !pl.tensor<4x512xf32>
  %f1 = pl.at outs(%fo = %flat : !pl.tensor<4x512xf32>) attributes {name = "scatter"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<4x64xf32> -> !pl.tile<4x64xf32, vec>
    %f2 = pl.assemble %t into %fo[%c0, %c0] : !pl.tile<4x64xf32, vec> into !pl.tensor<4x512xf32> -> !pl.tensor<4x512xf32>
    pl.yield %f2 : !pl.tensor<4x512xf32>
  }
  %p1 = pl.at outs(%po = %pooled : !pl.tensor<4x64xf32>) attributes {name = "pool"} {
    %first = pl.slice %f1[%c0, %c0] : !pl.tensor<4x512xf32> -> !pl.tile<4x64xf32, vec>
    %sum = scf.for %s = %c1 to %c8 step %c1 iter_args(%acc = %first) -> (!pl.tile<4x64xf32, vec>) {
      %col = arith.muli %s, %c64 : index
      // expected-error@+1 {{'state' is declared Out (by 'slot_then_all' at}}
      %slot = pl.slice %f1[%c0, %col] : !pl.tensor<4x512xf32> -> !pl.tile<4x64xf32, vec>
      %next = pl.add %acc, %slot : !pl.tile<4x64xf32, vec>
      scf.yield %next : !pl.tile<4x64xf32, vec>
    }
    %p2 = pl.assemble %sum into %po[%c0, %c0] : !pl.tile<4x64xf32, vec> into !pl.tensor<4x64xf32> -> !pl.tensor<4x64xf32>
    pl.yield %p2 : !pl.tensor<4x64xf32>
  }
  %back = pl.reshape %f1 : !pl.tensor<4x512xf32> -> !pl.tensor<4x8x64xf32>
  func.return %back, %p1 : !pl.tensor<4x8x64xf32>, !pl.tensor<4x64xf32>
}

// -----

// The same without a view: rows 0..15 written by one task, rows 0..31 read by the next.
func.func @read_past_the_write(%x: !pl.tensor<32x64xf32>, %y: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>}, %z: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>}) -> (!pl.tensor<32x64xf32>, !pl.tensor<32x64xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %y1 = pl.at outs(%yo = %y : !pl.tensor<32x64xf32>) attributes {name = "half"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<32x64xf32> -> !pl.tile<16x64xf32, vec>
    %y2 = pl.assemble %t into %yo[%c0, %c0] : !pl.tile<16x64xf32, vec> into !pl.tensor<32x64xf32> -> !pl.tensor<32x64xf32>
    pl.yield %y2 : !pl.tensor<32x64xf32>
  }
  %z1 = pl.at outs(%zo = %z : !pl.tensor<32x64xf32>) attributes {name = "copy"} {
    // expected-error@+1 {{'y' is declared Out (by 'read_past_the_write' at}}
    %t = pl.slice %y1[%c0, %c0] : !pl.tensor<32x64xf32> -> !pl.tile<32x64xf32, vec>
    %z2 = pl.assemble %t into %zo[%c0, %c0] : !pl.tile<32x64xf32, vec> into !pl.tensor<32x64xf32> -> !pl.tensor<32x64xf32>
    pl.yield %z2 : !pl.tensor<32x64xf32>
  }
  func.return %y1, %z1 : !pl.tensor<32x64xf32>, !pl.tensor<32x64xf32>
}

// -----

// The blocks of a launch of t // 8 blocks write rows [0, 8 * (t // 8)); a loop over as many steps reads
// 16 rows per step, so its last step reads past the written span.
func.func @past_dynamic_span(%x: !pl.tensor<?x4xf32>, %y: !pl.tensor<?x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<?x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %t = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x4xf32>) -> index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = arith.floordivsi %t, %c8 : index
  %y1 = pl.spmd (%b) in %n outs(%yo = %y : !pl.tensor<?x4xf32>) attributes {name = "write"} {
    %r = arith.muli %b, %c8 : index
    %s = pl.slice %x[%r, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<8x4xf32, vec>
    %w = pl.assemble %s into %yo[%r, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    pl.yield %w : !pl.tensor<?x4xf32>
  }
  %y2 = scf.for %i = %c0 to %n step %c1 iter_args(%ya = %y1) -> (!pl.tensor<?x4xf32>) {
    %r = arith.muli %i, %c8 : index
    // expected-error@+1 {{'y' is declared Out (by 'past_dynamic_span' at}}
    %old = pl.slice %ya[%r, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<16x4xf32, vec>
    %d = pl.add %old, %old : !pl.tile<16x4xf32, vec>
    %w = pl.assemble %d into %ya[%r, %c0] : !pl.tile<16x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    scf.yield %w : !pl.tensor<?x4xf32>
  }
  func.return %y2 : !pl.tensor<?x4xf32>
}

// -----

// One block per row writes rows [0, t); a window at 16 * (t // 16) (not negative) whose valid rows are
// min(16, t + 1 - start) may end at row t, one past the written rows.
func.func @valid_rows_past(%x: !pl.tensor<?x4xf32>, %y: !pl.tensor<?x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<?x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %t = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x4xf32>) -> index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %y1 = pl.spmd (%b) in %t outs(%yo = %y : !pl.tensor<?x4xf32>) attributes {name = "rows"} {
    %s = pl.slice %x[%b, %c0] : !pl.tensor<?x4xf32> -> !pl.tile<1x4xf32, vec>
    %w = pl.assemble %s into %yo[%b, %c0] : !pl.tile<1x4xf32, vec> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
    pl.yield %w : !pl.tensor<?x4xf32>
  }
  %q = arith.floordivsi %t, %c16 : index
  %start = arith.muli %q, %c16 : index
  %t1 = arith.addi %t, %c1 : index
  %left = arith.subi %t1, %start : index
  %rows = arith.minsi %c16, %left : index
  // expected-error@+1 {{'y' is declared Out (by 'valid_rows_past' at}}
  %e = pl.slice %y1[%start, %c0] valid[%rows, %c4] : !pl.tensor<?x4xf32> -> !pl.tile<16x4xf32, vec, valid ?x4>
  %d = pl.add %e, %e : !pl.tile<16x4xf32, vec, valid ?x4>
  %y2 = pl.assemble %d into %y1[%start, %c0] : !pl.tile<16x4xf32, vec, valid ?x4> into !pl.tensor<?x4xf32> -> !pl.tensor<?x4xf32>
  func.return %y2 : !pl.tensor<?x4xf32>
}
