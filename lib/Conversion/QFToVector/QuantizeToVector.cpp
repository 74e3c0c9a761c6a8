//===- QuantizeToVector.cpp - quantize/dequantize/... as CPU kernels ------===//
//
// Kernels work on flat (1-D) views of the buffers. A blocked tensor of shape
// S with blocked axis a is viewed as [P, K, Q1, W]: P = prod(S[0..a)),
// K = S[a], W = the innermost dimension, Q1 = the dimensions in between.
//  * axis innermost (W = 1): vector lanes run along a block; one scale per
//    block is computed in scalar code ("row kernel").
//  * axis not innermost: lanes run along W (independent blocks side by side,
//    one scale per lane), the block's L elements are L vector rows ("lane
//    kernel").
//  * one block for the whole tensor: a reduction pass gives the scale, then
//    the lane kernel encodes with it.
// Lanes always start at multiples of the vector width inside an innermost
// row, so 4/6-bit codes pack in registers (D10/D11); when a block's length
// breaks that alignment along the innermost axis, codes go through an
// unpacked buffer and a separate packing loop.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "FusedKernels.h"
#include "KernelBuilder.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

#include <cfloat>
#include <functional>

using namespace mlir;
namespace nm = qf::numerics;
using qf::kernel::KB;

namespace {

//===----------------------------------------------------------------------===//
// Buffers and index helpers
//===----------------------------------------------------------------------===//

struct Idx {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinUIOp::create(b, loc, x, y); }
  Value ceilDiv(Value x, int64_t d) {
    return div(add(x, c(d - 1)), c(d));
  }
  Value toI32(Value x) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), x);
  }
};

/// Sizes of a tensor value's dims (dynamic ones through tensor.dim).
SmallVector<Value> dimSizes(OpBuilder &b, Location loc, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    sizes.push_back(t.isDynamicDim(i)
                        ? tensor::DimOp::create(b, loc, tensor, i).getResult()
                        : arith::ConstantIndexOp::create(b, loc, t.getDimSize(i))
                              .getResult());
  return sizes;
}

Value product(Idx &ix, ArrayRef<Value> v, size_t from, size_t to) {
  Value p = ix.c(1);
  for (size_t i = from; i < to; ++i)
    p = ix.mul(p, v[i]);
  return p;
}

MemRefType memrefOf(RankedTensorType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

/// A read-only buffer of a tensor.
Value readBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(b, loc, memrefOf(t), tensor,
                                           /*read_only=*/true);
}

/// A new buffer of tensor type `t` whose dynamic sizes are `sizes`.
Value allocBuffer(OpBuilder &b, Location loc, RankedTensorType t,
                  ArrayRef<Value> sizes) {
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (t.isDynamicDim(i))
      dyn.push_back(sizes[i]);
  return memref::AllocOp::create(b, loc, memrefOf(t), dyn, b.getI64IntegerAttr(64));
}

Value toTensor(OpBuilder &b, Location loc, RankedTensorType t, Value buf) {
  return bufferization::ToTensorOp::create(b, loc, t, buf, /*restrict=*/true,
                                           /*writable=*/true);
}

/// 1-D view of an identity-layout buffer (rank 0 becomes [1]).
Value flat(OpBuilder &b, Location loc, Value buf) {
  auto t = cast<MemRefType>(buf.getType());
  if (t.getRank() == 1)
    return buf;
  if (t.getRank() == 0)
    return memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({1}, t.getElementType()), buf,
        ArrayRef<ReassociationIndices>{}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  return memref::CollapseShapeOp::create(b, loc, buf,
                                         ArrayRef<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Format-dependent scale logic shared by the kernels
//===----------------------------------------------------------------------===//

/// What encoding one block needs once its scale is known.
struct ScaleInfo {
  Value stored;  ///< storage value (i32 byte for E8M0/E4M3, else f16/bf16/f32)
  Value kexp;    ///< MX: the i32 exponent offset of encodeElements
  Value eb;      ///< float scales: the f32 element multiplier
  Value nanBlock; ///< i1: the block encodes to zeros (non-finite / NaN scale)
};

struct Kernels {
  OpBuilder &b;
  Location loc;
  nm::BlockFormat f;
  unsigned vw;
  unsigned bits;

  KB kb() { return KB{b, loc}; }
  bool isMX() const { return f.scale == nm::ScaleType::E8M0; }
  /// Scale storage element (i8 for one-byte scale types).
  bool byteScales() const {
    return f.scale == nm::ScaleType::E8M0 || f.scale == nm::ScaleType::E4M3;
  }

  /// Scale of a block with |x| max bits `amaxBits` (non-finite when
  /// >= 0x7F800000) and tensor encode scale sEnc (float scales only).
  ScaleInfo fromAmax(Value amaxBits, Value sEnc) {
    KB k = kb();
    Type it = amaxBits.getType();
    ScaleInfo s;
    s.nanBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                       amaxBits, k.i32(it, 0x7F800000));
    if (isMX()) {
      Value xs = qf::kernel::mxScaleExponent(k, f, amaxBits);
      Value byte = arith::AddIOp::create(b, loc, xs, k.i32(it, 127));
      s.stored = arith::SelectOp::create(b, loc, s.nanBlock, k.i32(it, 0xFF), byte);
      s.kexp = mxKexp(xs);
      return s;
    }
    // Section 4.2 step 3: t_b = fp32(fp32(amax_b / Qe) * S_enc).
    Type ft = KB::withElt(it, b.getF32Type());
    Value amax = arith::BitcastOp::create(b, loc, ft, amaxBits);
    Value tb = arith::DivFOp::create(b, loc, amax,
                                     k.f32(ft, float(f.elementMax())));
    tb = arith::MulFOp::create(b, loc, tb, sEnc);
    Value stored = qf::kernel::encodeScaleRNE(k, f.scale, tb);
    s = fromStoredFloat(stored, sEnc);
    Value nanStored = nanScale(ft);
    s.nanBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                       amaxBits, k.i32(it, 0x7F800000));
    s.stored = arith::SelectOp::create(b, loc, s.nanBlock, nanStored, stored);
    return s;
  }

  /// The NaN storage value of the scale type, shaped like `ft`.
  Value nanScale(Type ft) {
    KB k = kb();
    Type it = KB::withElt(ft, b.getI32Type());
    switch (f.scale) {
    case nm::ScaleType::E8M0:
      return k.i32(it, 0xFF);
    case nm::ScaleType::E4M3:
      return k.i32(it, 0x7F);
    case nm::ScaleType::F16:
    case nm::ScaleType::BF16: {
      Type i16 = KB::withElt(ft, b.getI16Type());
      Value h = arith::TruncIOp::create(
          b, loc, i16,
          k.i32(it, nm::scaleNaN(f.scale)));
      return arith::BitcastOp::create(b, loc, KB::withElt(ft, scaleElt()), h);
    }
    case nm::ScaleType::F32:
      return k.f32Bits(ft, 0x7FC00000u);
    }
    return {};
  }

  /// Element type of scale values in registers (i32 for byte scales).
  Type scaleElt() {
    switch (f.scale) {
    case nm::ScaleType::E8M0:
    case nm::ScaleType::E4M3:
      return b.getI32Type();
    case nm::ScaleType::F16:
      return b.getF16Type();
    case nm::ScaleType::BF16:
      return b.getBF16Type();
    case nm::ScaleType::F32:
      return b.getF32Type();
    }
    return {};
  }

  Value mxKexp(Value xs) {
    if (!f.elem.isInt())
      return xs;
    KB k = kb();
    return arith::SubIOp::create(b, loc, xs,
                                 k.i32(xs.getType(), f.elem.bits - 2));
  }

  /// Float scales: from a stored scale and the tensor encode scale
  /// (numerics encodeFloatScaledBlock).
  ScaleInfo fromStoredFloat(Value stored, Value sEnc) {
    KB k = kb();
    ScaleInfo s;
    s.stored = stored;
    Value sf = qf::kernel::decodeScale(k, f.scale, stored);
    Type ft = sf.getType();
    s.nanBlock = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, sf, sf);
    Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sf,
                                         k.f32(ft, 0.0f));
    Value eb = arith::DivFOp::create(b, loc, sEnc, sf);
    Value ok = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, eb,
                                     k.f32(ft, FLT_MAX));
    eb = arith::SelectOp::create(b, loc, ok, eb, k.f32(ft, FLT_MAX));
    s.eb = arith::SelectOp::create(b, loc, isZero, k.f32(ft, 0.0f), eb);
    return s;
  }

  /// From a stored scale of any type (static scales).
  ScaleInfo fromStored(Value stored, Value sEnc) {
    if (!isMX())
      return fromStoredFloat(stored, sEnc);
    KB k = kb();
    Type it = stored.getType();
    ScaleInfo s;
    s.stored = stored;
    Value byte = arith::AndIOp::create(b, loc, stored, k.i32(it, 0xFF));
    s.nanBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, byte,
                                       k.i32(it, 0xFF));
    s.kexp = mxKexp(arith::SubIOp::create(b, loc, byte, k.i32(it, 127)));
    return s;
  }

  /// Broadcasts scalar scale info to vectors of `vw` lanes.
  ScaleInfo splatInfo(const ScaleInfo &s) {
    auto bc = [&](Value v) -> Value {
      if (!v || isa<VectorType>(v.getType()))
        return v;
      return vector::BroadcastOp::create(b, loc, VectorType::get({vw}, v.getType()), v);
    };
    return {bc(s.stored), bc(s.kexp), bc(s.eb), bc(s.nanBlock)};
  }

  /// Codes (vector<vw x i32>) of x (vector<vw x f32>) under scale info `s`.
  Value encode(Value x, const ScaleInfo &s) {
    KB k = kb();
    Type it = VectorType::get({vw}, b.getI32Type());
    Value codes;
    if (isMX()) {
      codes = qf::kernel::encodeElements(k, f.elem, f.rounding, f.range, x, s.kexp);
    } else {
      Value v = arith::MulFOp::create(b, loc, x, s.eb);
      codes = qf::kernel::encodeElements(k, f.elem, f.rounding, f.range, v,
                                         k.i32(it, 0));
    }
    return arith::SelectOp::create(b, loc, s.nanBlock, k.i32(it, 0), codes);
  }

  /// Decoded values (vector<vw x f32>) of codes under stored scale `stored`
  /// (vector) and tensor decode scale g (f32 scalar or null).
  Value decode(Value codes, Value stored, Value g) {
    KB k = kb();
    Type ft = VectorType::get({vw}, b.getF32Type());
    Value q = qf::kernel::decodeElements(k, f.elem, codes);
    Value sf = qf::kernel::decodeScale(k, f.scale, stored);
    Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, sf, sf);
    Value v;
    if (isMX() && f.elem.isInt()) {
      // k * 2^-(b-2) is exact; one rounding when multiplied by 2^xs.
      q = arith::MulFOp::create(b, loc, q,
                                k.f32(ft, std::ldexp(1.0f, -(f.elem.bits - 2))));
      v = arith::MulFOp::create(b, loc, q, sf);
    } else {
      v = arith::MulFOp::create(b, loc, q, sf);
      if (g)
        v = arith::MulFOp::create(
            b, loc, v, vector::BroadcastOp::create(b, loc, ft, g));
    }
    return arith::SelectOp::create(b, loc, isNaN, k.f32Bits(ft, 0x7FC00000u), v);
  }

  //===--------------------------------------------------------------------===//
  // Memory helpers
  //===--------------------------------------------------------------------===//

  VectorType vecOf(Type elt, int64_t n) { return VectorType::get({n}, elt); }

  Value mask(Value valid, int64_t n) {
    return vector::CreateMaskOp::create(b, loc, VectorType::get({n}, b.getI1Type()),
                                        ValueRange{valid});
  }

  /// Loads `valid` (<= vw) elements of a 1-D f32/f16/bf16 buffer as f32.
  Value loadF32(Value mem, Value at, Value valid, bool full) {
    Type elt = cast<MemRefType>(mem.getType()).getElementType();
    VectorType vt = vecOf(elt, vw);
    Value v;
    if (full) {
      v = vector::LoadOp::create(b, loc, vt, mem, ValueRange{at});
    } else {
      Value pass = arith::ConstantOp::create(
          b, loc, vt, SplatElementsAttr::get(vt, b.getFloatAttr(elt, 0.0)));
      v = vector::MaskedLoadOp::create(b, loc, vt, mem, ValueRange{at},
                                       mask(valid, vw), pass);
    }
    if (!elt.isF32())
      v = arith::ExtFOp::create(b, loc, vecOf(b.getF32Type(), vw), v);
    return v;
  }

  /// Stores f32 values into a 1-D buffer of f32/f16/bf16 (RNE narrowing).
  void storeF32(Value v, Value mem, Value at, Value valid, bool full) {
    Type elt = cast<MemRefType>(mem.getType()).getElementType();
    if (!elt.isF32())
      v = arith::TruncFOp::create(b, loc, vecOf(elt, vw), v);
    if (full)
      vector::StoreOp::create(b, loc, v, mem, ValueRange{at});
    else
      vector::MaskedStoreOp::create(b, loc, mem, ValueRange{at}, mask(valid, vw), v);
  }

  /// Packs codes and stores the bytes of `validCodes` codes at byte `at`.
  void storeCodes(Value codes, Value mem, Value at, Value validCodes, bool full) {
    KB k = kb();
    Value packed = qf::kernel::packCodes(k, bits, codes);
    int64_t nbytes = vw * bits / 8;
    if (full) {
      vector::StoreOp::create(b, loc, packed, mem, ValueRange{at});
      return;
    }
    Idx ix{b, loc};
    Value nvalid = ix.ceilDiv(ix.mul(validCodes, ix.c(bits)), 8);
    vector::MaskedStoreOp::create(b, loc, mem, ValueRange{at}, mask(nvalid, nbytes),
                                  packed);
  }

  /// Loads and unpacks `validCodes` codes from byte `at`.
  Value loadCodes(Value mem, Value at, Value validCodes, bool full) {
    KB k = kb();
    int64_t nbytes = vw * bits / 8;
    VectorType vt = vecOf(b.getI8Type(), nbytes);
    Value packed;
    if (full) {
      packed = vector::LoadOp::create(b, loc, vt, mem, ValueRange{at});
    } else {
      Idx ix{b, loc};
      Value nvalid = ix.ceilDiv(ix.mul(validCodes, ix.c(bits)), 8);
      Value pass = arith::ConstantOp::create(
          b, loc, vt, SplatElementsAttr::get(vt, b.getI8IntegerAttr(0)));
      packed = vector::MaskedLoadOp::create(b, loc, vt, mem, ValueRange{at},
                                            mask(nvalid, nbytes), pass);
    }
    return qf::kernel::unpackCodes(k, bits, packed, vw);
  }

  /// Scale storage value (scalar, in-register type) at index `at`.
  Value loadScale(Value mem, Value at) {
    Value v = memref::LoadOp::create(b, loc, mem, ValueRange{at});
    if (byteScales())
      v = arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
    return v;
  }
  void storeScale(Value v, Value mem, Value at) {
    if (byteScales())
      v = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
    memref::StoreOp::create(b, loc, v, mem, ValueRange{at});
  }
  /// Per-lane scales at indices `idx` (vector<vw x index>), masked.
  Value gatherScales(Value mem, Value idx, Value m) {
    Type elt = cast<MemRefType>(mem.getType()).getElementType();
    VectorType vt = vecOf(elt, vw);
    Value pass = arith::ConstantOp::create(
        b, loc, vt,
        SplatElementsAttr::get(vt, isa<FloatType>(elt)
                                       ? TypedAttr(b.getFloatAttr(elt, 0.0))
                                       : TypedAttr(b.getIntegerAttr(elt, 0))));
    Value c0 = Idx{b, loc}.c(0);
    Value v = vector::GatherOp::create(b, loc, vt, mem, ValueRange{c0}, idx, m, pass);
    if (byteScales())
      v = arith::ExtUIOp::create(b, loc, vecOf(b.getI32Type(), vw), v);
    return v;
  }
  void scatterScales(Value v, Value mem, Value idx, Value m) {
    if (byteScales())
      v = arith::TruncIOp::create(b, loc, vecOf(b.getI8Type(), vw), v);
    Value c0 = Idx{b, loc}.c(0);
    vector::ScatterOp::create(b, loc, /*resultType=*/Type(), mem, ValueRange{c0}, idx, m, v);
  }

  /// i32 max of |bits| over a vector (lanes past `valid` are zero).
  Value absMaxScalar(Value x) {
    KB k = kb();
    Value a = qf::kernel::absBits(k, x);
    return vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, a);
  }
};

