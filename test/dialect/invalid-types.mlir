// Type and attribute rules of the pl dialect: each case is rejected while parsing, at the type's own line.
// RUN: ppc-opt %s --split-input-file --verify-diagnostics
// (test/python/dialect/test_verifier_coverage.py checks that every verifier rule in dialects/*.py has a case
// in one of the invalid-*.mlir files.)

// expected-error@+1 {{tensor dimensions must be positive or dynamic (?), got 0x4}}
func.func @zero_dim(%a: !pl.tensor<0x4xf32>) {
  func.return
}

// -----

// expected-error@+1 {{tensor dimensions must be positive or dynamic (?), got ?x0}}
func.func @zero_dim_next_to_dynamic(%a: !pl.tensor<?x0xf32>) {
  func.return
}

// -----

// expected-error@+1 {{tile dimensions must be static and positive, got 16x?}}
func.func @dynamic_tile_dim(%a: !pl.tile<16x?xf32, vec>) {
  func.return
}

// -----

// expected-error@+1 {{tensor element type must be a scalar dtype, got f64}}
func.func @f64_tensor(%a: !pl.tensor<4xf64>) {
  func.return
}

// -----

// expected-error@+1 {{tile element type must be a scalar dtype, got i7}}
func.func @odd_width_tile(%a: !pl.tile<4x4xi7, vec>) {
  func.return
}

// -----

// expected-error@+1 {{tile must have rank >= 1}}
func.func @scalar_tile(%a: !pl.tile<f32, vec>) {
  func.return
}

// -----

// expected-error@+1 {{tile valid shape 8 must have rank 2}}
func.func @valid_rank(%a: !pl.tile<16x16xf32, vec, valid 8>) {
  func.return
}

// -----

// expected-error@+1 {{tile valid shape 8x17 exceeds shape 16x16}}
func.func @valid_too_big(%a: !pl.tile<16x16xf32, vec, valid 8x17>) {
  func.return
}

// -----

// expected-error@+1 {{Expected `vec`, `mat`, `left`, `right`, or `acc`}}
func.func @unknown_space(%a: !pl.tile<16x16xf32, ub>) {
  func.return
}

// -----

// expected-error@+1 {{Expected `in`, `out`, or `inout`}}
func.func @unknown_direction(%a: !pl.tensor<16xf32> {pl.dir = #pl.dir<sideways>}) {
  func.return
}

// -----

// expected-error@+1 {{Expected `orchestration`, `incore`, or `inline`}}
func.func @unknown_kind() attributes {pl.kind = #pl.kind<kernel>} {
  func.return
}

// -----

func.func @unknown_loop(%lb: index) {
  scf.for %i = %lb to %lb step %lb {
  // expected-error@+1 {{Expected `range`, `parallel`, `pipeline`, or `unroll`}}
  } {pl.loop = #pl.loop<vectorize>}
  func.return
}
