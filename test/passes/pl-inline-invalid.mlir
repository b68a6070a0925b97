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