//===----------------------------------------------------------------------===//
// Loop helpers
//===----------------------------------------------------------------------===//

/// scf.for from lb to ub with step; body gets the iv.
void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, Value step,
             function_ref<void(OpBuilder &, Value)> body) {
  scf::ForOp::create(b, loc, lb, ub, step, ValueRange{},
                     [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                       body(nb, iv);
                       scf::YieldOp::create(nb, loc);
                     });
}

/// scf.for carrying one value.
Value forLoopCarry(OpBuilder &b, Location loc, Value lb, Value ub, Value step,
                   Value init,
                   function_ref<Value(OpBuilder &, Value, Value)> body) {
  auto op = scf::ForOp::create(
      b, loc, lb, ub, step, ValueRange{init},
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        Value r = body(nb, iv, args[0]);
        scf::YieldOp::create(nb, loc, r);
      });
  return op.getResult(0);
}

/// scf.parallel over [0, ubs) (step 1).
void parallelLoop(OpBuilder &b, Location loc, ArrayRef<Value> ubs,
                  function_ref<void(OpBuilder &, ValueRange)> body) {
  Idx ix{b, loc};
  SmallVector<Value> lbs(ubs.size(), ix.c(0)), steps(ubs.size(), ix.c(1));
  scf::ParallelOp::create(b, loc, lbs, ubs, steps,
                          [&](OpBuilder &nb, Location, ValueRange ivs) {
                            body(nb, ivs);
                          });
}

/// Calls fn(start, valid, full) for the vector chunks of a block of length
/// L (static value staticL, or 0): full chunks unrolled when there are at
/// most 8, else in a loop, then a masked tail when L % vw may be nonzero.
void forEachChunk(OpBuilder &b, Location loc, Value L, int64_t staticL,
                  unsigned vw, function_ref<void(Value, Value, bool)> fn) {
  Idx ix{b, loc};
  bool mayTail = !(staticL > 0 && staticL % vw == 0);
  int64_t nChunks = mayTail ? 0 : staticL / vw;
  Value fullChunks = ix.div(L, ix.c(vw));
  if (nChunks > 0 && nChunks <= 8) {
    for (int64_t c = 0; c < nChunks; ++c)
      fn(ix.c(c * vw), {}, true);
  } else {
    forLoop(b, loc, ix.c(0), fullChunks, ix.c(1),
            [&](OpBuilder &, Value c) { fn(ix.mul(c, ix.c(vw)), {}, true); });
  }
  if (!mayTail)
    return;
  Value tailStart = ix.mul(fullChunks, ix.c(vw));
  Value tail = ix.sub(L, tailStart);
  Value has =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, tail, ix.c(0));
  scf::IfOp::create(b, loc, has, [&](OpBuilder &, Location) {
    fn(tailStart, tail, false);
    scf::YieldOp::create(b, loc);
  });
}

//===----------------------------------------------------------------------===//
// Quantize / dequantize kernels
//===----------------------------------------------------------------------===//

/// Everything a kernel needs about one quantized tensor.
struct QView {
  qf::QTensorType type;
  nm::BlockFormat f;
  unsigned bits;
  SmallVector<Value> sizes; ///< of the expressed tensor
  Value P, K, Q1, W, N;     ///< view [P, K, Q1, W]; N = total elements
  Value Wp;                 ///< packed bytes per innermost row
  Value L, nb;              ///< block length, blocks per (p, q1, w)
  bool rowKernel;           ///< blocked axis innermost, Fixed/Channel
  bool tensorBlock;         ///< one block for everything
  int64_t staticL = 0;      ///< L when static, else 0
  int64_t staticNb = 0;     ///< nb when static, else 0
};

QView makeView(OpBuilder &b, Location loc, qf::QTensorType t,
               ArrayRef<Value> sizes) {
  Idx ix{b, loc};
  QView v;
  v.type = t;
  v.f = t.getFormat().toNumerics();
  v.bits = t.getElementBits();
  v.sizes.assign(sizes.begin(), sizes.end());
  int64_t r = t.getRank();
  v.N = product(ix, sizes, 0, r);
  v.tensorBlock = v.f.blockKind == nm::BlockKind::Tensor;
  int64_t a = v.tensorBlock ? std::max<int64_t>(r - 1, 0) : t.getAxis();
  if (r == 0) {
    v.P = v.K = v.Q1 = v.W = ix.c(1);
  } else {
    v.P = product(ix, sizes, 0, a);
    v.K = sizes[a];
    v.W = sizes[r - 1];
    v.Q1 = a == r - 1 ? ix.c(1) : product(ix, sizes, a + 1, r - 1);
    if (a == r - 1)
      v.W = ix.c(1);
  }
  Value inner = r == 0 ? ix.c(1) : sizes[r - 1];
  v.Wp = ix.ceilDiv(ix.mul(inner, ix.c(v.bits)), 8);
  v.rowKernel = !v.tensorBlock && a == r - 1;
  if (v.tensorBlock) {
    v.L = v.N;
    v.nb = ix.c(1);
  } else if (v.f.blockKind == nm::BlockKind::Channel) {
    v.L = v.K;
    v.nb = ix.c(1);
    if (!ShapedType::isDynamic(t.getShape()[a]))
      v.staticL = t.getShape()[a];
  } else {
    v.staticL = v.f.blockSize;
    v.L = ix.c(v.f.blockSize);
    v.nb = ix.div(v.K, v.L);
    if (!ShapedType::isDynamic(t.getShape()[a]))
      v.staticNb = t.getShape()[a] / v.f.blockSize;
  }
  return v;
}

int64_t packGroup(unsigned bits) {
  return std::lcm<int64_t>(bits, 8) / bits;
}

/// Whether the row kernel can pack in registers: every vector chunk starts
/// on a packing-group boundary.
bool rowKernelPacksInRegisters(const QView &v, unsigned vw) {
  int64_t g = packGroup(v.bits);
  return v.staticL > 0 && v.staticL % g == 0 && vw % g == 0;
}

/// Inputs of a quantize kernel.
using qf::kernel::LoadFn;

struct QuantizeArgs {
  LoadFn load;        ///< the input values (a buffer or a fused computation)
  Value packed;       ///< 1-D output bytes
  Value scales;       ///< 1-D scales (written when computed, read when static)
  bool staticScales = false;
  Value sEnc;         ///< f32 scalar tensor encode scale (float scales)
};

