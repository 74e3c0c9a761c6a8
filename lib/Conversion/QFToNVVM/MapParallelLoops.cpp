//===- MapParallelLoops.cpp - scf.parallel loops as gpu.launch kernels ----===//
//
// The kernel library writes a kernel as one scf.parallel whose iterations
// are independent (a row, a block, a register tile of a GEMM). On the GPU
// each iteration is one thread: the iteration space is flattened, split into
// blocks of threadsPerBlock threads, and each thread delinearizes its index
// and runs the body once. The bits do not change: an iteration computes
// exactly what it computes on the CPU, in the same order.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qf {
#define GEN_PASS_DEF_GPUMAPPARALLELLOOPSPASS
#include "qf/Conversion/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// Replaces the static-shape memref.alloc ops directly in `body` (a
/// parallel iteration) by memref.alloca at `at` (the kernel's entry, where
/// LLVM gives them a fixed stack slot) and erases their deallocations: each
/// thread runs one iteration, so the buffer lives exactly as long.
void allocsToStack(Block &body, OpBuilder &at) {
  for (Operation &op : llvm::make_early_inc_range(body)) {
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc || !alloc.getType().hasStaticShape() ||
        !alloc.getSymbolOperands().empty())
      continue;
    auto stack = memref::AllocaOp::create(at, alloc.getLoc(), alloc.getType(),
                                          alloc.getAlignmentAttr());
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    alloc.replaceAllUsesWith(stack.getResult());
    alloc.erase();
  }
}

void mapOne(scf::ParallelOp par, unsigned tpb) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // Trip count of each dimension, and of all of them (folded where the
  // bounds are constants, which the kernel library's mostly are).
  SmallVector<Value> trips;
  Value total = idx(1);
  for (auto [lb, ub, st] : llvm::zip(par.getLowerBound(), par.getUpperBound(),
                                     par.getStep())) {
    Value span = b.createOrFold<arith::SubIOp>(loc, ub, lb);
    Value t = b.createOrFold<arith::CeilDivUIOp>(loc, span, st);
    // An upper bound below the lower bound means no iterations.
    if (!matchPattern(lb, m_Zero())) {
      Value empty = b.createOrFold<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, ub, lb);
      t = b.createOrFold<arith::SelectOp>(loc, empty, idx(0), t);
    }
    trips.push_back(t);
    total = b.createOrFold<arith::MulIOp>(loc, total, t);
  }
  // A launch of zero blocks is a CUDA error; an empty loop launches nothing.
  std::optional<int64_t> staticTotal = getConstantIntValue(total);
  if (staticTotal && *staticTotal <= 0) {
    par.erase();
    return;
  }
  // A small static loop gets one block of just enough threads.
  int64_t nThreads = staticTotal ? std::min<int64_t>(tpb, *staticTotal) : tpb;
  Value c1 = idx(1), threads = idx(nThreads);
  Value blocks = b.createOrFold<arith::CeilDivUIOp>(loc, total, threads);
  if (!staticTotal) {
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                      total, idx(0));
    auto ifAny = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
    b.setInsertionPointToStart(&ifAny.getThenRegion().front());
  }
  auto launch = gpu::LaunchOp::create(b, loc, blocks, c1, c1, threads, c1, c1);
  qf::enterLaunchBody(b, launch);

  Block &body = par.getRegion().front();
  allocsToStack(body, b);
  Value id = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, threads),
      launch.getThreadIds().x);
  // Threads past the last iteration do nothing.
  if (!staticTotal || *staticTotal % nThreads != 0) {
    Value in =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id, total);
    auto guard = scf::IfOp::create(b, loc, in, /*withElseRegion=*/false);
    b.setInsertionPointToStart(&guard.getThenRegion().front());
  }
  // Delinearize, last dimension fastest (consecutive threads take
  // consecutive iterations of the innermost dimension).
  IRMapping map;
  Value rem = id;
  int64_t n = par.getNumLoops();
  SmallVector<Value> ivs(n);
  for (int64_t d = n - 1; d >= 0; --d) {
    Value i = d == 0 ? rem : b.createOrFold<arith::RemUIOp>(loc, rem, trips[d]);
    if (d > 0)
      rem = b.createOrFold<arith::DivUIOp>(loc, rem, trips[d]);
    ivs[d] = b.createOrFold<arith::AddIOp>(
        loc, par.getLowerBound()[d],
        b.createOrFold<arith::MulIOp>(loc, i, par.getStep()[d]));
  }
  for (int64_t d = 0; d < n; ++d)
    map.map(body.getArgument(d), ivs[d]);
  for (Operation &op : body.without_terminator())
    b.clone(op, map);
  par.erase();
}

/// The scf.parallel ops under `root` outside any other parallel loop or GPU
/// kernel (those run inside their kernel as loops).
SmallVector<scf::ParallelOp> outermostParallelLoops(Operation *root) {
  SmallVector<scf::ParallelOp> loops;
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (isa<gpu::LaunchOp, gpu::GPUModuleOp, gpu::GPUFuncOp>(op))
      return WalkResult::skip();
    if (auto par = dyn_cast<scf::ParallelOp>(op)) {
      loops.push_back(par);
      return WalkResult::skip();
    }
    return WalkResult::advance();
  });
  return loops;
}

} // namespace

LogicalResult qf::mapParallelLoopsToGPU(Operation *root,
                                        unsigned threadsPerBlock) {
  if (threadsPerBlock < 1 || threadsPerBlock > 1024)
    return root->emitError() << "threads-per-block " << threadsPerBlock
                             << " is not supported; expected 1..1024";
  SmallVector<gpu::LaunchOp> launches;
  for (scf::ParallelOp par : outermostParallelLoops(root)) {
    if (par.getNumResults() != 0) {
      par.emitRemark() << "a parallel loop with reductions stays on the host";
      continue;
    }
    mapOne(par, threadsPerBlock);
  }
  // vector.create_mask / constant_mask as lane-index compares: the kernels'
  // masked tails then reach the NVPTX backend as selects and predicated
  // scalar accesses (no masked vector instruction needs selecting).
  RewritePatternSet patterns(root->getContext());
  vector::populateVectorMaskMaterializationPatterns(
      patterns, /*force32BitVectorIndices=*/true);
  GreedyRewriteConfig config;
  config.enableFolding(false).enableConstantCSE(false);
  return applyPatternsGreedily(root, std::move(patterns), config);
}

namespace {
struct GPUMapParallelLoopsPass final
    : qf::impl::GPUMapParallelLoopsPassBase<GPUMapParallelLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(qf::mapParallelLoopsToGPU(getOperation(), threadsPerBlock)))
      signalPassFailure();
  }
};
} // namespace
