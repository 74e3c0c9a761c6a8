//===- MatmulPlan.h - Operands, sizes and plans of a CPU GEMM -*- C++ -*-===//
//
// Internal to the CPU target: what prepareContraction (MatmulPlan.cpp)
// sets up for the qf.matmul / qf.fused_matmul lowering (MatmulToVector.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTOVECTOR_MATMULPLAN_H
#define QF_LIB_CONVERSION_QFTOVECTOR_MATMULPLAN_H

#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/Builder.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

namespace qf::cpu {

using mlir::Location;
using mlir::Operation;

/// A size known statically or computed at run time.
struct Size {
  int64_t s = mlir::ShapedType::kDynamic;
  Value v;
};

/// The shape of a contraction once its operands are set up: logical sizes,
/// the summation plans and the register tiles.
struct Contraction {
  Contraction(Operation *op, int64_t rank)
      : op(op), loc(op->getLoc()), rank(rank) {}
  Operation *op;
  Location loc;
  int64_t rank;
  Plan p;          ///< lhs * rhs
  Plan p2;         ///< lhs * rhs2 (a dual GEMM), when dual
  bool dual = false;
  Size m, n, k, batch;
  int64_t mt = 1, nt = 1, nt2 = 0; ///< register tile rows of A, B (B2)
};

/// Tiles of `t` rows over a size, then remainder rows in tiles of 1.
struct Part {
  Value lo, tiles;
  int64_t t;
};

llvm::SmallVector<Part> splitTiles(qf::kernel::Idx &ix, const Size &s,
                                   int64_t t);

/// Operands, sizes, plans and tiles of lhs * rhs (and lhs * rhs2).
mlir::FailureOr<Contraction>
prepareContraction(mlir::OpBuilder &b, Operation *op, Type lhsT, Type rhsT,
                   Type rhs2T, bool tb, mlir::ValueRange lhsStorage,
                   mlir::ValueRange rhsStorage, mlir::ValueRange rhs2Storage,
                   mlir::RankedTensorType resultT,
                   const qf::TargetInfo &target);

/// Dynamic sizes of a [B,] M x N result (N only `withN`).
llvm::SmallVector<Value> resultDynSizes(const Contraction &c,
                                        mlir::RankedTensorType t, bool withN);

} // namespace qf::cpu

#endif // QF_LIB_CONVERSION_QFTOVECTOR_MATMULPLAN_H
