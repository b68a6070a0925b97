// RUN: ppc-opt %s --split-input-file -p pl-ssa | filecheck %s
// RUN: ppc-opt %s --split-input-file -p pl-ssa | filecheck %s --check-prefix=NOLOCAL

// NOLOCAL-NOT: pl.local

// A variable set in both branches becomes the scf.if's result.
// CHECK-LABEL: func.func @both_branches
// CHECK:         %[[R:.*]] = scf.if %{{.*}} -> (i32) {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %b : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : i32
func.func @both_branches(%c: i1, %a: i32, %b: i32) -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  scf.if %c {
    pl.local.set %x, %a : i32
  } else {
    pl.local.set %x, %b : i32
  }
  %r = pl.local.get %x : i32
  func.return %r : i32
}

// -----

// Set in one branch with a prior value: the other branch yields the incoming value; an if without an
// else arm gets one.
// CHECK-LABEL: func.func @one_branch_prior
// CHECK:         %[[R:.*]] = scf.if %{{.*}} -> (i32) {
// CHECK-NEXT:      scf.yield %b : i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[S:.*]] = arith.addi %[[R]], %a : i32
// CHECK-NEXT:    func.return %[[S]] : i32
func.func @one_branch_prior(%c: i1, %a: i32, %b: i32) -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  pl.local.set %x, %a : i32
  scf.if %c {
    pl.local.set %x, %b : i32
  }
  %r = pl.local.get %x : i32
  %s = arith.addi %r, %a : i32
  func.return %s : i32
}

// -----

// A variable assigned in a branch but never read after the if is not a result.
// CHECK-LABEL: func.func @dead_after_if
// CHECK:         scf.if %{{.*}} {
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %a : i32
func.func @dead_after_if(%c: i1, %a: i32, %b: i32) -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  pl.local.set %x, %a : i32
  scf.if %c {
    pl.local.set %x, %b : i32
  }
  func.return %a : i32
}

// -----

// Sibling loops reusing a fresh name: `t` is assigned before it is read in each loop, so neither loop
// carries it; only the accumulated tensor `y` is an iter_arg.
// CHECK-LABEL: func.func @sibling_loops
// CHECK:         %[[Y1:.*]] = scf.for %[[I:.*]] = %c0 to %c4 step %c1 iter_args(%[[YA:.*]] = %y) -> (!pl.tensor<4x16xf32>) {
// CHECK-NEXT:      %[[T:.*]] = pl.slice %x[%[[I]], %c0]
// CHECK-NEXT:      %[[A:.*]] = pl.assemble %[[T]] into %[[YA]]
// CHECK-NEXT:      scf.yield %[[A]] : !pl.tensor<4x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[Y2:.*]] = scf.for %[[J:.*]] = %c0 to %c4 step %c1 iter_args(%[[YB:.*]] = %[[Y1]]) -> (!pl.tensor<4x16xf32>) {
// CHECK-NEXT:      %[[U:.*]] = pl.slice %x[%[[J]], %c0]
// CHECK-NEXT:      %[[E:.*]] = pl.exp %[[U]]
// CHECK-NEXT:      %[[B:.*]] = pl.assemble %[[E]] into %[[YB]]
// CHECK-NEXT:      scf.yield %[[B]] : !pl.tensor<4x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[Y2]]
func.func @sibling_loops(%x: !pl.tensor<4x16xf32>, %y: !pl.tensor<4x16xf32>) -> !pl.tensor<4x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<4x16xf32>>
  %tv = pl.local.decl "t" : !pl.ref<!pl.tile<1x16xf32, vec>>
  pl.local.set %yv, %y : !pl.tensor<4x16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %s = pl.slice %x[%i, %c0] : !pl.tensor<4x16xf32> -> !pl.tile<1x16xf32, vec>
    pl.local.set %tv, %s : !pl.tile<1x16xf32, vec>
    %t = pl.local.get %tv : !pl.tile<1x16xf32, vec>
    %y0 = pl.local.get %yv : !pl.tensor<4x16xf32>
    %y1 = pl.assemble %t into %y0[%i, %c0] : !pl.tile<1x16xf32, vec> into !pl.tensor<4x16xf32> -> !pl.tensor<4x16xf32>
    pl.local.set %yv, %y1 : !pl.tensor<4x16xf32>
  }
  scf.for %j = %c0 to %c4 step %c1 {
    %s = pl.slice %x[%j, %c0] : !pl.tensor<4x16xf32> -> !pl.tile<1x16xf32, vec>
    pl.local.set %tv, %s : !pl.tile<1x16xf32, vec>
    %t = pl.local.get %tv : !pl.tile<1x16xf32, vec>
    %e = pl.exp %t : !pl.tile<1x16xf32, vec>
    %y0 = pl.local.get %yv : !pl.tensor<4x16xf32>
    %y1 = pl.assemble %e into %y0[%j, %c0] : !pl.tile<1x16xf32, vec> into !pl.tensor<4x16xf32> -> !pl.tensor<4x16xf32>
    pl.local.set %yv, %y1 : !pl.tensor<4x16xf32>
  }
  %r = pl.local.get %yv : !pl.tensor<4x16xf32>
  func.return %r : !pl.tensor<4x16xf32>
}

