// qf-fp8-cvt-check (bench/gpu) compares the hardware FP8 conversions with
// qf's numerics over all f32 patterns on a GPU (scripts/gpu-test.sh). Here:
// its kernels assemble for every chip qf targets, and through the fake
// driver (whose kernels never run) every code is reported as a mismatch
// and the exit status is 1, so a kernel that does not run cannot pass.
// REQUIRES: ptxas
// RUN: qf-fp8-cvt-check --print-ptx=e4m3 > %t.e4m3.ptx
// RUN: qf-fp8-cvt-check --print-ptx=e5m2 > %t.e5m2.ptx
// RUN: FileCheck %s --check-prefix=PTX4 < %t.e4m3.ptx
// RUN: FileCheck %s --check-prefix=PTX5 < %t.e5m2.ptx
// RUN: %ptxas -arch=sm_90a %t.e4m3.ptx -o %t.cubin
// RUN: %ptxas -arch=sm_100a %t.e4m3.ptx -o %t.cubin
// RUN: %ptxas -arch=sm_120a %t.e4m3.ptx -o %t.cubin
// RUN: %ptxas -arch=sm_90a %t.e5m2.ptx -o %t.cubin
// RUN: %ptxas -arch=sm_100a %t.e5m2.ptx -o %t.cubin
// RUN: %ptxas -arch=sm_120a %t.e5m2.ptx -o %t.cubin
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver \
// RUN:   qf-fp8-cvt-check --stride=16777216 --threads=2 | FileCheck %s
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_SM=80 \
// RUN:   qf-fp8-cvt-check 2>&1 | FileCheck %s --check-prefix=OLD
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%t.missing/libcuda.so.1 \
// RUN:   qf-fp8-cvt-check 2>&1 | FileCheck %s --check-prefix=NODRIVER
// RUN: not qf-fp8-cvt-check --stride=3 2>&1 | FileCheck %s --check-prefix=USAGE

// PTX4: .entry qf_cvt_e4m3(
// PTX4: cvt.rn.satfinite.e4m3x2.f32
// PTX5: .entry qf_cvt_e5m2(
// PTX5: cvt.rn.satfinite.e5m2x2.f32
// CHECK: device: Fake GPU 0 (sm_90)
// CHECK-NEXT: e4m3: 256 patterns (stride 16777216), 256 mismatches (finite 256, infinite 0, NaN 0)
// CHECK-NEXT: f32 0x00000000 (0): gpu 0xff, qf 0x00
// CHECK: e5m2: 256 patterns (stride 16777216), 256 mismatches (finite 256, infinite 0, NaN 0)
// CHECK: MISMATCH
// OLD: qf-fp8-cvt-check: Fake GPU 0 is sm_80; the FP8 conversions need sm_89 or later
// NODRIVER: qf-fp8-cvt-check: no CUDA driver: cannot load
// USAGE: usage: qf-fp8-cvt-check
