// A pl attribute that passes read (pl.kind, pl.loop, pl.dir) holding another kind of value.
// RUN: ppc-opt %s -p pl-lower --split-input-file --verify-diagnostics
// expected-error@+1 {{'func.func' attribute 'pl.kind' must be a #pl.kind<...> value, got 3 : i64}}
func.func @kind() attributes {pl.kind = 3} {
  func.return
}

// -----

// expected-error@+1 {{'func.func' attribute 'pl.dir' must be a #pl.dir<...> value, got "out"}}
func.func @dir(%x: i32 {pl.dir = "out"}) {
  func.return
}

// -----

func.func @loop(%n: index) {
  // expected-error@+1 {{'scf.for' attribute 'pl.loop' must be a #pl.loop<...> value, got #pl.kind<incore>}}
  scf.for %i = %n to %n step %n {
  } {pl.loop = #pl.kind<incore>}
  func.return
}
