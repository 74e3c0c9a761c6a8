//===- KernelOutParams.cpp - Outlined kernels write caller buffers --------===//
#include "qf/Pipelines/Passes.h"

#include "qf/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseSet.h"

namespace qf {
#define GEN_PASS_DEF_KERNELOUTPARAMSPASS
#include "qf/Pipelines/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// A kernel whose results the caller can allocate: static shapes (the
/// caller needs no sizes computed in the callee) and each result its own
/// value (the upstream rewrite does not handle a buffer returned twice).
bool promotable(func::FuncOp fn) {
  if (!fn.isPrivate() || fn.isExternal() ||
      !fn.getSymName().starts_with(qf::kKernelFunctionPrefix))
    return false;
  for (Type t : fn.getResultTypes())
    if (auto m = dyn_cast<MemRefType>(t); m && !m.hasStaticShape())
      return false;
  bool ok = true;
  fn.walk([&](func::ReturnOp ret) {
    llvm::SmallDenseSet<Value> seen;
    for (Value v : ret.getOperands())
      if (isa<MemRefType>(v.getType()) && !seen.insert(v).second)
        ok = false;
  });
  return ok;
}

struct KernelOutParamsPass final
    : qf::impl::KernelOutParamsPassBase<KernelOutParamsPass> {
  using Base::Base;

  void runOnOperation() override {
    bufferization::BufferResultsToOutParamsOpts opts;
    opts.hoistStaticAllocs = true;
    opts.filterFn = [](func::FuncOp *fn) { return promotable(*fn); };
    if (failed(bufferization::promoteBufferResultsToOutParams(getOperation(),
                                                              opts)))
      signalPassFailure();
  }
};

} // namespace
