//===- Passes.h - qf conversion passes ---------------------------*- C++ -*-===//
#ifndef QF_CONVERSION_PASSES_H
#define QF_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qf {

#define GEN_PASS_DECL
#include "qf/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qf/Conversion/Passes.h.inc"

} // namespace qf

#endif // QF_CONVERSION_PASSES_H
