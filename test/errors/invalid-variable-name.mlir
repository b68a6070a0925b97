// A pl.local.decl variable name that is no valid SSA name (pl-ssa names the values it builds after it).
// RUN: ppc-opt %s -p pl-ssa --verify-diagnostics
func.func @f(%a: i32) -> i32 {
  // expected-error@+1 {{'pl.local.decl' variable name '\n' is not a valid name}}
  %x = pl.local.decl "\n" : !pl.ref<i32>
  pl.local.set %x, %a : i32
  %r = pl.local.get %x : i32
  func.return %r : i32
}
