//===- HadamardToVector.cpp - qf.hadamard as a vectorized FWHT ------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

void qf::populateQFHadamardToVectorPatterns(mlir::RewritePatternSet &,
                                            const QFToVectorOptions &) {}
