//===- Passes.h - qf dialect passes ------------------------------*- C++ -*-===//
#ifndef QF_DIALECT_QF_TRANSFORMS_PASSES_H
#define QF_DIALECT_QF_TRANSFORMS_PASSES_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qf {

/// Discardable f64 attribute that qf-quantize-model puts on the qf.constant
/// of a weight it quantized at compile time: the weight's QSNR in dB
/// (numerics::qsnrDb), which qf-report shows once the f32 original is gone.
constexpr llvm::StringLiteral kQsnrAttrName = "qf.qsnr_db";

/// Name prefix of the private functions qf-outline-kernels creates
/// (`__qf_kernel_<n>`); qf-kernel-out-params selects them by it.
constexpr llvm::StringLiteral kKernelFunctionPrefix = "__qf_kernel_";

#define GEN_PASS_DECL
#include "qf/Dialect/QF/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qf/Dialect/QF/Transforms/Passes.h.inc"

} // namespace qf

#endif // QF_DIALECT_QF_TRANSFORMS_PASSES_H
