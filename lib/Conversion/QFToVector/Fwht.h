//===- Fwht.h - Vector emitters of the fast Walsh-Hadamard transform -*- C++ -*-===//
//
// Internal to the CPU target: the IR emission helpers shared by the
// qf.hadamard kernels (HadamardToVector.cpp) and the fused Hadamard +
// quantize kernel (HadamardQuantize.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTOVECTOR_FWHT_H
#define QF_LIB_CONVERSION_QFTOVECTOR_FWHT_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qf::cpu {

using namespace mlir;

/// Rows (or columns) of at most this many vectors are transformed entirely
/// in registers; larger blocks go through memory stage by stage.
constexpr int64_t kMaxRegisterRows = 32;

/// n = m * p with m in {1, 12, 20} and p a power of two (the library's split).
inline bool splitHadamardSize(int64_t n, int64_t &m, int64_t &p) {
  int mi = 0;
  if (!qf::numerics::splitHadamardSize(n, mi, p))
    return false;
  m = mi;
  return true;
}

/// A set of equally spaced vectors in a 1-D f32 memref: row r starts at
/// base + r * stride; `mask` (may be null) selects the valid lanes.
struct RowView {
  Value mem;
  Value base;
  Value stride;
  VectorType type;
  Value mask;
};

/// IR emission helpers for one kernel.
class FwhtEmitter {
public:
  FwhtEmitter(OpBuilder &b, Location loc, unsigned vw)
      : b(b), loc(loc), vw(vw) {}

  OpBuilder &b;
  Location loc;
  unsigned vw;

  // Index arithmetic folds constants as it goes (qf::kernel::Idx), so that
  // static shapes give static trip counts and tails.
  qf::kernel::Idx ix() { return {b, loc}; }
  Value idx(int64_t v) { return ix().c(v); }
  Value addi(Value x, Value y) { return ix().add(x, y); }
  Value muli(Value x, Value y) { return ix().mul(x, y); }
  Value divui(Value x, int64_t d) { return ix().div(x, d); }
  Value remui(Value x, int64_t d) { return ix().rem(x, d); }
  Value ceildivui(Value x, int64_t d) { return ix().ceilDiv(x, d); }
  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value subf(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mulf(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value negf(Value x) { return arith::NegFOp::create(b, loc, x); }

  Value splatF32(VectorType t, float v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef<float>(v)));
  }

  Value load(const RowView &v, Value row) {
    Value off = addi(v.base, muli(row, v.stride));
    if (!v.mask)
      return vector::LoadOp::create(b, loc, v.type, v.mem, ValueRange{off});
    return vector::MaskedLoadOp::create(b, loc, v.type, v.mem, ValueRange{off},
                                        v.mask, splatF32(v.type, 0.0f));
  }
  void store(const RowView &v, Value row, Value x) {
    Value off = addi(v.base, muli(row, v.stride));
    if (!v.mask)
      vector::StoreOp::create(b, loc, x, v.mem, ValueRange{off});
    else
      vector::MaskedStoreOp::create(b, loc, v.mem, ValueRange{off}, v.mask, x);
  }

  /// Flips the sign of the lanes whose mask word is 0x80000000 (D15; exact,
  /// like the library's x = -x).
  Value flipSigns(Value x, Value signBits) {
    auto ft = cast<VectorType>(x.getType());
    auto it = VectorType::get(ft.getShape(), b.getI32Type());
    Value bits = arith::BitcastOp::create(b, loc, it, x);
    bits = arith::XOrIOp::create(b, loc, bits, signBits);
    return arith::BitcastOp::create(b, loc, ft, bits);
  }

