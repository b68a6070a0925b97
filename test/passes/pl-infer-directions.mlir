// RUN: ppc-opt %s -p pl-infer-directions --split-input-file | filecheck %s

// The WALKTHROUGH program after outlining: x only sliced -> in; y written in disjoint blocks covering it on
// both paths and never read -> out (inferred: y carries no annotation); kernels: sliced -> in, written -> out.
// CHECK-LABEL: func.func @scale_rows
// CHECK-SAME:    %x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1)
// CHECK-LABEL: func.func @quarters
// CHECK-SAME:    %x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %yo: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %block_idx: index)
// CHECK-LABEL: func.func @rows
// CHECK-SAME:    (%r: index, %x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %yo: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %block_idx: index)
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>, %flag: i1) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ya = scf.if %flag -> (!pl.tensor<64x128xf32>) {
    %ys = pl.dispatch @quarters(%x) outs(%y) blocks(%c4) {name = "quarters"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
    scf.yield %ys : !pl.tensor<64x128xf32>
  } else {
    %yl = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
      %yt = pl.dispatch @rows(%r, %x) outs(%yc) blocks(%c1) {name = "rows"} : (index, !pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
      scf.yield %yt : !pl.tensor<64x128xf32>
    } {pl.loop = #pl.loop<parallel>}
    scf.yield %yl : !pl.tensor<64x128xf32>
  }
  func.return %ya : !pl.tensor<64x128xf32>
}
func.func @quarters(%x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c16 = arith.constant 16 : index
  %c0 = arith.constant 0 : index
  %off = arith.muli %block_idx, %c16 : index
  %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %y1 = pl.assemble %t into %yo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}
func.func @rows(%r: index, %x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %e = pl.exp %t : !pl.tile<16x128xf32, vec>
  %y1 = pl.assemble %e into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}

// -----

// The same loop stopping at row 48 leaves rows 48..63 unwritten: the entry's y is inout (the caller's last
// rows must survive), while the kernel, which writes its tile without reading, keeps out.
// CHECK-LABEL: func.func @partial
// CHECK-SAME:    %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-LABEL: func.func @rows
// CHECK-SAME:    %yo: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
func.func @partial(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c48 = arith.constant 48 : index
  %yl = scf.for %r = %c0 to %c48 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
    %yt = pl.dispatch @rows(%r, %x) outs(%yc) blocks(%c1) {name = "rows"} : (index, !pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
    scf.yield %yt : !pl.tensor<64x128xf32>
  }
  func.return %yl : !pl.tensor<64x128xf32>
}
func.func @rows(%r: index, %x: !pl.tensor<64x128xf32>, %yo: !pl.tensor<64x128xf32>, %block_idx: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %y1 = pl.assemble %t into %yo[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}

// -----

// Task scopes before outlining are analysed in place.  A state tensor read and then written -> inout; a
// cache written at one run-time row -> inout; a tensor read only after its own block wrote that region
// -> out; a nested loop tiling both axes -> out; a scratch tensor does not affect any parameter.
// CHECK-LABEL: func.func @scopes
// CHECK-SAME:    %state: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %cache: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %own: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
// CHECK-SAME:    %tiled: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
// CHECK-SAME:    %x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}
// CHECK-SAME:    %pos: index)
func.func @scopes(%state: !pl.tensor<64x128xf32>, %cache: !pl.tensor<64x128xf32>, %own: !pl.tensor<64x128xf32>, %tiled: !pl.tensor<64x128xf32>, %x: !pl.tensor<64x128xf32>, %pos: index) -> (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %s1, %k1 = pl.at outs(%so = %state : !pl.tensor<64x128xf32>, %ko = %cache : !pl.tensor<64x128xf32>) attributes {name = "update"} {
    %old = pl.slice %so[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<64x128xf32, vec>
    %s2 = pl.assemble %old into %so[%c0, %c0] : !pl.tile<64x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    %row = pl.slice %x[%pos, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<1x128xf32, vec>
    %k2 = pl.assemble %row into %ko[%pos, %c0] : !pl.tile<1x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %s2, %k2 : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
  }
  %o1 = pl.spmd (%i) in %c4 outs(%oo = %own : !pl.tensor<64x128xf32>) attributes {name = "own"} {
    %off = arith.muli %i, %c16 : index
    %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %o2 = pl.assemble %t into %oo[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    %back = pl.slice %o2[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %o3 = pl.assemble %back into %o2[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %o3 : !pl.tensor<64x128xf32>
  }
  %t1 = scf.for %i = %c0 to %c4 step %c1 iter_args(%ti = %tiled) -> (!pl.tensor<64x128xf32>) {
    %t2 = scf.for %j = %c0 to %c2 step %c1 iter_args(%tj = %ti) -> (!pl.tensor<64x128xf32>) {
      %t3 = pl.at outs(%to = %tj : !pl.tensor<64x128xf32>) attributes {name = "tile"} {
        %r = arith.muli %i, %c16 : index
        %c = arith.muli %j, %c64 : index
        %scratch = pl.create_tensor : !pl.tensor<16x64xf32>
        %v = pl.slice %x[%r, %c] : !pl.tensor<64x128xf32> -> !pl.tile<16x64xf32, vec>
        %s = pl.assemble %v into %scratch[%c0, %c0] : !pl.tile<16x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
        %w = pl.slice %s[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
        %t4 = pl.assemble %w into %to[%r, %c] : !pl.tile<16x64xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
        pl.yield %t4 : !pl.tensor<64x128xf32>
      }
      scf.yield %t3 : !pl.tensor<64x128xf32>
    }
    scf.yield %t2 : !pl.tensor<64x128xf32>
  }
  func.return %s1, %k1, %o1, %t1 : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
}

// -----

// Paths: written only in the then-branch -> inout; written in a loop with a run-time trip count (possibly
// zero iterations) -> inout; only its first half written through a flat view -> inout; declared
// directions are kept as written.
// CHECK-LABEL: func.func @paths
// CHECK-SAME:    %a: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %b: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %v: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %d: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
// CHECK-SAME:    %e: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}
func.func @paths(%a: !pl.tensor<64x128xf32>, %b: !pl.tensor<64x128xf32>, %v: !pl.tensor<64x128xf32>, %d: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %e: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<inout>}, %flag: i1, %n: index) -> (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %a1 = scf.if %flag -> (!pl.tensor<64x128xf32>) {
    %a2 = pl.at outs(%ao = %a : !pl.tensor<64x128xf32>) attributes {name = "fill_a"} {
      %f = pl.full %z : f32 -> !pl.tile<64x128xf32, vec>
      %a3 = pl.assemble %f into %ao[%c0, %c0] : !pl.tile<64x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %a3 : !pl.tensor<64x128xf32>
    }
    scf.yield %a2 : !pl.tensor<64x128xf32>
  } else {
    scf.yield %a : !pl.tensor<64x128xf32>
  }
  %b1 = scf.for %i = %c0 to %n step %c1 iter_args(%bi = %b) -> (!pl.tensor<64x128xf32>) {
    %b2 = pl.at outs(%bo = %bi : !pl.tensor<64x128xf32>) attributes {name = "fill_b"} {
      %f = pl.full %z : f32 -> !pl.tile<64x128xf32, vec>
      %b3 = pl.assemble %f into %bo[%c0, %c0] : !pl.tile<64x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.yield %b3 : !pl.tensor<64x128xf32>
    }
    scf.yield %b2 : !pl.tensor<64x128xf32>
  }
  %v1 = pl.at outs(%vo = %v : !pl.tensor<64x128xf32>) attributes {name = "fill_view"} {
    %flat = pl.reshape %vo : !pl.tensor<64x128xf32> -> !pl.tensor<8192xf32>
    %f = pl.full %z : f32 -> !pl.tile<4096xf32, vec>
    %flat2 = pl.assemble %f into %flat[%c0] : !pl.tile<4096xf32, vec> into !pl.tensor<8192xf32> -> !pl.tensor<8192xf32>
    %v2 = pl.reshape %flat2 : !pl.tensor<8192xf32> -> !pl.tensor<64x128xf32>
    pl.yield %v2 : !pl.tensor<64x128xf32>
  }
  %d1 = pl.at outs(%do = %d : !pl.tensor<64x128xf32>) attributes {name = "half_d"} {
    %f = pl.full %z : f32 -> !pl.tile<32x128xf32, vec>
    %d2 = pl.assemble %f into %do[%c0, %c0] : !pl.tile<32x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %d2 : !pl.tensor<64x128xf32>
  }
  func.return %a1, %b1, %v1, %d1, %e : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
}

// -----

// An explicit incore function called from a task: its writes count for the caller's tensor and the value it
// returns is a version of it (not a rebinding); its own parameters get directions too.
// CHECK-LABEL: func.func @calls
// CHECK-SAME:    %x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}
// CHECK-LABEL: func.func @copy_rows
// CHECK-SAME:    (%src: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %dst: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %row: index)
func.func @calls(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %y1 = pl.spmd (%i) in %c4 outs(%yo = %y : !pl.tensor<64x128xf32>) attributes {name = "copy"} {
    %row = arith.muli %i, %c16 : index
    %y2 = func.call @copy_rows(%x, %yo, %row) : (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>, index) -> !pl.tensor<64x128xf32>
    pl.yield %y2 : !pl.tensor<64x128xf32>
  }
  func.return %y1 : !pl.tensor<64x128xf32>
}
func.func @copy_rows(%src: !pl.tensor<64x128xf32>, %dst: !pl.tensor<64x128xf32>, %row: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %src[%row, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %d = pl.assemble %t into %dst[%row, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %d : !pl.tensor<64x128xf32>
}

// -----

// Accumulation guarded by the first iteration (`if k != 0: acc += x else: acc = x`): the first iteration
// (k = 0) takes the else arm and writes all of acc, later ones (k > 0) read only what it wrote, so no
// old contents are read: the declared Out is accepted and the undeclared tensor is inferred out.
// CHECK-LABEL: func.func @guarded
// CHECK-SAME:    %declared: !pl.tensor<16x128xf32> {pl.dir = #pl.dir<out>}, %inferred: !pl.tensor<16x128xf32> {pl.dir = #pl.dir<out>}
func.func @guarded(%x: !pl.tensor<64x128xf32>, %declared: !pl.tensor<16x128xf32> {pl.dir = #pl.dir<out>}, %inferred: !pl.tensor<16x128xf32>) -> (!pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %r1, %r2 = scf.for %k = %c0 to %c4 step %c1 iter_args(%a = %declared, %b = %inferred) -> (!pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>) {
    %later = arith.cmpi ne, %k, %c0 : index
    %row = arith.muli %k, %c16 : index
    %n1, %n2 = pl.at outs(%ao = %a : !pl.tensor<16x128xf32>, %bo = %b : !pl.tensor<16x128xf32>) attributes {name = "acc"} {
      %t = pl.slice %x[%row, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %w1, %w2 = scf.if %later -> (!pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>) {
        %oa = pl.slice %ao[%c0, %c0] : !pl.tensor<16x128xf32> -> !pl.tile<16x128xf32, vec>
        %sa = pl.add %oa, %t : !pl.tile<16x128xf32, vec>
        %wa = pl.assemble %sa into %ao[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<16x128xf32> -> !pl.tensor<16x128xf32>
        %ob = pl.slice %bo[%c0, %c0] : !pl.tensor<16x128xf32> -> !pl.tile<16x128xf32, vec>
        %sb = pl.add %ob, %t : !pl.tile<16x128xf32, vec>
        %wb = pl.assemble %sb into %bo[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<16x128xf32> -> !pl.tensor<16x128xf32>
        scf.yield %wa, %wb : !pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>
      } else {
        %wa = pl.assemble %t into %ao[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<16x128xf32> -> !pl.tensor<16x128xf32>
        %wb = pl.assemble %t into %bo[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<16x128xf32> -> !pl.tensor<16x128xf32>
        scf.yield %wa, %wb : !pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>
      }
      pl.yield %w1, %w2 : !pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>
    }
    scf.yield %n1, %n2 : !pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>
  }
  func.return %r1, %r2 : !pl.tensor<16x128xf32>, !pl.tensor<16x128xf32>
}

// -----

// Correct Out patterns are accepted.  `state` is written slot by slot through a flat view by a loop of
// disjoint tiles, then all slots are read (the boxes of the view map back to the state's); `part` is read
// by a later task only in the rows an earlier task wrote.  `undeclared` gets the same treatment as state:
// fully written through the view before its read -> out.
// CHECK-LABEL: func.func @written_then_read
// CHECK-SAME:    %state: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<out>}, %part: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>}, %undeclared: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<out>}, %pooled: !pl.tensor<4x64xf32> {pl.dir = #pl.dir<out>}
func.func @written_then_read(%x: !pl.tensor<4x64xf32>, %state: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<out>}, %part: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>}, %undeclared: !pl.tensor<4x8x64xf32>, %pooled: !pl.tensor<4x64xf32> {pl.dir = #pl.dir<out>}) -> (!pl.tensor<4x8x64xf32>, !pl.tensor<32x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x64xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %flat = pl.reshape %state : !pl.tensor<4x8x64xf32> -> !pl.tensor<4x512xf32>
  %uflat = pl.reshape %undeclared : !pl.tensor<4x8x64xf32> -> !pl.tensor<4x512xf32>
  %f1, %u1 = scf.for %s = %c0 to %c8 step %c1 iter_args(%fc = %flat, %uc = %uflat) -> (!pl.tensor<4x512xf32>, !pl.tensor<4x512xf32>) {
    %f2, %u2 = pl.at outs(%fo = %fc : !pl.tensor<4x512xf32>, %uo = %uc : !pl.tensor<4x512xf32>) attributes {name = "scatter"} {
      %col = arith.muli %s, %c64 : index
      %t = pl.slice %x[%c0, %c0] : !pl.tensor<4x64xf32> -> !pl.tile<4x64xf32, vec>
      %f3 = pl.assemble %t into %fo[%c0, %col] : !pl.tile<4x64xf32, vec> into !pl.tensor<4x512xf32> -> !pl.tensor<4x512xf32>
      %u3 = pl.assemble %t into %uo[%c0, %col] : !pl.tile<4x64xf32, vec> into !pl.tensor<4x512xf32> -> !pl.tensor<4x512xf32>
      pl.yield %f3, %u3 : !pl.tensor<4x512xf32>, !pl.tensor<4x512xf32>
    }
    scf.yield %f2, %u2 : !pl.tensor<4x512xf32>, !pl.tensor<4x512xf32>
  }
  %p1 = pl.at outs(%po = %part : !pl.tensor<32x64xf32>) attributes {name = "top"} {
    %t = pl.slice %x[%c0, %c0] : !pl.tensor<4x64xf32> -> !pl.tile<4x64xf32, vec>
    %p2 = pl.assemble %t into %po[%c4, %c0] : !pl.tile<4x64xf32, vec> into !pl.tensor<32x64xf32> -> !pl.tensor<32x64xf32>
    pl.yield %p2 : !pl.tensor<32x64xf32>
  }
  %o1 = pl.at outs(%oo = %pooled : !pl.tensor<4x64xf32>) attributes {name = "pool"} {
    %first = pl.slice %p1[%c4, %c0] : !pl.tensor<32x64xf32> -> !pl.tile<4x64xf32, vec>
    %sum = scf.for %s = %c0 to %c8 step %c1 iter_args(%acc = %first) -> (!pl.tile<4x64xf32, vec>) {
      %col = arith.muli %s, %c64 : index
      %slot = pl.slice %f1[%c0, %col] : !pl.tensor<4x512xf32> -> !pl.tile<4x64xf32, vec>
      %uslot = pl.slice %u1[%c0, %col] : !pl.tensor<4x512xf32> -> !pl.tile<4x64xf32, vec>
      %a1 = pl.add %acc, %slot : !pl.tile<4x64xf32, vec>
      %a2 = pl.add %a1, %uslot : !pl.tile<4x64xf32, vec>
      scf.yield %a2 : !pl.tile<4x64xf32, vec>
    }
    %o2 = pl.assemble %sum into %oo[%c0, %c0] : !pl.tile<4x64xf32, vec> into !pl.tensor<4x64xf32> -> !pl.tensor<4x64xf32>
    pl.yield %o2 : !pl.tensor<4x64xf32>
  }
  %sback = pl.reshape %f1 : !pl.tensor<4x512xf32> -> !pl.tensor<4x8x64xf32>
  %uback = pl.reshape %u1 : !pl.tensor<4x512xf32> -> !pl.tensor<4x8x64xf32>
  func.return %sback, %p1, %uback, %o1 : !pl.tensor<4x8x64xf32>, !pl.tensor<32x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x64xf32>
}
