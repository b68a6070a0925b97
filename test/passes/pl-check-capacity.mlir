// RUN: ppc-opt %s -p 'pl-check-capacity{platform=a2a3}' --split-input-file --verify-diagnostics | filecheck %s
// RUN: not ppc-opt %s -p 'pl-check-capacity{platform=a5}' --split-input-file 2> %t.a5.err | filecheck %s --check-prefix=A5
// RUN: filecheck %s --check-prefix=A5ERR < %t.a5.err

// Two 128 KiB f32 tiles live at once need 256 KiB of UB: over a2a3's usable 184 KiB and a5's 240 KiB.
func.func @ub_two_live(%x: !pl.tensor<512x128xf32>, %y: !pl.tensor<256x128xf32>) -> !pl.tensor<256x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  // expected-error@+1 {{tiles live here need 256 KiB of UB (184 KiB on a2a3): 'a' [256, 128] f32 128 KiB at}}
  %b = pl.slice %x[%c256, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  %s = pl.add %a, %b : !pl.tile<256x128xf32, vec>
  %y1 = pl.assemble %s into %y[%c0, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<256x128xf32> -> !pl.tensor<256x128xf32>
  func.return %y1 : !pl.tensor<256x128xf32>
}
// A5ERR: {{^}}{{.*}}pl-check-capacity.mlir:11:3: error: tiles live here need 256 KiB of UB (240 KiB on a5): 'a' [256, 128] f32 128 KiB at {{.*}}pl-check-capacity.mlir:9:3, 'b' [256, 128] f32 128 KiB at {{.*}}pl-check-capacity.mlir:11:3

// -----

// The same two tiles one after the other: 'a' is dead when 'b' is loaded (its last use, the exp, may
// write its result over it), so one 128 KiB buffer at a time is enough.
// CHECK-LABEL: func.func @ub_one_at_a_time
func.func @ub_one_at_a_time(%x: !pl.tensor<512x128xf32>, %y: !pl.tensor<512x128xf32>) -> !pl.tensor<512x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  %ea = pl.exp %a : !pl.tile<256x128xf32, vec>
  %y1 = pl.assemble %ea into %y[%c0, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<512x128xf32> -> !pl.tensor<512x128xf32>
  %b = pl.slice %x[%c256, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  %eb = pl.exp %b : !pl.tile<256x128xf32, vec>
  %y2 = pl.assemble %eb into %y1[%c256, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<512x128xf32> -> !pl.tensor<512x128xf32>
  func.return %y2 : !pl.tensor<512x128xf32>
}

// -----

// A tile defined before a loop and read inside it stays live through every iteration, so it is counted
// with the loop's own tiles: 96 + 96 KiB.
func.func @live_across_loop(%x: !pl.tensor<192x128xf32>, %y: !pl.tensor<192x128xf32>) -> !pl.tensor<192x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %w = pl.slice %x[%c0, %c0] : !pl.tensor<192x128xf32> -> !pl.tile<192x128xf32, vec>
  %y1 = scf.for %i = %c0 to %c4 step %c1 iter_args(%yi = %y) -> (!pl.tensor<192x128xf32>) {
    // expected-error@+1 {{tiles live here need 192 KiB of UB (184 KiB on a2a3): 'w' [192, 128] f32 96 KiB at}}
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<192x128xf32> -> !pl.tile<192x128xf32, vec>
    %s = pl.mul %t, %w : !pl.tile<192x128xf32, vec>
    %yn = pl.assemble %s into %yi[%c0, %c0] : !pl.tile<192x128xf32, vec> into !pl.tensor<192x128xf32> -> !pl.tensor<192x128xf32>
    scf.yield %yn : !pl.tensor<192x128xf32>
  } {pl.loop = #pl.loop<range>}
  func.return %y1 : !pl.tensor<192x128xf32>
}
// A5-LABEL: func.func @live_across_loop

// -----

// Matmul operands live in L1 (512 KiB), not UB: 512 + 64 KiB of bf16 operands do not fit. The f32 result
// is only stored, so PyPTO tiles it to fit L0C and it is not counted.
func.func @l1_operands(%a: !pl.tensor<512x512xbf16>, %b: !pl.tensor<512x64xbf16>, %c: !pl.tensor<512x64xf32>) -> !pl.tensor<512x64xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %ta = pl.slice %a[%c0, %c0] : !pl.tensor<512x512xbf16> -> !pl.tile<512x512xbf16, vec>
  // expected-error@+1 {{tiles live here need 576 KiB of L1 (512 KiB on a2a3): 'ta' [512, 512] bf16 512 KiB at}}
  %tb = pl.slice %b[%c0, %c0] : !pl.tensor<512x64xbf16> -> !pl.tile<512x64xbf16, vec>
  %m = pl.matmul %ta, %tb : (!pl.tile<512x512xbf16, vec>, !pl.tile<512x64xbf16, vec>) -> !pl.tile<512x64xf32, acc>
  %c1 = pl.assemble %m into %c[%c0, %c0] : !pl.tile<512x64xf32, acc> into !pl.tensor<512x64xf32> -> !pl.tensor<512x64xf32>
  func.return %c1 : !pl.tensor<512x64xf32>
}
// A5ERR-NEXT: error: tiles live here need 576 KiB of L1 (512 KiB on a5)

// -----

// A 160 KiB matmul result read by a vector op cannot be tiled by PyPTO: it must fit L0C whole, which it
// does on a5 (256 KiB) but not on a2a3 (128 KiB).
func.func @l0c_vector_read(%a: !pl.tensor<160x64xbf16>, %b: !pl.tensor<64x256xbf16>, %c: !pl.tensor<160x256xf32>) -> !pl.tensor<160x256xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %ta = pl.slice %a[%c0, %c0] : !pl.tensor<160x64xbf16> -> !pl.tile<160x64xbf16, vec>
  %tb = pl.slice %b[%c0, %c0] : !pl.tensor<64x256xbf16> -> !pl.tile<64x256xbf16, vec>
  // expected-error@+1 {{tiles live here need 160 KiB of L0C (128 KiB on a2a3): 'm' [160, 256] f32 160 KiB at}}
  %m = pl.matmul %ta, %tb : (!pl.tile<160x64xbf16, vec>, !pl.tile<64x256xbf16, vec>) -> !pl.tile<160x256xf32, acc>
  %e = pl.exp %m : !pl.tile<160x256xf32, acc>
  %c1 = pl.assemble %e into %c[%c0, %c0] : !pl.tile<160x256xf32, acc> into !pl.tensor<160x256xf32> -> !pl.tensor<160x256xf32>
  func.return %c1 : !pl.tensor<160x256xf32>
}
// A5-LABEL: func.func @l0c_vector_read

// -----

// A load in pl.pipeline(stage=2) has two slots: 2 x 96 KiB do not fit a2a3's UB, one does. As PyPTO's
// MemoryReuse does, the loop runs with one slot (pl.stages lowered) and a warning says so; a5 keeps both.
// CHECK-LABEL: func.func @pipeline_sheds_a_slot
func.func @pipeline_sheds_a_slot(%x: !pl.tensor<768x128xf32>, %y: !pl.tensor<768x128xf32>) -> !pl.tensor<768x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c192 = arith.constant 192 : index
  %c768 = arith.constant 768 : index
  // expected-warning@+1 {{pl.pipeline(stage=2): the tiles live with its loads need 192 KiB of UB with 2 slots (184 KiB on a2a3); run with 1 slot(s), as PyPTO does}}
  %y1 = scf.for %i = %c0 to %c768 step %c192 iter_args(%yi = %y) -> (!pl.tensor<768x128xf32>) {
    %t = pl.slice %x[%i, %c0] : !pl.tensor<768x128xf32> -> !pl.tile<192x128xf32, vec>
    %e = pl.exp %t : !pl.tile<192x128xf32, vec>
    %yn = pl.assemble %e into %yi[%i, %c0] : !pl.tile<192x128xf32, vec> into !pl.tensor<768x128xf32> -> !pl.tensor<768x128xf32>
    scf.yield %yn : !pl.tensor<768x128xf32>
  } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
  func.return %y1 : !pl.tensor<768x128xf32>
}
// CHECK: } {pl.loop = #pl.loop<pipeline>, pl.stages = 1 : i64}
// A5: } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}