/// Row kernel (axis innermost). Codes go to `codesBuf` (1-D i8, unpacked)
/// when the chunks do not align with packing groups.
/// Row kernel over groups of `vw` consecutive blocks of a row: the blocks'
/// scales are computed together in vector registers (one lane per block),
/// which amortizes the scale arithmetic over short blocks (NVFP4's 16).
void emitRowQuantizeGrouped(Kernels &kn, const QView &v, const QuantizeArgs &a) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  int64_t nChunks = v.staticL / vw;
  Value groups = ix.c(v.staticNb / vw);
  VectorType it = VectorType::get({vw}, b.getI32Type());
  VectorType ft = VectorType::get({vw}, b.getF32Type());
  parallelLoop(b, loc, {v.P, groups}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    KB k = kn.kb();
    Value p = ivs[0], grp = ivs[1];
    Value firstBlock = ix.mul(grp, ix.c(vw));
    Value groupBase = ix.add(ix.mul(p, v.K), ix.mul(firstBlock, v.L));
    Value scaleAt = ix.add(ix.mul(p, v.nb), firstBlock);
    Value sEncV = a.sEnc ? vector::BroadcastOp::create(b, loc, ft, a.sEnc).getResult()
                         : Value();
    ScaleInfo s;
    Type selt = cast<MemRefType>(a.scales.getType()).getElementType();
    if (a.staticScales) {
      Value st = vector::LoadOp::create(b, loc, VectorType::get({vw}, selt),
                                        a.scales, ValueRange{scaleAt});
      if (kn.byteScales())
        st = arith::ExtUIOp::create(b, loc, it, st);
      s = kn.fromStored(st, sEncV);
    } else {
      // One vector of |x| maxima per block (lane-wise over its chunks), then
      // a transposing tree reduction: step h halves the lanes per block and
      // merges two vectors, so vw blocks take vw - 1 merges instead of vw
      // horizontal reductions; lane j of the result is block j's amax.
      SmallVector<Value> level;
      for (unsigned j = 0; j < vw; ++j) {
        Value blockBase = ix.add(groupBase, ix.c(int64_t(j) * v.staticL));
        Value m;
        for (int64_t c = 0; c < nChunks; ++c) {
          Value x = a.load(ix.add(blockBase, ix.c(c * vw)), {}, true);
          Value ab = qf::kernel::absBits(k, x);
          m = m ? arith::MaxSIOp::create(b, loc, m, ab).getResult() : ab;
        }
        level.push_back(m);
      }
      for (int64_t h = vw / 2; h >= 1; h /= 2) {
        SmallVector<int64_t> lo, hi;
        int64_t blocksPer = int64_t(vw) / (2 * h);
        for (int64_t side = 0; side < 2; ++side)
          for (int64_t i = 0; i < blocksPer; ++i)
            for (int64_t l = 0; l < h; ++l) {
              lo.push_back(side * vw + i * 2 * h + l);
              hi.push_back(side * vw + i * 2 * h + h + l);
            }
        SmallVector<Value> next;
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
          Value l = vector::ShuffleOp::create(b, loc, level[i], level[i + 1], lo);
          Value r = vector::ShuffleOp::create(b, loc, level[i], level[i + 1], hi);
          next.push_back(arith::MaxSIOp::create(b, loc, l, r));
        }
        level = next;
      }
      Value amax = level[0];
      s = kn.fromAmax(amax, sEncV);
      Value st = s.stored;
      if (kn.byteScales())
        st = arith::TruncIOp::create(b, loc, VectorType::get({vw}, selt), st);
      vector::StoreOp::create(b, loc, st, a.scales, ValueRange{scaleAt});
    }
    forLoop(b, loc, ix.c(0), ix.c(vw), ix.c(1), [&](OpBuilder &, Value j) {
      auto lane = [&](Value vec) -> Value {
        if (!vec)
          return vec;
        return vector::ExtractOp::create(b, loc, vec, ArrayRef<OpFoldResult>{j});
      };
      ScaleInfo one{lane(s.stored), lane(s.kexp), lane(s.eb), lane(s.nanBlock)};
      ScaleInfo sv = kn.splatInfo(one);
      Value blockBase = ix.add(groupBase, ix.mul(j, v.L));
      for (int64_t c = 0; c < nChunks; ++c) {
        Value at = ix.add(blockBase, ix.c(c * vw));
        Value x = a.load(at, {}, true);
        kn.storeCodes(kn.encode(x, sv), a.packed,
                      ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8)), {}, true);
      }
    });
    scf::ReduceOp::create(b, loc);
  });
}

/// One block `blk` of row `p` of the row kernel: amax (or the static
/// scale), scale, encode. Short static blocks stay in registers.
void emitRowBlock(Kernels &kn, const QView &v, const QuantizeArgs &a,
                  Value codesBuf, Value p, Value blk) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  Value rowBase = ix.add(ix.mul(p, v.K), ix.mul(blk, v.L));
  Value scaleIdx = ix.add(ix.mul(p, v.nb), blk);
  Value fullChunks = ix.div(v.L, ix.c(vw));
  Value tail = ix.sub(v.L, ix.mul(fullChunks, ix.c(vw)));
  Value tailStart = ix.mul(fullChunks, ix.c(vw));
  bool mayTail = !(v.staticL > 0 && v.staticL % vw == 0);
  // Short static blocks (e.g. 16 or 32 elements): straight-line code, the
  // chunks stay in registers between the amax and the encoding.
  int64_t nChunks = mayTail ? 0 : v.staticL / vw;
  if (nChunks > 0 && nChunks <= 8) {
    KB k = kn.kb();
    SmallVector<Value> xs;
    for (int64_t c = 0; c < nChunks; ++c)
      xs.push_back(a.load(ix.add(rowBase, ix.c(c * vw)), {}, true));
    ScaleInfo s;
    if (a.staticScales) {
      s = kn.fromStored(kn.loadScale(a.scales, scaleIdx), a.sEnc);
    } else {
      Value m = qf::kernel::absBits(k, xs[0]);
      for (int64_t c = 1; c < nChunks; ++c)
        m = arith::MaxSIOp::create(b, loc, m, qf::kernel::absBits(k, xs[c]));
      Value amax =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, m);
      s = kn.fromAmax(amax, a.sEnc);
      kn.storeScale(s.stored, a.scales, scaleIdx);
    }
    ScaleInfo sv = kn.splatInfo(s);
    for (int64_t c = 0; c < nChunks; ++c) {
      Value codes = kn.encode(xs[c], sv);
      Value at = ix.add(rowBase, ix.c(c * vw));
      if (codesBuf) {
        Value c8 = arith::TruncIOp::create(
            b, loc, VectorType::get({vw}, b.getI8Type()), codes);
        vector::StoreOp::create(b, loc, c8, codesBuf, ValueRange{at});
      } else {
        kn.storeCodes(codes, a.packed,
                      ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8)), {}, true);
      }
    }
    return;
  }
  ScaleInfo s;
  if (a.staticScales) {
    s = kn.fromStored(kn.loadScale(a.scales, scaleIdx), a.sEnc);
  } else {
    KB k = kn.kb();
    Value amaxV = forLoopCarry(
        b, loc, ix.c(0), fullChunks, ix.c(1),
        k.i32(VectorType::get({vw}, b.getI32Type()), 0),
        [&](OpBuilder &, Value c, Value acc) -> Value {
          Value x = a.load(ix.add(rowBase, ix.mul(c, ix.c(vw))), {},
                               true);
          return arith::MaxSIOp::create(b, loc, acc, qf::kernel::absBits(k, x));
        });
    Value amax = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXSI, amaxV);
    if (mayTail) {
      Value x = a.load(ix.add(rowBase, tailStart), tail, false);
      amax = arith::MaxSIOp::create(b, loc, amax, kn.absMaxScalar(x));
    }
    s = kn.fromAmax(amax, a.sEnc);
    kn.storeScale(s.stored, a.scales, scaleIdx);
  }
  ScaleInfo sv = kn.splatInfo(s);
  auto encodeChunk = [&](Value start, Value valid, bool full) {
    Value x = a.load(ix.add(rowBase, start), valid, full);
    Value codes = kn.encode(x, sv);
    if (codesBuf) {
      Value c8 = arith::TruncIOp::create(
          b, loc, VectorType::get({vw}, b.getI8Type()), codes);
      Value at = ix.add(rowBase, start);
      if (full)
        vector::StoreOp::create(b, loc, c8, codesBuf, ValueRange{at});
      else
        vector::MaskedStoreOp::create(b, loc, codesBuf, ValueRange{at},
                                      kn.mask(valid, vw), c8);
      return;
    }
    Value byteAt = ix.div(ix.mul(ix.add(rowBase, start), ix.c(v.bits)), ix.c(8));
    kn.storeCodes(codes, a.packed, byteAt, valid, full);
  };
  forEachChunk(b, loc, v.L, v.staticL, vw, encodeChunk);
}

void emitRowQuantize(Kernels &kn, const QView &v, const QuantizeArgs &a,
                     Value codesBuf) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  unsigned vw = kn.vw;
  if (!codesBuf && v.staticL > 0 && v.staticL % vw == 0 &&
      v.staticL / vw <= 8 && v.staticNb > 0 && v.staticNb % vw == 0)
    return emitRowQuantizeGrouped(kn, v, a);
  parallelLoop(b, loc, {v.P, v.nb}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    emitRowBlock(kn, v, a, codesBuf, ivs[0], ivs[1]);
    scf::ReduceOp::create(b, loc);
  });
}

/// The [P, K, Q1, W] view the lane kernels iterate over; one block for the
/// whole tensor becomes rows of W elements forming a single block of R rows.
struct LaneGeometry {
  Value P, K, Q1, W, L, nb;
};

LaneGeometry laneGeometry(Idx &ix, const QView &v) {
  LaneGeometry g{v.P, v.K, v.Q1, v.W, v.L, v.nb};
  if (v.tensorBlock) {
    Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
    g.P = ix.c(1);
    g.W = inner;
    g.K = ix.div(v.N, inner);
    g.Q1 = ix.c(1);
    g.L = g.K;
    g.nb = ix.c(1);
  }
  return g;
}

/// D12 scale indices of the lanes w0 + [0, vw) of block `blk`:
/// ((p * Q1 + q1) * W + w) * nb + blk, or all 0 for a single tensor scale.
Value laneScaleIndices(OpBuilder &b, Location loc, const LaneGeometry &g,
                       Value p, Value q1, Value w0, Value blk, unsigned vw,
                       bool scalarScale) {
  Idx ix{b, loc};
  VectorType idxT = VectorType::get({vw}, b.getIndexType());
  if (scalarScale)
    return arith::ConstantOp::create(
        b, loc, idxT, SplatElementsAttr::get(idxT, b.getIndexAttr(0)));
  SmallVector<int64_t> lanes(vw);
  std::iota(lanes.begin(), lanes.end(), 0);
  Value laneIdx = arith::ConstantOp::create(
      b, loc, idxT, DenseElementsAttr::get(idxT, ArrayRef<int64_t>(lanes)));
  auto splatIdx = [&](Value v) {
    return vector::BroadcastOp::create(b, loc, idxT, v);
  };
  Value base = ix.add(ix.mul(ix.add(ix.mul(p, g.Q1), q1), g.W), w0);
  Value wv = arith::AddIOp::create(b, loc, splatIdx(base), laneIdx);
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, wv, splatIdx(g.nb)), splatIdx(blk));
}

