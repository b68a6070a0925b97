// RUN: ppc-opt %s -p 'pl-check-directions{out_staging=copied}' --split-input-file 2>/dev/null | filecheck %s
// RUN: ppc-opt %s -p 'pl-check-directions{out_staging=copied}' --split-input-file 2>&1 >/dev/null | filecheck %s --check-prefix=NOTE
// RUN: ppc-opt %s -p 'pl-check-directions{out_staging=zeroed}' --split-input-file 2>/dev/null | filecheck %s --check-prefix=ZEROED
// RUN: ppc-opt %s -p 'pl-check-directions{out_staging=zeroed}' --split-input-file 2>&1 >/dev/null | filecheck %s --check-prefix=ZNOTE
// RUN: not ppc-opt %s -p pl-check-directions --split-input-file 2>&1 | filecheck %s --check-prefix=TODAY

// Under the copied Out staging a declared Out whose old contents are read holds the caller's data: it becomes
// InOut, with a note at the read. Under the zeroed staging the read sees zeros and the Out stays Out, with a
// note. Under today's staging the same read is an error.
// CHECK-LABEL: func.func @accumulate
// CHECK-SAME: {pl.dir = #pl.dir<inout>}
// ZEROED-LABEL: func.func @accumulate
// ZEROED-SAME: {pl.dir = #pl.dir<out>}
// ZNOTE: pl-check-directions-staging.mlir:21:3: note: 'y' is declared Out (by 'accumulate' at
// ZNOTE-SAME: and its old contents are read here: with the zeroed Out staging an element not yet written reads as zero
// TODAY: error: 'y' is declared Out{{.*}}but its old contents may be read here
func.func @accumulate(%x: !pl.tensor<8x4xf32>, %y: !pl.tensor<8x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<8x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  // NOTE: pl-check-directions-staging.mlir:21:3: note: 'y' is declared Out (by 'accumulate' at
  // NOTE-SAME: and its old contents are read here: with the copied Out staging it holds the caller's data, so it is treated as InOut
  %old = pl.slice %y[%c0, %c0] : !pl.tensor<8x4xf32> -> !pl.tile<8x4xf32, vec>
  %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x4xf32> -> !pl.tile<8x4xf32, vec>
  %d = pl.add %old, %s : !pl.tile<8x4xf32, vec>
  %w = pl.assemble %d into %y[%c0, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<8x4xf32> -> !pl.tensor<8x4xf32>
  func.return %w : !pl.tensor<8x4xf32>
}

// -----

// An Out written before it is read is an Out under either staging, with no note.
// NOTE-NOT: note:
// CHECK-LABEL: func.func @write_then_read
// CHECK-SAME: {pl.dir = #pl.dir<out>}
func.func @write_then_read(%x: !pl.tensor<8x4xf32>, %y: !pl.tensor<8x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<8x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x4xf32> -> !pl.tile<8x4xf32, vec>
  %w = pl.assemble %s into %y[%c0, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<8x4xf32> -> !pl.tensor<8x4xf32>
  %r = pl.slice %w[%c0, %c0] : !pl.tensor<8x4xf32> -> !pl.tile<8x4xf32, vec>
  %d = pl.add %r, %r : !pl.tile<8x4xf32, vec>
  %w2 = pl.assemble %d into %w[%c0, %c0] : !pl.tile<8x4xf32, vec> into !pl.tensor<8x4xf32> -> !pl.tensor<8x4xf32>
  func.return %w2 : !pl.tensor<8x4xf32>
}
