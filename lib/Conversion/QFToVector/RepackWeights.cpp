//===- RepackWeights.cpp - qf-repack-weights: weights in the kernel's layout ===//
//
// The CPU target decides which repacked layout its GEMM kernels read
// contiguously (CPUTargetInfo::weightTiling), and the pass folds constant
// weights into it at compile time: the same codes and scales, permuted
// (qf::numerics::Tiling). The lowering reads any tiled layout
// (MatmulRepacked.cpp); the layout chosen here is the one its kernel
// loads as whole vectors.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Passes.h"
#include "qf/Conversion/QFToVector/QFToVector.h"
#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "MatmulTiles.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace qf {
#define GEN_PASS_DEF_REPACKWEIGHTSPASS
#include "qf/Conversion/Passes.h.inc"
} // namespace qf

using namespace mlir;
namespace nm = qf::numerics;

/// The operand description chooseIntDot reads, from a type alone.
static qf::cpu::Operand operandOf(Type t, bool kInner) {
  qf::cpu::Operand o;
  o.kInner = kInner;
  auto q = dyn_cast<qf::QTensorType>(t);
  if (!q)
    return o;
  o.quant = true;
  o.fmt = q.getFormat().toNumerics();
  o.bits = q.getElementBits();
  if (q.getFormat().getBlockKind() == qf::BlockKind::Fixed)
    o.blockLen = q.getFormat().getBlockSize();
  return o;
}

std::optional<nm::Tiling>
qf::CPUTargetInfo::weightTiling(Operation *op, qf::QTensorType rhs) const {
  // SQ weights are decomposed into their two parts before the GEMM kernels
  // run; the parts stay row-major (the layout does not apply to them).
  if (rhs.getFormat().hasOutliers())
    return std::nullopt;
  Value lhs;
  // The band kernel of qf.fused_matmul takes the int-dot products like
  // qf.matmul, except for a dual GEMM or a transposed result.
  bool intDotKernel = true;
  if (auto mm = dyn_cast<qf::MatmulOp>(op)) {
    if (!mm.getTransposeB())
      return std::nullopt;
    lhs = mm.getLhs();
  } else if (auto fm = dyn_cast<qf::FusedMatmulOp>(op)) {
    if (!fm.getTransposeB())
      return std::nullopt;
    lhs = fm.getLhs();
    intDotKernel = !fm.getRhs2() && !fm.getTransposeResult();
  } else {
    return std::nullopt;
  }
  if (rhs.getRank() != 2 || !rhs.hasStaticShape() || rhs.getAxis() != 1 ||
      rhs.getFormat().getBlockKind() != qf::BlockKind::Fixed)
    return std::nullopt;
  int64_t n = rhs.getShape()[0], k = rhs.getShape()[1];
  unsigned bits = rhs.getElementBits();
  auto fits = [&](nm::Tiling t) -> std::optional<nm::Tiling> {
    if (nm::checkTiling(t, n, k, int(bits)).empty())
      return t;
    return std::nullopt;
  };
  // The int-dot kernel (MatmulIntDot.cpp), taken exactly when
  // convert-qf-to-vector with these options takes it: panels of 2L rows,
  // 4 K bytes per lane, one vector per lane group and K step.
  // An SQ lhs runs as the GEMM of its low part (the base format) plus a
  // correction that decodes the weight in row-major order
  // (SparseDecompose.cpp); the layout is chosen for that GEMM.
  Type lhsType = lhs.getType();
  if (auto lq = dyn_cast<qf::QTensorType>(lhsType);
      lq && lq.getFormat().hasOutliers())
    lhsType = lq.getLowType();
  ArrayRef<int64_t> ls = shapeOfQOrFloat(lhsType);
  int64_t m = ls.size() >= 2 ? ls[ls.size() - 2] : ShapedType::kDynamic;
  bool enoughRows = ShapedType::isDynamic(m) ? intDotMinRows <= 1
                                             : m >= intDotMinRows;
  if (intDotKernel && intDot && enoughRows && ls.size() == 2) {
    cpu::Plan p;
    p.a = operandOf(lhsType, true);
    p.bOp = operandOf(rhs, true);
    p.kStatic = k;
    if (cpu::chooseIntDot(p, vectorWidth))
      return fits({cpu::intDotPanelRows(vectorWidth), 4});
  }
  // The f32 tiles (MatmulTiles.cpp): chunks of C (8-bit codes) or 2C
  // (4-bit) K positions of each row of a tile of up to 4 rows. Runs of
  // 32 (2C for wider vectors) hold whole chunks; 4 rows make a GEMV
  // tile's loads one 64-byte run per K step for 4-bit codes.
  if (bits != 4 && bits != 8)
    return std::nullopt;
  int64_t run = std::max<int64_t>(32, 2 * int64_t(vectorWidth));
  return fits({4, run});
}

