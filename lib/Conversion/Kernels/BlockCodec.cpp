//===- BlockCodec.cpp - Encode / decode vectors of one block format ------===//
#include "qf/Conversion/Kernels/BlockCodec.h"

#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf::kernel {

BlockCodec::BlockCodec(OpBuilder &b, Location loc, const TargetInfo &target,
                       nm::BlockFormat f, unsigned bits)
    : b(b), loc(loc), target(target), f(f), vw(target.getVectorWidth()),
      bits(bits) {}

bool BlockCodec::byteScales() const { return isByteScale(f.scale); }

/// Scale of a block with |x| max bits `amaxBits` (non-finite when
/// >= 0x7F800000) and tensor encode scale sEnc (float scales only).
ScaleInfo BlockCodec::fromAmax(Value amaxBits, Value sEnc) {
  KB k = kb();
  Type it = amaxBits.getType();
  // A block holding a non-finite value encodes to zeros with the NaN scale.
  Value nonFinite = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                          amaxBits, k.i32(it, 0x7F800000));
  ScaleInfo s;
  if (isMX()) {
    Value xs = mxScaleExponent(k, f, amaxBits);
    Value byte = arith::AddIOp::create(b, loc, xs, k.i32(it, 127));
    s.nanBlock = nonFinite;
    s.stored = arith::SelectOp::create(b, loc, nonFinite, k.i32(it, 0xFF), byte);
    s.kexp = mxKexp(xs);
    std::tie(s.mulA, s.mulB) = pow2NegPair(k, s.kexp);
    return s;
  }
  // Section 4.2 step 3: t_b = fp32(fp32(amax_b / Qe) * S_enc).
  Type ft = KB::withElt(it, b.getF32Type());
  Value amax = arith::BitcastOp::create(b, loc, ft, amaxBits);
  Value tb = arith::DivFOp::create(b, loc, amax,
                                   k.f32(ft, float(f.elementMax())));
  tb = arith::MulFOp::create(b, loc, tb, sEnc);
  Value stored = encodeScaleRNE(k, f.scale, tb);
  s = fromStoredFloat(stored, sEnc);
  s.nanBlock = nonFinite;
  s.stored = arith::SelectOp::create(b, loc, nonFinite,
                                     nanScale(k, f.scale, ft), stored);
  return s;
}

Value BlockCodec::mxKexp(Value xs) {
  if (!f.elem.isInt())
    return xs;
  KB k = kb();
  return arith::SubIOp::create(b, loc, xs,
                               k.i32(xs.getType(), f.elem.bits - 2));
}

/// Float scales: from a stored scale and the tensor encode scale
/// (numerics encodeFloatScaledBlock).
ScaleInfo BlockCodec::fromStoredFloat(Value stored, Value sEnc) {
  KB k = kb();
  ScaleInfo s;
  s.stored = stored;
  Value sf = decodeScale(k, f.scale, stored);
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
ScaleInfo BlockCodec::fromStored(Value stored, Value sEnc) {
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
  std::tie(s.mulA, s.mulB) = pow2NegPair(k, s.kexp);
  return s;
}

/// Broadcasts scalar scale info to vectors of `vw` lanes.
ScaleInfo BlockCodec::splatInfo(const ScaleInfo &s) {
  return s.map([&](Value v) -> Value {
    if (isa<VectorType>(v.getType()))
      return v;
    return vector::BroadcastOp::create(b, loc, VectorType::get({vw}, v.getType()), v);
  });
}

/// Codes (vector<vw x i32>) of x (vector<vw x f32>) under scale info `s`.
Value BlockCodec::encode(Value x, const ScaleInfo &s) {
  KB k = kb();
  Type it = VectorType::get({vw}, b.getI32Type());
  Value codes;
  if (isMX()) {
    // Integer MX codes carry the 2^-(b-2) unit in kexp (and mulA * mulB).
    Value v = arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, s.mulA), s.mulB);
    codes = target.encodeElementsNative(b, loc, f.elem, f.rounding, f.range, v);
    if (!codes)
      codes = encodeElements(k, f.elem, f.rounding, f.range, x, s.kexp);
  } else {
    Value v = arith::MulFOp::create(b, loc, x, s.eb);
    codes = target.encodeElementsNative(b, loc, f.elem, f.rounding, f.range, v);
    if (!codes)
      codes = encodeElements(k, f.elem, f.rounding, f.range, v,
                             k.i32(it, 0));
  }
  return arith::SelectOp::create(b, loc, s.nanBlock, k.i32(it, 0), codes);
}

/// Decoded values (vector<vw x f32>) of codes under stored scale `stored`
/// (vector) and tensor decode scale g (f32 scalar or null).
Value BlockCodec::decode(Value codes, Value stored, Value g) {
  KB k = kb();
  Type ft = VectorType::get({vw}, b.getF32Type());
  Value q = decodeElements(k, f.elem, codes);
  Value sf = decodeScale(k, f.scale, stored);
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

VectorType BlockCodec::vecOf(Type elt, int64_t n) { return VectorType::get({n}, elt); }

Value BlockCodec::mask(Value valid, int64_t n) {
  return laneMask(b, loc, valid, n);
}

/// Loads `valid` (<= vw) elements of a 1-D f32/f16/bf16 buffer as f32.
Value BlockCodec::loadF32(Value mem, Value at, Value valid, bool full) {
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
void BlockCodec::storeF32(Value v, Value mem, Value at, Value valid, bool full) {
  Type elt = cast<MemRefType>(mem.getType()).getElementType();
  if (!elt.isF32())
    v = arith::TruncFOp::create(b, loc, vecOf(elt, vw), v);
  if (full)
    vector::StoreOp::create(b, loc, v, mem, ValueRange{at});
  else
    vector::MaskedStoreOp::create(b, loc, mem, ValueRange{at}, mask(valid, vw), v);
}

/// Packs codes and stores the bytes of `validCodes` codes at byte `at`.
void BlockCodec::storeCodes(Value codes, Value mem, Value at, Value validCodes, bool full) {
  KB k = kb();
  Value packed = packCodes(k, bits, codes);
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
Value BlockCodec::loadCodes(Value mem, Value at, Value validCodes, bool full) {
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
  return unpackCodes(k, bits, packed, vw);
}

/// Scale storage value (scalar, in-register type) at index `at`.
Value BlockCodec::loadScale(Value mem, Value at) {
  Value v = memref::LoadOp::create(b, loc, mem, ValueRange{at});
  if (byteScales())
    v = arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
  return v;
}
void BlockCodec::storeScale(Value v, Value mem, Value at) {
  if (byteScales())
    v = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
  memref::StoreOp::create(b, loc, v, mem, ValueRange{at});
}
/// Per-lane scales at indices `idx` (vector<vw x index>), masked.
Value BlockCodec::gatherScales(Value mem, Value idx, Value m) {
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
void BlockCodec::scatterScales(Value v, Value mem, Value idx, Value m) {
  if (byteScales())
    v = arith::TruncIOp::create(b, loc, vecOf(b.getI8Type(), vw), v);
  Value c0 = Idx{b, loc}.c(0);
  vector::ScatterOp::create(b, loc, /*resultType=*/Type(), mem, ValueRange{c0}, idx, m, v);
}

/// i32 max of |bits| over a vector (lanes past `valid` are zero).
Value BlockCodec::absMaxScalar(Value x) {
  KB k = kb();
  Value a = absBits(k, x);
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, a);
}
} // namespace qf::kernel