  /// Constant sign words for lanes [first, first + lanes) of sigma, repeated
  /// with period sigma.size(); lanes past `valid` get 0.
  Value signConstant(ArrayRef<int8_t> sigma, int64_t first, int64_t lanes,
                     int64_t valid) {
    SmallVector<int32_t> words(lanes, 0);
    int64_t n = sigma.size();
    for (int64_t l = 0; l < valid; ++l)
      words[l] = sigma[(first + l) % n] < 0 ? INT32_MIN : 0;
    auto t = VectorType::get({lanes}, b.getI32Type());
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef(words)));
  }

  /// Butterfly stages h = 1, 2, ... < hEnd inside one register: lane l pairs
  /// with lane l ^ h; the lane with bit h clear gets a + b, the other a - b.
  /// One shuffle per stage: with p the partner lane, the lower lane's
  /// v + p is a + b (FP32 addition commutes, so the bits are the library's)
  /// and the upper lane's p - v is a - b.
  Value shuffleStages(Value v, int64_t hEnd) {
    auto t = cast<VectorType>(v.getType());
    int64_t lanes = t.getNumElements();
    for (int64_t h = 1; h < hEnd && h < lanes; h *= 2) {
      SmallVector<int64_t> partner(lanes);
      SmallVector<bool> upper(lanes);
      for (int64_t l = 0; l < lanes; ++l) {
        partner[l] = l ^ h;
        upper[l] = (l & h) != 0;
      }
      Value p = vector::ShuffleOp::create(b, loc, v, v, partner);
      Value sel = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                                 ArrayRef(upper)));
      v = arith::SelectOp::create(b, loc, sel, subf(p, v), addf(v, p));
    }
    return v;
  }

  /// Butterfly stages over rows held in registers (rows.size() a power of
  /// two), in the library's order.
  void butterflyRows(MutableArrayRef<Value> rows) {
    int64_t n = rows.size();
    for (int64_t h = 1; h < n; h *= 2)
      for (int64_t i = 0; i < n; i += 2 * h)
        for (int64_t j = i; j < i + h; ++j) {
          Value a = rows[j], c = rows[j + h];
          rows[j] = addf(a, c);
          rows[j + h] = subf(a, c);
        }
  }

  /// H_m applied to m columns: out[r] = +-col[0] +- col[1] ... in order j.
  SmallVector<Value> paleyRows(ArrayRef<Value> cols, int64_t m) {
    const int8_t *hm = qf::numerics::paleyMatrix(int(m));
    SmallVector<Value> out;
    for (int64_t r = 0; r < m; ++r) {
      const int8_t *row = hm + r * m;
      Value acc = row[0] > 0 ? cols[0] : negf(cols[0]);
      for (int64_t j = 1; j < m; ++j)
        acc = row[j] > 0 ? addf(acc, cols[j]) : subf(acc, cols[j]);
      out.push_back(acc);
    }
    return out;
  }

  /// Creates `scf.for %iv = lb to ub step st` and moves the insertion point
  /// into its body; returns the induction variable.
  Value beginFor(Value lb, Value ub, Value st) {
    auto loop = scf::ForOp::create(b, loc, lb, ub, st);
    b.setInsertionPointToStart(loop.getBody());
    return loop.getInductionVar();
  }

  /// Butterfly stages h = 1 .. rows/2 on `rows` rows of a view, in memory,
  /// up to three stages per pass (2^g rows j + t*h in registers go through
  /// stages h, 2h, ... exactly as butterflyRows orders them); the last stage
  /// multiplies by `scale` when given.
  void memoryButterflies(const RowView &v, int64_t rows, Value scale) {
    for (int64_t h = 1; h < rows;) {
      int64_t g = 1;
      while (g < 3 && (h << g) < rows)
        ++g;
      int64_t span = h << g;
      OpBuilder::InsertionGuard guard(b);
      Value i = beginFor(idx(0), idx(rows), idx(span));
      Value j = beginFor(i, addi(i, idx(h)), idx(1));
      SmallVector<Value> rowIdx, vals;
      for (int64_t t = 0; t < (int64_t(1) << g); ++t) {
        rowIdx.push_back(addi(j, idx(t * h)));
        vals.push_back(load(v, rowIdx.back()));
      }
      butterflyRows(vals);
      for (auto [r, x] : llvm::zip(rowIdx, vals))
        store(v, r, span >= rows && scale ? mulf(x, scale) : x);
      h = span;
    }
  }

  /// The D15 sign words of sigma as a read-only i32 buffer (for loops that
  /// index it).
  Value signBuffer(ArrayRef<int8_t> sigma) {
    SmallVector<int32_t> words;
    for (int8_t s : sigma)
      words.push_back(s < 0 ? INT32_MIN : 0);
    int64_t n = sigma.size();
    auto tt = RankedTensorType::get({n}, b.getI32Type());
    Value cst = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(tt, ArrayRef(words)));
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get({n}, b.getI32Type()), cst, /*read_only=*/true);
  }
};

/// The qf.quantize that the fused Hadamard + quantize kernel can absorb, or
/// null: the only user of `op`, in the same block, quantizing along the same
/// innermost axis into an MX or NV format (E8M0 or E4M3 scales, fixed
/// power-of-two blocks) with scales from the data, with whole vectors per
/// block and at most kMaxRegisterRows vectors per unit.
qf::QuantizeOp fusableHadamardQuantize(qf::HadamardOp op, unsigned vw);

/// The fused kernel of quantize `q` of hadamard `op` (whose converted input
/// is `input`); replaces both.
void emitHadamardQuantize(ConversionPatternRewriter &rewriter,
                          qf::HadamardOp op, qf::QuantizeOp q, Value input,
                          const qf::TargetInfo &target);

} // namespace qf::cpu

#endif // QF_LIB_CONVERSION_QFTOVECTOR_FWHT_H
