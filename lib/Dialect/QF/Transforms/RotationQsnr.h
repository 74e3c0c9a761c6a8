//===- RotationQsnr.h - weight QSNR with and without a Hadamard rotation --===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_ROTATIONQSNR_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_ROTATIONQSNR_H

#include "qf/Dialect/QF/IR/QF.h"

#include <optional>

namespace qf {

/// What a rotation buys a weight: QSNR (dB) of `qf.quantize` of a constant
/// without and with a block Hadamard rotation (docs/numerics.md 8, 9).
struct RotationQsnr {
  std::optional<double> without, with;
};

/// For a weight rotated by qf-insert-hadamard (attribute `qf.rotation`):
/// `with` is its own QSNR (rotated domain) and `without` that of the weight
/// rotated back. Otherwise `without` is its own QSNR and `with` that of the
/// weight rotated by the normalized Hadamard transform of the format's block
/// size along the blocked axis. Both empty when the input is not a constant
/// with data; `with` empty when no such rotation exists.
RotationQsnr rotationQsnr(QuantizeOp op);

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_ROTATIONQSNR_H
