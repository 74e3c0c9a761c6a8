// RUN: qf-opt %s --convert-qf-to-vector --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" --split-input-file | FileCheck %s --check-prefix=VW8

// The 1:N type conversion splits !qf.tensor into (packed, scales) through the
// signature; the row kernel (blocked axis innermost) reduces |x| over the
// block in vector chunks, stores one E8M0 byte per block and packs two FP4
// codes per byte in registers.
// CHECK-LABEL: func.func @quantize_mxfp4
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>) -> (tensor<4x32xi8>, tensor<4x2xi8>)
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<4x64xf32> to memref<4x64xf32>
// CHECK: memref.collapse_shape %[[XB]] {{\[}}[0, 1]] : memref<4x64xf32> into memref<256xf32>
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x32xi8>
// CHECK: %[[S:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x2xi8>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<256xf32>, vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: math.ctlz {{.*}} : i32
// CHECK: memref.store {{.*}} : memref<8xi8>
// CHECK: math.ctlz {{.*}} : vector<16xi32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: vector.store {{.*}} : memref<128xi8>, vector<8xi8>
// CHECK: scf.reduce
// CHECK: %[[PT:.*]] = bufferization.to_tensor %[[P]] restrict writable
// CHECK: %[[ST:.*]] = bufferization.to_tensor %[[S]] restrict writable
// CHECK: return %[[PT]], %[[ST]] : tensor<4x32xi8>, tensor<4x2xi8>
// VW8-LABEL: func.func @quantize_mxfp4
// VW8: vector.load {{.*}} : memref<256xf32>, vector<8xf32>
// VW8: vector.store {{.*}} : memref<128xi8>, vector<4xi8>
func.func @quantize_mxfp4(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// Blocked axis not innermost: lanes run along the innermost dimension with a
// masked tail (20 = 16 + 4); the scales of the lanes are scattered.
// CHECK-LABEL: func.func @quantize_axis0
// CHECK: scf.parallel
// CHECK: vector.create_mask
// CHECK: vector.maskedload
// CHECK: vector.scatter
// CHECK: vector.maskedstore
func.func @quantize_axis0(%x: tensor<64x20xf32>) -> !qf.tensor<64x20xf32, mxfp4, axis = 0> {
  %q = qf.quantize %x : tensor<64x20xf32> -> !qf.tensor<64x20xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<64x20xf32, mxfp4, axis = 0>
}

// -----

// NVFP4: a parallel pass computes the finite amax of chunks of the tensor,
// a short loop combines them into the FP32 tensor scale, then the blocks are
// encoded.
// CHECK-LABEL: func.func @quantize_nvfp4
// CHECK-SAME: -> (tensor<2x32xi8>, tensor<2x4xi8>, tensor<f32>)
// CHECK: %[[PART:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: scf.parallel
// CHECK: vector.reduction <maxsi>
// CHECK: memref.store {{.*}}, %[[PART]]
// CHECK: scf.for {{.*}} -> (i32)
// CHECK: memref.load %[[PART]]
// CHECK: arith.divf
// CHECK: memref.alloc() : memref<f32>
// CHECK: arith.mulf {{.*}} : vector<16xf32>
func.func @quantize_nvfp4(%x: tensor<2x64xf32>) -> !qf.tensor<2x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<2x64xf32> -> !qf.tensor<2x64xf32, nvfp4>
  return %q : !qf.tensor<2x64xf32, nvfp4>
}

// -----

// A given (calibrated) tensor scale (D28): S_enc = 1 / g, no pass over the
// tensor before the blocks (the input is read once); g is the result's.
// CHECK-LABEL: func.func @quantize_nvfp4_given_ts
// CHECK-SAME: %[[G:arg[0-9]+]]: tensor<f32>
// CHECK-NOT: memref<?xi32>
// CHECK: %[[GV:.*]] = tensor.extract %[[G]]
// CHECK: arith.divf %{{.*}}, %[[GV]] : f32
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK: return %{{.*}}, %{{.*}}, %[[G]]
func.func @quantize_nvfp4_given_ts(%x: tensor<2x64xf32>, %g: tensor<f32>) -> !qf.tensor<2x64xf32, nvfp4> {
  %q = qf.quantize %x tensor_scale(%g : tensor<f32>) : tensor<2x64xf32> -> !qf.tensor<2x64xf32, nvfp4>
  return %q : !qf.tensor<2x64xf32, nvfp4>
}

// -----

