// RUN: qf-opt %s --qf-gpu-map-parallel-loops="threads-per-block=64" --split-input-file | FileCheck %s
// RUN: qf-opt %s --qf-gpu-map-parallel-loops --qf-gpu-host-shared-memory --split-input-file | FileCheck %s --check-prefix=SHARED

// A 2-D loop with bounds and steps: flattened trip counts, blocks of 64
// threads, a guard, delinearized indices (last dimension fastest); the
// iteration's static buffer becomes a per-thread stack buffer.
// CHECK-LABEL: func.func @loop
// CHECK-SAME: (%[[M:.*]]: memref<?x?xf32>, %[[N:.*]]: index)
// CHECK: %[[T1:.*]] = arith.ceildivui %{{.*}}, %{{.*}} : index
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %[[T1]] : index
// CHECK: scf.if
// CHECK: gpu.launch
// CHECK-NEXT: %[[BUF:.*]] = memref.alloca() : memref<4xf32>
// CHECK: %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %[[TOTAL]] : index
// CHECK: scf.if %[[IN]] {
// CHECK: arith.remui
// CHECK: arith.divui
// CHECK: memref.store %{{.*}}, %[[BUF]]
// CHECK-NOT: memref.dealloc
// CHECK: gpu.terminator
// SHARED-LABEL: func.func @loop
// SHARED: gpu.launch
// SHARED: memref.alloca
func.func @loop(%m: memref<?x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c1, %c0) to (%n, %n) step (%c1, %c2) {
    %b = memref.alloc() : memref<4xf32>
    memref.store %f, %b[%c3] : memref<4xf32>
    %v = memref.load %b[%c3] : memref<4xf32>
    memref.store %v, %m[%i, %j] : memref<?x?xf32>
    memref.dealloc %b : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// A loop with a reduction stays on the host, with a remark; an empty static
// loop launches nothing.
// CHECK-LABEL: func.func @reduction_and_empty
// CHECK-NOT: gpu.launch
// CHECK: scf.parallel
// CHECK-NOT: gpu.launch
// CHECK: return
func.func @reduction_and_empty(%m: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %r = scf.parallel (%i) = (%c0) to (%c8) step (%c8) init (%z) -> f32 {
    %v = memref.load %m[%i] : memref<8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  scf.parallel (%i) = (%c8) to (%c0) step (%c8) {
    memref.store %z, %m[%i] : memref<8xf32>
    scf.reduce
  }
  return %r : f32
}

// -----

// Host buffers become managed memory, freed on a stream of their own; a
// constant a kernel reads is copied into managed memory and freed at the
// return.
// CHECK-LABEL: func.func @host
// CHECK: gpu.launch
// SHARED-LABEL: func.func @host
// SHARED: %[[G:.*]] = memref.get_global @w
// SHARED: %[[GS:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// SHARED: memref.copy %[[G]], %[[GS]]
// SHARED: %[[A:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// SHARED: gpu.launch
// SHARED: memref.load %[[GS]]
// SHARED: memref.store {{.*}}, %[[A]]
// SHARED: gpu.terminator
// SHARED: %[[T:.*]] = gpu.wait async
// SHARED: gpu.dealloc async [%[[T]]] %[[A]]
// SHARED: gpu.dealloc async [%{{.*}}] %[[GS]]
// SHARED: return
memref.global "private" constant @w : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @host() {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %g = memref.get_global @w : memref<4xf32>
  %a = memref.alloc() : memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %g[%i] : memref<4xf32>
    memref.store %v, %a[%i] : memref<4xf32>
    scf.reduce
  }
  memref.dealloc %a : memref<4xf32>
  return
}
