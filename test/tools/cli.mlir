// ppc-opt's command line: output file, IR dumps, pass and file errors (one `ppc-opt: error:` line each).

// -o writes the result to the file and nothing to stdout.
// RUN: ppc-opt %s -o %t.mlir > %t.stdout
// RUN: filecheck %s --check-prefix=OUTFILE < %t.mlir
// RUN: filecheck %s --check-prefix=EMPTY --allow-empty < %t.stdout
// OUTFILE: func.func @cli(%x: index) -> (index, index) {
// EMPTY-NOT: {{.}}

// --mlir-print-ir-after-all dumps the IR after every pass of the pipeline, then prints the result.
// RUN: ppc-opt %s -p cse,dce --mlir-print-ir-after-all | filecheck %s --check-prefix=DUMP
// DUMP:      // -----// IR Dump After cse //----- //
// DUMP-NEXT: builtin.module {
// DUMP:        %a = arith.constant 1 : index
// DUMP-NOT:    arith.constant
// DUMP:        func.return %a, %a : index, index
// DUMP:      // -----// IR Dump After dce //----- //
// DUMP-NEXT: builtin.module {
// DUMP:      func.return %a, %a : index, index
// DUMP:      builtin.module {
// DUMP-NOT:  IR Dump

// An unknown pass name.
// RUN: not ppc-opt %s -p cse,no-such-pass 2>&1 | filecheck %s --check-prefix=PASS
// PASS: ppc-opt: error: Unrecognized passes: ['no-such-pass']
// PASS-NOT: Traceback

// A missing input file, and an output file that cannot be written.
// RUN: not ppc-opt %S/no-such-file.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING: ppc-opt: error: No such file or directory: {{.*}}no-such-file.mlir
// MISSING-NOT: Traceback
// RUN: not ppc-opt %s -o %t.missing-dir/out.mlir 2>&1 | filecheck %s --check-prefix=UNWRITABLE
// UNWRITABLE: ppc-opt: error: No such file or directory: {{.*}}missing-dir/out.mlir
// UNWRITABLE-NOT: Traceback

func.func @cli(%x: index) -> (index, index) {
  %a = arith.constant 1 : index
  %b = arith.constant 1 : index
  func.return %a, %b : index, index
}