/// Lane kernel: lanes along W; blocks of L rows along K. `scalarScale`: one
/// scale for the whole tensor at index 0 (already in `a.scales`).
void emitLaneQuantize(Kernels &kn, const QView &v, const QuantizeArgs &a,
                      bool scalarScale) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  LaneGeometry lg = laneGeometry(ix, v);
  Value P = lg.P, K = lg.K, Q1 = lg.Q1, W = lg.W, L = lg.L, nbk = lg.nb;
  Value chunks = ix.ceilDiv(W, vw);
  parallelLoop(b, loc, {P, Q1, chunks}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value p = ivs[0], q1 = ivs[1], wc = ivs[2];
    Value w0 = ix.mul(wc, ix.c(vw));
    Value valid = ix.min(ix.sub(W, w0), ix.c(vw));
    Value m = kn.mask(valid, vw);
    auto elemAt = [&](Value k) {
      return ix.add(ix.mul(ix.add(ix.mul(ix.add(ix.mul(p, K), k), Q1), q1), W), w0);
    };
    auto byteAt = [&](Value k) {
      Value row = ix.add(ix.mul(ix.add(ix.mul(p, K), k), Q1), q1);
      return ix.add(ix.mul(row, v.Wp), ix.div(ix.mul(w0, ix.c(v.bits)), ix.c(8)));
    };
    auto scaleIdx = [&](Value blk) -> Value {
      return laneScaleIndices(b, loc, lg, p, q1, w0, blk, vw, scalarScale);
    };
    forLoop(b, loc, ix.c(0), nbk, ix.c(1), [&](OpBuilder &, Value blk) {
      Value k0 = ix.mul(blk, L);
      ScaleInfo s;
      Value sEncV = a.sEnc ? vector::BroadcastOp::create(
                                 b, loc, VectorType::get({vw}, b.getF32Type()),
                                 a.sEnc)
                                 .getResult()
                           : Value();
      if (a.staticScales || scalarScale) {
        s = kn.fromStored(kn.gatherScales(a.scales, scaleIdx(blk), m), sEncV);
      } else {
        KB k = kn.kb();
        VectorType it = VectorType::get({vw}, b.getI32Type());
        Value amax = forLoopCarry(
            b, loc, ix.c(0), L, ix.c(1), k.i32(it, 0),
            [&](OpBuilder &, Value l, Value acc) -> Value {
              Value x = a.load(elemAt(ix.add(k0, l)), valid, false);
              return arith::MaxSIOp::create(b, loc, acc,
                                            qf::kernel::absBits(k, x));
            });
        s = kn.fromAmax(amax, sEncV);
        kn.scatterScales(s.stored, a.scales, scaleIdx(blk), m);
      }
      forLoop(b, loc, ix.c(0), L, ix.c(1), [&](OpBuilder &, Value l) {
        Value kk = ix.add(k0, l);
        Value x = a.load(elemAt(kk), valid, false);
        kn.storeCodes(kn.encode(x, s), a.packed, byteAt(kk), valid, false);
      });
    });
    scf::ReduceOp::create(b, loc);
  });
}

/// max |x| (as i32 bits) over the whole flat buffer, optionally over finite
/// elements only. Each parallel chunk writes its maximum to a scratch slot and
/// a short sequential loop combines them (scf.parallel reductions of integer
/// max do not convert to OpenMP, and the order is then fixed anyway).
Value emitAmax(Kernels &kn, const LoadFn &load, Value n, bool finiteOnly) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  const int64_t chunk = 16384;
  Value nChunks = ix.ceilDiv(n, chunk);
  Type i32 = b.getI32Type();
  Value partial = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, i32), ValueRange{nChunks});
  parallelLoop(b, loc, {nChunks}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value start = ix.mul(ivs[0], ix.c(chunk));
    Value len = ix.min(ix.sub(n, start), ix.c(chunk));
    Value full = ix.div(len, ix.c(vw));
    KB k = kn.kb();
    VectorType it = VectorType::get({vw}, i32);
    auto absOf = [&](Value v) {
      Value a = qf::kernel::absBits(k, v);
      if (!finiteOnly)
        return a;
      Value fin = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a,
                                        k.i32(it, 0x7F800000));
      return arith::SelectOp::create(b, loc, fin, a, k.i32(it, 0)).getResult();
    };
    Value acc = forLoopCarry(
        b, loc, ix.c(0), full, ix.c(1), k.i32(it, 0),
        [&](OpBuilder &, Value s, Value acc) -> Value {
          Value v = load(ix.add(start, ix.mul(s, ix.c(vw))), {}, true);
          return arith::MaxSIOp::create(b, loc, acc, absOf(v));
        });
    // The tail (possibly empty: masked-off lanes read as 0).
    Value tailAt = ix.mul(full, ix.c(vw));
    Value tail = load(ix.add(start, tailAt), ix.sub(len, tailAt), false);
    acc = arith::MaxSIOp::create(b, loc, acc, absOf(tail));
    Value r =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, acc);
    memref::StoreOp::create(b, loc, r, partial, ValueRange{ivs[0]});
    scf::ReduceOp::create(b, loc);
  });
  KB k = kn.kb();
  Value m = forLoopCarry(b, loc, ix.c(0), nChunks, ix.c(1), k.i32(i32, 0),
                         [&](OpBuilder &, Value i, Value acc) -> Value {
                           Value v = memref::LoadOp::create(b, loc, partial,
                                                            ValueRange{i});
                           return arith::MaxSIOp::create(b, loc, acc, v);
                         });
  return m;
}

/// numerics::tensorEncodeScale from the finite amax bits.
Value emitTensorEncodeScale(Kernels &kn, Value amaxBits) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  KB k = kn.kb();
  Type f32 = b.getF32Type();
  double prod = nm::scaleMaxFinite(kn.f.scale) * kn.f.elementMax();
  float num = prod > double(FLT_MAX) ? FLT_MAX : float(prod);
  Value amax = arith::BitcastOp::create(b, loc, f32, amaxBits);
  Value s = arith::DivFOp::create(b, loc, k.f32(f32, num), amax);
  Value ok = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, s,
                                   k.f32(f32, FLT_MAX));
  s = arith::SelectOp::create(b, loc, ok, s, k.f32(f32, FLT_MAX));
  Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, s,
                                       k.f32(f32, 0.0f));
  s = arith::SelectOp::create(b, loc, isZero, k.f32(f32, 1.0f), s);
  Value amaxZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         amaxBits, k.i32(b.getI32Type(), 0));
  return arith::SelectOp::create(b, loc, amaxZero, k.f32(f32, 1.0f), s);
}

/// Packs unpacked codes (1-D i8, innermost rows of `inner` codes) into the
/// packed buffer, one byte at a time (used when blocks break the
/// in-register packing alignment).
void emitPackRows(Kernels &kn, const QView &v, Value codes, Value packed) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
  Value rows = ix.div(v.N, inner);
  unsigned bits = v.bits;
  parallelLoop(b, loc, {rows, v.Wp}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value r = ivs[0], byte = ivs[1];
    // Codes overlapping bits [8 * byte, 8 * byte + 8).
    Value first = ix.div(ix.mul(byte, ix.c(8)), ix.c(bits));
    Value last = ix.min(ix.div(ix.add(ix.mul(byte, ix.c(8)), ix.c(7)), ix.c(bits)),
                        ix.sub(inner, ix.c(1)));
    Type i32 = b.getI32Type();
    KB k = kn.kb();
    Value acc = forLoopCarry(
        b, loc, first, ix.add(last, ix.c(1)), ix.c(1), k.i32(i32, 0),
        [&](OpBuilder &, Value i, Value acc) -> Value {
          Value c = memref::LoadOp::create(b, loc, codes,
                                           ValueRange{ix.add(ix.mul(r, inner), i)});
          Value c32 = arith::ExtUIOp::create(b, loc, i32, c);
          c32 = arith::AndIOp::create(b, loc, c32, k.i32(i32, (1 << bits) - 1));
          // Bit position of code i relative to the byte: i*bits - 8*byte.
          Value rel = ix.toI32(ix.mul(i, ix.c(bits)));
          Value base = ix.toI32(ix.mul(byte, ix.c(8)));
          Value d = arith::SubIOp::create(b, loc, rel, base);
          Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d,
                                            k.i32(i32, 0));
          Value left = arith::ShLIOp::create(b, loc, c32, d);
          Value right = arith::ShRUIOp::create(
              b, loc, c32, arith::SubIOp::create(b, loc, k.i32(i32, 0), d));
          Value part = arith::SelectOp::create(b, loc, neg, right, left);
          return arith::OrIOp::create(b, loc, acc, part);
        });
    Value out = arith::TruncIOp::create(b, loc, b.getI8Type(), acc);
    memref::StoreOp::create(b, loc, out, packed,
                            ValueRange{ix.add(ix.mul(r, v.Wp), byte)});
    scf::ReduceOp::create(b, loc);
  });
}

/// Inverse of emitPackRows.
void emitUnpackRows(Kernels &kn, const QView &v, Value packed, Value codes) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
  Value rows = ix.div(v.N, inner);
  unsigned bits = v.bits;
  parallelLoop(b, loc, {rows, inner}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value r = ivs[0], i = ivs[1];
    Type i32 = b.getI32Type();
    KB k = kn.kb();
    Value bit = ix.mul(i, ix.c(bits));
    Value byte = ix.div(bit, ix.c(8));
    Value rowBase = ix.mul(r, v.Wp);
    Value lo = arith::ExtUIOp::create(
        b, loc, i32,
        memref::LoadOp::create(b, loc, packed, ValueRange{ix.add(rowBase, byte)}));
    Value nextIdx = ix.min(ix.add(byte, ix.c(1)), ix.sub(v.Wp, ix.c(1)));
    Value hi = arith::ExtUIOp::create(
        b, loc, i32,
        memref::LoadOp::create(b, loc, packed, ValueRange{ix.add(rowBase, nextIdx)}));
    Value hasNext = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          ix.add(byte, ix.c(1)), v.Wp);
    hi = arith::SelectOp::create(b, loc, hasNext, hi, k.i32(i32, 0));
    Value word = arith::OrIOp::create(
        b, loc, lo, arith::ShLIOp::create(b, loc, hi, k.i32(i32, 8)));
    Value sh = ix.toI32(ix.sub(bit, ix.mul(byte, ix.c(8))));
    Value c = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, sh), k.i32(i32, (1 << bits) - 1));
    memref::StoreOp::create(b, loc, arith::TruncIOp::create(b, loc, b.getI8Type(), c),
                            codes, ValueRange{ix.add(ix.mul(r, inner), i)});
    scf::ReduceOp::create(b, loc);
  });
}

/// Storage tensors of a quantized value (the 1:N converted operands).
struct Storage {
  Value packed, scales, ts;
};

/// Emits a full quantize of f32 tensor `input` into type `t`; returns the
/// storage tensors. `given` holds static scales (and tensor scale) or nulls.
FailureOr<Storage> emitQuantizeFrom(OpBuilder &b, Location loc,
                                    ArrayRef<Value> sizesIn, LoadFn load,
                                    qf::QTensorType t, Storage given,
                                    unsigned vw) {
  Idx ix{b, loc};
  SmallVector<Value> sizes(sizesIn);
  QView v = makeView(b, loc, t, sizes);
  Kernels kn{b, loc, v.f, vw, v.bits};
  RankedTensorType packedT = t.getPackedType(), scalesT = t.getScalesType();
  RankedTensorType tsT = t.getTensorScaleType();

  SmallVector<Value> packedSizes(sizes);
  if (!packedSizes.empty())
    packedSizes.back() = v.Wp;
  SmallVector<Value> scaleSizes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (i != t.getAxis())
      scaleSizes.push_back(sizes[i]);
  if (!v.tensorBlock)
    scaleSizes.push_back(v.nb);

  Value packedBuf = allocBuffer(b, loc, packedT, packedSizes);
  Value packedFlat = flat(b, loc, packedBuf);
  Value scalesBuf, tsBuf;
  bool staticScales = bool(given.scales);
  if (staticScales)
    scalesBuf = readBuffer(b, loc, given.scales);
  else
    scalesBuf = allocBuffer(b, loc, scalesT, v.tensorBlock ? ArrayRef<Value>{}
                                                           : ArrayRef<Value>(scaleSizes));
  Value scalesFlat = flat(b, loc, scalesBuf);

  Type f32 = b.getF32Type();
  KB k{b, loc};
  Value sEnc;
  if (!kn.isMX()) {
    if (tsT) {
      if (given.ts) {
        Value g = tensor::ExtractOp::create(b, loc, given.ts, ValueRange{});
        sEnc = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), g);
        tsBuf = readBuffer(b, loc, given.ts);
      } else {
        Value amax = emitAmax(kn, load, v.N, /*finiteOnly=*/true);
        sEnc = emitTensorEncodeScale(kn, amax);
        Value g = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), sEnc);
        tsBuf = memref::AllocOp::create(b, loc, MemRefType::get({}, f32));
        memref::StoreOp::create(b, loc, g, tsBuf, ValueRange{});
      }
    } else {
      sEnc = k.f32(f32, 1.0f);
    }
  }

  QuantizeArgs args{load, packedFlat, scalesFlat, staticScales, sEnc};
  if (v.tensorBlock) {
    if (!staticScales) {
      // One block: the amax over everything (non-finite included), then the
      // scale, then the lane kernel encodes with it.
      Value amax = emitAmax(kn, load, v.N, /*finiteOnly=*/false);
      ScaleInfo s = kn.fromAmax(amax, sEnc);
      kn.storeScale(s.stored, scalesFlat, ix.c(0));
    }
    emitLaneQuantize(kn, v, args, /*scalarScale=*/true);
  } else if (v.rowKernel) {
    Value codesBuf;
    if (!rowKernelPacksInRegisters(v, vw)) {
      if (v.bits == 8)
        codesBuf = packedFlat;
      else
        codesBuf = memref::AllocOp::create(
            b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
            ValueRange{v.N}, b.getI64IntegerAttr(64));
    }
    emitRowQuantize(kn, v, args, codesBuf);
    if (codesBuf && codesBuf != packedFlat)
      emitPackRows(kn, v, codesBuf, packedFlat);
  } else {
    emitLaneQuantize(kn, v, args, /*scalarScale=*/false);
  }

  Storage out;
  out.packed = toTensor(b, loc, packedT, packedBuf);
  out.scales = staticScales ? given.scales : toTensor(b, loc, scalesT, scalesBuf);
  if (tsT)
    out.ts = given.ts ? given.ts : toTensor(b, loc, tsT, tsBuf);
  return out;
}

