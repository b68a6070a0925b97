// A symbol defined twice: reported at the second definition, naming the first.
// RUN: ppc-opt %s --verify-diagnostics
func.func @f() {
  func.return
}
// expected-error@+1 {{'func.func' redefinition of symbol '@f' (first defined at}}
func.func @f() {
  func.return
}
