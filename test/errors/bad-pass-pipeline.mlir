// A malformed -p value: one line naming the pipeline and the column, no traceback (xDSL's
// ArgSpecParseError is a BaseException).
// RUN: not ppc-opt %s -p 'pl-ssa,,cse' 2>&1 | filecheck %s --check-prefix=EMPTY
// EMPTY: ppc-opt: error: bad pass pipeline 'pl-ssa,,cse' at column 8: Expected pass name here
// EMPTY-NOT: Traceback
// RUN: not ppc-opt %s -p 'builtin.module(cse)' 2>&1 | filecheck %s --check-prefix=NESTED
// NESTED: ppc-opt: error: bad pass pipeline 'builtin.module(cse)' at column 8: {{.*}}-p takes a comma-separated pass list
// NESTED-NOT: Traceback
// RUN: not ppc-opt %s -p 'cse{' 2>&1 | filecheck %s --check-prefix=OPTIONS
// OPTIONS: ppc-opt: error: bad pass pipeline 'cse{' at column 5: Expected argument name here
// OPTIONS-NOT: Traceback
func.func @f() {
  func.return
}