/// emitQuantizeFrom reading the float tensor `input`.
FailureOr<Storage> emitQuantize(OpBuilder &b, Location loc, Value input,
                                qf::QTensorType t, Storage given,
                                unsigned vw) {
  SmallVector<Value> sizes = dimSizes(b, loc, input);
  Value xBuf = flat(b, loc, readBuffer(b, loc, input));
  Kernels kn{b, loc, t.getFormat().toNumerics(), vw, t.getElementBits()};
  LoadFn load = [&kn, xBuf](Value at, Value valid, bool full) {
    return kn.loadF32(xBuf, at, valid, full);
  };
  return emitQuantizeFrom(b, loc, sizes, load, t, given, vw);
}

/// Emits a dequantize of storage `in` of type `t` into a float tensor of
/// type `resultT`.
Value emitDequantize(OpBuilder &b, Location loc, Storage in, qf::QTensorType t,
                     RankedTensorType resultT, unsigned vw) {
  Idx ix{b, loc};
  // Sizes: from the packed tensor, with the innermost dim from the result
  // type when static, else recovered from the scales (dynamic innermost
  // means the blocked axis is not innermost and the scales keep that dim).
  SmallVector<Value> sizes = dimSizes(b, loc, in.packed);
  int64_t r = t.getRank();
  if (r > 0) {
    if (!ShapedType::isDynamic(t.getShape()[r - 1])) {
      sizes.back() = ix.c(t.getShape()[r - 1]);
    } else {
      // Scales have the non-blocked dims in order, the innermost one last
      // but one (the blocked axis is not innermost here).
      auto st = cast<RankedTensorType>(in.scales.getType());
      sizes.back() =
          tensor::DimOp::create(b, loc, in.scales, st.getRank() - 2).getResult();
    }
  }
  QView v = makeView(b, loc, t, sizes);
  Kernels kn{b, loc, v.f, vw, v.bits};
  Value packedFlat = flat(b, loc, readBuffer(b, loc, in.packed));
  Value scalesFlat = flat(b, loc, readBuffer(b, loc, in.scales));
  Value g;
  if (in.ts)
    g = tensor::ExtractOp::create(b, loc, in.ts, ValueRange{});
  Value outBuf = allocBuffer(b, loc, resultT, sizes);
  Value outFlat = flat(b, loc, outBuf);

  if (v.rowKernel) {
    Value codesBuf;
    if (!rowKernelPacksInRegisters(v, vw)) {
      if (v.bits == 8) {
        codesBuf = packedFlat;
      } else {
        codesBuf = memref::AllocOp::create(
            b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
            ValueRange{v.N}, b.getI64IntegerAttr(64));
        emitUnpackRows(kn, v, packedFlat, codesBuf);
      }
    }
    parallelLoop(b, loc, {v.P, v.nb}, [&](OpBuilder &nb, ValueRange ivs) {
      OpBuilder::InsertionGuard gd(b);
      b.setInsertionPointToEnd(nb.getInsertionBlock());
      Value p = ivs[0], blk = ivs[1];
      Value rowBase = ix.add(ix.mul(p, v.K), ix.mul(blk, v.L));
      Value stored = kn.loadScale(scalesFlat, ix.add(ix.mul(p, v.nb), blk));
      Value sv = vector::BroadcastOp::create(
          b, loc, VectorType::get({vw}, stored.getType()), stored);
      auto chunk = [&](Value start, Value valid, bool full) {
        Value at = ix.add(rowBase, start);
        Value codes;
        if (codesBuf) {
          VectorType c8 = VectorType::get({vw}, b.getI8Type());
          Value raw;
          if (full) {
            raw = vector::LoadOp::create(b, loc, c8, codesBuf, ValueRange{at});
          } else {
            Value pass = arith::ConstantOp::create(
                b, loc, c8, SplatElementsAttr::get(c8, b.getI8IntegerAttr(0)));
            raw = vector::MaskedLoadOp::create(b, loc, c8, codesBuf, ValueRange{at},
                                               kn.mask(valid, vw), pass);
          }
          codes = arith::ExtUIOp::create(
              b, loc, VectorType::get({vw}, b.getI32Type()), raw);
        } else {
          Value byteAt = ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8));
          codes = kn.loadCodes(packedFlat, byteAt, valid, full);
        }
        kn.storeF32(kn.decode(codes, sv, g), outFlat, at, valid, full);
      };
      forEachChunk(b, loc, v.L, v.staticL, vw, chunk);
      scf::ReduceOp::create(b, loc);
    });
    return toTensor(b, loc, resultT, outBuf);
  }

  // Lane kernel (axis not innermost, or one block for the whole tensor).
  LaneGeometry lg = laneGeometry(ix, v);
  Value P = lg.P, K = lg.K, Q1 = lg.Q1, W = lg.W, L = lg.L, nbk = lg.nb;
  Value chunks = ix.ceilDiv(W, vw);
  parallelLoop(b, loc, {P, Q1, chunks}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value p = ivs[0], q1 = ivs[1], wc = ivs[2];
    Value w0 = ix.mul(wc, ix.c(vw));
    Value valid = ix.min(ix.sub(W, w0), ix.c(vw));
    Value m = kn.mask(valid, vw);
    forLoop(b, loc, ix.c(0), nbk, ix.c(1), [&](OpBuilder &, Value blk) {
      Value idx =
          laneScaleIndices(b, loc, lg, p, q1, w0, blk, vw, v.tensorBlock);
      Value stored = kn.gatherScales(scalesFlat, idx, m);
      forLoop(b, loc, ix.c(0), L, ix.c(1), [&](OpBuilder &, Value l) {
        Value kk = ix.add(ix.mul(blk, L), l);
        Value row = ix.add(ix.mul(ix.add(ix.mul(p, K), kk), Q1), q1);
        Value byteAt =
            ix.add(ix.mul(row, v.Wp), ix.div(ix.mul(w0, ix.c(v.bits)), ix.c(8)));
        Value codes = kn.loadCodes(packedFlat, byteAt, valid, false);
        Value at = ix.add(ix.mul(row, W), w0);
        kn.storeF32(kn.decode(codes, stored, g), outFlat, at, valid, false);
      });
    });
    scf::ReduceOp::create(b, loc);
  });
  return toTensor(b, loc, resultT, outBuf);
}

//===----------------------------------------------------------------------===//
// Requantize between integer E8M0 formats: exponent arithmetic and shifts
//===----------------------------------------------------------------------===//

/// Whether emitRequantizeShift handles src -> dst: the integer path is exact
/// (numerics::requantizeIsShift) and the row kernel's straight-line shape
/// applies to both sides (same blocks along the same innermost axis, blocks
/// of at most 8 full vectors that pack in registers, static innermost dim).
bool canRequantizeByShift(qf::QTensorType src, qf::QTensorType dst,
                          unsigned vw) {
  nm::BlockFormat fs = src.getFormat().toNumerics();
  nm::BlockFormat fd = dst.getFormat().toNumerics();
  if (!nm::requantizeIsShift(fs, fd) || fs.blockKind != nm::BlockKind::Fixed ||
      fs.blockSize != fd.blockSize || src.getAxis() != dst.getAxis())
    return false;
  int64_t r = src.getRank();
  if (r == 0 || src.getAxis() != r - 1 ||
      ShapedType::isDynamic(src.getShape()[r - 1]))
    return false;
  int64_t L = fs.blockSize;
  for (unsigned bits : {src.getElementBits(), dst.getElementBits()}) {
    int64_t g = packGroup(bits);
    if (L % g != 0 || vw % g != 0)
      return false;
  }
  return L % vw == 0 && L / vw <= 8;
}