// -----

// A scalar re-assigned in a loop and read by the next iteration is carried even when unused after it.
// CHECK-LABEL: func.func @running_sum
// CHECK:         %{{.*}} = scf.for %{{.*}} = %c0 to %n step %c1 iter_args(%[[S:.*]] = %c0) -> (index) {
// CHECK-NEXT:      %[[N:.*]] = arith.addi %[[S]], %{{.*}} : index
// CHECK-NEXT:      func.call @sink(%[[N]])
// CHECK-NEXT:      scf.yield %[[N]] : index
func.func private @sink(index)
func.func @running_sum(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %sv = pl.local.decl "s" : !pl.ref<index>
  pl.local.set %sv, %c0 : index
  scf.for %i = %c0 to %n step %c1 {
    %s = pl.local.get %sv : index
    %t = arith.addi %s, %i : index
    func.call @sink(%t) : (index) -> ()
    pl.local.set %sv, %t : index
  }
  func.return
}

// -----

// `pl.spmd` in both arms of an if/else, each defining `offset = i * 2` (declared in the function, as
// well as in the scope): the offsets stay inside their scopes, the written tensor `y` is threaded through
// each scope as an out and becomes the scf.if's result.
// CHECK-LABEL: func.func @spmd_in_both_arms
// CHECK:         %[[R:.*]] = scf.if %flag -> (!pl.tensor<8x16xf32>) {
// CHECK-NEXT:      %[[A:.*]] = pl.spmd (%[[I:.*]]) in %c4 outs(%[[O:.*]] = %y : !pl.tensor<8x16xf32>) attributes {name = "a"} {
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[I]], %c2 : index
// CHECK-NEXT:        %[[T:.*]] = pl.slice %x[%[[OFF]], %c0]
// CHECK-NEXT:        %[[W:.*]] = pl.assemble %[[T]] into %[[O]][%[[OFF]], %c0]
// CHECK-NEXT:        pl.yield %[[W]] : !pl.tensor<8x16xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[A]] : !pl.tensor<8x16xf32>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[B:.*]] = pl.spmd (%[[K:.*]]) in %c4 outs(%[[P:.*]] = %y : !pl.tensor<8x16xf32>) attributes {name = "b"} {
// CHECK-NEXT:        %[[OFF2:.*]] = arith.muli %[[K]], %c2 : index
// CHECK-NEXT:        %[[U:.*]] = pl.slice %x[%[[OFF2]], %c0]
// CHECK-NEXT:        %[[E:.*]] = pl.exp %[[U]]
// CHECK-NEXT:        %[[V:.*]] = pl.assemble %[[E]] into %[[P]][%[[OFF2]], %c0]
// CHECK-NEXT:        pl.yield %[[V]] : !pl.tensor<8x16xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[B]] : !pl.tensor<8x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]]
func.func @spmd_in_both_arms(%x: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>, %flag: i1) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<8x16xf32>>
  %offv = pl.local.decl "offset" : !pl.ref<index>
  pl.local.set %yv, %y : !pl.tensor<8x16xf32>
  scf.if %flag {
    pl.spmd (%i) in %c4 attributes {name = "a"} {
      %o = arith.muli %i, %c2 : index
      pl.local.set %offv, %o : index
      %off = pl.local.get %offv : index
      %t = pl.slice %x[%off, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<2x16xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<8x16xf32>
      %y1 = pl.assemble %t into %y0[%off, %c0] : !pl.tile<2x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.local.set %yv, %y1 : !pl.tensor<8x16xf32>
    }
  } else {
    pl.spmd (%i) in %c4 attributes {name = "b"} {
      %offw = pl.local.decl "offset" : !pl.ref<index>
      %o = arith.muli %i, %c2 : index
      pl.local.set %offw, %o : index
      %off = pl.local.get %offw : index
      %t = pl.slice %x[%off, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<2x16xf32, vec>
      %e = pl.exp %t : !pl.tile<2x16xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<8x16xf32>
      %y1 = pl.assemble %e into %y0[%off, %c0] : !pl.tile<2x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.local.set %yv, %y1 : !pl.tensor<8x16xf32>
    }
  }
  %r = pl.local.get %yv : !pl.tensor<8x16xf32>
  func.return %r : !pl.tensor<8x16xf32>
}

// -----

// A loop-local scalar used as an spmd block count; the spmd's output tensor is carried by the loop.
// CHECK-LABEL: func.func @loop_local_block_count
// CHECK:         %[[Y:.*]] = scf.for %[[R:.*]] = %c1 to %c3 step %c1 iter_args(%[[YC:.*]] = %y) -> (!pl.tensor<8x16xf32>) {
// CHECK-NEXT:      %[[N:.*]] = arith.muli %[[R]], %c2 : index
// CHECK-NEXT:      %[[S:.*]] = pl.spmd (%[[I:.*]]) in %[[N]] outs(%[[O:.*]] = %[[YC]] : !pl.tensor<8x16xf32>) attributes {name = "k"} {
// CHECK-NEXT:        %[[T:.*]] = pl.slice %x[%[[I]], %c0]
// CHECK-NEXT:        %[[W:.*]] = pl.assemble %[[T]] into %[[O]][%[[I]], %c0]
// CHECK-NEXT:        pl.yield %[[W]]
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[S]] : !pl.tensor<8x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[Y]]
func.func @loop_local_block_count(%x: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<8x16xf32>>
  %nv = pl.local.decl "n" : !pl.ref<index>
  pl.local.set %yv, %y : !pl.tensor<8x16xf32>
  scf.for %r = %c1 to %c3 step %c1 {
    %m = arith.muli %r, %c2 : index
    pl.local.set %nv, %m : index
    %n = pl.local.get %nv : index
    pl.spmd (%i) in %n attributes {name = "k"} {
      %t = pl.slice %x[%i, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<1x16xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<8x16xf32>
      %y1 = pl.assemble %t into %y0[%i, %c0] : !pl.tile<1x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.local.set %yv, %y1 : !pl.tensor<8x16xf32>
    }
  } {pl.loop = #pl.loop<range>}
  %r = pl.local.get %yv : !pl.tensor<8x16xf32>
  func.return %r : !pl.tensor<8x16xf32>
}

// -----

// The `if k == 0` matmul / matmul_acc peel inside a pipelined loop inside an spmd: `acc` is first
// assigned inside the loop, so it is carried from pl.undef, which the first iteration provably never reads;
// the loop runs at least once, so `acc` is defined after it.
// CHECK-LABEL: func.func @matmul_peel
// CHECK:         %[[OUT:.*]] = pl.spmd (%[[B:.*]]) in %c2 outs(%[[O:.*]] = %out : !pl.tensor<32x32xf32>) attributes {name = "mm"} {
// CHECK-NEXT:      %[[ROW:.*]] = arith.muli %[[B]], %c16 : index
// CHECK-NEXT:      %[[INIT:.*]] = pl.undef : !pl.tile<16x32xf32, acc>
// CHECK-NEXT:      %[[ACC:.*]] = scf.for %[[K:.*]] = %c0 to %c64 step %c32 iter_args(%[[A:.*]] = %[[INIT]]) -> (!pl.tile<16x32xf32, acc>) {
// CHECK-NEXT:        %[[L:.*]] = pl.slice %a[%[[ROW]], %[[K]]]
// CHECK-NEXT:        %[[R:.*]] = pl.slice %w[%[[K]], %c0]
// CHECK-NEXT:        %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0 : index
// CHECK-NEXT:        %[[NEXT:.*]] = scf.if %[[FIRST]] -> (!pl.tile<16x32xf32, acc>) {
// CHECK-NEXT:          %[[M:.*]] = pl.matmul %[[L]], %[[R]]
// CHECK-NEXT:          scf.yield %[[M]]
// CHECK-NEXT:        } else {
// CHECK-NEXT:          %[[MA:.*]] = pl.matmul_acc %[[A]], %[[L]], %[[R]]
// CHECK-NEXT:          scf.yield %[[MA]]
// CHECK-NEXT:        }
// CHECK-NEXT:        scf.yield %[[NEXT]] : !pl.tile<16x32xf32, acc>
// CHECK-NEXT:      } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
// CHECK-NEXT:      %[[W:.*]] = pl.assemble %[[ACC]] into %[[O]][%[[ROW]], %c0]
// CHECK-NEXT:      pl.yield %[[W]] : !pl.tensor<32x32xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[OUT]]
func.func @matmul_peel(%a: !pl.tensor<32x64xbf16>, %w: !pl.tensor<64x32xbf16>, %out: !pl.tensor<32x32xf32>) -> !pl.tensor<32x32xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %outv = pl.local.decl "out" : !pl.ref<!pl.tensor<32x32xf32>>
  pl.local.set %outv, %out : !pl.tensor<32x32xf32>
  pl.spmd (%b) in %c2 attributes {name = "mm"} {
    %accv = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
    %rowv = pl.local.decl "row" : !pl.ref<index>
    %row0 = arith.muli %b, %c16 : index
    pl.local.set %rowv, %row0 : index
    scf.for %k = %c0 to %c64 step %c32 {
      %row = pl.local.get %rowv : index
      %l = pl.slice %a[%row, %k] : !pl.tensor<32x64xbf16> -> !pl.tile<16x32xbf16, left>
      %r = pl.slice %w[%k, %c0] : !pl.tensor<64x32xbf16> -> !pl.tile<32x32xbf16, right>
      %first = arith.cmpi eq, %k, %c0 : index
      scf.if %first {
        %m = pl.matmul %l, %r : (!pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
        pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
      } else {
        %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc>
        %m = pl.matmul_acc %acc, %l, %r : (!pl.tile<16x32xf32, acc>, !pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
        pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
      }
    } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
    %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc>
    %row = pl.local.get %rowv : index
    %o0 = pl.local.get %outv : !pl.tensor<32x32xf32>
    %o1 = pl.assemble %acc into %o0[%row, %c0] : !pl.tile<16x32xf32, acc> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32>
    pl.local.set %outv, %o1 : !pl.tensor<32x32xf32>
  }
  %r = pl.local.get %outv : !pl.tensor<32x32xf32>
  func.return %r : !pl.tensor<32x32xf32>
}

// -----

// A tensor accumulated with assemble across nested loops is carried by both loops (outer iter_arg feeds
// the inner loop's init; the inner result is the outer yield).
// CHECK-LABEL: func.func @nested_assemble
// CHECK:         %[[YO:.*]] = scf.for %[[I:.*]] = %c0 to %c4 step %c2 iter_args(%[[Y1:.*]] = %y) -> (!pl.tensor<4x32xf32>) {
// CHECK-NEXT:      %[[YI:.*]] = scf.for %[[J:.*]] = %c0 to %c32 step %c16 iter_args(%[[Y2:.*]] = %[[Y1]]) -> (!pl.tensor<4x32xf32>) {
// CHECK-NEXT:        %[[T:.*]] = pl.slice %x[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[W:.*]] = pl.assemble %[[T]] into %[[Y2]][%[[I]], %[[J]]]
// CHECK-NEXT:        scf.yield %[[W]] : !pl.tensor<4x32xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[YI]] : !pl.tensor<4x32xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[YO]]
func.func @nested_assemble(%x: !pl.tensor<4x32xf32>, %y: !pl.tensor<4x32xf32>) -> !pl.tensor<4x32xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<4x32xf32>>
  pl.local.set %yv, %y : !pl.tensor<4x32xf32>
  scf.for %i = %c0 to %c4 step %c2 {
    scf.for %j = %c0 to %c32 step %c16 {
      %t = pl.slice %x[%i, %j] : !pl.tensor<4x32xf32> -> !pl.tile<2x16xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<4x32xf32>
      %y1 = pl.assemble %t into %y0[%i, %j] : !pl.tile<2x16xf32, vec> into !pl.tensor<4x32xf32> -> !pl.tensor<4x32xf32>
      pl.local.set %yv, %y1 : !pl.tensor<4x32xf32>
    }
  }
  %r = pl.local.get %yv : !pl.tensor<4x32xf32>
  func.return %r : !pl.tensor<4x32xf32>
}

// -----

// Several carried variables are ordered by declaration (not by first assignment); an existing out of a
// task scope stays first and a captured outer scalar is used directly inside the scope.
// CHECK-LABEL: func.func @ordering
// CHECK:         %[[A:.*]], %[[B:.*]] = scf.for %{{.*}} = %c0 to %c4 step %c1 iter_args(%[[AI:.*]] = %a0, %[[BI:.*]] = %b0) -> (index, index) {
// CHECK-NEXT:      %[[B1:.*]] = arith.addi %[[BI]], %{{.*}} : index
// CHECK-NEXT:      %[[A1:.*]] = arith.addi %[[AI]], %[[B1]] : index
// CHECK-NEXT:      scf.yield %[[A1]], %[[B1]] : index, index
// CHECK:         %{{.*}}, %[[Q2:.*]] = pl.at outs(%[[P:.*]] = %p : !pl.tensor<4x16xf32>, %[[Q:.*]] = %q : !pl.tensor<4x16xf32>) attributes {name = "t"} {
// CHECK-NEXT:      %[[T:.*]] = pl.slice %[[P]][%[[A]], %c0]
// CHECK-NEXT:      %[[Q1:.*]] = pl.assemble %[[T]] into %[[Q]]
// CHECK-NEXT:      pl.yield %[[P]], %[[Q1]] : !pl.tensor<4x16xf32>, !pl.tensor<4x16xf32>
// CHECK:         func.return %[[A]], %[[B]], %[[Q2]]
func.func @ordering(%a0: index, %b0: index, %p: !pl.tensor<4x16xf32>, %q: !pl.tensor<4x16xf32>) -> (index, index, !pl.tensor<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %av = pl.local.decl "a" : !pl.ref<index>
  %bv = pl.local.decl "b" : !pl.ref<index>
  %qv = pl.local.decl "q" : !pl.ref<!pl.tensor<4x16xf32>>
  pl.local.set %av, %a0 : index
  pl.local.set %bv, %b0 : index
  pl.local.set %qv, %q : !pl.tensor<4x16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %b = pl.local.get %bv : index
    %b1 = arith.addi %b, %i : index
    pl.local.set %bv, %b1 : index
    %a = pl.local.get %av : index
    %a1 = arith.addi %a, %b1 : index
    pl.local.set %av, %a1 : index
  }
  %p2 = pl.at outs(%po = %p : !pl.tensor<4x16xf32>) attributes {name = "t"} {
    %a = pl.local.get %av : index
    %t = pl.slice %po[%a, %c0] : !pl.tensor<4x16xf32> -> !pl.tile<1x16xf32, vec>
    %q0 = pl.local.get %qv : !pl.tensor<4x16xf32>
    %q1 = pl.assemble %t into %q0[%c0, %c0] : !pl.tile<1x16xf32, vec> into !pl.tensor<4x16xf32> -> !pl.tensor<4x16xf32>
    pl.local.set %qv, %q1 : !pl.tensor<4x16xf32>
    pl.yield %po : !pl.tensor<4x16xf32>
  }
  %ar = pl.local.get %av : index
  %br = pl.local.get %bv : index
  %qr = pl.local.get %qv : !pl.tensor<4x16xf32>
  func.return %ar, %br, %qr : index, index, !pl.tensor<4x16xf32>
}

// -----

// The guard may also select the later iterations (`k > 0` on an i32 copy of the index): the then-arm
// reads the carried value, the else-arm is the first iteration.
// CHECK-LABEL: func.func @guard_later_iterations
// CHECK:         %[[INIT:.*]] = pl.undef : !pl.tile<16x32xf32, acc>
// CHECK-NEXT:    %[[ACC:.*]] = scf.for %[[K:.*]] = %c0 to %c4 step %c1 iter_args(%[[A:.*]] = %[[INIT]]) -> (!pl.tile<16x32xf32, acc>) {
// CHECK:           scf.if %{{.*}} -> (!pl.tile<16x32xf32, acc>) {
// CHECK-NEXT:        %[[MA:.*]] = pl.matmul_acc %[[A]], %a, %b
// CHECK-NEXT:        scf.yield %[[MA]]
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %[[M:.*]] = pl.matmul %a, %b
// CHECK-NEXT:        scf.yield %[[M]]
// CHECK:         func.return %[[ACC]]
func.func @guard_later_iterations(%a: !pl.tile<16x32xbf16, left>, %b: !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i32
  %accv = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
  scf.for %k = %c0 to %c4 step %c1 {
    %ki = arith.index_cast %k : index to i32
    %later = arith.cmpi sgt, %ki, %zero : i32
    scf.if %later {
      %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc>
      %m = pl.matmul_acc %acc, %a, %b : (!pl.tile<16x32xf32, acc>, !pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
      pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
    } else {
      %m = pl.matmul %a, %b : (!pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
      pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
    }
  }
  %r = pl.local.get %accv : !pl.tile<16x32xf32, acc>
  func.return %r : !pl.tile<16x32xf32, acc>
}

// -----

// CHECK-LABEL: func.func @tile_into_later_task
// CHECK:         %[[T:.*]] = pl.at -> (!pl.tile<8x16xf32, vec>) attributes {name = "produce"} {
// CHECK:           %[[E:.*]] = pl.exp
// CHECK-NEXT:      pl.yield %[[E]] : !pl.tile<8x16xf32, vec>
// CHECK:         %[[Y:.*]] = pl.at outs(%[[YO:.*]] = %y : !pl.tensor<8x16xf32>) attributes {name = "consume"} {
// CHECK-NEXT:      %[[Y1:.*]] = pl.assemble %[[T]] into %[[YO]]
// CHECK-NEXT:      pl.yield %[[Y1]] : !pl.tensor<8x16xf32>
// CHECK:         func.return %[[Y]]
// A tile first assigned in one pl.at and read in a later one leaves the first as an escaping result.
func.func @tile_into_later_task(%x: !pl.tensor<8x16xf32>, %y: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %tv = pl.local.decl "t" : !pl.ref<!pl.tile<8x16xf32, vec>>
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<8x16xf32>>
  pl.local.set %yv, %y : !pl.tensor<8x16xf32>
  pl.at attributes {name = "produce"} {
    %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
    %e = pl.exp %s : !pl.tile<8x16xf32, vec>
    pl.local.set %tv, %e : !pl.tile<8x16xf32, vec>
  }
  pl.at attributes {name = "consume"} {
    %t = pl.local.get %tv : !pl.tile<8x16xf32, vec>
    %y0 = pl.local.get %yv : !pl.tensor<8x16xf32>
    %y1 = pl.assemble %t into %y0[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
    pl.local.set %yv, %y1 : !pl.tensor<8x16xf32>
  }
  %r = pl.local.get %yv : !pl.tensor<8x16xf32>
  func.return %r : !pl.tensor<8x16xf32>
}


// -----

// CHECK-LABEL: func.func @spmd_tensor_into_orchestration
// CHECK:         %[[BUF:.*]] = pl.spmd (%{{.*}}) in %c2 -> (!pl.tensor<8x16xf32>) attributes {name = "halves"} {
// CHECK:           %[[FRESH:.*]] = pl.create_tensor
// CHECK:           %[[B1:.*]] = pl.assemble %{{.*}} into %[[FRESH]]
// CHECK-NEXT:      pl.yield %[[B1]] : !pl.tensor<8x16xf32>
// CHECK:         func.return %[[BUF]]
// A tensor created and written per block inside a pl.spmd, returned by the orchestration.
func.func @spmd_tensor_into_orchestration(%x: !pl.tensor<8x16xf32>) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %bv = pl.local.decl "buf" : !pl.ref<!pl.tensor<8x16xf32>>
  pl.spmd (%i) in %c2 attributes {name = "halves"} {
    %row = arith.muli %i, %c4 : index
    %fresh = pl.create_tensor : !pl.tensor<8x16xf32>
    pl.local.set %bv, %fresh : !pl.tensor<8x16xf32>
    %s = pl.slice %x[%row, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<4x16xf32, vec>
    %b0 = pl.local.get %bv : !pl.tensor<8x16xf32>
    %b1 = pl.assemble %s into %b0[%row, %c0] : !pl.tile<4x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
    pl.local.set %bv, %b1 : !pl.tensor<8x16xf32>
  }
  %r = pl.local.get %bv : !pl.tensor<8x16xf32>
  func.return %r : !pl.tensor<8x16xf32>
}


// -----

// The `in_if` task rebinds `t` to a new tensor without touching its old value (`x`): the new one leaves the
// scope instead of being written over `x`.  The `in_loop` task reads the old `t` (a captured value) and
// rebinds it too.
// CHECK-LABEL: func.func @escape_in_if_and_loop
// CHECK:         %[[T:.*]] = scf.if %c -> (!pl.tensor<8x16xf32>) {
// CHECK-NEXT:      %[[T1:.*]] = pl.at -> (!pl.tensor<8x16xf32>) attributes {name = "in_if"} {
// CHECK:           scf.yield %[[T1]]
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %x
// CHECK:         %[[TL:.*]] = scf.for %{{.*}} iter_args(%[[TC:.*]] = %[[T]])
// CHECK-NEXT:      %[[T4:.*]] = pl.at -> (!pl.tensor<8x16xf32>) attributes {name = "in_loop"} {
// CHECK-NEXT:        pl.slice %[[TC]]
// CHECK:           scf.yield %[[T4]]
// CHECK:         func.return %[[TL]]
// Escaping from a task inside an scf.if (the other arm keeps the value from before) and inside a loop.
func.func @escape_in_if_and_loop(%x: !pl.tensor<8x16xf32>, %c: i1) -> !pl.tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %tv = pl.local.decl "t" : !pl.ref<!pl.tensor<8x16xf32>>
  pl.local.set %tv, %x : !pl.tensor<8x16xf32>
  scf.if %c {
    pl.at attributes {name = "in_if"} {
      %fresh = pl.create_tensor : !pl.tensor<8x16xf32>
      %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
      %n = pl.neg %s : !pl.tile<8x16xf32, vec>
      %w = pl.assemble %n into %fresh[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.local.set %tv, %w : !pl.tensor<8x16xf32>
    }
  }
  scf.for %k = %c0 to %c3 step %c1 {
    pl.at attributes {name = "in_loop"} {
      %t0 = pl.local.get %tv : !pl.tensor<8x16xf32>
      %s = pl.slice %t0[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
      %e = pl.exp %s : !pl.tile<8x16xf32, vec>
      %fresh = pl.create_tensor : !pl.tensor<8x16xf32>
      %w = pl.assemble %e into %fresh[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
      pl.local.set %tv, %w : !pl.tensor<8x16xf32>
    }
  }
  %r = pl.local.get %tv : !pl.tensor<8x16xf32>
  func.return %r : !pl.tensor<8x16xf32>
}

// -----

// A view of an outer tensor made inside a task scope and written there (in a loop) is hoisted before the
// scope and becomes an out, carried by the loop and yielded: the write reaches %y, as a PyPTO reshape view
// shares its base's memory.  A view that is only read stays inside.
// CHECK-LABEL: func.func @view_made_inside_task
// CHECK:         %[[V:.*]] = pl.reshape %y : !pl.tensor<16x64xf32> -> !pl.tensor<32x32xf32>
// CHECK-NEXT:    %{{.*}} = pl.at outs(%[[A:.*]] = %[[V]] : !pl.tensor<32x32xf32>) attributes {name = "t"} {
// CHECK-NEXT:      %[[R:.*]] = pl.reshape %x
// CHECK:           %[[L:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[C:.*]] = %[[A]]) -> (!pl.tensor<32x32xf32>) {
// CHECK-NEXT:        %[[T:.*]] = pl.slice %[[R]]
// CHECK-NEXT:        %[[W:.*]] = pl.assemble %[[T]] into %[[C]][%[[I]], %{{.*}}]
// CHECK-NEXT:        scf.yield %[[W]] : !pl.tensor<32x32xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:      pl.yield %[[L]] : !pl.tensor<32x32xf32>
func.func @view_made_inside_task(%x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32>) -> !pl.tensor<16x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  pl.at attributes {name = "t"} {
    %xv = pl.reshape %x : !pl.tensor<16x64xf32> -> !pl.tensor<32x32xf32>
    scf.for %i = %c0 to %c4 step %c1 {
      %v = pl.reshape %y : !pl.tensor<16x64xf32> -> !pl.tensor<32x32xf32>
      %t = pl.slice %xv[%i, %c0] : !pl.tensor<32x32xf32> -> !pl.tile<1x32xf32, vec>
      %w = pl.assemble %t into %v[%i, %c0] : !pl.tile<1x32xf32, vec> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32>
      scf.yield
    }
    pl.yield
  }
  func.return %y : !pl.tensor<16x64xf32>
}
