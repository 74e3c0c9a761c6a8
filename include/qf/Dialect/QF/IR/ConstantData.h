//===- ConstantData.h - Reading and writing constant tensor data -*- C++ -*-===//
//
// Bridges MLIR constant attributes (dense<> and dense_resource<>) and the flat
// buffers the numerics library works on. Used by folders and by passes that
// quantize weights at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef QF_DIALECT_QF_IR_CONSTANTDATA_H
#define QF_DIALECT_QF_IR_CONSTANTDATA_H

#include "qf/Dialect/QF/IR/QF.h"

#include <optional>
#include <vector>

namespace qf {

/// The most elements a constant may have for qf to read, fold or quantize it
/// at compile time (2^26: 256 MiB of f32). Folders skip larger constants and
/// leave their ops for run time; passes treat them like constants without
/// data. Bounds the memory and time of compile-time evaluation
/// (docs/reliability.md, "Resource limits").
constexpr int64_t kMaxFoldElements = int64_t(1) << 26;

/// The element count of a static `shape`, or std::nullopt when it is dynamic
/// or the count overflows int64 (the builtin tensor type allows such shapes,
/// and ShapedType::getNumElements would overflow on them).
std::optional<int64_t> checkedNumElements(llvm::ArrayRef<int64_t> shape);

/// True if a constant of `shape` is small enough to evaluate at compile time:
/// static and at most kMaxFoldElements elements.
bool isFoldableSize(llvm::ArrayRef<int64_t> shape);

/// Reads a constant float tensor (f32/f16/bf16 `dense<>`, or an f32
/// `dense_resource<>` that carries data) as FP32 values in row-major order.
/// Returns std::nullopt when the attribute holds no readable data (e.g. an
/// elided resource), has another element type or more than kMaxFoldElements
/// elements.
std::optional<std::vector<float>> readFloatElements(mlir::Attribute attr);

/// Builds a dense attribute of `type` (f32, f16 or bf16 elements) from FP32
/// values; narrower types are rounded to nearest-even.
mlir::DenseElementsAttr makeFloatElements(mlir::RankedTensorType type,
                                          llvm::ArrayRef<float> values);

/// Packs unpacked codes (one per byte, `shape` row-major) row by row: every
/// innermost row becomes a little-endian bit stream of ceil(n * bits / 8)
/// bytes.
std::vector<uint8_t> packRows(llvm::ArrayRef<uint8_t> codes,
                              llvm::ArrayRef<int64_t> shape, unsigned bits);

/// Inverse of packRows.
std::vector<uint8_t> unpackRows(llvm::ArrayRef<uint8_t> packed,
                                llvm::ArrayRef<int64_t> shape, unsigned bits);

/// Raw bytes of a dense attribute of i8 elements (splats expanded).
std::vector<uint8_t> readBytes(mlir::DenseElementsAttr attr);

/// Dense attribute of `type` from raw little-endian element bytes.
mlir::DenseElementsAttr makeFromRaw(mlir::RankedTensorType type,
                                    llvm::ArrayRef<uint8_t> bytes);

} // namespace qf

#endif // QF_DIALECT_QF_IR_CONSTANTDATA_H
