//===- LowRankQsnr.cpp - qf-report's view of a low-rank split weight ------===//
//
// The weight W = Res + L R is reassembled from the IR (the residual constant
// and the two factor constants along the chain of LowRankSplit.h) and
// quantized both ways with the numerics library: directly, as it would be
// without the split, and as the split runs it, where only Res is quantized
// and the factors are exact, so W - (Q(Res) + L R) = Res - Q(Res).
//
//===----------------------------------------------------------------------===//
#include "LowRankSplit.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Numerics/LowRank.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace {

/// The data and shape of constant operand `idx` of a factor product
/// (linalg.matmul or linalg.batch_matmul), and the product's other input.
struct FactorOperand {
  std::vector<float> data;
  RankedTensorType type;
  Value lhs;
};

std::optional<FactorOperand> factorOf(Value v) {
  Operation *def = v.getDefiningOp();
  Value lhs, rhs;
  if (isa_and_nonnull<linalg::MatmulOp, linalg::BatchMatmulOp>(def)) {
    auto l = cast<linalg::LinalgOp>(def);
    lhs = l.getDpsInputs()[0];
    rhs = l.getDpsInputs()[1];
  } else if (auto mm = dyn_cast_or_null<qf::MatmulOp>(def);
             mm && !mm.getTransposeB()) {
    // factor-input=decoded: the first product reads the quantized activation.
    lhs = mm.getLhs();
    rhs = mm.getRhs();
  } else {
    return std::nullopt;
  }
  Attribute a;
  auto type = dyn_cast<RankedTensorType>(rhs.getType());
  if (!type || !matchPattern(rhs, m_Constant(&a)))
    return std::nullopt;
  std::optional<std::vector<float>> d = qf::readFloatElements(a);
  if (!d)
    return std::nullopt;
  return FactorOperand{std::move(*d), type, lhs};
}

/// The decoded quantization of `x` in the type of `op` (the MSE search when
/// the op has searched static scales, as qf-quantize-model writes them).
std::vector<float> quantized(qf::QuantizeOp op, const std::vector<float> &x) {
  qf::QTensorType t = op.getResult().getType();
  qf::numerics::BlockFormat f = t.getFormat().toNumerics();
  qf::numerics::Layout l = t.getLayout();
  qf::numerics::QuantizedTensor q =
      op.getScales() ? qf::numerics::quantizeMse(f, l, x.data())
                     : qf::numerics::quantize(f, l, x.data());
  std::vector<float> xq(x.size());
  qf::numerics::dequantize(f, l, q, xq.data());
  return xq;
}

} // namespace

std::optional<qf::LowRankQsnr> qf::lowRankQsnr(QuantizeOp op) {
  auto attr = op->getAttrOfType<DictionaryAttr>(kLowRankAttrName);
  QTensorType t = op.getResult().getType();
  Attribute resAttr;
  if (!attr || !t.hasStaticShape() ||
      !matchPattern(op.getInput(), m_Constant(&resAttr)))
    return std::nullopt;
  std::optional<std::vector<float>> res = readFloatElements(resAttr);
  if (!res)
    return std::nullopt;
  ArrayRef<int64_t> shape = t.getShape();
  size_t r = shape.size();
  int64_t batch = r == 3 ? shape[0] : 1;
  int64_t rows = shape[r - 2], cols = shape[r - 1];

  // qf.quantize -> qf.matmul -> linalg.add(product, x F1 F2).
  std::optional<FactorOperand> f1, f2;
  bool transposeB = false;
  for (Operation *user : op->getUsers()) {
    auto mm = dyn_cast<MatmulOp>(user);
    if (!mm || mm.getRhs() != op.getResult())
      continue;
    for (Operation *u : mm->getUsers()) {
      auto add = dyn_cast<linalg::AddOp>(u);
      if (!add)
        continue;
      Value other = add.getInputs()[0] == mm.getResult() ? add.getInputs()[1]
                                                         : add.getInputs()[0];
      f2 = factorOf(other);
      if (f2)
        f1 = factorOf(f2->lhs);
      if (f1 && f2) {
        transposeB = mm.getTransposeB();
        break;
      }
    }
    if (f1 && f2)
      break;
  }
  if (!f1 || !f2)
    return std::nullopt;
  // F1 is [batch..., K, k] and F2 [batch..., k, N].
  ArrayRef<int64_t> s1 = f1->type.getShape(), s2 = f2->type.getShape();
  int64_t K = transposeB ? cols : rows, N = transposeB ? rows : cols;
  int64_t k = s1.back();
  if (s1.size() != r || s2.size() != r || s1[r - 2] != K || s2[r - 2] != k ||
      s2[r - 1] != N)
    return std::nullopt;

  std::vector<float> w(res->size());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t kk = 0; kk < K; ++kk)
      for (int64_t n = 0; n < N; ++n) {
        double p = 0;
        for (int64_t j = 0; j < k; ++j)
          p += double(f1->data[size_t((b * K + kk) * k + j)]) *
               double(f2->data[size_t((b * k + j) * N + n)]);
        size_t i = size_t(b * rows * cols +
                          (transposeB ? n * cols + kk : kk * cols + n));
        w[i] = float(double((*res)[i]) + p);
      }

  LowRankQsnr q;
  q.rank = k;
  if (auto f = attr.getAs<StringAttr>("factors"))
    q.factors = f.str();
  q.extraBits = numerics::factorBitsPerElement(
      rows, cols, k,
      f1->type.getElementType().isBF16() ? numerics::FactorType::BF16
                                         : numerics::FactorType::F32);
  std::vector<float> wq = quantized(op, w);
  q.direct = numerics::qsnrDb(w.data(), wq.data(), int64_t(w.size()));
  std::vector<float> rq = quantized(op, *res);
  double err = 0, sig = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    double d = double((*res)[i]) - double(rq[i]);
    err += d * d;
    sig += double(w[i]) * double(w[i]);
  }
  q.split = err > 0 ? 10.0 * std::log10(sig / err)
                    : std::numeric_limits<double>::infinity();
  return q;
}
