//===- SplitLowRank.cpp - qf-split-low-rank: W = L R + quantized residual -===//
//
// The spectral idea of Metis (arXiv 2509.00404) for inference: a weight's
// few dominant singular directions carry the anisotropy that makes block
// scales coarse for everything else. They are kept exactly as small f32 or
// bf16 factors (a seeded randomized SVD at compile time, numerics/LowRank.h)
// and only the residual W - L R is quantized.
//
// Why after qf-quantize-model (fold-weights=false) rather than before it on
// linalg: there every weight the model quantizes has one form, `qf.matmul
// %xq, qf.quantize(constant)` (transposes, padding of K and the
// multi-dimensional contractions already normalized), so this pass handles
// exactly what qf-quantize-model does without repeating its matching, and
// the factor products it adds are plain f32 linalg.matmul ops that nothing
// quantizes afterwards (no marker needed). The activation of the low-rank
// product is the f32 input of the activation's qf.quantize, so the dominant
// directions see neither weight nor activation quantization error.
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "HadamardRotation.h"
#include "LowRankSplit.h"
#include "WeightQuantize.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/LowRank.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

#include <sstream>

namespace qf {
#define GEN_PASS_DEF_SPLITLOWRANKPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;
namespace num = qf::numerics;

namespace {

/// The factors of one weight, [batch..., K, k] and [batch..., k, N] (the
/// operands of the two factor products), and what the split captured.
struct Factors {
  int64_t rank = 0;
  std::vector<float> f1, f2, residual;
  double energy = 0, captured = 0;
  bool capped = false;
};

/// An empty f32 tensor of `shape`, its dynamic sizes those of `x` (the f32
/// activation or the first factor product: only the leading batch and M
/// dimensions can be dynamic, and x has them at the same positions). Reading
/// them from x rather than from the product keeps the product's only user
/// the final add.
Value emptyLike(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  SmallVector<Value> dyn;
  for (auto [i, d] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(d))
      dyn.push_back(tensor::DimOp::create(b, loc, x, int64_t(i)));
  return tensor::EmptyOp::create(b, loc, shape, b.getF32Type(), dyn);
}

/// emptyLike filled with zeros (the accumulator of a factor product).
Value zeroFilled(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  Value empty = emptyLike(b, loc, x, shape);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
      .getResult(0);
}

/// A double as the option was written (0.9, not 9.000000e-01).
std::string shortDouble(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

struct SplitLowRankPass final
    : qf::impl::SplitLowRankPassBase<SplitLowRankPass> {
  using Base::Base;

  num::LowRankOptions opts;
  int64_t considered = 0;
  SmallVector<int64_t> ranks;
  double factorBits = 0, splitElements = 0;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    opts.rank = rank;
    opts.energy = energy;
    opts.maxRank = maxRank;
    opts.oversample = oversample;
    opts.powerIterations = powerIterations;
    opts.seed = uint64_t(seed);
    if (factorType == "f32") {
      opts.factorType = num::FactorType::F32;
    } else if (factorType == "bf16") {
      opts.factorType = num::FactorType::BF16;
    } else {
      module.emitError() << "qf-split-low-rank: factor-type '" << factorType
                         << "' is not supported; expected f32 or bf16";
      return signalPassFailure();
    }
    if (factorInput != "f32" && factorInput != "decoded") {
      module.emitError() << "qf-split-low-rank: factor-input '" << factorInput
                         << "' is not supported; expected f32 or decoded";
      return signalPassFailure();
    }
    std::string err = num::checkLowRankOptions(opts);
    if (err.empty() && minSize < 0)
      err = "min-size " + std::to_string(minSize) + " is negative";
    if (!err.empty()) {
      module.emitError() << "qf-split-low-rank: " << err;
      return signalPassFailure();
    }

    SmallVector<qf::MatmulOp> matmuls;
    module.walk([&](qf::MatmulOp mm) { matmuls.push_back(mm); });
    for (qf::MatmulOp mm : matmuls)
      splitOne(mm);

    // At the module's location, without the op: the note with the op would
    // print the whole module.
    InFlightDiagnostic d =
        mlir::emitRemark(module.getLoc(), "qf-split-low-rank: split ");
    d << ranks.size() << " of " << considered << " contractions";
    if (!ranks.empty()) {
      d << " (rank" << (ranks.size() > 1 ? "s " : " ");
      llvm::interleave(ranks, d, ", ");
      d << "; " << factorType << " factors, +"
        << llvm::formatv("{0:f2}", factorBits / splitElements).str()
        << " bits per element of the split weights)";
    }
  }

  /// The f32 weight values of `mm` (its rhs is qf.quantize of a constant)
  /// or a remark saying why it is not split.
  std::optional<std::vector<float>> weightData(qf::MatmulOp mm) {
    auto skip = [&](const Twine &why) {
      mm.emitRemark("qf-split-low-rank: qf.matmul not split: ") << why;
      return std::nullopt;
    };
    Value rhs = mm.getRhs();
    auto q = rhs.getDefiningOp<qf::QuantizeOp>();
    if (q && q->hasAttr(qf::kLowRankAttrName))
      return skip("its weight is already the residual of a low-rank split");
    switch (qf::hadamard::classifyWeight(rhs)) {
    case qf::hadamard::WeightKind::Constant:
      break;
    case qf::hadamard::WeightKind::F32Constant:
      return skip("the weight is an f32 constant, not quantized: a split only "
                  "reduces quantization error");
    case qf::hadamard::WeightKind::Folded:
      return skip("the weight is already folded into qf.constant and its f32 "
                  "values are gone; run qf-quantize-model with "
                  "fold-weights=false before qf-split-low-rank");
    case qf::hadamard::WeightKind::Argument:
      return skip("the weight is a function argument (weights-as-arguments); "
                  "its values are not known at compile time");
    default:
      if (q && matchPattern(q.getInput(), m_Constant()))
        return skip("the weight constant has no readable data (an elided "
                    "resource, or over the compile-time size limit)");
      return skip("the weight is not a compile-time constant");
    }
    Attribute attr;
    (void)matchPattern(q.getInput(), m_Constant(&attr));
    return qf::readFloatElements(attr);
  }

  void splitOne(qf::MatmulOp mm) {
    ++considered;
    std::optional<std::vector<float>> data = weightData(mm);
    if (!data)
      return;
    auto skip = [&](const Twine &why) {
      mm.emitRemark("qf-split-low-rank: qf.matmul not split: ") << why;
    };
    auto q = mm.getRhs().getDefiningOp<qf::QuantizeOp>();
    auto ct = cast<RankedTensorType>(q.getInput().getType());
    ArrayRef<int64_t> shape = ct.getShape();
    size_t r = shape.size();
    int64_t batch = r == 3 ? shape[0] : 1;
    int64_t rows = shape[r - 2], cols = shape[r - 1];
    std::string dims = llvm::formatv("{0}x{1}", rows, cols).str();
    int64_t elements = batch * rows * cols;
    if (minSize > 0 && elements < minSize)
      return skip(llvm::formatv("the weight has {0} elements, below "
                                "min-size={1}",
                                elements, int64_t(minSize)));
    int64_t useful = num::largestUsefulRank(rows, cols);
    if (useful == 0)
      return skip("the " + dims + " weight is too small: factors of rank 1 "
                  "hold as many numbers as it does");
    if (opts.rank > useful)
      return skip(llvm::formatv(
          "rank={0} is above {1}, the largest rank whose factors (rank x ({2} "
          "+ {3}) numbers) are smaller than the {4} weight",
          opts.rank, useful, rows, cols, dims));

    std::optional<Factors> f = factorize(*data, batch, rows, cols,
                                         mm.getTransposeB());
    if (!f)
      return skip("the weight is zero");
    rewrite(mm, q, *f);

    double bits = num::factorBitsPerElement(rows, cols, f->rank,
                                            opts.factorType);
    InFlightDiagnostic d = mm.emitRemark("qf-split-low-rank: qf.matmul split: "
                                         "rank ");
    d << f->rank << " of the " << dims << " weight"
      << (r == 3 ? " (each of " + std::to_string(batch) + " batches)" : "")
      << ", " << llvm::formatv("{0:f1}", 100 * f->captured / f->energy).str()
      << "% of its energy, " << factorType << " factors (+"
      << llvm::formatv("{0:f2}", bits).str() << " bits per element)";
    if (f->capped)
      d << "; energy=" << shortDouble(energy) << " is not reached below rank "
        << std::min<int64_t>(maxRank, useful)
        << " (max-rank, or the largest useful rank)";
    ranks.push_back(f->rank);
    factorBits += bits * double(elements);
    splitElements += double(elements);
  }

  /// Splits every batch of the stored weight (rows x cols, [N, K] with
  /// transpose_b, else [K, N]) and lays the factors out as the two products
  /// read them; batches with a smaller rank get zero columns (their residual
  /// already holds the rest). Nothing when the weight is zero.
  std::optional<Factors> factorize(const std::vector<float> &w, int64_t batch,
                                   int64_t rows, int64_t cols,
                                   bool transposeB) {
    Factors f;
    f.residual.resize(w.size());
    SmallVector<num::LowRankSplit> splits;
    for (int64_t bi = 0; bi < batch; ++bi) {
      splits.push_back(
          num::splitLowRank(w.data() + bi * rows * cols, rows, cols, opts));
      const num::LowRankSplit &s = splits.back();
      std::copy(s.residual.begin(), s.residual.end(),
                f.residual.begin() + bi * rows * cols);
      f.rank = std::max(f.rank, s.rank);
      f.energy += s.totalEnergy;
      f.captured += s.energyCaptured * s.totalEnergy;
      f.capped |= s.capped;
    }
    if (f.rank == 0)
      return std::nullopt;
    int64_t k = f.rank;
    int64_t K = transposeB ? cols : rows, N = transposeB ? rows : cols;
    f.f1.assign(size_t(batch * K * k), 0.0f);
    f.f2.assign(size_t(batch * k * N), 0.0f);
    for (int64_t bi = 0; bi < batch; ++bi) {
      const num::LowRankSplit &s = splits[size_t(bi)];
      float *f1 = f.f1.data() + bi * K * k, *f2 = f.f2.data() + bi * k * N;
      // W = left (rows x s.rank) right (s.rank x cols). [N, K]: y = x W^T =
      // (x right^T) left^T; [K, N]: y = x W = (x left) right.
      for (int64_t t = 0; t < s.rank; ++t) {
        for (int64_t i = 0; i < rows; ++i) {
          float v = s.left[size_t(i * s.rank + t)];
          if (transposeB)
            f2[t * N + i] = v;
          else
            f1[i * k + t] = v;
        }
        for (int64_t p = 0; p < cols; ++p) {
          float v = s.right[size_t(t * cols + p)];
          if (transposeB)
            f1[p * k + t] = v;
          else
            f2[t * N + p] = v;
        }
      }
    }
    return f;
  }

  /// The residual replaces the weight; the low-rank product of the f32
  /// activation is added to the product.
  void rewrite(qf::MatmulOp mm, qf::QuantizeOp q, const Factors &f) {
    MLIRContext *ctx = &getContext();
    OpBuilder b(q);
    Location loc = mm.getLoc();
    auto ct = cast<RankedTensorType>(q.getInput().getType());
    qf::QTensorType qt = q.getResult().getType();
    Value res = arith::ConstantOp::create(
        b, q.getInput().getLoc(), qf::makeFloatElements(ct, f.residual));
    qf::QuantizeOp nq = qf::createWeightQuantize(
        b, q.getLoc(), qt, res, f.residual,
        q.getScales() && qt.hasStaticShape());
    nq->setDiscardableAttrs(q->getDiscardableAttrDictionary());
    nq->setAttr(qf::kLowRankAttrName,
                b.getDictionaryAttr(
                    {b.getNamedAttr("rank", b.getI64IntegerAttr(f.rank)),
                     b.getNamedAttr("factors", b.getStringAttr(factorType))}));
    mm->setOperand(1, nq.getResult());
    qf::hadamard::eraseIfDead(q);

    // factor-input=f32: the activation before quantization (or the decoded
    // one when there is none). factor-input=decoded: the quantized
    // activation itself, read by a qf.matmul, so that its producer can keep
    // writing codes (a fused epilogue) instead of an f32 tensor.
    b.setInsertionPoint(mm);
    Value lhs = mm.getLhs(), x;
    bool decoded = factorInput == "decoded" && !isa<RankedTensorType>(lhs.getType());
    if (decoded)
      x = lhs;
    else if (auto lq = lhs.getDefiningOp<qf::QuantizeOp>())
      x = lq.getInput();
    else if (isa<RankedTensorType>(lhs.getType()))
      x = lhs;
    else
      x = qf::DequantizeOp::create(
          b, loc, cast<qf::QTensorType>(lhs.getType()).getExpressedTensorType(),
          lhs);

    b.setInsertionPointAfter(mm);
    Value y = mm.getResult();
    ArrayRef<int64_t> yShape = mm.getResult().getType().getShape();
    bool batched = yShape.size() == 3;
    int64_t k = f.rank, N = yShape.back();
    int64_t K = qf::shapeOfQOrFloat(lhs.getType()).back();
    Type ft = factorType == "bf16" ? Type(BFloat16Type::get(ctx))
                                   : Type(Float32Type::get(ctx));
    auto factorConst = [&](ArrayRef<int64_t> s, const std::vector<float> &v) {
      SmallVector<int64_t> full;
      if (batched)
        full.push_back(yShape[0]);
      full.append(s.begin(), s.end());
      return arith::ConstantOp::create(
          b, loc, qf::makeFloatElements(RankedTensorType::get(full, ft), v));
    };
    Value f1 = factorConst({K, k}, f.f1), f2 = factorConst({k, N}, f.f2);
    SmallVector<int64_t> tShape(yShape);
    tShape.back() = k;
    auto product = [&](Value a, Value bb, Value init) -> Value {
      if (batched)
        return linalg::BatchMatmulOp::create(b, loc, ValueRange{a, bb},
                                             ValueRange{init})
            .getResult(0);
      return linalg::MatmulOp::create(b, loc, ValueRange{a, bb},
                                      ValueRange{init})
          .getResult(0);
    };
    Value t = decoded ? qf::MatmulOp::create(
                            b, loc, RankedTensorType::get(tShape, b.getF32Type()),
                            x, f1, UnitAttr())
                            .getResult()
                      : product(x, f1, zeroFilled(b, loc, x, tShape));
    Value lr = product(t, f2, zeroFilled(b, loc, t, yShape));
    Value empty = emptyLike(b, loc, t, yShape);
    auto add = linalg::AddOp::create(b, loc, ValueRange{y, lr},
                                     ValueRange{empty});
    y.replaceAllUsesExcept(add.getResult(0), add);
  }
};

} // namespace