/// numerics::requantizeShift for one block per (row, block) iteration: the
/// codes are sign-extended, max |k| gives the block exponent (a compare
/// ladder for its highest bit, scalar), the destination's scale rule is an
/// integer compare on max |k|, and every code is shifted by the block's
/// d = xs - (b-2) - (xs_src - (a-2)) with its rounding as an added bias.
/// No floating point; requires canRequantizeByShift.
Storage emitRequantizeShift(OpBuilder &b, Location loc, Storage in,
                            qf::QTensorType src, qf::QTensorType dst,
                            unsigned vw) {
  Idx ix{b, loc};
  int64_t r = src.getRank();
  SmallVector<Value> sizes = dimSizes(b, loc, in.packed);
  sizes.back() = ix.c(src.getShape()[r - 1]);
  QView vs = makeView(b, loc, src, sizes);
  QView vd = makeView(b, loc, dst, sizes);
  Kernels ks{b, loc, vs.f, vw, vs.bits};
  Kernels kd{b, loc, vd.f, vw, vd.bits};
  const nm::BlockFormat &fd = vd.f;
  const int a = int(vs.bits), bb = int(vd.bits);
  const int qmax = (1 << (bb - 1)) - 1;
  const int qmin = fd.range == nm::IntRange::Full ? -qmax - 1 : -qmax;

  RankedTensorType packedT = dst.getPackedType(), scalesT = dst.getScalesType();
  SmallVector<Value> packedSizes(sizes);
  packedSizes.back() = vd.Wp;
  SmallVector<Value> scaleSizes(sizes.begin(), sizes.end() - 1);
  scaleSizes.push_back(vd.nb);
  Value packedBuf = allocBuffer(b, loc, packedT, packedSizes);
  Value scalesBuf = allocBuffer(b, loc, scalesT, scaleSizes);
  Value dstPacked = flat(b, loc, packedBuf),
        dstScales = flat(b, loc, scalesBuf);
  Value srcPacked = flat(b, loc, readBuffer(b, loc, in.packed));
  Value srcScales = flat(b, loc, readBuffer(b, loc, in.scales));
  int64_t nChunks = vs.staticL / vw;

  parallelLoop(b, loc, {vs.P, vs.nb}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    KB k{b, loc};
    Type i32 = b.getI32Type();
    VectorType vt = VectorType::get({vw}, i32);
    auto c = [&](int64_t v) { return k.i32(i32, v); };
    auto cv = [&](int64_t v) { return k.i32(vt, v); };
    auto splat = [&](Value v) -> Value {
      return vector::BroadcastOp::create(b, loc, vt, v);
    };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
      return arith::CmpIOp::create(b, loc, p, x, y);
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(b, loc, x, y);
    };
    auto sub = [&](Value x, Value y) -> Value {
      return arith::SubIOp::create(b, loc, x, y);
    };
    auto smax = [&](Value x, Value y) -> Value {
      return arith::MaxSIOp::create(b, loc, x, y);
    };
    auto smin = [&](Value x, Value y) -> Value {
      return arith::MinSIOp::create(b, loc, x, y);
    };
    auto sel = [&](Value cond, Value x, Value y) -> Value {
      return arith::SelectOp::create(b, loc, cond, x, y);
    };
    auto shl = [&](Value x, Value y) -> Value {
      return arith::ShLIOp::create(b, loc, x, y);
    };
    auto shru = [&](Value x, Value y) -> Value {
      return arith::ShRUIOp::create(b, loc, x, y);
    };

    Value p = ivs[0], blk = ivs[1];
    Value rowBase = ix.add(ix.mul(p, vs.K), ix.mul(blk, vs.L));
    Value scaleIdx = ix.add(ix.mul(p, vs.nb), blk);
    Value sb = ks.loadScale(srcScales, scaleIdx);

    // Signed codes and their magnitudes.
    SmallVector<Value> ks32, mags;
    Value m;
    for (int64_t ch = 0; ch < nChunks; ++ch) {
      Value at = ix.add(rowBase, ix.c(ch * vw));
      Value raw = ks.loadCodes(srcPacked, ix.div(ix.mul(at, ix.c(a)), ix.c(8)),
                               {}, true);
      Value kk =
          arith::ShRSIOp::create(b, loc, shl(raw, cv(32 - a)), cv(32 - a));
      Value mag = smax(kk, sub(cv(0), kk));
      ks32.push_back(kk);
      mags.push_back(mag);
      m = m ? smax(m, mag) : mag;
    }
    Value M =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, m);

    // msb(M) for 0 < M <= 2^(a-1): a scalar compare ladder (no math.ctlz).
    Value msb = c(0);
    for (int i = 1; i < a; ++i)
      msb = add(msb, arith::ExtUIOp::create(b, loc, i32,
                                            cmp(arith::CmpIPredicate::sge, M,
                                                c(int64_t(1) << i))));
    Value xsSrc = sub(sb, c(127));
    Value e = add(msb, sub(xsSrc, c(a - 2)));
    // Non-finite: NaN source scale, or -2^(a-1) under 2^127 decoding to -Inf.
    Value nan =
        arith::OrIOp::create(b, loc, cmp(arith::CmpIPredicate::eq, sb, c(0xFF)),
                             cmp(arith::CmpIPredicate::sge, e, c(128)));
    Value zero = cmp(arith::CmpIPredicate::eq, M, c(0));
    // The scale rule on amax = M 2^(e - msb) (emax = 0 for integers).
    Value xs = e;
    if (fd.rule == nm::ScaleRule::Ceil) {
      // amax > Qmax 2^-(b-2) 2^e  <=>  M 2^(b-2) > Qmax 2^msb.
      Value up =
          cmp(arith::CmpIPredicate::sgt, shl(M, c(bb - 2)), shl(c(qmax), msb));
      xs = add(xs, arith::ExtUIOp::create(b, loc, i32, up));
    } else if (fd.rule == nm::ScaleRule::Even) {
      // significand >= 2 - 2^-(b-1)  <=>  M 2^(b-1) >= (2^b - 1) 2^msb.
      Value up = cmp(arith::CmpIPredicate::sge, shl(M, c(bb - 1)),
                     shl(c((1 << bb) - 1), msb));
      xs = add(xs, arith::ExtUIOp::create(b, loc, i32, up));
    }
    xs = smin(smax(xs, c(-127)), c(127));
    Value byte = sel(nan, c(0xFF), sel(zero, c(0), add(xs, c(127))));
    kd.storeScale(byte, dstScales, scaleIdx);

    // Shift of this block; zero and NaN blocks get any in-range amount
    // (their codes are 0 either way).
    Value d = sub(sub(xs, c(bb - 2)), sub(xsSrc, c(a - 2)));
    d = smin(smax(d, c(-8)), c(24));
    Value lsh = smax(sub(c(0), d), c(0)), rsh = smax(d, c(0));
    Value half = shru(shl(c(1), rsh), c(1));
    Value bias, oddMask;
    if (fd.rounding == nm::Rounding::NearestAway) {
      bias = half;
    } else {
      // x + (half - 1) + lsb(x >> R), then >> R: ties go to the even result.
      bias = smax(sub(half, c(1)), c(0));
      oddMask = arith::ExtUIOp::create(
          b, loc, i32, cmp(arith::CmpIPredicate::sgt, rsh, c(0)));
    }
    Value lshV = splat(lsh), rshV = splat(rsh), biasV = splat(bias);
    Value oddV = oddMask ? splat(oddMask) : Value();
    Value nanV = vector::BroadcastOp::create(
        b, loc, VectorType::get({vw}, b.getI1Type()), nan);
    for (int64_t ch = 0; ch < nChunks; ++ch) {
      Value x = shl(mags[ch], lshV);
      Value t = add(x, biasV);
      if (oddV)
        t = add(t, arith::AndIOp::create(b, loc, shru(x, rshV), oddV));
      Value q = shru(t, rshV);
      Value neg = cmp(arith::CmpIPredicate::slt, ks32[ch], cv(0));
      Value sq = sel(neg, sub(cv(0), q), q);
      sq = smax(smin(sq, cv(qmax)), cv(qmin));
      sq = sel(nanV, cv(0), sq);
      Value at = ix.add(rowBase, ix.c(ch * vw));
      kd.storeCodes(sq, dstPacked, ix.div(ix.mul(at, ix.c(bb)), ix.c(8)), {},
                    true);
    }
    scf::ReduceOp::create(b, loc);
  });
  Storage out;
  out.packed = toTensor(b, loc, packedT, packedBuf);
  out.scales = toTensor(b, loc, scalesT, scalesBuf);
  return out;
}

/// Whether the kernels support this type (diagnoses otherwise).
LogicalResult checkSupported(Operation *op, qf::QTensorType t, unsigned vw) {
  unsigned bits = t.getElementBits();
  int64_t g = packGroup(bits);
  if (vw % g != 0)
    return op->emitOpError() << "cannot lower " << t.getFormat().str()
                             << " codes of " << bits << " bits with vector-width "
                             << vw << "; the width must be a multiple of " << g;
  return success();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

Storage storageOf(ValueRange vals) {
  Storage s;
  s.packed = vals[0];
  s.scales = vals[1];
  if (vals.size() > 2)
    s.ts = vals[2];
  return s;
}

SmallVector<Value> valuesOf(const Storage &s) {
  SmallVector<Value> v{s.packed, s.scales};
  if (s.ts)
    v.push_back(s.ts);
  return v;
}

struct QuantizeLowering : OpConversionPattern<qf::QuantizeOp> {
  QuantizeLowering(const TypeConverter &tc, MLIRContext *ctx, unsigned vw)
      : OpConversionPattern(tc, ctx), vw(vw) {}
  LogicalResult
  matchAndRewrite(qf::QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getResult().getType());
    if (failed(checkSupported(op, t, vw)))
      return failure();
    Storage given;
    if (!adaptor.getScales().empty())
      given.scales = adaptor.getScales()[0];
    if (!adaptor.getTensorScale().empty())
      given.ts = adaptor.getTensorScale()[0];
    FailureOr<Storage> s = emitQuantize(rewriter, op.getLoc(),
                                        adaptor.getInput()[0], t, given, vw);
    if (failed(s))
      return failure();
    rewriter.replaceOpWithMultiple(op, {valuesOf(*s)});
    return success();
  }
  unsigned vw;
};

struct DequantizeLowering : OpConversionPattern<qf::DequantizeOp> {
  DequantizeLowering(const TypeConverter &tc, MLIRContext *ctx, unsigned vw)
      : OpConversionPattern(tc, ctx), vw(vw) {}
  LogicalResult
  matchAndRewrite(qf::DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getInput().getType());
    if (failed(checkSupported(op, t, vw)))
      return failure();
    Value r = emitDequantize(rewriter, op.getLoc(), storageOf(adaptor.getInput()),
                             t, cast<RankedTensorType>(op.getResult().getType()),
                             vw);
    rewriter.replaceOp(op, r);
    return success();
  }
  unsigned vw;
};

struct RequantizeLowering : OpConversionPattern<qf::RequantizeOp> {
  RequantizeLowering(const TypeConverter &tc, MLIRContext *ctx, unsigned vw)
      : OpConversionPattern(tc, ctx), vw(vw) {}
  LogicalResult
  matchAndRewrite(qf::RequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto src = cast<qf::QTensorType>(op.getInput().getType());
    auto dst = cast<qf::QTensorType>(op.getResult().getType());
    if (failed(checkSupported(op, src, vw)) || failed(checkSupported(op, dst, vw)))
      return failure();
    if (canRequantizeByShift(src, dst, vw)) {
      Storage s = emitRequantizeShift(
          rewriter, op.getLoc(), storageOf(adaptor.getInput()), src, dst, vw);
      rewriter.replaceOpWithMultiple(op, {valuesOf(s)});
      return success();
    }
    // Decode to f32 and encode again: the composition the op is defined as.
    auto mid = RankedTensorType::get(src.getShape(), rewriter.getF32Type());
    Value f = emitDequantize(rewriter, op.getLoc(), storageOf(adaptor.getInput()),
                             src, mid, vw);
    FailureOr<Storage> s = emitQuantize(rewriter, op.getLoc(), f, dst, {}, vw);
    if (failed(s))
      return failure();
    rewriter.replaceOpWithMultiple(op, {valuesOf(*s)});
    return success();
  }
  unsigned vw;
};

struct PackLowering : OpConversionPattern<qf::PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::PackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct UnpackLowering : OpConversionPattern<qf::UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::UnpackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> vals{adaptor.getPacked()[0], adaptor.getScales()[0]};
    if (!adaptor.getTensorScale().empty())
      vals.push_back(adaptor.getTensorScale()[0]);
    rewriter.replaceOpWithMultiple(op, {vals});
    return success();
  }
};

/// Lowers a layout op on a quantized tensor (qf.transpose, qf.reshape) by
/// applying `move(value, resultType)` to its packed codes and its scales;
/// the tensor scale, if any, passes through.
template <typename MoveFn>
static LogicalResult lowerStorageMove(Operation *op, qf::QTensorType t,
                                      ValueRange in,
                                      ConversionPatternRewriter &rewriter,
                                      MoveFn move) {
  SmallVector<Value> vals;
  RankedTensorType storageTypes[] = {t.getPackedType(), t.getScalesType()};
  for (auto [v, resultT] : llvm::zip(in.take_front(2), storageTypes))
    vals.push_back(move(v, cast<RankedTensorType>(resultT)));
  for (Value v : in.drop_front(2))
    vals.push_back(v);
  rewriter.replaceOpWithMultiple(op, {vals});
  return success();
}

/// qf.transpose: the blocked axis is innermost and stays there, so the
/// packed codes and the scales (blocks last) are permuted as they are.
struct TransposeLowering : OpConversionPattern<qf::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::TransposeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    qf::QTensorType t = op.getResult().getType();
    ArrayRef<int64_t> perm = op.getPermutation();
    for (RankedTensorType rt : {t.getPackedType(), t.getScalesType()})
      if (!rt.hasStaticShape())
        return op.emitOpError("cannot lower a dynamic shape ") << t;
    return lowerStorageMove(
        op, t, adaptor.getInput(), rewriter,
        [&](Value v, RankedTensorType rt) -> Value {
          Value empty = tensor::EmptyOp::create(rewriter, loc, rt.getShape(),
                                                rt.getElementType());
          return linalg::TransposeOp::create(rewriter, loc, v, empty, perm)
              ->getResult(0);
        });
  }
};

/// qf.reshape: whole blocks and bytes per innermost row, so the packed
/// codes and the scales keep their flat order; reshaped through 1-D.
struct ReshapeLowering : OpConversionPattern<qf::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ReshapeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto all = [](int64_t rank) {
      ReassociationIndices r;
      for (int64_t i = 0; i < rank; ++i)
        r.push_back(i);
      return SmallVector<ReassociationIndices>{r};
    };
    return lowerStorageMove(
        op, op.getResult().getType(), adaptor.getInput(), rewriter,
        [&](Value v, RankedTensorType rt) -> Value {
          auto vt = cast<RankedTensorType>(v.getType());
          Value flat = v;
          if (vt.getRank() != 1)
            flat = tensor::CollapseShapeOp::create(rewriter, loc, v,
                                                   all(vt.getRank()));
          if (rt.getRank() == 1)
            return flat;
          return tensor::ExpandShapeOp::create(rewriter, loc, rt, flat,
                                               all(rt.getRank()));
        });
  }
};

