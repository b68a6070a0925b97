// RUN: ppc-opt %s --split-input-file -p pl-inline | filecheck %s
// RUN: ppc-opt %s --split-input-file -p pl-inline,pl-ssa | filecheck %s --check-prefix=SSA
// RUN: ppc-opt %s --split-input-file -p pl-inline | filecheck %s --check-prefix=GONE

// GONE-NOT: func.func @softplusish
// GONE-NOT: func.func @outer_helper
// GONE-NOT: func.func @inner_helper

// Each call of an inline helper is replaced by a copy of its body (locals included: pl-ssa resolves
// them afterwards); helpers that are no longer referenced are removed, other functions stay.
// CHECK-LABEL: func.func @entry
// CHECK-NEXT:    %[[V1:.*]] = pl.local.decl "v" : !pl.ref<!pl.tile<1x16xf32, vec>>
// CHECK-NEXT:    pl.local.set %[[V1]], %x : !pl.tile<1x16xf32, vec>
// CHECK-NEXT:    %[[G1:.*]] = pl.local.get %[[V1]]
// CHECK-NEXT:    %[[E1:.*]] = pl.exp %[[G1]]
// CHECK-NEXT:    %[[S1:.*]] = pl.add %[[E1]], %[[G1]]
// CHECK-NEXT:    %[[V2:.*]] = pl.local.decl "v" : !pl.ref<!pl.tile<1x16xf32, vec>>
// CHECK-NEXT:    pl.local.set %[[V2]], %[[S1]] : !pl.tile<1x16xf32, vec>
// CHECK-NEXT:    %[[G2:.*]] = pl.local.get %[[V2]]
// CHECK-NEXT:    %[[E2:.*]] = pl.exp %[[G2]]
// CHECK-NEXT:    %[[S2:.*]] = pl.add %[[E2]], %[[G2]]
// CHECK-NEXT:    %[[K:.*]] = func.call @kept(%[[S2]])
// CHECK-NEXT:    func.return %[[K]]
// CHECK-NEXT:  }
// CHECK-NEXT:  func.func @kept

