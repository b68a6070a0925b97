// Verifier rules of the task ops (dialects/task_ops.py): pl.at, pl.spmd, pl.yield, pl.block_idx, pl.syncall,
// pl.dispatch.
// Cases the custom syntax cannot express (mismatched results or region arguments) use the generic form.
// RUN: ppc-opt %s --split-input-file --verify-diagnostics

func.func @at_results(%t: !pl.tensor<16xf32>) {
  // expected-error@+1 {{'pl.at' results must start with its outs (!pl.tensor<16xf32>)}}
  %r = "pl.at"(%t) ({
  ^bb0(%o: !pl.tensor<16xf32>):
    "pl.yield"(%o) : (!pl.tensor<16xf32>) -> ()
  }) : (!pl.tensor<16xf32>) -> !pl.tensor<32xf32>
  func.return
}

// -----

func.func @spmd_region_arguments(%n: index, %t: !pl.tensor<16xf32>) {
  // expected-error@+1 {{'pl.spmd' region arguments must match its outs (!pl.tensor<16xf32>)}}
  %r = "pl.spmd"(%n, %t) ({
  ^bb0(%i: index, %o: !pl.tensor<16xbf16>):
    "pl.yield"(%o) : (!pl.tensor<16xbf16>) -> ()
  }) : (index, !pl.tensor<16xf32>) -> !pl.tensor<16xf32>
  func.return
}

// -----

func.func @at_yield_types(%t: !pl.tensor<16xf32>, %u: !pl.tensor<16xbf16>) {
  // expected-error@+1 {{'pl.at' must yield one value per out and escaping result, of types (!pl.tensor<16xf32>)}}
  %r = pl.at outs(%o = %t : !pl.tensor<16xf32>) {
    pl.yield %u : !pl.tensor<16xbf16>
  }
  func.return
}

// -----

func.func @spmd_yield_count(%n: index, %t: !pl.tensor<16xf32>) {
  // expected-error@+1 {{'pl.spmd' must yield one value per out}}
  %r = pl.spmd (%i) in %n outs(%o = %t : !pl.tensor<16xf32>) {
    pl.yield
  }
  func.return
}

// -----

// The terminator itself is checked by the SingleBlockImplicitTerminator trait.
func.func @at_terminator(%t: !pl.tensor<16xf32>) {
  // expected-error@+1 {{'pl.at' terminates with operation func.return instead of pl.yield}}
  "pl.at"() ({
    "func.return"() : () -> ()
  }) : () -> ()
  func.return
}

// -----

func.func @spmd_block_index(%n: index) {
  // expected-error@+1 {{'pl.spmd' body must take the block index (index) as its first argument}}
  "pl.spmd"(%n) ({
    "pl.yield"() : () -> ()
  }) : (index) -> ()
  func.return
}

// -----

func.func @spmd_zero_blocks() {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{'pl.spmd' block count must be >= 1, got 0}}
  pl.spmd (%i) in %c0 {
  }
  func.return
}

// -----

func.func @block_idx_outside_a_task() -> index {
  // expected-error@+1 {{'pl.block_idx' is only valid inside a task body (pl.at, pl.spmd or an incore kernel)}}
  %b = pl.block_idx
  func.return %b : index
}

// -----

// A loop is not a task body: the enclosing orchestration function is reached and rejected.
func.func @block_idx_in_orchestration_loop(%n: index) attributes {pl.kind = #pl.kind<orchestration>} {
  scf.for %i = %n to %n step %n {
    // expected-error@+1 {{'pl.block_idx' is only valid inside a task body}}
    %b = pl.block_idx
  } {pl.loop = #pl.loop<parallel>}
  func.return
}

// -----

func.func @kernel(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %b: index) -> !pl.tensor<16xf32> attributes {pl.kind = #pl.kind<incore>} {
  func.return %y : !pl.tensor<16xf32>
}

func.func @dispatch_zero_blocks(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>) {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{'pl.dispatch' block count must be >= 1, got 0}}
  %r = pl.dispatch @kernel(%x) outs(%y) blocks(%c0) : (!pl.tensor<16xf32>) -> (!pl.tensor<16xf32>)
  func.return
}

// -----

func.func @kernel(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %b: index) -> !pl.tensor<16xf32> attributes {pl.kind = #pl.kind<incore>} {
  func.return %y : !pl.tensor<16xf32>
}

func.func @dispatch_results(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %n: index) {
  // expected-error@+1 {{'pl.dispatch' results must match its outs}}
  %r = "pl.dispatch"(%x, %y, %n) <{callee = @kernel, operandSegmentSizes = array<i32: 1, 1, 1>}> : (!pl.tensor<16xf32>, !pl.tensor<16xf32>, index) -> !pl.tensor<8xf32>
  func.return
}

// -----

func.func @dispatch_unknown_callee(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %n: index) {
  // expected-error@+1 {{'pl.dispatch' callee @missing is not a function in this module}}
  %r = pl.dispatch @missing(%x) outs(%y) blocks(%n) : (!pl.tensor<16xf32>) -> (!pl.tensor<16xf32>)
  func.return
}

// -----

// The callee takes (ins..., outs..., block index) and returns the outs: here it lacks the block index.
func.func @kernel(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>) -> !pl.tensor<16xf32> attributes {pl.kind = #pl.kind<incore>} {
  func.return %y : !pl.tensor<16xf32>
}

func.func @dispatch_signature(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %n: index) {
  // expected-error@+1 {{'pl.dispatch' signature (!pl.tensor<16xf32>, !pl.tensor<16xf32>, index) -> (!pl.tensor<16xf32>) does not match callee @kernel of type (!pl.tensor<16xf32>, !pl.tensor<16xf32>) -> !pl.tensor<16xf32>}}
  %r = pl.dispatch @kernel(%x) outs(%y) blocks(%n) : (!pl.tensor<16xf32>) -> (!pl.tensor<16xf32>)
  func.return
}

// -----

func.func @kernel(%x: !pl.tensor<16xbf16>, %y: !pl.tensor<16xf32>, %b: index) -> !pl.tensor<16xf32> attributes {pl.kind = #pl.kind<incore>} {
  func.return %y : !pl.tensor<16xf32>
}

func.func @dispatch_argument_type(%x: !pl.tensor<16xf32>, %y: !pl.tensor<16xf32>, %n: index) {
  // expected-error@+1 {{does not match callee @kernel}}
  %r = pl.dispatch @kernel(%x) outs(%y) blocks(%n) : (!pl.tensor<16xf32>) -> (!pl.tensor<16xf32>)
  func.return
}

// -----

func.func @task_ids_empty() {
  // expected-error@+1 {{'pl.task_ids.create' needs a positive size, got 0}}
  pl.task_ids.create {array = 0 : i64, size = 0 : i64}
  func.return
}

// -----

func.func @syncall_in_at() {
  pl.at {
    // expected-error@+1 {{'pl.syncall' is only valid inside a pl.spmd task body (a barrier among its blocks)}}
    pl.syncall {core_type = "mix", mode = "hard"}
  }
  func.return
}

// -----

func.func @syncall_soft(%n: index) {
  pl.spmd (%b) in %n {
    // expected-error@+1 {{'pl.syncall' mode must be "hard", got 'soft'}}
    pl.syncall {core_type = "mix", mode = "soft"}
  }
  func.return
}

// -----

func.func @syncall_core_type(%n: index) {
  pl.spmd (%b) in %n {
    // expected-error@+1 {{'pl.syncall' core_type must be one of ('mix', 'aiv_only', 'aic_only'), got 'cube'}}
    pl.syncall {core_type = "cube", mode = "hard"}
  }
  func.return
}