struct ConstantLowering : OpConversionPattern<qf::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ConstantOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getResult().getType());
    qf::QuantizedAttr q = op.getValue();
    std::vector<uint8_t> codes = qf::readBytes(q.getCodes());
    std::vector<uint8_t> packed =
        qf::packRows(codes, t.getShape(), t.getElementBits());
    Location loc = op.getLoc();
    SmallVector<Value> vals;
    vals.push_back(arith::ConstantOp::create(
        rewriter, loc, qf::makeFromRaw(t.getPackedType(), packed)));
    vals.push_back(arith::ConstantOp::create(rewriter, loc, q.getScales()));
    if (RankedTensorType tsT = t.getTensorScaleType()) {
      float g = q.getTensorScale() ? float(q.getTensorScale().getValueAsDouble())
                                   : 1.0f;
      vals.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(tsT, rewriter.getF32FloatAttr(g))));
    }
    rewriter.replaceOpWithMultiple(op, {vals});
    return success();
  }
};

struct ObserveLowering : OpConversionPattern<qf::ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ObserveOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithMultiple(op, {adaptor.getInput()});
    return success();
  }
};

struct MapLowering : OpConversionPattern<qf::MapOp> {
  MapLowering(const TypeConverter &tc, MLIRContext *ctx, unsigned vw)
      : OpConversionPattern(tc, ctx), vw(vw) {}
  LogicalResult
  matchAndRewrite(qf::MapOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<qf::kernel::MapInput> inputs;
    for (auto [i, in] : llvm::enumerate(op.getInputs())) {
      qf::kernel::MapInput mi;
      mi.map = op.getInputMap(i);
      ValueRange conv = adaptor.getInputs()[i];
      if (auto q = dyn_cast<qf::QTensorType>(in.getType())) {
        if (failed(checkSupported(op, q, vw)))
          return failure();
        mi.qtype = q;
        mi.storage.assign(conv.begin(), conv.end());
      } else {
        mi.tensor = conv[0];
      }
      inputs.push_back(mi);
    }
    if (auto q = dyn_cast<qf::QTensorType>(op.getResult().getType()))
      if (failed(checkSupported(op, q, vw)))
        return failure();
    Value scales = adaptor.getScales().empty() ? Value() : adaptor.getScales()[0];
    Value ts =
        adaptor.getTensorScale().empty() ? Value() : adaptor.getTensorScale()[0];
    FailureOr<SmallVector<Value>> r = qf::kernel::emitMapKernel(
        rewriter, op.getLoc(), inputs, op.getBody().front(),
        op.getResult().getType(), scales, ts, vw);
    if (failed(r))
      return failure();
    rewriter.replaceOpWithMultiple(op, {*r});
    return success();
  }
  unsigned vw;
};

} // namespace

void qf::populateQFQuantizeToVectorPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const QFToVectorOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               MapLowering>(converter, ctx, options.vectorWidth);
  patterns.add<PackLowering, UnpackLowering, TransposeLowering, ReshapeLowering,
               ConstantLowering, ObserveLowering>(converter, ctx);
}

//===----------------------------------------------------------------------===//
// Fused elementwise kernels
//===----------------------------------------------------------------------===//

Value qf::kernel::emitBodyOnVectors(
    OpBuilder &b, Location loc, Block &body, ValueRange args, unsigned vw,
    ArrayRef<std::pair<Value, Value>> scalars) {
  IRMapping m;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    m.map(arg, v);
  for (auto [v, s] : scalars)
    m.map(v, isa<VectorType>(s.getType())
                 ? s
                 : vector::BroadcastOp::create(
                       b, loc, VectorType::get({vw}, s.getType()), s)
                       .getResult());
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() == 1 && m.contains(op.getResult(0)))
      continue; // given (a row reduction, or a value computed with one)
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto vt = VectorType::get({vw}, c.getType());
      m.map(c.getResult(),
            arith::ConstantOp::create(
                b, loc, vt, SplatElementsAttr::get(vt, c.getValue()))
                .getResult());
      continue;
    }
    Operation *n = b.clone(op, m);
    for (Value r : n->getResults())
      r.setType(VectorType::get({vw}, r.getType()));
  }
  return m.lookup(body.getTerminator()->getOperand(0));
}

namespace {

/// The inputs of a qf.map kernel as f32 tensors (quantized ones decoded by
/// the dequantize kernel) with their maps; returns the first input read at
/// the identity (it gives the dynamic sizes).
Value decodeMapInputs(OpBuilder &b, Location loc,
                      ArrayRef<qf::kernel::MapInput> inputs, unsigned vw,
                      SmallVectorImpl<Value> &tensors,
                      SmallVectorImpl<AffineMap> &maps) {
  Value sizeSource;
  for (const qf::kernel::MapInput &in : inputs) {
    Value t = in.tensor;
    if (in.qtype)
      t = emitDequantize(b, loc, storageOf(in.storage), in.qtype,
                         RankedTensorType::get(in.qtype.getShape(),
                                               b.getF32Type()),
                         vw);
    tensors.push_back(t);
    maps.push_back(in.map);
    if (!sizeSource && in.map.isIdentity())
      sizeSource = t;
  }
  return sizeSource;
}

/// The unfused program: dequantize kernels, one linalg.generic with the body,
/// and a quantize kernel (or the f32 result).
FailureOr<SmallVector<Value>>
emitUnfusedMap(OpBuilder &b, Location loc, ArrayRef<qf::kernel::MapInput> inputs,
               Block &body, Type resultType, Value scales, Value tensorScale,
               unsigned vw) {
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  auto f32T = qt ? RankedTensorType::get(qt.getShape(), b.getF32Type())
                 : cast<RankedTensorType>(resultType);
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  Value sizeSource = decodeMapInputs(b, loc, inputs, vw, ins, maps);
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < f32T.getRank(); ++i)
    if (f32T.isDynamicDim(i))
      dyn.push_back(tensor::DimOp::create(b, loc, sizeSource, i));
  Value init = tensor::EmptyOp::create(b, loc, f32T, dyn);
  maps.push_back(AffineMap::getMultiDimIdentityMap(f32T.getRank(),
                                                   b.getContext()));
  SmallVector<utils::IteratorType> iters(f32T.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{f32T}, ins, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location, ValueRange args) {
        IRMapping m;
        for (auto [arg, v] : llvm::zip(body.getArguments(), args))
          m.map(arg, v);
        for (Operation &op : body.without_terminator())
          nb.clone(op, m);
        linalg::YieldOp::create(
            nb, loc, m.lookup(body.getTerminator()->getOperand(0)));
      });
  Value f = generic.getResult(0);
  if (!qt)
    return SmallVector<Value>{f};
  Storage given;
  given.scales = scales;
  given.ts = tensorScale;
  FailureOr<Storage> s = emitQuantize(b, loc, f, qt, given, vw);
  if (failed(s))
    return failure();
  return valuesOf(*s);
}

/// Whether every chunk of vw lanes at a multiple of vw lies in one row and
/// one block of a quantized tensor of type `t` (innermost size `inner`).
bool chunkInOneBlock(qf::QTensorType t, unsigned vw, bool asResult) {
  nm::BlockFormat f = t.getFormat().toNumerics();
  int64_t r = t.getRank();
  if (f.blockKind == nm::BlockKind::Tensor)
    return true;
  if (t.getAxis() != r - 1)
    return asResult; // the lane kernel keeps whole rows of lanes
  if (f.blockKind == nm::BlockKind::Channel)
    return true;
  return f.blockSize % vw == 0;
}

/// qf.map whose body has row reductions: one row of the result (its last,
/// static axis) per iteration of a parallel loop. Per row, one sequential
/// scalar loop per qf.row_reduce in body order (inputs read through their
/// broadcast maps, in the order of the unfused linalg reduction lowered to
/// loops), with a row stash of a reduced value the body reuses; then the
/// body on vectors with the reductions broadcast, encoded by the row
/// quantize kernel or stored as f32. The row is read again by the vector
/// body while it is still in cache, and no f32 tensor reaches memory.
/// Results the row kernel cannot encode (blocks that are not whole vector
/// chunks along the last axis, tensor-scale formats without static scales)
/// take the unfused program, which computes the same bits.
FailureOr<SmallVector<Value>>
emitRowMap(OpBuilder &b, Location loc, ArrayRef<qf::kernel::MapInput> inputs,
           Block &body, Type resultType, Value scales, Value tensorScale,
           unsigned vw) {
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  auto outT = qt ? RankedTensorType::get(qt.getShape(), b.getF32Type())
                 : cast<RankedTensorType>(resultType);
  ArrayRef<int64_t> shape = outT.getShape();
  int64_t r = shape.size();
  int64_t L = shape.back(); // static: the verifier checks it
  // The reduction loops read scalars: a quantized input is decoded by the
  // dequantize kernel first (exactly what qf.map's decode computes).
  SmallVector<Value> ts;
  SmallVector<AffineMap> maps;
  Value sizeSource = decodeMapInputs(b, loc, inputs, vw, ts, maps);
  bool rowKernel = true;
  if (qt) {
    qf::FormatAttr f = qt.getFormat();
    rowKernel = f.getBlockKind() == qf::BlockKind::Fixed &&
                qt.getAxis() == r - 1 && f.getBlockSize() % vw == 0 &&
                (!f.hasTensorScale() || tensorScale);
  }
  if (!rowKernel) {
    if (!outT.hasStaticShape())
      return emitError(loc) << "cannot lower qf.map with row reductions to a "
                               "CPU kernel: the unfused program for "
                            << qt << " needs a static shape";
    Value f = qf::kernel::emitRowReductionGenerics(b, loc, ts, maps, &body,
                                                   shape);
    Storage given;
    given.scales = scales;
    given.ts = tensorScale;
    FailureOr<Storage> st = emitQuantize(b, loc, f, qt, given, vw);
    if (failed(st))
      return failure();
    return valuesOf(*st);
  }

  Idx ix{b, loc};
  SmallVector<Value> sizes = dimSizes(b, loc, sizeSource);
  Value rows = product(ix, sizes, 0, r - 1);
  SmallVector<Value> bufs;
  SmallVector<SmallVector<unsigned>> dims;
  for (auto [t, map] : llvm::zip(ts, maps)) {
    bufs.push_back(flat(b, loc, readBuffer(b, loc, t)));
    SmallVector<unsigned> d;
    for (AffineExpr e : map.getResults())
      d.push_back(cast<AffineDimExpr>(e).getPosition());
    dims.push_back(d);
  }
  FailureOr<qf::kernel::RowQuantizeOutput> out;
  Value outBuf, outFlat;
  if (qt) {
    out = qf::kernel::beginRowQuantize(b, loc, qt, sizes, scales, tensorScale);
    if (failed(out))
      return failure();
  } else {
    outBuf = allocBuffer(b, loc, outT, sizes);
    outFlat = flat(b, loc, outBuf);
  }
  SmallVector<qf::RowReduceOp> reds(body.getOps<qf::RowReduceOp>());
  Kernels f32Kernels{b, loc, nm::BlockFormat(), vw, 8};
  VectorType vf = VectorType::get({vw}, b.getF32Type());
  parallelLoop(b, loc, {rows}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value row = ivs[0];
    Value rowBase = ix.mul(row, ix.c(L));
    // The row's index along the leading dims, for broadcast inputs.
    SmallVector<Value> idx(r);
    Value rem = row;
    for (int64_t d = r - 2; d >= 0; --d) {
      idx[d] = arith::RemUIOp::create(b, loc, rem, sizes[d]);
      rem = ix.div(rem, sizes[d]);
    }
    // Flat index of input k at column c of this row.
    auto offset = [&](Idx &jx, size_t k, Value c) -> Value {
      if (maps[k].isIdentity())
        return jx.add(rowBase, c);
      Value off = jx.c(0);
      for (unsigned d : dims[k])
        off = jx.add(jx.mul(off, sizes[d]), d == unsigned(r - 1) ? c : idx[d]);
      return off;
    };
    auto readsRow = [&](size_t k) {
      return !dims[k].empty() && dims[k].back() == unsigned(r - 1);
    };
    SmallVector<Value> stashes;
    for (qf::RowReduceOp red : reds)
      stashes.push_back(
          qf::kernel::rowReduceStashed(red)
              ? memref::AllocOp::create(b, loc, MemRefType::get({L}, b.getF32Type()),
                                        ValueRange{}, b.getI64IntegerAttr(64))
                    .getResult()
              : Value());
    SmallVector<std::pair<Value, Value>> scalars =
        qf::kernel::emitRowReductionLoops(
            b, loc, reds, stashes, ix.c(0), ix.c(L),
            [&](OpBuilder &lb, Value l, IRMapping &m) {
              Idx jx{lb, loc};
              for (size_t k = 0; k < bufs.size(); ++k)
                m.map(body.getArgument(k),
                      memref::LoadOp::create(lb, loc, bufs[k],
                                             ValueRange{offset(jx, k, l)})
                          .getResult());
            });
    qf::kernel::LoadFn load = [&](Value at, Value valid, bool full) -> Value {
      Value col = ix.sub(at, rowBase);
      SmallVector<Value> args;
      for (size_t k = 0; k < bufs.size(); ++k) {
        if (readsRow(k)) {
          args.push_back(
              f32Kernels.loadF32(bufs[k], offset(ix, k, col), valid, full));
          continue;
        }
        // One value for the whole row, in every lane.
        Value v = memref::LoadOp::create(b, loc, bufs[k],
                                         ValueRange{offset(ix, k, ix.c(0))});
        args.push_back(vector::BroadcastOp::create(b, loc, vf, v));
      }
      SmallVector<std::pair<Value, Value>> given(scalars);
      qf::kernel::appendStashedValues(b, loc, reds, stashes, col, valid, full,
                                      vw, given);
      return qf::kernel::emitBodyOnVectors(b, loc, body, args, vw, given);
    };
    if (qt)
      qf::kernel::emitQuantizeRow(b, loc, *out, row, load, vw);
    else
      qf::kernel::emitStoreRowF32(b, loc, outFlat, rowBase, L, load, vw);
    scf::ReduceOp::create(b, loc);
  });
  if (qt)
    return qf::kernel::endRowQuantize(b, loc, *out);
  return SmallVector<Value>{toTensor(b, loc, outT, outBuf)};
}

} // namespace

