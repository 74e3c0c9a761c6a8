//===- Passes.h - Passes that qf pipelines end with -------------*- C++ -*-===//
#ifndef QF_PIPELINES_PASSES_H
#define QF_PIPELINES_PASSES_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qf {

#define GEN_PASS_DECL
#include "qf/Pipelines/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qf/Pipelines/Passes.h.inc"

} // namespace qf

#endif // QF_PIPELINES_PASSES_H
