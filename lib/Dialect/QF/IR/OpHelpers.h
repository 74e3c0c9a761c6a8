//===- OpHelpers.h - Checks shared by the qf op verifiers ------*- C++ -*-===//
//
// Internal to QFDialect: shape and storage checks used by the verifiers of
// QFOps.cpp and QFFusedOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_IR_OPHELPERS_H
#define QF_LIB_DIALECT_QF_IR_OPHELPERS_H

#include "qf/Dialect/QF/IR/QF.h"

#include <string>

namespace qf::detail {

/// "4x?x8" ("scalar" for rank 0).
std::string shapeStr(llvm::ArrayRef<int64_t> shape);

/// True if two shapes agree wherever both are static.
bool compatibleShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Checks that `actual` matches the storage type `expected` (same element
/// type, shapes compatible).
mlir::LogicalResult checkStorage(mlir::Operation *op, llvm::StringRef what,
                                 mlir::Type actual,
                                 mlir::RankedTensorType expected,
                                 QTensorType qt);

/// qf.quantize / qf.sparse_quantize: the input's shape and element type
/// are those the result expresses.
mlir::LogicalResult verifyQuantizeTypes(mlir::Operation *op,
                                        mlir::RankedTensorType in,
                                        QTensorType out);

/// The given scale operands of an op quantizing into `resultType` (the rules
/// of qf.quantize): scales of the storage type, a two-level format's
/// static scales with its tensor_scale, and a tensor_scale alone (D28).
mlir::LogicalResult verifyGivenScales(mlir::Operation *op,
                                      mlir::Type resultType,
                                      mlir::Value scales,
                                      mlir::Value tensorScale);

/// A quantized contraction operand must be blocked along its reduction
/// axis `kAxis` (tensor-wide formats have no axis).
mlir::LogicalResult verifyContractionAxis(mlir::Operation *op, mlir::Type t,
                                          int64_t kAxis, llvm::StringRef name);

/// The shape and blocking rules shared by qf.matmul and qf.fused_matmul:
/// rank 2 or 3 (leading batch), equal K and batch sizes, quantized operands
/// blocked along K. Returns the product's shape [B,] M x N.
mlir::FailureOr<llvm::SmallVector<int64_t>>
contractionShape(mlir::Operation *op, mlir::Type lhs, mlir::Type rhs, bool tb);

} // namespace qf::detail

#endif // QF_LIB_DIALECT_QF_IR_OPHELPERS_H