FailureOr<SmallVector<Value>> qf::kernel::emitMapKernel(
    OpBuilder &b, Location loc, ArrayRef<MapInput> inputs, Block &body,
    Type resultType, Value scales, Value tensorScale, unsigned vw) {
  if (!body.getOps<qf::RowReduceOp>().empty())
    return emitRowMap(b, loc, inputs, body, resultType, scales, tensorScale,
                      vw);
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  ArrayRef<int64_t> shape =
      qt ? qt.getShape() : cast<RankedTensorType>(resultType).getShape();
  int64_t r = shape.size();
  // Fast path: static innermost size a multiple of vw, so every chunk at a
  // multiple of vw lies in one row, and in one block of every operand.
  bool fast = r >= 1 && !ShapedType::isDynamic(shape[r - 1]) &&
              shape[r - 1] % vw == 0;
  for (const MapInput &in : inputs)
    if (in.qtype)
      fast &= chunkInOneBlock(in.qtype, vw, /*asResult=*/false);
  if (qt)
    fast &= chunkInOneBlock(qt, vw, /*asResult=*/true);
  if (!fast)
    return emitUnfusedMap(b, loc, inputs, body, resultType, scales,
                          tensorScale, vw);

  Idx ix{b, loc};
  // Sizes from the first identity input.
  SmallVector<Value> sizes;
  for (const MapInput &in : inputs) {
    if (!in.map.isIdentity())
      continue;
    Value src = in.qtype ? in.storage[0] : in.tensor;
    sizes = dimSizes(b, loc, src);
    sizes.back() = ix.c(shape[r - 1]); // packed codes hide it
    break;
  }
  for (int64_t i = 0; i < r; ++i)
    if (!ShapedType::isDynamic(shape[i]))
      sizes[i] = ix.c(shape[i]);
  Value n = product(ix, sizes, 0, r);

  // Per-input state, set up outside the loops.
  struct In {
    const MapInput *in;
    std::unique_ptr<Kernels> kn;
    Value buf; ///< f32: flat buffer; quantized: flat packed codes
    Value scales, g;
    int64_t blockLen = 0; ///< elements per scale along the row; 0: one scale
    bool channel = false;
    SmallVector<unsigned> dims; ///< broadcast: the result dims it reads
  };
  SmallVector<In> ins;
  for (const MapInput &in : inputs) {
    In s;
    s.in = &in;
    if (in.qtype) {
      nm::BlockFormat f = in.qtype.getFormat().toNumerics();
      s.kn = std::make_unique<Kernels>(
          Kernels{b, loc, f, vw, in.qtype.getElementBits()});
      s.buf = flat(b, loc, readBuffer(b, loc, in.storage[0]));
      s.scales = flat(b, loc, readBuffer(b, loc, in.storage[1]));
      if (in.storage.size() > 2)
        s.g = tensor::ExtractOp::create(b, loc, in.storage[2], ValueRange{});
      if (f.blockKind == nm::BlockKind::Fixed)
        s.blockLen = f.blockSize;
      s.channel = f.blockKind == nm::BlockKind::Channel;
    } else {
      s.buf = flat(b, loc, readBuffer(b, loc, in.tensor));
      for (AffineExpr e : in.map.getResults())
        s.dims.push_back(cast<AffineDimExpr>(e).getPosition());
    }
    ins.push_back(std::move(s));
  }
  bool anyBroadcast = llvm::any_of(
      inputs, [](const MapInput &in) { return !in.map.isIdentity(); });
  Kernels f32Kernels{b, loc, nm::BlockFormat(), vw, 8};

  LoadFn load = [&, n, r](Value at, Value valid, bool full) -> Value {
    // Scalar positions stay inside the tensor for an empty masked tail.
    Value atS = full ? at : ix.min(at, ix.sub(n, ix.c(1)));
    SmallVector<Value> idx(r);
    if (anyBroadcast) {
      Value rem = atS;
      for (int64_t d = r - 1; d >= 0; --d) {
        idx[d] = arith::RemUIOp::create(b, loc, rem, sizes[d]);
        rem = ix.div(rem, sizes[d]);
      }
    }
    VectorType vf = VectorType::get({vw}, b.getF32Type());
    SmallVector<Value> args;
    for (In &s : ins) {
      const MapInput &in = *s.in;
      if (in.qtype) {
        Kernels &kn = *s.kn;
        Value byteAt = ix.div(ix.mul(at, ix.c(kn.bits)), ix.c(8));
        Value codes = kn.loadCodes(s.buf, byteAt, valid, full);
        Value si = s.blockLen ? ix.div(atS, ix.c(s.blockLen))
                   : s.channel ? ix.div(atS, sizes[r - 1])
                               : ix.c(0);
        Value stored = kn.loadScale(s.scales, si);
        Value sv = vector::BroadcastOp::create(
            b, loc, VectorType::get({vw}, stored.getType()), stored);
        args.push_back(kn.decode(codes, sv, s.g));
        continue;
      }
      if (in.map.isIdentity()) {
        args.push_back(f32Kernels.loadF32(s.buf, at, valid, full));
        continue;
      }
      // Broadcast: the flat index in the operand from the result index.
      Value off = ix.c(0);
      for (unsigned d : s.dims)
        off = ix.add(ix.mul(off, sizes[d]), idx[d]);
      if (!s.dims.empty() && s.dims.back() == unsigned(r - 1)) {
        args.push_back(f32Kernels.loadF32(s.buf, off, valid, full));
      } else {
        Value v = memref::LoadOp::create(b, loc, s.buf, ValueRange{off});
        args.push_back(vector::BroadcastOp::create(b, loc, vf, v));
      }
    }
    return emitBodyOnVectors(b, loc, body, args, vw);
  };

  if (qt) {
    Storage given;
    given.scales = scales;
    given.ts = tensorScale;
    FailureOr<Storage> st = emitQuantizeFrom(b, loc, sizes, load, qt, given, vw);
    if (failed(st))
      return failure();
    return valuesOf(*st);
  }
  auto outT = cast<RankedTensorType>(resultType);
  Value outBuf = allocBuffer(b, loc, outT, sizes);
  Value outFlat = flat(b, loc, outBuf);
  parallelLoop(b, loc, {ix.div(n, ix.c(vw))}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value at = ix.mul(ivs[0], ix.c(vw));
    f32Kernels.storeF32(load(at, {}, true), outFlat, at, {}, true);
    scf::ReduceOp::create(b, loc);
  });
  return SmallVector<Value>{toTensor(b, loc, outT, outBuf)};
}

FailureOr<qf::kernel::RowQuantizeOutput>
qf::kernel::beginRowQuantize(OpBuilder &b, Location loc, qf::QTensorType t,
                             ArrayRef<Value> sizes, Value scales,
                             Value tensorScale) {
  RowQuantizeOutput out;
  out.type = t;
  out.sizes.assign(sizes.begin(), sizes.end());
  nm::BlockFormat f = t.getFormat().toNumerics();
  if (f.tensorScale && !tensorScale)
    return failure();
  Idx ix{b, loc};
  SmallVector<Value> packedSizes(sizes);
  packedSizes.back() =
      ix.ceilDiv(ix.mul(sizes.back(), ix.c(t.getElementBits())), 8);
  out.packedBuf = allocBuffer(b, loc, t.getPackedType(), packedSizes);
  out.packedFlat = flat(b, loc, out.packedBuf);
  if (scales) {
    out.givenScales = scales;
    out.scalesBuf = readBuffer(b, loc, scales);
  } else {
    SmallVector<Value> scaleSizes(sizes.drop_back());
    scaleSizes.push_back(ix.div(sizes.back(), ix.c(f.blockSize)));
    out.scalesBuf = allocBuffer(b, loc, t.getScalesType(), scaleSizes);
  }
  out.scalesFlat = flat(b, loc, out.scalesBuf);
  if (f.scale != nm::ScaleType::E8M0) {
    KB k{b, loc};
    Type f32 = b.getF32Type();
    out.sEnc = k.f32(f32, 1.0f);
    if (tensorScale) {
      out.givenTensorScale = tensorScale;
      Value g = tensor::ExtractOp::create(b, loc, tensorScale, ValueRange{});
      out.sEnc = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), g);
    }
  }
  return out;
}

void qf::kernel::emitQuantizeRow(OpBuilder &b, Location loc,
                                 const RowQuantizeOutput &out, Value row,
                                 const LoadFn &load, unsigned vw) {
  Idx ix{b, loc};
  QView v = makeView(b, loc, out.type, out.sizes);
  Kernels kn{b, loc, v.f, vw, v.bits};
  QuantizeArgs a{load, out.packedFlat, out.scalesFlat, bool(out.givenScales),
                 out.sEnc};
  forLoop(b, loc, ix.c(0), v.nb, ix.c(1), [&](OpBuilder &, Value blk) {
    emitRowBlock(kn, v, a, Value(), row, blk);
  });
}

SmallVector<Value> qf::kernel::endRowQuantize(OpBuilder &b, Location loc,
                                              const RowQuantizeOutput &out) {
  Storage s;
  s.packed = toTensor(b, loc, out.type.getPackedType(), out.packedBuf);
  s.scales = out.givenScales
                 ? out.givenScales
                 : toTensor(b, loc, out.type.getScalesType(), out.scalesBuf);
  s.ts = out.givenTensorScale;
  return valuesOf(s);
}
