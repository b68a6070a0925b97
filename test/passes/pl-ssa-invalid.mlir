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

// A task-local scalar escaping its scope (declared in the function by the frontend).
func.func @task_local_escapes(%x: !pl.tensor<8x16xf32>) -> index {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %offv = pl.local.decl "offset" : !pl.ref<index>
  pl.spmd (%i) in %c4 attributes {name = "k"} {
    %o = arith.muli %i, %c2 : index
    pl.local.set %offv, %o : index
  }
  %r = pl.local.get %offv : index // expected-error {{pl-ssa-invalid.mlir:40:3; a scalar assigned inside a task cannot be used after it}}
  func.return %r : index
}

// -----

// Re-assigning an outer scalar inside a task does not change it after the task either.
func.func @task_reassigns_outer(%a: index, %b: index) -> index {
  %v = pl.local.decl "v" : !pl.ref<index>
  pl.local.set %v, %a : index
  pl.at attributes {name = "t"} {
    pl.local.set %v, %b : index
  }
  %r = pl.local.get %v : index // expected-error {{'v' is local to the task scope at}}
  func.return %r : index
}

// -----

// A tile assigned inside a task cannot leave it (only tensors are threaded out).
func.func @task_tile_escapes(%x: !pl.tensor<8x16xf32>) -> !pl.tile<1x16xf32, vec> {
  %c0 = arith.constant 0 : index
  %tv = pl.local.decl "t" : !pl.ref<!pl.tile<1x16xf32, vec>>
  pl.at attributes {name = "t"} {
    %s = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<1x16xf32, vec>
    pl.local.set %tv, %s : !pl.tile<1x16xf32, vec>
  }
  %r = pl.local.get %tv : !pl.tile<1x16xf32, vec> // expected-error {{pl-ssa-invalid.mlir:67:3; a tile assigned inside a task cannot be used after it}}
  func.return %r : !pl.tile<1x16xf32, vec>
}

// -----

// A tensor first created inside a task has no outer value to thread: it is local to the task.
func.func @task_new_tensor_escapes() -> !pl.tensor<8x16xf32> {
  %tv = pl.local.decl "t" : !pl.ref<!pl.tensor<8x16xf32>>
  pl.at attributes {name = "t"} {
    %s = pl.create_tensor : !pl.tensor<8x16xf32>
    pl.local.set %tv, %s : !pl.tensor<8x16xf32>
  }
  %r = pl.local.get %tv : !pl.tensor<8x16xf32> // expected-error {{'t' is local to the task scope at}}
  func.return %r : !pl.tensor<8x16xf32>
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
  %r = pl.local.get %v : index // expected-error {{pl-ssa-invalid.mlir:95:3, which may run zero times}}
  func.return %r : index
}

// -----

// Read before it is assigned in the loop body, without a first-iteration guard.
func.func @unguarded_first_iteration(%a: !pl.tile<16x32xbf16, left>, %b: !pl.tile<32x32xbf16, right>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %accv = pl.local.decl "acc" : !pl.ref<!pl.tile<16x32xf32, acc>>
  scf.for %k = %c0 to %c4 step %c1 {
    %acc = pl.local.get %accv : !pl.tile<16x32xf32, acc> // expected-error {{pl-ssa-invalid.mlir:110:3 it is only assigned later, at}}
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