// -----

// A cast to bf16 of a matmul result read only by another matmul is folded by PyPTO into the L0C -> L1
// write-back: no UB copy and no whole-result L0C tile, so this 160 KiB result is fine on a2a3.
// CHECK-LABEL: func.func @cast_feeds_matmul
func.func @cast_feeds_matmul(%a: !pl.tensor<160x64xbf16>, %b: !pl.tensor<64x256xbf16>, %v: !pl.tensor<256x64xbf16>, %c: !pl.tensor<160x64xf32>) -> !pl.tensor<160x64xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %ta = pl.slice %a[%c0, %c0] : !pl.tensor<160x64xbf16> -> !pl.tile<160x64xbf16, vec>
  %tb = pl.slice %b[%c0, %c0] : !pl.tensor<64x256xbf16> -> !pl.tile<64x256xbf16, vec>
  %m = pl.matmul %ta, %tb : (!pl.tile<160x64xbf16, vec>, !pl.tile<64x256xbf16, vec>) -> !pl.tile<160x256xf32, acc>
  %p = pl.cast %m : (!pl.tile<160x256xf32, acc>) -> !pl.tile<160x256xbf16, acc>
  %tv = pl.slice %v[%c0, %c0] : !pl.tensor<256x64xbf16> -> !pl.tile<256x64xbf16, vec>
  %o = pl.matmul %p, %tv : (!pl.tile<160x256xbf16, acc>, !pl.tile<256x64xbf16, vec>) -> !pl.tile<160x64xf32, acc>
  %c1 = pl.assemble %o into %c[%c0, %c0] : !pl.tile<160x64xf32, acc> into !pl.tensor<160x64xf32> -> !pl.tensor<160x64xf32>
  func.return %c1 : !pl.tensor<160x64xf32>
}

