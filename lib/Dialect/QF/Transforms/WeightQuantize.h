//===- WeightQuantize.h - quantize of a constant f32 weight -----*- C++ -*-===//
//
// Shared by qf-quantize-model (matmuls and convolutions) and
// qf-insert-hadamard: the qf.quantize of a constant f32 weight, optionally
// with the block scales of the MSE search as static scales, or its codes
// folded into a qf.constant.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

namespace qf {

/// qf.quantize of `cst` (an f32 constant holding `data`, in the shape of
/// `qt`) to `qt`. With `mseScales`, the block scales numerics::quantizeMse
/// picks (docs/numerics.md section 7) become static scale constants (and the
/// tensor scale, for two-level formats): the quantize stays, so qf-report
/// can measure it, and folds to the searched codes.
inline QuantizeOp createWeightQuantize(mlir::OpBuilder &b, mlir::Location loc,
                                       QTensorType qt, mlir::Value cst,
                                       llvm::ArrayRef<float> data,
                                       bool mseScales) {
  mlir::Value scales, ts;
  if (mseScales) {
    numerics::QuantizedTensor r = numerics::quantizeMse(
        qt.getFormat().toNumerics(), qt.getLayout(), data.data());
    auto qa = QuantizedAttr::fromNumerics(qt, r);
    scales = mlir::arith::ConstantOp::create(b, loc, qa.getScales());
    if (mlir::RankedTensorType tsT = qt.getTensorScaleType())
      ts = mlir::arith::ConstantOp::create(
          b, loc,
          mlir::DenseElementsAttr::get(tsT, b.getF32FloatAttr(r.tensorScale)));
  }
  return QuantizeOp::create(b, loc, qt, cst, scales, ts);
}

/// The quantized weight `data` (row-major in the shape of `qt`): with
/// `fold`, a qf.constant of its codes carrying the weight's QSNR (the f32
/// original is gone afterwards, so qf-report reads it from the attribute);
/// else createWeightQuantize of an f32 constant, which canonicalize folds to
/// the same codes.
inline mlir::Value createConstantWeight(mlir::OpBuilder &b, mlir::Location loc,
                                        QTensorType qt,
                                        llvm::ArrayRef<float> data,
                                        bool mseScales, bool fold) {
  if (!fold) {
    mlir::Value cst = mlir::arith::ConstantOp::create(
        b, loc,
        makeFloatElements(qt.getExpressedTensorType(), data));
    return createWeightQuantize(b, loc, qt, cst, data, mseScales);
  }
  numerics::BlockFormat f = qt.getFormat().toNumerics();
  numerics::QuantizedTensor q =
      mseScales ? numerics::quantizeMse(f, qt.getLayout(), data.data())
                : numerics::quantize(f, qt.getLayout(), data.data());
  auto c = ConstantOp::create(b, loc, qt, QuantizedAttr::fromNumerics(qt, q));
  std::vector<float> dq(data.size());
  numerics::dequantize(f, qt.getLayout(), q, dq.data());
  double db = numerics::qsnrDb(data.data(), dq.data(), int64_t(data.size()));
  if (std::isfinite(db))
    c->setAttr(kQsnrAttrName, b.getF64FloatAttr(db));
  return c;
}

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H
