// Pass and pipeline options the GPU target rejects, each with what it
// accepts.
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_75" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx80" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_100f features=+ptx86" 2>&1 | FileCheck %s --check-prefix=PTXF
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_90a features=+ptxabc" 2>&1 | FileCheck %s --check-prefix=BADPTX
// RUN: not qf-opt %s --convert-qf-to-nvvm="vector-width=3" 2>&1 | FileCheck %s --check-prefix=VW
// RUN: not qf-opt %s --convert-qf-to-nvvm="threads-per-block=2048" 2>&1 | FileCheck %s --check-prefix=TPB
// RUN: not qf-opt %s --qf-gpu-map-parallel-loops="threads-per-block=0" 2>&1 | FileCheck %s --check-prefix=TPB0
// RUN: not qf-opt %s --qf-gpu-pipeline="chip=sm_99z" 2>&1 | FileCheck %s --check-prefix=PCHIP
// RUN: not qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=elf" 2>&1 | FileCheck %s --check-prefix=PFMT
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx88" | FileCheck %s --check-prefix=OK

// CHIP: error: convert-qf-to-nvvm: unknown chip 'sm_75'; accepted: sm_80, sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_100f, sm_103a, sm_120, sm_120a, sm_120f, sm_121a
// PTX: error: convert-qf-to-nvvm: features="+ptx80" asks for PTX 8.0, which is too old for sm_100a; ptxas needs PTX 8.6 or later (+ptx86)
// PTXF: error: convert-qf-to-nvvm: features="+ptx86" asks for PTX 8.6, which is too old for sm_100f; ptxas needs PTX 8.8 or later (+ptx88)
// BADPTX: error: convert-qf-to-nvvm: malformed PTX feature '+ptxabc'; expected e.g. +ptx86
// VW: error: convert-qf-to-nvvm: vector-width 3 is not supported; expected a power of two in 1..64
// TPB: error: threads-per-block 2048 is not supported; expected 1..1024
// TPB0: error: threads-per-block 0 is not supported; expected 1..1024
// PCHIP: qf-gpu-pipeline: unknown chip 'sm_99z'; accepted: sm_80,
// PFMT: qf-gpu-pipeline: unknown format 'elf'; accepted: isa, bin, fatbin, llvm, offload (or empty)
// OK: gpu.launch
func.func @f(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
