//===- ImportInt8.h - pieces of qf-import-int8 -----------------*- C++ -*-===//
//
// ImportInt8.cpp drives the pass and owns the exact integer product (i8
// codes in qf.matmul, K chunks, zero-point terms); ImportInt8Conv.cpp feeds
// convolutions to it through im2col; ImportInt8QuantTypes.cpp maps upstream
// quant types on function boundaries.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_IMPORTINT8_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_IMPORTINT8_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinOps.h"

namespace qf::import_int8 {

/// An i8 x i8 -> i32 product with zero points.
struct ExactProduct {
  mlir::Value a;            ///< i8 [batch?, M, K]
  mlir::Value b;            ///< i8 [batch?, K, N], or [batch?, N, K]
  bool transposedB = false; ///< b is [batch?, N, K]
  mlir::Value za, zb;       ///< signless integer scalars; null: zero
  mlir::Value init;         ///< i32 [batch?, M, N], accumulated onto
};

/// sum_k (a - za)(b - zb) + init in i32, bit for bit as the frontend's i32
/// accumulation: qf.matmul of the i8 codes in `format` (unit scales) per K
/// chunk of at most 1024 (exact in f32), and i32 zero-point terms. A remark
/// on `at` says when K is chunked.
mlir::Value buildExactProduct(mlir::OpBuilder &b, mlir::Location loc,
                              FormatAttr format, const ExactProduct &p,
                              mlir::Operation *at);

/// The i8 tensor `v` as the codes of a `format` tensor blocked along `axis`,
/// with the given scales (unit scales when null).
mlir::Value asQTensor(mlir::OpBuilder &b, mlir::Location loc, FormatAttr format,
                      mlir::Value v, int64_t axis,
                      mlir::Value scales = mlir::Value());

/// Whether `op` is a convolution qf-import-int8 must import or explain: a
/// quantized named convolution (`*_q`) or a multiply-accumulate convolution
/// on integers (pooling is neither).
bool isIntegerConvolution(mlir::linalg::LinalgOp op);

/// Imports the int8 convolution `op` (im2col, then the exact product);
/// leaves it with a remark saying why when it cannot.
void importConvolution(mlir::linalg::LinalgOp op, FormatAttr format);

/// A function argument of a quant type that qf represents exactly.
struct QuantArgument {
  mlir::func::FuncOp func;
  unsigned index;
  mlir::quant::QuantizedType type;
};

/// Checks the quant types on the boundaries of the module's functions:
/// symmetric i8 weight arguments go to `mapped`; every other one gets an
/// error naming the function, the position, the type and the reason.
/// Failure when any was refused (then nothing may change).
mlir::LogicalResult checkQuantTypes(mlir::ModuleOp module,
                                    llvm::SmallVectorImpl<QuantArgument> &mapped);

/// After upstream --strip-func-quant-types: each mapped argument (now its
/// i8 storage) is read through qf.unpack with the type's scales, and its
/// quant.dcast becomes qf.dequantize of that tensor.
void importQuantArguments(mlir::ModuleOp module,
                          llvm::ArrayRef<QuantArgument> mapped,
                          FormatAttr format);

} // namespace qf::import_int8

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_IMPORTINT8_H