// SSA-LABEL: func.func @entry
// SSA-NEXT:    %[[E1:.*]] = pl.exp %x
// SSA-NEXT:    %[[S1:.*]] = pl.add %[[E1]], %x
// SSA-NEXT:    %[[E2:.*]] = pl.exp %[[S1]]
// SSA-NEXT:    %[[S2:.*]] = pl.add %[[E2]], %[[S1]]
// SSA-NEXT:    func.call @kept(%[[S2]])
func.func @softplusish(%v: !pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec> attributes {pl.kind = #pl.kind<inline>} {
  %vv = pl.local.decl "v" : !pl.ref<!pl.tile<1x16xf32, vec>>
  pl.local.set %vv, %v : !pl.tile<1x16xf32, vec>
  %a = pl.local.get %vv : !pl.tile<1x16xf32, vec>
  %e = pl.exp %a : !pl.tile<1x16xf32, vec>
  %s = pl.add %e, %a : !pl.tile<1x16xf32, vec>
  func.return %s : !pl.tile<1x16xf32, vec>
}
func.func @entry(%x: !pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec> attributes {pl.kind = #pl.kind<orchestration>} {
  %a = func.call @softplusish(%x) : (!pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec>
  %b = func.call @softplusish(%a) : (!pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec>
  %c = func.call @kept(%b) : (!pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec>
  func.return %c : !pl.tile<1x16xf32, vec>
}
func.func @kept(%v: !pl.tile<1x16xf32, vec>) -> !pl.tile<1x16xf32, vec> {
  func.return %v : !pl.tile<1x16xf32, vec>
}

// -----

// Inline helpers calling inline helpers, called from inside a task scope and a loop, are spliced all the way.
// CHECK-LABEL: func.func @nested_entry
// CHECK:         pl.spmd
// CHECK-NEXT:      scf.for
// CHECK-NEXT:        %[[M:.*]] = arith.muli
// CHECK-NEXT:        %[[A:.*]] = arith.addi %[[M]], %{{.*}} : index
// CHECK-NEXT:        func.call @sink(%[[A]])
func.func @inner_helper(%a: index) -> index attributes {pl.kind = #pl.kind<inline>} {
  %m = arith.muli %a, %a : index
  func.return %m : index
}
func.func @outer_helper(%a: index) -> index attributes {pl.kind = #pl.kind<inline>} {
  %m = func.call @inner_helper(%a) : (index) -> index
  %s = arith.addi %m, %a : index
  func.return %s : index
}
func.func private @sink(index)
func.func @nested_entry() attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  pl.spmd (%i) in %c4 attributes {name = "k"} {
    scf.for %j = %c0 to %c4 step %c1 {
      %r = func.call @outer_helper(%j) : (index) -> index
      func.call @sink(%r) : (index) -> ()
    }
  }
  func.return
}

// -----

// A helper writing into its tensor parameter writes the caller's tensor (one buffer on the device): the
// helper's variable becomes the caller's (declared here, as the caller never assigns %y), so the task
// scope around the call threads the write out (outs + yield) instead of dropping it as a dead value.
// CHECK-LABEL: func.func @writes_entry
// CHECK-NEXT:    %[[Y:.*]] = pl.local.decl "y" : !pl.ref<!pl.tensor<16x64xf32>>
// CHECK-NEXT:    pl.local.set %[[Y]], %y
// CHECK:         pl.spmd
// CHECK-NOT:       pl.local.decl
// CHECK:           %old = pl.local.get %[[Y]]
// CHECK-NEXT:      %new = pl.assemble %t into %old
// CHECK-NEXT:      pl.local.set %[[Y]], %new
// CHECK:         %[[R:.*]] = pl.local.get %[[Y]]
// CHECK-NEXT:    func.return %[[R]]

// SSA-LABEL: func.func @writes_entry
// SSA:         %[[OUT:.*]] = pl.spmd (%{{.*}}) in %{{.*}} outs(%[[YB:.*]] = %y : !pl.tensor<16x64xf32>)
// SSA:           %[[W:.*]] = pl.assemble %{{.*}} into %[[YB]]
// SSA-NEXT:      pl.yield %[[W]]
// SSA:         func.return %[[OUT]]
func.func @write_rows(%b: index, %x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32>) attributes {pl.kind = #pl.kind<inline>} {
  %yy = pl.local.decl "y" : !pl.ref<!pl.tensor<16x64xf32>>
  pl.local.set %yy, %y : !pl.tensor<16x64xf32>
  %c8 = arith.constant 8 : index
  %c0 = arith.constant 0 : index
  %r = arith.muli %b, %c8 : index
  %t = pl.slice %x[%r, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<8x64xf32, vec>
  %old = pl.local.get %yy : !pl.tensor<16x64xf32>
  %new = pl.assemble %t into %old[%r, %c0] : !pl.tile<8x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
  pl.local.set %yy, %new : !pl.tensor<16x64xf32>
  func.return
}
func.func @writes_entry(%x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<16x64xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c2 = arith.constant 2 : index
  pl.spmd (%i) in %c2 attributes {name = "k"} {
    func.call @write_rows(%i, %x, %y) : (index, !pl.tensor<16x64xf32>, !pl.tensor<16x64xf32>) -> ()
  }
  func.return %y : !pl.tensor<16x64xf32>
}

// -----

// The frontend declares all of a helper's variables before initialising them, so a written parameter's
// initialisation need not follow its declaration: `y` is still the caller's while `x` is rebound, and `x`'s
// own initialisation is kept.
// CHECK-LABEL: func.func @grouped_entry
// CHECK-NEXT:    %[[Y:.*]] = pl.local.decl "y" : !pl.ref<!pl.tensor<16x64xf32>>
// CHECK-NEXT:    pl.local.set %[[Y]], %y
// CHECK:         pl.at
// CHECK:           %[[X:.*]] = pl.local.decl "x"
// CHECK-NOT:       pl.local.decl
// CHECK:           pl.local.set %[[X]], %x
// CHECK:           pl.local.set %[[X]], %{{.*}}
// CHECK:           %old = pl.local.get %[[Y]]
// CHECK-NEXT:      %new = pl.assemble %{{.*}} into %old
// CHECK-NEXT:      pl.local.set %[[Y]], %new
// CHECK:         %[[R:.*]] = pl.local.get %[[Y]]
// CHECK-NEXT:    func.return %[[R]]

// SSA-LABEL: func.func @grouped_entry
// SSA:         %[[OUT:.*]] = pl.at {{.*}}outs(%[[YB:.*]] = %y : !pl.tensor<16x64xf32>)
// SSA:           %[[W:.*]] = pl.assemble %{{.*}} into %[[YB]]
// SSA-NEXT:      pl.yield %[[W]]
// SSA:         func.return %[[OUT]]
func.func @rebind_and_write(%x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32>) attributes {pl.kind = #pl.kind<inline>} {
  %xx = pl.local.decl "x" : !pl.ref<!pl.tensor<16x64xf32>>
  %yy = pl.local.decl "y" : !pl.ref<!pl.tensor<16x64xf32>>
  pl.local.set %xx, %x : !pl.tensor<16x64xf32>
  pl.local.set %yy, %y : !pl.tensor<16x64xf32>
  %x0 = pl.local.get %xx : !pl.tensor<16x64xf32>
  %x1 = pl.reshape %x0 : !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
  pl.local.set %xx, %x1 : !pl.tensor<16x64xf32>
  %x2 = pl.local.get %xx : !pl.tensor<16x64xf32>
  %c0 = arith.constant 0 : index
  %t = pl.slice %x2[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
  %e = pl.exp %t : !pl.tile<16x64xf32, vec>
  %old = pl.local.get %yy : !pl.tensor<16x64xf32>
  %new = pl.assemble %e into %old[%c0, %c0] : !pl.tile<16x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
  pl.local.set %yy, %new : !pl.tensor<16x64xf32>
  func.return
}
func.func @grouped_entry(%x: !pl.tensor<16x64xf32>, %y: !pl.tensor<16x64xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<16x64xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  pl.at attributes {level = #pl.level<core_group>} {
    func.call @rebind_and_write(%x, %y) : (!pl.tensor<16x64xf32>, !pl.tensor<16x64xf32>) -> ()
  }
  func.return %y : !pl.tensor<16x64xf32>
}
