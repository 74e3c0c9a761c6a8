// RUN: qf-opt %s --convert-qf-to-nvvm --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="threads-per-block=48" --split-input-file | FileCheck %s --check-prefix=T48
// RUN: qf-opt %s --convert-qf-to-nvvm="threads-per-block=1" --split-input-file | FileCheck %s --check-prefix=SERIAL

// Block maxima by warp shuffles: the lanes sharing a block (8 for blocks
// of 32 and vectors of 4) combine their |x| bit-pattern maxima with
// shfl.sync.bfly and integer maxima, under a member mask of their own
// group (the guard of a dynamic launch may leave part of a warp idle).
// With threads-per-block 48 the groups are at most 16 lanes; with 1 no
// lanes cooperate and each thread does a whole block.
// CHECK-LABEL: func.func @mxfp8_dynamic
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: vector.reduction <maxsi>, {{.*}} : vector<4xi32> into i32
// CHECK: %[[LANE:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK: %[[FIRST:.*]] = arith.andi %[[LANE]], %c24_i32 : i32
// CHECK: %[[MASK:.*]] = arith.shli %c255_i32, %[[FIRST]] : i32
// CHECK: %[[S4:.*]] = llvm.inline_asm has_side_effects "shfl.sync.bfly.b32 $0, $1, 4, 0x1f, $2;", "=r,r,r" %[[A:.*]], %[[MASK]] : (i32, i32) -> i32
// CHECK: %[[M4:.*]] = arith.maxsi %[[A]], %[[S4]] : i32
// CHECK: %[[S2:.*]] = llvm.inline_asm has_side_effects "shfl.sync.bfly.b32 $0, $1, 2, 0x1f, $2;", "=r,r,r" %[[M4]], %[[MASK]]
// CHECK: %[[M2:.*]] = arith.maxsi %[[M4]], %[[S2]] : i32
// CHECK: %[[S1:.*]] = llvm.inline_asm has_side_effects "shfl.sync.bfly.b32 $0, $1, 1, 0x1f, $2;", "=r,r,r" %[[M2]], %[[MASK]]
// CHECK: %[[AMAX:.*]] = arith.maxsi %[[M2]], %[[S1]] : i32
// CHECK: arith.cmpi sge, %[[AMAX]], %c2139095040_i32 : i32
// CHECK-NOT: shfl.sync
// CHECK: gpu.terminator
// T48-LABEL: func.func @mxfp8_dynamic
// T48: "shfl.sync.bfly.b32 $0, $1, 4, 0x1f, $2;"
// SERIAL-LABEL: func.func @mxfp8_dynamic
// SERIAL-NOT: shfl.sync
// SERIAL-NOT: laneid
// SERIAL: vector.reduction <maxsi>
// SERIAL-NOT: shfl.sync
// SERIAL: return
func.func @mxfp8_dynamic(%x: tensor<?x64xf32>) -> !qf.tensor<?x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8>
  return %q : !qf.tensor<?x64xf32, mxfp8>
}

// -----

// The tensor amax of a two-level format: a warp per chunk (all 32 lanes,
// full mask), lane 0 writes the chunk's maximum; the blocks of 16 then
// take 4 lanes each.
// CHECK-LABEL: func.func @nvfp4
// CHECK: %[[PART:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: gpu.launch
// CHECK: scf.for
// CHECK: arith.cmpi slt, {{.*}} : vector<4xi32>
// CHECK: %[[FULL:.*]] = arith.constant -1 : i32
// CHECK: "shfl.sync.bfly.b32 $0, $1, 16, 0x1f, $2;", "=r,r,r" %{{.*}}, %[[FULL]]
// CHECK: "shfl.sync.bfly.b32 $0, $1, 8, 0x1f, $2;"
// CHECK: "shfl.sync.bfly.b32 $0, $1, 4, 0x1f, $2;"
// CHECK: "shfl.sync.bfly.b32 $0, $1, 2, 0x1f, $2;"
// CHECK: "shfl.sync.bfly.b32 $0, $1, 1, 0x1f, $2;"
// CHECK: scf.if
// CHECK: memref.store {{.*}}, %[[PART]]
// CHECK: gpu.terminator
// CHECK: gpu.launch
// CHECK: nvvm.read.ptx.sreg.laneid
// CHECK: arith.constant 28 : i32
// CHECK: arith.constant 15 : i32
// CHECK: "shfl.sync.bfly.b32 $0, $1, 2, 0x1f, $2;"
// CHECK: "shfl.sync.bfly.b32 $0, $1, 1, 0x1f, $2;"
// CHECK: gpu.terminator
// T48-LABEL: func.func @nvfp4
// T48: nvvm.read.ptx.sreg.laneid
// T48: arith.constant 16 : i32
// T48: arith.constant 65535 : i32
// T48: "shfl.sync.bfly.b32 $0, $1, 8, 0x1f, $2;"
// T48-NOT: "shfl.sync.bfly.b32 $0, $1, 16
// T48: gpu.terminator
// SERIAL-LABEL: func.func @nvfp4
// SERIAL-NOT: shfl.sync
// SERIAL: return
func.func @nvfp4(%x: tensor<2x64xf32>) -> !qf.tensor<2x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<2x64xf32> -> !qf.tensor<2x64xf32, nvfp4>
  return %q : !qf.tensor<2x64xf32, nvfp4>
}

// -----

// Static scales: the lanes share the block's encoding, nothing to combine.
// CHECK-LABEL: func.func @static_scales
// CHECK: gpu.launch
// CHECK-NOT: shfl.sync
// CHECK: gpu.terminator
func.func @static_scales(%x: tensor<4x64xf32>, %s: tensor<4x2xi8>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
