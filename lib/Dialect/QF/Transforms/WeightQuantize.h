//===- WeightQuantize.h - quantize of a constant f32 weight -----*- C++ -*-===//
//
// Shared by qf-quantize-model and qf-insert-hadamard: both create the
// qf.quantize of a constant f32 weight, optionally with the block scales of
// the MSE search as static scales.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H

#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

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

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTQUANTIZE_H
