// qf-opt rejects input whose brackets nest deeper than 1000 levels with an
// error naming the place, from a file and from standard input, instead of
// letting MLIR's recursive parser exhaust the stack (a segmentation fault
// the pass-pipeline fuzzer found with `axis = [[[[...`, 8092 deep). 1000
// levels (998 brackets inside `{` and `dense<`) still reach the parser,
// which reports its own error.
// RUN: %python -c "print('func.func @f() {\n  %%a = arith.constant dense<' + '[' * 5000 + '1.0' + ']' * 5000 + '> : tensor<1xf32>\n  return\n}')" > %t.deep.mlir
// RUN: not qf-opt %t.deep.mlir 2>&1 | FileCheck %s
// RUN: not qf-opt < %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=STDIN
// RUN: %python -c "print('func.func @f() {\n  %%a = arith.constant dense<' + '[' * 998 + '1.0' + ']' * 998 + '> : tensor<1xf32>\n  return\n}')" > %t.ok.mlir
// RUN: not qf-opt %t.ok.mlir 2>&1 | FileCheck %s --check-prefix=PARSED
// Brackets inside strings and comments do not count, nor `->`, `>=`.
// RUN: %python -c "print('// ' + '[' * 3000 + '\nfunc.func @f() -> () attributes {s = \"' + '(' * 3000 + '\"} {\n  return\n}')" > %t.str.mlir
// RUN: qf-opt %t.str.mlir | FileCheck %s --check-prefix=STR

// CHECK: deep.mlir:2:1027: error: brackets nested deeper than 1000 levels; qf-opt does not parse such input (MLIR's recursive parser would exhaust the stack)
// STDIN: <stdin>:2:1027: error: brackets nested deeper than 1000 levels
// PARSED-NOT: nested deeper
// PARSED: error:
// STR: func.func @f() attributes {s =
