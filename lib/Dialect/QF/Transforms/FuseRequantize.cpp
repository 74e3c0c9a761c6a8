//===- FuseRequantize.cpp - qf-fuse-requantize: fewer f32 round trips -----===//
//
// The pass: its options, the order in which the pattern sets run, and the
// remarks. The patterns live in FuseNormalize.cpp, FuseElementwise.cpp,
// FuseEpilogue.cpp and FuseRows.cpp (the layout is in FusionUtils.h); the
// exact chain folds are the qf ops' canonicalization patterns (QFOps.cpp).
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qf {
#define GEN_PASS_DEF_FUSEREQUANTIZEPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;
using namespace qf::fusion;

namespace {

struct FuseRequantizePass final
    : qf::impl::FuseRequantizePassBase<FuseRequantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::unique_ptr<qf::TargetInfo> target =
        qf::createTarget(targetName, vectorWidth, error);
    if (!target) {
      module.emitError() << "qf-fuse-requantize: " << error;
      return signalPassFailure();
    }
    if (epilogue || elementwise) {
      RewritePatternSet norm(&getContext());
      qf::populateQFFrontendNormalizationPatterns(norm);
      if (failed(applyPatternsGreedily(module, std::move(norm))))
        return signalPassFailure();
    }
    qf::eliminateCommonQFOps(module);
    qf::QFFusionOptions options;
    options.elementwise = elementwise;
    options.epilogue = epilogue;
    // First without the f32 chains: a chain that reads a product and ends
    // in f32 would otherwise take the first ops of a row softmax (torch's
    // scale and mask add, used by the max and by the subtraction) before
    // FuseRowsIntoMatmul sees the whole rows from their quantize.
    for (bool f32Chains : {false, true}) {
      options.f32Chains = f32Chains;
      RewritePatternSet patterns(&getContext());
      qf::populateQFFusionPatterns(patterns, *target, options);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }
    qf::eliminateCommonQFOps(module);
    if (!remarks)
      return;
    // A quantized qf.map that still reads a reduction (RMSNorm's row sums
    // left as a tensor): say why FuseRowsIntoMap did not take it.
    if (elementwise)
      module.walk([&](qf::MapOp m) {
        if (!isa<qf::QTensorType>(m.getResult().getType()) ||
            llvm::none_of(m.getInputs(), [](Value in) {
              auto lop = in.getDefiningOp<linalg::LinalgOp>();
              return lop && lop.getNumReductionLoops() != 0;
            }))
          return;
        llvm::SetVector<Operation *> fused;
        if (std::string why = analyzeMapRows(m, fused); !why.empty())
          m.emitRemark() << "row reductions not fused into qf.map: " << why;
      });
    module.walk([&](qf::QuantizeOp q) {
      Operation *def = q.getInput().getDefiningOp();
      // A pad of computed rows (a product, or an op computing on one) was
      // meant for a product's epilogue (FuseRowsIntoMatmul): say why not.
      if (auto pad = dyn_cast_or_null<tensor::PadOp>(def)) {
        Operation *src = pad.getSource().getDefiningOp();
        if (!epilogue || !src ||
            !(isa<qf::MatmulOp>(src) ||
              (isa<linalg::LinalgOp>(src) && computes(src))))
          return;
        RowsPlan plan;
        std::string why = analyzeRows(q, plan, *target);
        if (!why.empty())
          q.emitRemark() << "quantize of tensor.pad not fused into an "
                            "epilogue: "
                         << why;
        return;
      }
      if (!elementwise || !def || !isa<linalg::LinalgOp>(def) || !computes(def))
        return;
      auto lop = cast<linalg::LinalgOp>(def);
      if (lop.getNumLoops() != lop.getNumParallelLoops())
        return; // a reduction: nothing a user expects to fuse
      std::string why = whyNotElementwise(def);
      if (why.empty() && !q.getInput().hasOneUse())
        why = "its result has other users (it would be computed twice)";
      if (why.empty())
        why = "no input is read at the full shape";
      q.emitRemark() << "quantize of " << def->getName()
                     << " not fused: " << why;
    });
  }
};

} // namespace

void qf::populateQFFusionPatterns(RewritePatternSet &patterns,
                                  const TargetInfo &target,
                                  const QFFusionOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  // dequantize -> quantize and lossless requantize chains: exact folds, as
  // --canonicalize does them.
  qf::QuantizeOp::getCanonicalizationPatterns(patterns, ctx);
  qf::RequantizeOp::getCanonicalizationPatterns(patterns, ctx);
  if (options.elementwise)
    populateQFElementwiseFusionPatterns(patterns, options.f32Chains);
  populateQFRowFusionPatterns(patterns, target, options);
  if (options.epilogue)
    populateQFEpilogueFusionPatterns(patterns, target);
}

bool qf::eliminateCommonQFOps(Operation *root) {
  bool changed = false;
  root->walk([&](Block *block) {
    SmallVector<Operation *> seen;
    for (Operation &op : llvm::make_early_inc_range(*block)) {
      if (!isa<qf::QFDialect>(op.getDialect()) || op.getNumRegions() != 0 ||
          !isPure(&op) || op.getNumResults() == 0)
        continue;
      Operation *same = nullptr;
      for (Operation *prev : seen)
        if (OperationEquivalence::isEquivalentTo(
                prev, &op, OperationEquivalence::IgnoreLocations)) {
          same = prev;
          break;
        }
      if (!same) {
        seen.push_back(&op);
        continue;
      }
      op.replaceAllUsesWith(same);
      op.erase();
      changed = true;
    }
  });
  return changed;
}
