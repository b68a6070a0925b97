// SSA dominance (dialects/diagnostics.py verify_module): a value is used only after its definition, in
// the block that defines it or a region nested in that block. xDSL's parser accepts forward references in
// single-block regions and its verifier does not check them, so ppc does. (Uses outside the defining
// region are parse errors; IR built by passes is checked in test/python/dialect/test_dominance.py.)
// RUN: ppc-opt %s --split-input-file --verify-diagnostics
// RUN: not ppc-opt %s --split-input-file 2>&1 >/dev/null | filecheck %s

// CHECK: invalid-dominance.mlir:[[# @LINE + 3]]:3: error: 'arith.addi' operand #0 (%a) is used where its definition does not dominate it: before it, or outside the region that defines it (defined at {{.*}}invalid-dominance.mlir:[[# @LINE + 4]]:3)
func.func @use_before_def(%x: index) -> index {
  // expected-error@+1 {{'arith.addi' operand #0 (%a) is used where its definition does not dominate it}}
  %b = arith.addi %a, %x : index
  %a = arith.constant 1 : index
  func.return %b : index
}

// -----

func.func @nested_use_before_def(%t: !pl.tensor<16xf32>) -> !pl.tensor<16xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c4 iter_args(%acc = %t) -> (!pl.tensor<16xf32>) {
    // expected-error@+1 {{'pl.add' operand #1 (%late) is used where its definition does not dominate it}}
    %s = pl.add %acc, %late : (!pl.tensor<16xf32>, !pl.tensor<16xf32>) -> !pl.tensor<16xf32>
    scf.yield %s : !pl.tensor<16xf32>
  }
  %late = pl.exp %t : !pl.tensor<16xf32>
  func.return %r : !pl.tensor<16xf32>
}

// -----

// A value defined before a region is visible inside it and after it.
func.func @dominating_uses(%flag: i1, %x: index) -> index {
  %a = arith.addi %x, %x : index
  %r = scf.if %flag -> (index) {
    %b = arith.addi %a, %x : index
    scf.yield %b : index
  } else {
    scf.yield %a : index
  }
  %c = arith.addi %r, %a : index
  func.return %c : index
}
