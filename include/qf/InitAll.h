//===- InitAll.h - Registration of qf and the dialects its tools need -*- C++ -*-===//
#ifndef QF_INITALL_H
#define QF_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace qf {

/// Inserts the qf dialect only (what a plugin adds to a host tool).
void registerQFDialect(mlir::DialectRegistry &registry);

/// Inserts qf plus the upstream dialects that model IR and the qf lowerings
/// use (func, arith, math, tensor, linalg, scf, vector, memref,
/// bufferization, gpu, nvvm, llvm, tosa, quant, ...) and their interface
/// extensions (bufferization models, convert-to-llvm interfaces, inliner).
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers the qf passes and pipelines with the global pass registry.
void registerQFPasses();

/// Registers qf passes and pipelines plus the upstream passes.
void registerAllPasses();

} // namespace qf

#endif // QF_INITALL_H
