//===- HadamardRotation.h - The steps of qf-insert-hadamard -----*- C++ -*-===//
//
// qf-insert-hadamard is split in two files:
//   InsertHadamard.cpp          the pass (options), weight access, and the
//                               rotation of each contraction: block size,
//                               weight rewrite, online transforms, weight
//                               arguments rotated by their callers
//   InsertHadamardResidual.cpp  QuaRot's model-level steps: gamma folded into
//                               the weights, the rotated residual stream
//   HadamardRotation.h          what both share (this header)
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_HADAMARDROTATION_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_HADAMARDROTATION_H

#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Hadamard.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <optional>
#include <vector>

namespace qf::hadamard {

/// One rotation: I (kron) H_block along `axis`, randomized with `seed`.
struct Rotation {
  int64_t axis = 0;
  int64_t block = 0;
  std::optional<int64_t> seed;

  bool sameTransform(const Rotation &o) const {
    return block == o.block && seed == o.seed;
  }
  mlir::DictionaryAttr attr(mlir::MLIRContext *ctx) const {
    mlir::Builder b(ctx);
    llvm::SmallVector<mlir::NamedAttribute> a = {
        b.getNamedAttr("axis", b.getI64IntegerAttr(axis)),
        b.getNamedAttr("block", b.getI64IntegerAttr(block))};
    if (seed)
      a.push_back(b.getNamedAttr("seed", b.getI64IntegerAttr(*seed)));
    return b.getDictionaryAttr(a);
  }
  mlir::Value emit(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::Value x) const {
    return HadamardOp::create(b, loc, x, uint64_t(axis), uint64_t(block),
                              seed ? b.getI64IntegerAttr(*seed)
                                   : mlir::IntegerAttr())
        .getResult();
  }
  void applyTo(std::vector<float> &data, llvm::ArrayRef<int64_t> shape) const {
    numerics::hadamardAlongAxis(
        data.data(), std::vector<int64_t>(shape.begin(), shape.end()),
        int(axis), block, seed.has_value(), seed ? uint64_t(*seed) : 0);
  }
};

/// How a weight (rhs) of a matmul is given.
enum class WeightKind {
  Constant,    ///< qf.quantize of a constant with data: rotated at compile time
  F32Constant, ///< an f32 constant with data (an unquantized weight)
  Folded,      ///< qf.constant: the f32 values are gone
  Argument,    ///< qf.unpack of func.func arguments (weights-as-arguments)
  RunTime,     ///< a run-time value (quantized or f32)
  Other,
};

/// How the weight `rhs` of a contraction is given.
WeightKind classifyWeight(mlir::Value rhs);

/// Whether a weight of kind `wk` has its f32 values at compile time
/// (rewriteConstantWeight can change them).
inline bool hasConstantValues(WeightKind wk) {
  return wk == WeightKind::Constant || wk == WeightKind::F32Constant;
}

/// Rewrites the weight (rhs) of `mm`, of a kind hasConstantValues accepts:
/// `edit` changes its f32 values (row-major in `shape`), then the weight is
/// replaced by a constant of the new values, quantized again as the old one
/// for a quantized weight (static scales searched again). Returns the new
/// qf.quantize, or null for an f32 weight.
QuantizeOp
rewriteConstantWeight(MatmulOp mm,
                      llvm::function_ref<void(std::vector<float> &data,
                                              llvm::ArrayRef<int64_t> shape)>
                          edit);

/// Erases `op` and then its operands' defining ops while they are unused and
/// side-effect free.
void eraseIfDead(mlir::Operation *op);

/// Step 1, fold gamma (QuaRot's first step): y = normalize(v) * gamma[k]
/// feeding only contractions with constant weights becomes y = normalize(v)
/// with the weights scaled by gamma along K (W diag(gamma)).
void foldGamma(mlir::linalg::GenericOp g);

/// The connected residual stream of one normalization input (values joined
/// by residual adds and read by normalizations).
struct ResidualStream {
  llvm::SetVector<mlir::Value> values;  ///< the stream itself
  llvm::SetVector<mlir::Value> normOut; ///< outputs of its normalizations
  llvm::SmallVector<mlir::OpOperand *> inStream; ///< uses that read Q x
  llvm::SmallVector<mlir::OpOperand *> exits;    ///< uses that need Q^T
};

/// The rotations of one run of qf-insert-hadamard: the pass's options and
/// what earlier steps decided for later ones. The pass calls the steps in
/// order: foldGamma (above), rotateResidualStream, then rotateContraction on
/// every qf.matmul.
class HadamardInserter {
public:
  /// `block` is the option as given ("auto", "full" or a size, then
  /// `fixedBlock`); `seed` is set when the rotations are randomized.
  HadamardInserter(mlir::ModuleOp module, llvm::StringRef mode,
                   llvm::StringRef block, int64_t fixedBlock,
                   std::optional<int64_t> seed)
      : module(module), mode(mode.str()), block(block.str()),
        fixedBlock(fixedBlock), seed(seed) {}

  /// Step 2, rotate the residual stream of `f` (rotate-residual): gamma-free
  /// RMSNorms read Q x, so the contractions reading them need no online
  /// transform; the writers of the stream get Q on their output side.
  void rotateResidualStream(mlir::func::FuncOp f);

  /// Step 3, rotate one contraction: its weight at compile time (or through
  /// its callers, or online), its activation online unless step 2 already
  /// rotated it. Says in a remark why not when it cannot.
  void rotateContraction(MatmulOp mm);

private:
  /// Choose the block size: the rotation size for a contraction over K, or
  /// (unless `quiet`) a remark and nothing.
  std::optional<int64_t> chooseBlockSize(MatmulOp mm, int64_t K,
                                         bool quiet = false);

  /// Operand `idx` of `mm` (a run-time f32 value or its qf.quantize without
  /// scales) gets an online qf.hadamard.
  void rotateRunTime(MatmulOp mm, unsigned idx, const Rotation &rot);

  /// A weight that is a function argument: the callers rotate what they
  /// pass.
  mlir::LogicalResult rotateWeightArgument(MatmulOp mm, const Rotation &rot);

  /// Whether `mm` can take its activation rotated: the size it would get.
  std::optional<int64_t> consumerRotation(MatmulOp mm, int64_t rank);

  /// Rotates the stream through `x0` (read by the normalization `seed`).
  void rotateComponent(mlir::linalg::GenericOp seed, mlir::Value x0,
                       llvm::DenseSet<mlir::Value> &visited);

  /// Choose the stream's block size from the contractions reading its
  /// normalizations (they must agree); the contractions in `consumers`, the
  /// other uses of the normalizations added to the exits.
  std::optional<int64_t>
  chooseStreamBlockSize(mlir::linalg::GenericOp seed, ResidualStream &s,
                        int64_t rank, llvm::SmallVector<MatmulOp> &consumers);

  mlir::ModuleOp module;
  std::string mode;
  std::string block;
  int64_t fixedBlock;
  std::optional<int64_t> seed;

  /// rotate-residual: contractions whose activation already arrives rotated
  /// (read from a normalization of the rotated residual stream), with the
  /// rotation their weight must get.
  llvm::DenseMap<mlir::Operation *, Rotation> preRotated;

  /// Weight arguments already rotated: (function, packed-codes arg index).
  llvm::DenseMap<std::pair<mlir::Operation *, unsigned>, Rotation> rotatedArgs;
};

} // namespace qf::hadamard

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_HADAMARDROTATION_H
