//===- QF.h - The qf dialect: attributes, types and ops ---------*- C++ -*-===//
#ifndef QF_DIALECT_QF_IR_QF_H
#define QF_DIALECT_QF_IR_QF_H

#include "qf/Numerics/Format.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Tiling.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qf/Dialect/QF/IR/QFDialect.h.inc"
#include "qf/Dialect/QF/IR/QFEnums.h.inc"

namespace qf {
class FormatAttr;
} // namespace qf

#include "qf/Dialect/QF/IR/QFTypeInterfaces.h.inc"

// Types come first: QuantizedAttr is typed by a QTensorType, and the type
// only names FormatAttr in declarations.
#define GET_TYPEDEF_CLASSES
#include "qf/Dialect/QF/IR/QFTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qf/Dialect/QF/IR/QFAttrs.h.inc"

#define GET_OP_CLASSES
#include "qf/Dialect/QF/IR/QFOps.h.inc"

namespace qf {
/// The shape of a !qf.tensor or of a ranked tensor (a QTensorType is not a
/// ShapedType): for ops and patterns that take either.
llvm::ArrayRef<int64_t> shapeOfQOrFloat(mlir::Type t);
/// Fails with "<what> does not support the sparse-quantized format ..." when
/// `t` is a !qf.tensor with an SQ format (QFSparse.cpp): for the ops that
/// move or expose storage and do not know the outlier part yet.
mlir::LogicalResult rejectOutliers(mlir::Operation *op, mlir::Type t,
                                   llvm::StringRef what);
} // namespace qf

#endif // QF_DIALECT_QF_IR_QF_H
