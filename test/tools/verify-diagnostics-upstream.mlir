// Upstream MLIR's annotation syntax is matched in full: spaces before `@` and `{{`, `@N` (a line of the
// file), and `{K}` (K diagnostics).  Each chunk passes only if its annotation is recognised: an
// unrecognised one would leave its error unexpected, and ppc-opt would exit 1.
// RUN: ppc-opt %s --split-input-file --verify-diagnostics

func.func @space_before_at(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  // expected-error @+1 {{operand shapes differ}}
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32>
  func.return
}

// -----

func.func @spaces_everywhere(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32>
  // expected-error   @above   {{operand shapes differ}}
  func.return
}

// -----

// expected-error @24 {{operand shapes differ}}
func.func @absolute_line(%a: !pl.tensor<16xf32>, %b: !pl.tensor<8xf32>) {
  %r = pl.add %a, %b : (!pl.tensor<16xf32>, !pl.tensor<8xf32>) -> !pl.tensor<16xf32>
  func.return
}
