// tensor-cores on sm_100a with PTX 8.8: the scales of a constant weight are
// swizzled at compile time (qf.swizzle_scales folds: numerics::swizzleScales,
// the bytes of its kernel, test/Integration/CPU/swizzle-scales-fold.mlir),
// so no swizzle kernel runs per call for them; run-time scales keep their
// kernel. With qf-outline-kernels the weight is an argument of the shared
// kernel function: the swizzle moves to the calls that pass constants and
// folds there, one swizzled constant per layer.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx88 tensor-cores" | FileCheck %s
// RUN: qf-opt %s --qf-outline-kernels --convert-qf-to-nvvm="chip=sm_100a features=+ptx88 tensor-cores" | FileCheck %s --check-prefix=OUTLINE
// The whole qf-gpu-pipeline (qf-outline-kernels included): the layers'
// shared kernel function launches 2 kernels (the activations' swizzle and
// the matmul), the one with a run-time weight 3.
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_100a features=+ptx88 tensor-cores" | FileCheck %s --check-prefix=PIPE

// PIPE-LABEL: llvm.func @__qf_kernel_0(
// PIPE-COUNT-2: gpu.launch_func
// PIPE-NOT: gpu.launch_func
// PIPE-LABEL: llvm.func @__qf_kernel_1(
// PIPE-COUNT-3: gpu.launch_func
// PIPE-NOT: gpu.launch_func

// Scale (r, c) of a row-major [8, 4] tile is byte 16r + c of the swizzled
// tile: rows of 4 scales, 12 bytes of padding 0 after each.
// CHECK-LABEL: func.func @layers(
// The row-major scales of the weights are gone.
// CHECK-NOT: tensor<8x4xi8>
// The activations' swizzle kernel, twice (one per matmul), and the two
// matmul kernels; no kernel for the weights' scales.
// CHECK: gpu.launch blocks
// CHECK-NOT: gpu.launch blocks
// CHECK: arith.constant dense<"0x0102030400000000000000000000000005060708000000000000000000000000{{.*}}"> : tensor<1x1x512xi8>
// CHECK: gpu.launch blocks({{.*}}) dynamic_shared_memory_size
// CHECK: gpu.launch blocks
// CHECK-NOT: gpu.launch blocks
// CHECK: arith.constant dense<"0x4142434400000000000000000000000045464748000000000000000000000000{{.*}}"> : tensor<1x1x512xi8>
// CHECK: gpu.launch blocks({{.*}}) dynamic_shared_memory_size
// CHECK-NOT: gpu.launch blocks
// CHECK: return

// OUTLINE-LABEL: func.func @layers(
// OUTLINE-NOT: tensor<8x4xi8>
// OUTLINE: %[[W0:.*]] = arith.constant dense<"0x0102030400000000{{.*}}"> : tensor<1x1x512xi8>
// OUTLINE: call @[[K:__qf_kernel_[0-9]+]](%{{.*}}, %{{.*}}, %{{.*}}, %[[W0]]) : (tensor<16x64xi8>, tensor<16x4xi8>, tensor<8x64xi8>, tensor<1x1x512xi8>) -> tensor<16x8xf32>
// OUTLINE: %[[W1:.*]] = arith.constant dense<"0x4142434400000000{{.*}}"> : tensor<1x1x512xi8>
// OUTLINE: call @[[K]](%{{.*}}, %{{.*}}, %{{.*}}, %[[W1]])
// OUTLINE-LABEL: func.func @arg_weight(
// OUTLINE: call @[[KA:__qf_kernel_[0-9]+]](%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (tensor<32x64xi8>, tensor<32x4xi8>, tensor<8x64xi8>, tensor<8x4xi8>) -> tensor<32x8xf32>
// The shared kernel takes the weight's scales swizzled: one swizzle kernel
// (the activations'), then the matmul.
// OUTLINE: func.func private @[[K]](%{{.*}}: tensor<16x64xi8>, %{{.*}}: tensor<16x4xi8>, %{{.*}}: tensor<8x64xi8>, %{{.*}}: tensor<1x1x512xi8>) -> tensor<16x8xf32>
// OUTLINE: gpu.launch blocks
// OUTLINE-NOT: gpu.launch blocks
// OUTLINE: gpu.launch blocks({{.*}}) dynamic_shared_memory_size
// OUTLINE: return
// A weight passed in at run time keeps its swizzle kernel.
// OUTLINE: func.func private @[[KA]](
// OUTLINE-COUNT-2: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c128{{[_0-9]*}}, %{{.*}}, %{{.*}}) {
// OUTLINE: gpu.launch blocks({{.*}}) dynamic_shared_memory_size
func.func @layers(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %w0 = qf.constant codes dense<3> : tensor<8x128xi8> scales dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20], [21, 22, 23, 24], [25, 26, 27, 28], [29, 30, 31, 32]]> : tensor<8x4xi8> : !qf.tensor<8x128xf32, mxfp4, axis = 1>
  %c0 = qf.matmul %a, %w0 transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  %w1 = qf.constant codes dense<5> : tensor<8x128xi8> scales dense<[[65, 66, 67, 68], [69, 70, 71, 72], [73, 74, 75, 76], [77, 78, 79, 80], [81, 82, 83, 84], [85, 86, 87, 88], [89, 90, 91, 92], [93, 94, 95, 96]]> : tensor<8x4xi8> : !qf.tensor<8x128xf32, mxfp4, axis = 1>
  %c1 = qf.matmul %a, %w1 transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c0, %c1 : tensor<16x8xf32>, tensor<16x8xf32>
}

// CHECK-LABEL: func.func @arg_weight(
// Both operands' swizzle kernels, then the matmul.
// CHECK-COUNT-2: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c128{{[_0-9]*}}, %{{.*}}, %{{.*}}) {
// CHECK: gpu.launch blocks({{.*}}) dynamic_shared_memory_size
// CHECK-NOT: arith.constant dense<{{.*}}tensor<1x1x512xi8>
func.func @arg_weight(%a: !qf.tensor<32x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<32x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<32x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<32x8xf32>
  return %c : tensor<32x8xf32>
}
