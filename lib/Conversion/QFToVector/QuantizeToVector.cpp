//===- QuantizeToVector.cpp - quantize/dequantize/... as CPU kernels ------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

void qf::populateQFQuantizeToVectorPatterns(const mlir::TypeConverter &,
                                            mlir::RewritePatternSet &,
                                            const QFToVectorOptions &) {}