namespace {

/// The codes and scales of `q` permuted into layout `t`.
qf::QuantizedAttr tileConstant(qf::QuantizedAttr q, nm::Tiling t) {
  qf::QTensorType type = q.getType();
  int64_t n = type.getShape()[0], k = type.getShape()[1];
  int64_t nb = k / type.getFormat().getBlockSize();
  nm::QuantizedTensor src = q.toNumerics(), dst = src;
  dst.codes = nm::tileCodes(t, src.codes, n, k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t b = 0; b < nb; ++b)
      dst.scales[size_t(nm::tiledScaleIndex(t, nb, r, b))] =
          src.scales[size_t(r * nb + b)];
  return qf::QuantizedAttr::fromNumerics(type.withTiling(t), dst);
}

/// "RxKC" as a tiling.
std::optional<nm::Tiling> parseTile(StringRef s) {
  auto [r, k] = s.split('x');
  nm::Tiling t;
  if (r.getAsInteger(10, t.rows) || k.getAsInteger(10, t.k) || t.rows <= 0 ||
      t.k <= 0)
    return std::nullopt;
  return t;
}

struct RepackWeightsPass final
    : qf::impl::RepackWeightsPassBase<RepackWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<nm::Tiling> forced;
    if (!targetTile.empty()) {
      forced = parseTile(targetTile);
      if (!forced) {
        getOperation().emitError()
            << "qf-repack-weights: target-tile '" << StringRef(targetTile)
            << "' is not ROWSxRUN with two positive integers (e.g. 32x4)";
        return signalPassFailure();
      }
    }
    if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) ||
        vectorWidth > 64) {
      getOperation().emitError()
          << "qf-repack-weights: vector-width " << unsigned(vectorWidth)
          << " is not supported; expected a power of two in 1..64";
      return signalPassFailure();
    }
    qf::CPUTargetInfo cpu(vectorWidth, /*x86Avx512=*/false, /*x86Vnni=*/false,
                          intDot, intDotMinRows);
    // One repacked constant per (constant, layout), next to the original.
    llvm::DenseMap<std::pair<Operation *, std::pair<int64_t, int64_t>>, Value>
        done;
    llvm::SetVector<Operation *> replaced;
    getOperation().walk([&](Operation *op) {
      if (!isa<qf::MatmulOp, qf::FusedMatmulOp>(op))
        return;
      // rhs (operand 1) and a dual GEMM's rhs2 (operand 2 when present).
      SmallVector<unsigned> weights{1};
      if (auto fm = dyn_cast<qf::FusedMatmulOp>(op); fm && fm.getRhs2())
        weights.push_back(2);
      for (unsigned i : weights) {
        auto cst = op->getOperand(i).getDefiningOp<qf::ConstantOp>();
        if (!cst || cst.getType().isTiled() ||
            !qf::isFoldableSize(cst.getType().getShape()))
          continue;
        qf::QTensorType w = cst.getType();
        std::optional<nm::Tiling> t = cpu.weightTiling(op, w);
        // A forced layout: any [N, K] weight of a transpose_b product with
        // fixed blocks along K that it fits (the kernels read every layout).
        auto mm = dyn_cast<qf::MatmulOp>(op);
        bool tb = mm ? mm.getTransposeB()
                     : cast<qf::FusedMatmulOp>(op).getTransposeB();
        if (forced && tb && w.getRank() == 2 && w.getAxis() == 1 &&
            w.getFormat().getBlockKind() == qf::BlockKind::Fixed &&
            !w.getFormat().hasOutliers())
          t = forced;
        if (!t || !nm::checkTiling(*t, cst.getType().getShape()[0],
                                   cst.getType().getShape()[1],
                                   int(cst.getType().getElementBits()))
                       .empty())
          continue;
        Value &v = done[{cst.getOperation(), {t->rows, t->k}}];
        if (!v) {
          OpBuilder b(cst);
          b.setInsertionPointAfter(cst);
          qf::QuantizedAttr a = tileConstant(cst.getValue(), *t);
          v = qf::ConstantOp::create(b, cst.getLoc(), a.getType(), a);
        }
        op->setOperand(i, v);
        replaced.insert(cst);
      }
    });
    // Originals no longer used (every use repacked).
    for (Operation *c : replaced)
      if (c->use_empty())
        c->erase();
  }
};

} // namespace
