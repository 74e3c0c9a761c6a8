//===- LowRankSplit.h - What qf-split-low-rank writes, for qf-report -*- C++ -*-===//
//
// qf-split-low-rank replaces the weight W of `y = qf.matmul(x, qf.quantize(W))`
// by the residual Res = W - L R and adds the low-rank product beside it:
//
//   %r  = qf.quantize %res {qf.low_rank = {rank = k, factors = "f32"}}
//   %y  = qf.matmul %xq, %r [transpose_b]
//   %t  = linalg.matmul ins(%x, %f1)     // [M, K] x [K, k]
//   %l  = linalg.matmul ins(%t, %f2)     // [M, k] x [k, N]
//   %s  = linalg.add ins(%y, %l)         // replaces %y
//
// (linalg.batch_matmul for a batched weight). qf-report finds the factors
// from the marked quantize along this chain.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_LOWRANKSPLIT_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_LOWRANKSPLIT_H

#include "qf/Dialect/QF/IR/QF.h"

#include <optional>
#include <string>

namespace qf {

/// Discardable dictionary attribute on the qf.quantize of a split weight's
/// residual: `rank` (i64) and `factors` ("f32" or "bf16").
constexpr llvm::StringLiteral kLowRankAttrName = "qf.low_rank";

/// qf-report's view of one split weight.
struct LowRankQsnr {
  int64_t rank = 0;
  std::string factors;
  /// Bits per weight element the factors add (rank (N + K) bits / (N K)).
  double extraBits = 0;
  /// QSNR (dB) of W = Res + L R quantized directly in the residual's format,
  /// and of the split: the error is Res - Q(Res) (the factors are exact).
  double direct = 0, split = 0;
};

/// For a qf.quantize carrying kLowRankAttrName whose chain (above) is intact
/// and whose residual and factors are constants with data; std::nullopt
/// otherwise.
std::optional<LowRankQsnr> lowRankQsnr(QuantizeOp op);

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_LOWRANKSPLIT_H
