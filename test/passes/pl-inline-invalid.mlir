// RUN: ppc-opt %s --split-input-file --verify-diagnostics -p pl-inline

// A direction on an inline function's parameter is meaningless: warned about and dropped.
func.func @helper(%t: !pl.tensor<4x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<4x4xf32> attributes {pl.kind = #pl.kind<inline>} { // expected-warning {{direction #pl.dir<out> of parameter 't' of inline function @helper is ignored}}
  func.return %t : !pl.tensor<4x4xf32>
}
func.func @entry(%t: !pl.tensor<4x4xf32>) -> !pl.tensor<4x4xf32> {
  %r = func.call @helper(%t) : (!pl.tensor<4x4xf32>) -> !pl.tensor<4x4xf32>
  func.return %r : !pl.tensor<4x4xf32>
}

// -----

// Recursion cannot be inlined.
func.func @ping(%a: index) -> index attributes {pl.kind = #pl.kind<inline>} { // expected-error {{inline function @ping calls itself (@ping -> @pong -> @ping)}}
  %r = func.call @pong(%a) : (index) -> index
  func.return %r : index
}
func.func @pong(%a: index) -> index attributes {pl.kind = #pl.kind<inline>} {
  %r = func.call @ping(%a) : (index) -> index
  func.return %r : index
}
func.func @entry(%a: index) -> index {
  %r = func.call @ping(%a) : (index) -> index
  func.return %r : index
}

// -----

// A parameter written in place and also rebound: which tensor the caller sees is ambiguous, so it is refused.
func.func @write_then_rebind(%y: !pl.tensor<8x8xf32>, %t: !pl.tile<8x8xf32, vec>, %fresh: !pl.tensor<8x8xf32>) attributes {pl.kind = #pl.kind<inline>} {
  %yy = pl.local.decl "y" : !pl.ref<!pl.tensor<8x8xf32>>
  pl.local.set %yy, %y : !pl.tensor<8x8xf32>
  %c0 = arith.constant 0 : index
  %old = pl.local.get %yy : !pl.tensor<8x8xf32>
  %new = pl.assemble %t into %old[%c0, %c0] : !pl.tile<8x8xf32, vec> into !pl.tensor<8x8xf32> -> !pl.tensor<8x8xf32>
  pl.local.set %yy, %new : !pl.tensor<8x8xf32>
  pl.local.set %yy, %fresh : !pl.tensor<8x8xf32> // expected-error {{parameter 'y' of inline function 'write_then_rebind' is both written in place and rebound to another value}}
  func.return
}
func.func @rebind_entry(%y: !pl.tensor<8x8xf32>, %t: !pl.tile<8x8xf32, vec>, %f: !pl.tensor<8x8xf32>) {
  func.call @write_then_rebind(%y, %t, %f) : (!pl.tensor<8x8xf32>, !pl.tile<8x8xf32, vec>, !pl.tensor<8x8xf32>) -> ()
  func.return
}
