// A value used by the op whose own region defines that name: undefined at the use.
// RUN: ppc-opt %s --verify-diagnostics
func.func @f(%n: index) {
  // expected-error@+1 {{use of undefined value '%i'}}
  scf.for %i = %i to %n step %n {
  }
  func.return
}