// -----

// A pl.split task halves its vector tiles between the two AIV cores, each with its own UB: the two 128 KiB
// tiles of @ub_two_live fit there (2 x 184 KiB on a2a3); three do not.
// CHECK-LABEL: func.func @split_task
func.func @split_task(%x: !pl.tensor<512x128xf32>, %y: !pl.tensor<256x128xf32>) -> !pl.tensor<256x128xf32> attributes {pl.kind = #pl.kind<incore>, pl.optimizations = ["split"]} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  %b = pl.slice %x[%c256, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<256x128xf32, vec>
  %s = pl.add %a, %b : !pl.tile<256x128xf32, vec>
  %y1 = pl.assemble %s into %y[%c0, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<256x128xf32> -> !pl.tensor<256x128xf32>
  func.return %y1 : !pl.tensor<256x128xf32>
}

// -----

func.func @split_task_over(%x: !pl.tensor<768x128xf32>, %y: !pl.tensor<256x128xf32>) -> !pl.tensor<256x128xf32> attributes {pl.kind = #pl.kind<incore>, pl.optimizations = ["split"]} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<768x128xf32> -> !pl.tile<256x128xf32, vec>
  %b = pl.slice %x[%c256, %c0] : !pl.tensor<768x128xf32> -> !pl.tile<256x128xf32, vec>
  // expected-error@+1 {{tiles live here need 384 KiB of UB (368 KiB on a2a3's 2 AIV cores of a pl.split task): 'a' [256, 128] f32 128 KiB at}}
  %c = pl.slice %x[%c512, %c0] : !pl.tensor<768x128xf32> -> !pl.tile<256x128xf32, vec>
  %s = pl.add %a, %b : !pl.tile<256x128xf32, vec>
  %t = pl.add %s, %c : !pl.tile<256x128xf32, vec>
  %y1 = pl.assemble %t into %y[%c0, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<256x128xf32> -> !pl.tensor<256x128xf32>
  func.return %y1 : !pl.tensor<256x128xf32>
}

// -----

// A tile parameter is live from the kernel's start.
func.func @tile_parameter(%t: !pl.tile<256x128xf32, vec>, %x: !pl.tensor<256x128xf32>, %y: !pl.tensor<256x128xf32>) -> !pl.tensor<256x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{tiles live here need 256 KiB of UB (184 KiB on a2a3): 't' [256, 128] f32 128 KiB at}}
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<256x128xf32> -> !pl.tile<256x128xf32, vec>
  %s = pl.add %a, %t : !pl.tile<256x128xf32, vec>
  %y1 = pl.assemble %s into %y[%c0, %c0] : !pl.tile<256x128xf32, vec> into !pl.tensor<256x128xf32> -> !pl.tensor<256x128xf32>
  func.return %y1 : !pl.tensor<256x128xf32>
}
// A5ERR-NEXT: error: tiles live here need 256 KiB of UB (240 KiB on a5): 't'
// A5ERR-NOT: error
