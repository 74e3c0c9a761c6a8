//===- MatmulTiles.h - Register tiles of the CPU block-scaled GEMM -*- C++ -*-===//
//
// Internal to the CPU target: the operand views and the tile emitters of
// MatmulTiles.cpp (the summation scheme is described there), used by the
// qf.matmul / qf.fused_matmul lowering in MatmulToVector.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTOVECTOR_MATMULTILES_H
#define QF_LIB_CONVERSION_QFTOVECTOR_MATMULTILES_H

#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Numerics/Format.h"

#include "mlir/IR/Builders.h"

namespace qf::cpu {

using mlir::Type;
using mlir::Value;
namespace nm = qf::numerics;

/// One operand as rows along K. The data buffer is viewed flat (1-D); an
/// element is addressed through the storage strides of the original shape.
struct Operand {
  bool quant = false;
  nm::BlockFormat fmt;
  unsigned bits = 0;    ///< code bits (quantized)
  Type elt;             ///< value type (float operand)
  Value nd;             ///< the N-D buffer (for sizes)
  Value flat;           ///< the same buffer, 1-D
  Value scales;         ///< N-D block scales (quantized)
  Value scaleTable;     ///< decoded byte scales (qf::kernel::scaleTable)
  Value tensorScale;    ///< loaded f32 tensor decode scale, or null
  bool kInner = true;   ///< K is the innermost (contiguous) dimension
  int64_t blockLen = 0; ///< fixed block along K; 0: one scale over K
  Value batchStride;    ///< storage units per batch
  Value rowStride;      ///< per row (kInner) or per k (strided)
  Value factor;         ///< K-invariant f32 factor, or null
  /// The repacked layout tiled<tileRows x tileK> of a [N, K] rhs (0: row
  /// major): addresses through tiledCodeByte / tiledScale.
  int64_t tileRows = 0, tileK = 0, kDim = 0;
  Value scalesFlat;     ///< 1-D view of `scales` (tiled)
};

/// Everything the tile emitter needs.
struct Plan {
  Operand a, bOp;
  bool batched = false;
  Value kSize;          ///< K (index)
  int64_t kStatic = -1; ///< K if static
  bool singleSegment = true;
  int64_t seg = 0;    ///< segment length g (blocked)
  int64_t chunk = 16; ///< C: f32 lanes per chunk
  Value out;          ///< output buffer [batch?, M, N]
  /// 4-bit B along K: emitNibbleTile (see there) instead of emitTile.
  bool nibbles = false;
  /// Float A, B blocked along K with scales that fold exactly into its
  /// decoded elements: emitFoldedTile instead of emitTile.
  bool folded = false;
  /// Row tiles of A per parallel iteration of emitLoop (blocks that run
  /// against one B tile); 1: one tile per iteration.
  int64_t rowTilesPerBlock = 1;
  /// Nibbles: A split into the even and odd halves of every chunk of 2C
  /// elements (emitSplitA): [batch][aSplitRows][K] f32.
  Value aSplit, aSplitRows;
  /// Integer codes on both sides: the whole product by emitIntDotProducts
  /// (MatmulIntDot.cpp) instead of tiles (set by chooseIntDot).
  bool intDot = false;
  const qf::TargetInfo *target = nullptr; ///< decode hooks (4-bit lookups)
  /// CPU tiles: prefetch the B rows this many rows ahead (the next B tile
  /// of the thread) at the K position being read (prefetchNextB); 0: none.
  int64_t prefetchRows = 0;
  /// Epilogue: outputs go to a band buffer [rows, N] (1-D, rows from
  /// scratchRow0) instead of `out`; transposed: [columns, M], columns from
  /// scratchRow0, scratchN = M.
  Value scratch, scratchRow0, scratchN;
  bool scratchTransposed = false;
};

/// An all-zero vector.
Value zeroVec(mlir::OpBuilder &b, mlir::Location loc, mlir::VectorType t);
/// x * y where either may be null (absent factor).
Value mulf(mlir::OpBuilder &b, mlir::Location loc, Value x, Value y);
/// Whether an operand's block scale folds exactly into its decoded elements.
bool scaleFoldsExactly(const nm::BlockFormat &f);
/// Decoded, unscaled values of `row` (m for A, n for B) at K positions
/// [k0, k0 + c) as vector<c x f32>; with `valid`, only the first `valid`
/// lanes are read and the others are 0.
Value loadChunk(mlir::OpBuilder &b, mlir::Location loc, const Operand &o,
                Value batch, Value row, Value k0, int64_t c, Value valid);
/// The decoded f32 scale of the block of `row` that holds K position `k0`.
Value loadScale(mlir::OpBuilder &b, mlir::Location loc, const Operand &o,
                Value batch, Value row, Value k0);
/// With p.prefetchRows: prefetches the code bytes at K position k0 of the B
/// rows that many rows after `rowsN` (TargetInfo::emitPrefetch).
void prefetchNextB(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                   Value batch, llvm::ArrayRef<Value> rowsN, Value k0);
/// Stores output (row m, column n) of one batch.
void storeOutput(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                 Value batch, Value m, Value n, Value v);
/// Computes and stores the outputs [rowsM] x [rowsN] of one batch.
void emitTile(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
              Value batch, llvm::ArrayRef<Value> rowsM,
              llvm::ArrayRef<Value> rowsN);
/// emitTile for a folded plan (Plan::folded): B's block scale multiplies its
/// decoded chunks, one accumulator per output, no per-segment sums.
void emitFoldedTile(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                    Value batch, llvm::ArrayRef<Value> rowsM,
                    llvm::ArrayRef<Value> rowsN);
/// The tile emitter of a plan (emitNibbleTile, emitFoldedTile or emitTile).
void emitPlanTile(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                  Value batch, llvm::ArrayRef<Value> rowsM,
                  llvm::ArrayRef<Value> rowsN);
/// Fills p.aSplit for a nibbles plan (MatmulNibbles.cpp): A's rows (all
/// batches) decoded, scaled and split into even and odd halves per chunk.
void emitSplitA(mlir::OpBuilder &b, mlir::Location loc, Plan &p,
                Value batches, Value m);
/// emitTile for 4-bit B along K (Plan::nibbles), A read from p.aSplit.
void emitNibbleTile(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                    Value batch, llvm::ArrayRef<Value> rowsM,
                    llvm::ArrayRef<Value> rowsN);
/// One scf.parallel over (batch, row tiles of A, row tiles of B): tiles of
/// mt x nt outputs starting at mLo + t*mt, nLo + u*nt.
void emitLoop(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
              Value batches, Value mLo, Value mTiles, int64_t mt, Value nLo,
              Value nTiles, int64_t nt);

/// Whether lhs * rhs^T can take the integer dot-product kernel (8-bit
/// integer lhs; 8/4-bit integer or E2M1 rhs; byte block scales along K of
/// both; K static); sets p.intDot.
bool chooseIntDot(Plan &p, unsigned vectorWidth);
/// Records a tiled rhs type's layout in `o` (MatmulRepacked.cpp).
void setupTiling(mlir::OpBuilder &b, mlir::Location loc, Type t, Operand &o);
/// Byte of a tiled operand's packed codes that holds code (row, k0) (k0 at
/// a byte boundary).
Value tiledCodeByte(mlir::OpBuilder &b, mlir::Location loc, const Operand &o,
                    Value row, Value k0);
/// Index into `scalesFlat` of a tiled operand's scale of (row, block blk).
Value tiledScaleIndex(mlir::OpBuilder &b, mlir::Location loc, const Operand &o,
                      Value row, Value blk);
/// Before a plan's kernel is emitted: a tiled rhs whose layout the chosen
/// kernel does not read in place (a run that does not hold whole chunks, or
/// int-dot panels that are not whole groups) is copied once into row-major
/// buffers, so every layout gives the bits of the row-major product.
void resolveTiledRhs(mlir::OpBuilder &b, mlir::Location loc, Plan &p,
                     const qf::TargetInfo &target);

/// Rows of rhs per int-dot panel (2 lane vectors) at a vector width: the
/// R of the repacked layout tiled<R x 4> that the kernel reads directly.
int64_t intDotPanelRows(unsigned vectorWidth);
/// The whole product of an intDot plan into p.out ([batch,] M x N).
void emitIntDotProducts(mlir::OpBuilder &b, mlir::Location loc, const Plan &p,
                        Value batches, Value m, Value n,
                        const qf::TargetInfo &target);

} // namespace qf::cpu

#endif // QF_LIB_CONVERSION_QFTOVECTOR_MATMULTILES_H
