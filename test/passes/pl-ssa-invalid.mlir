// RUN: ppc-opt %s --split-input-file --verify-diagnostics -p pl-ssa

// Set in one branch only and used after: the error is at the use and names the assignment.
func.func @then_only(%c: i1, %a: i32) -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  scf.if %c {
    pl.local.set %x, %a : i32
  }
  %r = pl.local.get %x : i32 // expected-error {{'x' may be undefined here: assigned only in the then-branch at}}
  func.return %r : i32
}

// -----

func.func @else_only(%c: i1, %a: i32) -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  scf.if %c {
  } else {
    pl.local.set %x, %a : i32
  }
  %r = pl.local.get %x : i32 // expected-error {{may be undefined here: assigned only in the else-branch at}}
  func.return %r : i32
}

// -----

func.func @never_assigned() -> i32 {
  %x = pl.local.decl "x" : !pl.ref<i32>
  %r = pl.local.get %x : i32 // expected-error {{'x' is used before it is assigned}}
  func.return %r : i32
}

// -----

// Assigned only inside a loop whose trip count is unknown: it may run zero times.
func.func @zero_trip(%n: index) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = pl.local.decl "v" : !pl.ref<index>
  scf.for %i = %c0 to %n step %c1 {
    pl.local.set %v, %i : index
  }
  %r = pl.local.get %v : index // expected-error {{pl-ssa-invalid.mlir:40:3, which may run zero times}}
  func.return %r : index
}

// -----

// Read before it is assigned in the loop body, without a first-iteration guard: a warning (the variable
// starts as pl.undef, whose read the executor reports), not an error.
func.func @unguarded_first_iteration(%a: !pl.tile<16x32xbf16, left>, %b: !pl.tile<32x32xbf16, right>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %accv = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
  scf.for %k = %c0 to %c4 step %c1 {
    %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc> // expected-warning {{'acc' may be undefined here: on the first iteration of the loop at}}
    %m = pl.matmul_acc %acc, %a, %b : (!pl.tile<16x32xf32, acc>, !pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
    pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
  }
  func.return
}

// -----

// `k != 0` selects the later iterations for the then-arm, so the else-arm is the first iteration and
// its read of `acc` is the undefined one.
func.func @guard_inverted(%a: !pl.tile<16x32xbf16, left>, %b: !pl.tile<32x32xbf16, right>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %accv = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
  scf.for %k = %c0 to %c4 step %c1 {
    %later = arith.cmpi ne, %k, %c0 : index
    scf.if %later {
      %m = pl.matmul %a, %b : (!pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
      pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
    } else {
      %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc> // expected-error {{'acc' may be undefined here: on the first iteration of the loop at}}
      %m = pl.matmul_acc %acc, %a, %b : (!pl.tile<16x32xf32, acc>, !pl.tile<16x32xbf16, left>, !pl.tile<32x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
      pl.local.set %accv, %m : !pl.tile<16x32xf32, acc>
    }
  }
  func.return
}

// -----

// Variables cannot cross regions pl-ssa does not know how to thread.
func.func @inside_while(%a: i32) {
  %x = pl.local.decl "x" : !pl.ref<i32>
  %c = arith.constant true
  scf.while () : () -> () {
    scf.condition(%c)
  } do {
    pl.local.set %x, %a : i32 // expected-error {{local variables cannot be used inside 'scf.while'}}
    scf.yield
  }
  func.return
}

// -----

// The safety net: a task's write into a tensor from outside it (here through a view of an out the scope also
// writes) whose new version never reaches the scope's pl.yield is an error, not a dropped write.
func.func @view_of_written_out(%y: !pl.tensor<16x64xf32>, %t: !pl.tile<1x32xf32, vec>) -> !pl.tensor<16x64xf32> {
  %c0 = arith.constant 0 : index
  %r = pl.at outs(%o = %y : !pl.tensor<16x64xf32>) attributes {name = "t"} {
    %v = pl.reshape %o : !pl.tensor<16x64xf32> -> !pl.tensor<32x32xf32>
    %w = pl.assemble %t into %v[%c0, %c0] : !pl.tile<1x32xf32, vec> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32> // expected-error {{this write into 'y' through a view made inside the task scope at}}
    pl.yield %o : !pl.tensor<16x64xf32>
  }
  func.return %r : !pl.tensor<16x64xf32>
}

// -----

// A write straight into a captured tensor whose new version is dropped is reported as well.
func.func @dropped_capture_write(%y: !pl.tensor<16x64xf32>, %t: !pl.tile<1x32xf32, vec>) -> !pl.tensor<16x64xf32> {
  %c0 = arith.constant 0 : index
  pl.at attributes {name = "t"} {
    %w = pl.assemble %t into %y[%c0, %c0] : !pl.tile<1x32xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32> // expected-error {{this write into 'y'}}
    pl.yield
  }
  func.return %y : !pl.tensor<16x64xf32>
}
