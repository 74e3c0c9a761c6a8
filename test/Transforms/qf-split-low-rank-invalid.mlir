// Bad qf-split-low-rank options are errors naming the option and the value.
// RUN: not qf-opt %s --qf-split-low-rank 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 energy=0.5" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not qf-opt %s --qf-split-low-rank=rank=-1 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not qf-opt %s --qf-split-low-rank=energy=1.5 2>&1 | FileCheck %s --check-prefix=E15
// RUN: not qf-opt %s --qf-split-low-rank=energy=-0.25 2>&1 | FileCheck %s --check-prefix=ENEG
// RUN: not qf-opt %s --qf-split-low-rank="energy=0.9 max-rank=0" 2>&1 | FileCheck %s --check-prefix=MAX
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 oversample=-1" 2>&1 | FileCheck %s --check-prefix=OVER
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 power-iterations=-3" 2>&1 | FileCheck %s --check-prefix=POW
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 factor-type=f16" 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 min-size=-5" 2>&1 | FileCheck %s --check-prefix=MIN
// RUN: not qf-opt %s --qf-split-low-rank="rank=2 factor-input=bf16" 2>&1 | FileCheck %s --check-prefix=INPUT
// RUN: not qf-opt %s --qf-split-low-rank=rank=two 2>&1 | FileCheck %s --check-prefix=PARSE

// NONE: error: qf-split-low-rank: give rank=<k> (a fixed rank) or energy=<fraction in (0, 1]>
// BOTH: error: qf-split-low-rank: rank and energy are exclusive: give one of them
// NEG: error: qf-split-low-rank: rank -1 is negative
// E15: error: qf-split-low-rank: energy 1.5 is not a fraction of the Frobenius energy in (0, 1]
// ENEG: error: qf-split-low-rank: energy -0.25 is not a fraction of the Frobenius energy in (0, 1]
// MAX: error: qf-split-low-rank: max-rank 0 must be at least 1
// OVER: error: qf-split-low-rank: oversample -1 is negative
// POW: error: qf-split-low-rank: power-iterations -3 is negative
// TYPE: error: qf-split-low-rank: factor-type 'f16' is not supported; expected f32 or bf16
// MIN: error: qf-split-low-rank: min-size -5 is negative
// INPUT: error: qf-split-low-rank: factor-input 'bf16' is not supported; expected f32 or decoded
// PARSE: for the --rank option: 'two' value invalid

func.func @f(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  return %x : tensor<4x32xf32>
}
