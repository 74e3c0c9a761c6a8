//===- QFToVector.h - Lowering qf ops to CPU vector kernels -----*- C++ -*-===//
#ifndef QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H
#define QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H

#include "mlir/Transforms/DialectConversion.h"

namespace qf {

/// Options shared by the CPU kernel patterns.
struct QFToVectorOptions {
  /// f32 lanes per vector register (16 = AVX-512).
  unsigned vectorWidth = 16;
  /// Emit AVX-512 table lookups (llvm.call_intrinsic) to decode 4-bit codes.
  bool x86Avx512 = false;
};

/// Maps `!qf.tensor` to its storage tensors (packed codes, scales and, when
/// the format has one, the rank-0 f32 tensor scale); other types are kept.
class QFStorageTypeConverter : public mlir::TypeConverter {
public:
  QFStorageTypeConverter();
};

/// quantize, dequantize, requantize, pack, unpack, constant, observe.
void populateQFQuantizeToVectorPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns,
                                        const QFToVectorOptions &options);

/// qf.hadamard (f32 in, f32 out) as a vectorized FWHT kernel.
void populateQFHadamardToVectorPatterns(mlir::RewritePatternSet &patterns,
                                        const QFToVectorOptions &options);

/// qf.matmul as a block-scaled GEMM/GEMV kernel.
void populateQFMatmulToVectorPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const QFToVectorOptions &options);

} // namespace qf

#endif // QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H
