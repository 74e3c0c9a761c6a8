//===- MatmulToVector.cpp - qf.matmul as a block-scaled GEMM/GEMV ---------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

void qf::populateQFMatmulToVectorPatterns(const mlir::TypeConverter &,
                                          mlir::RewritePatternSet &,
                                          const QFToVectorOptions &) {}
