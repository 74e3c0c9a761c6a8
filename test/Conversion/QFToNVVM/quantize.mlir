// RUN: qf-opt %s --convert-qf-to-nvvm --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a threads-per-block=256 vector-width=8" --split-input-file | FileCheck %s --check-prefix=T256

// The storage split and the kernels are the kernel library's (as for the
// CPU); each parallel iteration is one GPU thread. A block of 32 elements is
// shared by 8 lanes of a warp (one vector of 4 each), so the static
// iteration space of 4 rows x 2 blocks x 8 lanes is one block of 64
// threads, no guard; the block maximum combines across the lanes
// (warp-amax.mlir has the shuffles), lane 0 stores the scale.
// CHECK-LABEL: func.func @quantize_mxfp4
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>) -> (tensor<4x32xi8>, tensor<4x2xi8>)
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x32xi8>
// CHECK: %[[S:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x2xi8>
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %{{.*}}, %{{.*}} = %[[C1]], %{{.*}} = %[[C1]]) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C64]], %{{.*}} = %[[C1]], %{{.*}} = %[[C1]])
// CHECK: %[[B0:.*]] = arith.muli %[[BX]], %[[C64]] : index
// CHECK: %[[ID:.*]] = arith.addi %[[B0]], %[[TX]] : index
// CHECK: %[[LANE:.*]] = arith.remui %[[ID]], %{{.*}} : index
// CHECK: %[[RB:.*]] = arith.divui %[[ID]], %{{.*}} : index
// CHECK: %[[BLK:.*]] = arith.remui %[[RB]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.divui %[[RB]], %{{.*}} : index
// CHECK-NOT: scf.if
// CHECK: vector.load {{.*}} : memref<256xf32>, vector<4xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: shfl.sync.bfly
// CHECK: math.ctlz
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %{{.*}} : index
// CHECK: scf.if %[[FIRST]] {
// CHECK: memref.store {{.*}} : memref<8xi8>
// CHECK: vector.store {{.*}} : memref<128xi8>, vector<2xi8>
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
// CHECK: bufferization.to_tensor %[[P]] restrict writable
// CHECK: bufferization.to_tensor %[[S]] restrict writable
// T256-LABEL: func.func @quantize_mxfp4
// T256: gpu.launch
// T256: vector.load {{.*}} : memref<256xf32>, vector<8xf32>
func.func @quantize_mxfp4(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// Two-level formats: one kernel reduces |x| over the tensor (finite values,
// integer compares on the bit patterns) in chunks, the host combines the
// chunk maxima and computes the tensor scale, a second kernel encodes.
// CHECK-LABEL: func.func @quantize_nvfp4
// CHECK-SAME: -> (tensor<2x32xi8>, tensor<2x4xi8>, tensor<f32>)
// CHECK: %[[PART:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: gpu.launch
// CHECK: arith.cmpi slt, {{.*}} : vector<4xi32>
// CHECK: vector.reduction <maxsi>
// CHECK: memref.store {{.*}}, %[[PART]]
// CHECK: gpu.terminator
// CHECK: scf.for
// CHECK: memref.load %[[PART]]
// CHECK: arith.divf
// CHECK: gpu.launch
// CHECK: arith.mulf {{.*}} : vector<4xf32>
// CHECK: gpu.terminator
func.func @quantize_nvfp4(%x: tensor<2x64xf32>) -> !qf.tensor<2x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<2x64xf32> -> !qf.tensor<2x64xf32, nvfp4>
  return %q : !qf.tensor<2x64xf32, nvfp4>
}

// -----

// A given (calibrated) tensor scale (D28): one kernel, no tensor amax; the
// block scales are still computed from the data (a reduction per block).
// CHECK-LABEL: func.func @quantize_nvfp4_given_ts
// CHECK-SAME: %[[G:arg[0-9]+]]: tensor<f32>
// CHECK-NOT: memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: tensor.extract %[[G]]
// CHECK: gpu.launch
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK: return %{{.*}}, %{{.*}}, %[[G]]
func.func @quantize_nvfp4_given_ts(%x: tensor<2x64xf32>, %g: tensor<f32>) -> !qf.tensor<2x64xf32, nvfp4> {
  %q = qf.quantize %x tensor_scale(%g : tensor<f32>) : tensor<2x64xf32> -> !qf.tensor<2x64xf32, nvfp4>
  return %q : !qf.tensor<2x64xf32, nvfp4>
}

// -----

