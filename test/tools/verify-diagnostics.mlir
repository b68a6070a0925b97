// `--verify-diagnostics` fails (exit 1) with a located message when the annotations and the diagnostics differ.
// This file's annotations are deliberately wrong: the expectations below are what ppc-opt must say about them.
// RUN: not ppc-opt %s --split-input-file --verify-diagnostics 2>&1 | filecheck %s

// An error on another line than expected: reported as unexpected, and the expectation as unmet.
func.func @wrong_line(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  // expected-error@+1 {{operand shapes differ}}
  // CHECK: verify-diagnostics.mlir:[[# @LINE + 1]]:3: error: unexpected error: 'pl.add' operand shapes differ: [16] vs [8]
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32>
  func.return
}
// CHECK: verify-diagnostics.mlir:[[# @LINE - 5]]:1: error: expected error "operand shapes differ" was not produced at line [[# @LINE - 4]]

// -----

// The wrong text.
func.func @wrong_text(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  // CHECK: verify-diagnostics.mlir:[[# @LINE + 1]]:3: error: unexpected error: 'pl.sub' operand shapes differ
  %r = pl.sub %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32> // expected-error {{dtypes differ}}
  // CHECK: verify-diagnostics.mlir:[[# @LINE - 1]]:1: error: expected error "dtypes differ" was not produced at line [[# @LINE - 1]]
  func.return
}

// -----

// An expected error that never comes.
func.func @no_error(%a: !pl.tensor<16xf32>) {
  // expected-error@below {{never}}
  %r = pl.exp %a : !pl.tensor<16xf32>
  func.return
}
// CHECK: verify-diagnostics.mlir:[[# @LINE - 4]]:1: error: expected error "never" was not produced at line [[# @LINE - 3]]

// -----

// An unmet expectation written with a space before `@` (upstream syntax) fails like any other.
func.func @spaced_unmet(%a: !pl.tensor<16xf32>) {
  // expected-error @+1 {{never either}}
  %r = pl.exp %a : !pl.tensor<16xf32>
  func.return
}
// CHECK: verify-diagnostics.mlir:[[# @LINE - 4]]:1: error: expected error "never either" was not produced at line [[# @LINE - 3]]

// -----

// `{2}` expects two errors on that line: the one produced leaves the second unmet.
func.func @counted(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  // expected-error@+1 {2} {{operand shapes differ}}
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32>
  func.return
}
// CHECK: verify-diagnostics.mlir:[[# @LINE - 4]]:1: error: expected error "operand shapes differ" was not produced at line [[# @LINE - 3]]
// CHECK-NOT: verify-diagnostics.mlir:[[# @LINE - 5]]:1: error: expected error

// -----

// An annotation that does not parse is reported, not skipped.
func.func @malformed(%a: !pl.tensor<16xf32>) {
  // expected-error@+1 never closed {{
  %r = pl.exp %a : !pl.tensor<16xf32>
  func.return
}
// CHECK: verify-diagnostics.mlir:[[# @LINE - 4]]:6: error: malformed annotation: expected `expected-<severity>[@<where>] {{[{][{]}}text{{[}][}]}}`

// -----

// A matching chunk reports nothing.
func.func @matching(%a: !pl.tensor<16xi32>) {
  // expected-error@+1 {{'pl.sqrt' needs a floating-point operand, got i32}}
  %r = pl.sqrt %a : !pl.tensor<16xi32>
  func.return
}
// CHECK-NOT: pl.sqrt
