// ppc-opt reports a syntax error, an unknown op and a type error each as one located line, exits 1,
// and never shows a Python traceback.  With --split-input-file every chunk is reported, at the line
// numbers of this file (not of the chunk).
// RUN: not ppc-opt %s --split-input-file > %t.split.out 2> %t.split.err
// RUN: filecheck %s < %t.split.err
// RUN: filecheck %s --check-prefix=CLEAN < %t.split.err
// RUN: filecheck %s --check-prefix=OUT < %t.split.out
// CLEAN-NOT: Traceback
// CLEAN-NOT: internal error
// Without splitting, the first error stops ppc-opt and nothing is printed on stdout.
// RUN: not ppc-opt %s 2> %t.err > %t.out
// RUN: filecheck %s --check-prefix=FIRST < %t.err
// RUN: filecheck %s --check-prefix=EMPTY --allow-empty < %t.out
// EMPTY-NOT: {{.}}

func.func @syntax_error() {
  %a = arith.constant 1 : index
  // CHECK: errors.mlir:[[# @LINE + 2]]:23: error: operand expected
  // FIRST: errors.mlir:[[# @LINE + 1]]:23: error: operand expected
  %b = arith.addi %a, : index
  func.return
}

// -----

func.func @unknown_op() {
  // CHECK: errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: Operation pl.bogus is not registered
  "pl.bogus"() : () -> ()
  func.return
}

// -----

func.func @type_error(%a: !pl.tile<16x128xf32, vec>, %b: !pl.tile<16x64xf32, vec>) {
  // CHECK: errors.mlir:[[# @LINE + 1]]:3: error: 'pl.add' operand shapes differ: [16, 128] vs [16, 64]
  %r = pl.add %a, %b : (!pl.tile<16x128xf32, vec>, !pl.tile<16x64xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

// CHECK: errors.mlir:[[# @LINE + 1]]:25: error: tile valid shape 32x? exceeds shape 16x128
func.func @bad_type(%a: !pl.tile<16x128xf32, vec, valid 32x?>) {
  func.return
}

// -----

func.func @undefined_value() {
  // CHECK: errors.mlir:[[# @LINE + 1]]:19: error: use of undefined value '%nowhere'
  %s = arith.addi %nowhere, %nowhere : index
  func.return
}

// -----

// A chunk without errors is still printed.
// OUT: func.func @fine()
func.func @fine() {
  func.return
}

// -----

func.func @unterminated() {
  func.return
// CHECK: errors.mlir:[[# @LINE + 1]]:1: error: unexpected end of input