// Static scales are read, not computed.
// CHECK-LABEL: func.func @quantize_static
// CHECK-SAME: (%{{.*}}: tensor<4x64xf32>, %[[S:.*]]: tensor<4x2xi8>)
// CHECK: bufferization.to_buffer %[[S]] read_only
// CHECK-NOT: vector.reduction
// CHECK: memref.load
// CHECK: return %{{.*}}, %[[S]]
func.func @quantize_static(%x: tensor<4x64xf32>, %s: tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// Dequantize: unpack in registers, decode, multiply by the block scale.
// CHECK-LABEL: func.func @dequantize_mxfp6
// CHECK-SAME: (%[[P:.*]]: tensor<?x48xi8>, %[[S:.*]]: tensor<?x2xi8>) -> tensor<?x64xf32>
// CHECK: tensor.dim %[[P]]
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x64xf32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<?xi8>, vector<12xi8>
// CHECK: arith.uitofp
// CHECK: arith.mulf
// CHECK: vector.store {{.*}} : memref<?xf32>, vector<16xf32>
func.func @dequantize_mxfp6(%q: !qf.tensor<?x64xf32, mxfp6>) -> tensor<?x64xf32> {
  %d = qf.dequantize %q : !qf.tensor<?x64xf32, mxfp6> -> tensor<?x64xf32>
  return %d : tensor<?x64xf32>
}

// -----

// Requantize decodes and encodes again.
// CHECK-LABEL: func.func @requantize
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<4x64xf32>
// CHECK: bufferization.to_tensor
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<4x32xi8>
func.func @requantize(%q: !qf.tensor<4x64xf32, mxfp8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxfp8> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// pack / unpack are the identity on the storage tensors; observe disappears.
// CHECK-LABEL: func.func @pack_unpack
// CHECK-SAME: (%[[P:.*]]: tensor<4x32xi8>, %[[S:.*]]: tensor<4x2xi8>)
// CHECK-NEXT: return %[[P]], %[[S]] : tensor<4x32xi8>, tensor<4x2xi8>
func.func @pack_unpack(%p: tensor<4x32xi8>, %s: tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.unpack %p, %s : tensor<4x32xi8>, tensor<4x2xi8> -> !qf.tensor<4x64xf32, mxfp4>
  %a, %b = qf.pack %q : !qf.tensor<4x64xf32, mxfp4> -> tensor<4x32xi8>, tensor<4x2xi8>
  %u = qf.unpack %a, %b : tensor<4x32xi8>, tensor<4x2xi8> -> !qf.tensor<4x64xf32, mxfp4>
  return %u : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// CHECK-LABEL: func.func @observe
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @observe(%x: tensor<8xf32>) -> tensor<8xf32> {
  %o = qf.observe "act0" %x : tensor<8xf32>
  return %o : tensor<8xf32>
}

// -----

// A quantized constant becomes constants of its storage: codes packed per
// row (D10: element 2i in the low nibble), the scale bytes, the tensor scale.
// CHECK-LABEL: func.func @constant
// CHECK-DAG: arith.constant dense<{{\[}}[33, 67]]> : tensor<1x2xi8>
// CHECK-DAG: arith.constant dense<127> : tensor<1x1xi8>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<f32>
func.func @constant() -> !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>> {
  %c = qf.constant codes [[0x01, 0x02, 0x03, 0x04]] scales [[0x7F]] tensor_scale 0.5 : !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>>
  return %c : !qf.tensor<1x4xf32, #qf.format<elem = f4E2M1FN, block = 4, scale = f8E4M3FN, tensor_scale = f32>>
}

// -----

// Calls carry the storage tensors.
// CHECK-LABEL: func.func @caller
// CHECK-SAME: (%[[P:.*]]: tensor<4x32xi8>, %[[S:.*]]: tensor<4x2xi8>)
// CHECK: %[[R:.*]]:2 = call @pack_unpack(%[[P]], %[[S]]) : (tensor<4x32xi8>, tensor<4x2xi8>) -> (tensor<4x32xi8>, tensor<4x2xi8>)
func.func private @pack_unpack(%p: tensor<4x32xi8>, %s: tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp4>
func.func @caller(%q: !qf.tensor<4x64xf32, mxfp4>) -> !qf.tensor<4x64xf32, mxfp4> {
  %a, %b = qf.pack %q : !qf.tensor<4x64xf32, mxfp4> -> tensor<4x32xi8>, tensor<4x2xi8>
  %r = func.call @pack_unpack(%a, %b) : (tensor<4x32xi8>, tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}
