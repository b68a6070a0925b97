// A direction pass given an Out staging that does not exist: one error, not today's staging in disguise.
// RUN: not ppc-opt %s -p 'pl-check-directions{out_staging=garbage}' 2>&1 | filecheck %s
// RUN: not ppc-opt %s -p 'pl-infer-directions{out_staging=copy}' 2>&1 | filecheck %s --check-prefix=INFER
// CHECK: ppc-opt: error: unknown Out staging 'garbage'; expected one of undefined, zeroed, copied, poison (in -p 'pl-check-directions{out_staging=garbage}')
// INFER: ppc-opt: error: unknown Out staging 'copy'; expected one of undefined, zeroed, copied, poison (in -p 'pl-infer-directions{out_staging=copy}')
// CHECK-NOT: Traceback
func.func @f() {
  func.return
}
