// A qf.map body of 20,000 chained ops costs linear time and memory through
// fusion and the CPU lowering (docs/reliability.md, "Resource limits").
// RUN: %python %S/Inputs/deep-map.py 20000 | qf-opt --qf-fuse-requantize --convert-qf-to-vector | FileCheck %s
// CHECK-LABEL: func.func @deep
// CHECK-COUNT-3: arith.addf
