//===- HostSharedMemory.cpp - Buffers that host code and kernels share ----===//
//
// The kernels of qf-gpu-pipeline read and write the buffers that the host
// code allocates, and the host code itself runs short steps between kernels
// (the combination of per-chunk maxima into a tensor scale, the unfused parts
// of a model that stay scalar). Every host allocation therefore becomes CUDA
// managed memory (gpu.alloc host_shared, cuMemAllocManaged in the runtime),
// valid on both sides; kernel launches are synchronous (gpu-to-llvm
// synchronizes the stream after each), so no further ordering is needed.
// Constants (memref.get_global) that a kernel reads are copied into managed
// memory first: a host global is not visible to the device.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace qf {
#define GEN_PASS_DEF_GPUHOSTSHAREDMEMORYPASS
#include "qf/Conversion/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// Frees managed memory: gpu-to-llvm lowers gpu.dealloc only in its async
/// form, so on a stream of its own that is waited for.
void emitFree(OpBuilder &b, Location loc, Value memref) {
  Type token = gpu::AsyncTokenType::get(b.getContext());
  Value t = gpu::WaitOp::create(b, loc, token, ValueRange{}).getAsyncToken();
  Value done = gpu::DeallocOp::create(b, loc, token, ValueRange{t}, memref)
                   .getAsyncToken();
  gpu::WaitOp::create(b, loc, Type(), ValueRange{done});
}

bool inKernel(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() ||
         op->getParentOfType<gpu::GPUModuleOp>();
}

/// Whether `v` (or a view of it) is used inside a kernel, and whether it
/// (or a view) is returned from its function.
void classifyUses(Value v, bool &kernelUse, bool &escapes) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (inKernel(user) || isa<gpu::LaunchFuncOp>(user))
      kernelUse = true;
    if (user->hasTrait<OpTrait::ReturnLike>() || isa<func::CallOp>(user))
      escapes = true;
    if (isa<ViewLikeOpInterface>(user))
      for (Value r : user->getResults())
        classifyUses(r, kernelUse, escapes);
  }
}

struct GPUHostSharedMemoryPass final
    : qf::impl::GPUHostSharedMemoryPassBase<GPUHostSharedMemoryPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    SmallVector<memref::DeallocOp> deallocs;
    SmallVector<memref::GetGlobalOp> globals;
    getOperation()->walk([&](Operation *op) {
      if (inKernel(op))
        return;
      if (auto a = dyn_cast<memref::AllocOp>(op))
        allocs.push_back(a);
      else if (auto d = dyn_cast<memref::DeallocOp>(op))
        deallocs.push_back(d);
      else if (auto g = dyn_cast<memref::GetGlobalOp>(op))
        globals.push_back(g);
    });
    for (memref::AllocOp a : allocs) {
      OpBuilder b(a);
      auto shared = gpu::AllocOp::create(
          b, a.getLoc(), a.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange{}, a.getDynamicSizes(),
          a.getSymbolOperands(), /*hostShared=*/true);
      a.replaceAllUsesWith(shared.getMemref());
      a.erase();
    }
    // Every host allocation is now managed memory, and deallocation only
    // frees what was allocated here (also through the deallocation
    // pipeline's helper functions, which see plain memrefs).
    for (memref::DeallocOp d : deallocs) {
      OpBuilder b(d);
      emitFree(b, d.getLoc(), d.getMemref());
      d.erase();
    }
    for (memref::GetGlobalOp g : globals) {
      bool kernelUse = false, escapes = false;
      classifyUses(g.getResult(), kernelUse, escapes);
      auto t = cast<MemRefType>(g.getType());
      if (!kernelUse || !t.hasStaticShape() || !t.getLayout().isIdentity())
        continue;
      OpBuilder b(g->getBlock(), std::next(g->getIterator()));
      auto shared = gpu::AllocOp::create(b, g.getLoc(), t, Type(), ValueRange{},
                                         ValueRange{}, ValueRange{},
                                         /*hostShared=*/true);
      g.getResult().replaceAllUsesWith(shared.getMemref());
      memref::CopyOp::create(b, g.getLoc(), g.getResult(), shared.getMemref());
      if (escapes)
        continue; // returned: the caller owns it
      // Freed where the function returns.
      auto fn = g->getParentOfType<FunctionOpInterface>();
      if (!fn)
        continue;
      fn->walk([&](Operation *op) {
        if (!op->hasTrait<OpTrait::ReturnLike>() ||
            op->getParentOp() != fn.getOperation())
          return;
        OpBuilder rb(op);
        emitFree(rb, g.getLoc(), shared.getMemref());
      });
    }
  }
};
} // namespace