// Static scales are read, not computed.
// CHECK-LABEL: func.func @quantize_static
// CHECK-SAME: %[[S:arg[0-9]+]]: tensor<4x2xi8>
// CHECK: %[[SB:.*]] = bufferization.to_buffer %[[S]] read_only
// CHECK: gpu.launch
// CHECK-NOT: vector.reduction
// CHECK: gpu.terminator
// CHECK: return %{{.*}}, %[[S]]
func.func @quantize_static(%x: tensor<4x64xf32>, %s: tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// Blocked axis not innermost: the lane kernel, a thread per (row group,
// column chunk), masked tails as lane compares (no vector.create_mask is
// left for the NVPTX backend).
// CHECK-LABEL: func.func @quantize_axis0
// CHECK: gpu.launch
// CHECK-NOT: vector.create_mask
// CHECK: vector.maskedload
// CHECK: vector.scatter
// CHECK: gpu.terminator
func.func @quantize_axis0(%x: tensor<64x20xf32>) -> !qf.tensor<64x20xf32, mxfp4, axis = 0> {
  %q = qf.quantize %x : tensor<64x20xf32> -> !qf.tensor<64x20xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<64x20xf32, mxfp4, axis = 0>
}

// -----

// Dynamic sizes: the iteration count is computed on the host, blocks of
// threads-per-block threads, a guard for the last block, no launch when
// there is nothing to do.
// CHECK-LABEL: func.func @dequantize_mxfp6
// CHECK: %[[D:.*]] = tensor.dim
// CHECK: %[[N:.*]] = arith.muli %[[D]], %{{.*}} : index
// CHECK: %[[TPB:.*]] = arith.constant 128 : index
// CHECK: %[[NB:.*]] = arith.ceildivui %[[N]], %[[TPB]] : index
// CHECK: %[[ANY:.*]] = arith.cmpi ugt, %[[N]], %{{.*}} : index
// CHECK: scf.if %[[ANY]] {
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[NB]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[TPB]],
// CHECK: %[[B0:.*]] = arith.muli %[[BX]], %[[TPB]] : index
// CHECK: %[[ID:.*]] = arith.addi %[[B0]], %[[TX]] : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %[[N]] : index
// CHECK: scf.if %[[IN]] {
// CHECK: vector.store {{.*}} : memref<?xf32>, vector<4xf32>
// CHECK: gpu.terminator
// T256-LABEL: func.func @dequantize_mxfp6
// T256: arith.constant 256 : index
// T256: gpu.launch
func.func @dequantize_mxfp6(%q: !qf.tensor<?x64xf32, mxfp6>) -> tensor<?x64xf32> {
  %d = qf.dequantize %q : !qf.tensor<?x64xf32, mxfp6> -> tensor<?x64xf32>
  return %d : tensor<?x64xf32>
}

// -----

// Requantize between integer MX formats: the exponent-shift kernel.
// CHECK-LABEL: func.func @requantize_shift
// CHECK: gpu.launch
// CHECK: arith.shrsi
// CHECK-NOT: arith.mulf
// CHECK: gpu.terminator
func.func @requantize_shift(%q: !qf.tensor<4x64xf32, mxint8>) -> !qf.tensor<4x64xf32, mxint4> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxint8> -> !qf.tensor<4x64xf32, mxint4>
  return %r : !qf.tensor<4x64xf32, mxint4>
}

// -----

// Other requantizes decode and encode again: two kernels.
// CHECK-LABEL: func.func @requantize
// CHECK: gpu.launch
// CHECK: gpu.terminator
// CHECK: gpu.launch
// CHECK: gpu.terminator
func.func @requantize(%q: !qf.tensor<4x64xf32, mxfp8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxfp8> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// Storage moves and constants launch nothing.
// CHECK-LABEL: func.func @pack_unpack_constant
// CHECK-NOT: gpu.launch
// CHECK: arith.constant dense<{{.*}}> : tensor<1x2xi8>
// CHECK: return
func.func @pack_unpack_constant(%p: tensor<4x32xi8>, %s: tensor<4x2xi8>) -> (!qf.tensor<4x64xf32, mxfp4>, !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>>) {
  %q = qf.unpack %p, %s : tensor<4x32xi8>, tensor<4x2xi8> -> !qf.tensor<4x64xf32, mxfp4>
  %a, %b = qf.pack %q : !qf.tensor<4x64xf32, mxfp4> -> tensor<4x32xi8>, tensor<4x2xi8>
  %u = qf.unpack %a, %b : tensor<4x32xi8>, tensor<4x2xi8> -> !qf.tensor<4x64xf32, mxfp4>
  %c = qf.constant codes [[0x01, 0x02, 0x03, 0x04]] scales [[0x7F]] tensor_scale 0.5 : !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>>
  return %u, %c : !qf.tensor<4x64xf32, mxfp4>, !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>>
}
