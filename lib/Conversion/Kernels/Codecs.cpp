//===- Codecs.cpp - Element codecs and code packing as IR ----------------===//
//
// Every function mirrors a routine of lib/Numerics with integer arithmetic on
// the FP32 bit pattern, so scalar and vector code round exactly like the
// library (which rounds exact FP64 values once). Comments name the routine.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/Codecs.h"

#include "IntOps.h"

#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <numeric>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf::kernel {
using namespace detail;

Value absBits(KB &k, Value x) {
  Ops o{k, KB::withElt(x.getType(), k.b.getI32Type())};
  return o.band(o.bitsOf(x), o.c(0x7FFFFFFF));
}

//===----------------------------------------------------------------------===//
// Elements
//===----------------------------------------------------------------------===//

// numerics::detail::encodeFloatElementExact / encodeIntElementExact of
// x * 2^-kexp.
Value encodeElements(KB &k, const nm::ElementFormat &elem, nm::Rounding rounding,
                     nm::IntRange range, Value x, Value kexp) {
  Ops o{k, kexp.getType()};
  Value u = o.bitsOf(x);
  Value A = o.band(u, o.c(0x7FFFFFFF));
  Value neg = o.cmp(arith::CmpIPredicate::slt, u, o.c(0));
  Value isZero = o.eq(A, o.c(0));
  Value isInf = o.eq(A, o.c(0x7F800000));
  Value isNaN = o.cmp(arith::CmpIPredicate::ugt, A, o.c(0x7F800000));
  Normalized n = normalize(o, A);
  // Scaled value: sig * 2^(ev - 23).
  Value ev = o.sub(n.e, kexp);

  if (elem.isInt()) {
    int64_t qmax = (int64_t(1) << (elem.bits - 1)) - 1;
    int64_t negLimit = range == nm::IntRange::Full ? qmax + 1 : qmax;
    Value sRaw = o.sub(o.c(23), ev);
    Value sat = o.bor(o.cmp(arith::CmpIPredicate::slt, sRaw, o.c(1)), isInf);
    Value s = o.mins(o.maxs(sRaw, o.c(1)), o.c(31));
    Value mag = roundShift(o, n.sig, s, rounding);
    Value limit = o.sel(neg, o.c(negLimit), o.c(qmax));
    mag = o.sel(sat, limit, o.mins(mag, limit));
    mag = o.sel(isZero, o.c(0), mag);
    Value mask = o.c((int64_t(1) << elem.bits) - 1);
    Value code = o.sel(neg, o.band(o.sub(o.c(0), mag), mask), mag);
    return o.sel(isNaN, o.c(0), code);
  }

  int64_t m = elem.manBits;
  int64_t emin = 1 - elem.bias;
  int64_t maxCode = maxMagnitudeCode(elem);
  Value ec = o.maxs(ev, o.c(emin));
  Value s = o.mins(o.add(o.sub(ec, ev), o.c(23 - m)), o.c(31));
  Value q = roundShift(o, n.sig, s, rounding);
  Value mag = o.add(o.shl(o.sub(ec, o.c(emin)), o.c(m)), q);
  mag = o.mins(mag, o.c(maxCode));
  mag = o.sel(isInf, o.c(maxCode), mag);
  mag = o.sel(isZero, o.c(0), mag);
  Value signBit = o.sel(neg, o.c(int64_t(1) << (elem.bits - 1)), o.c(0));
  Value code = o.bor(mag, signBit);
  int64_t allE = (1 << elem.expBits) - 1;
  switch (elem.nan) {
  case nm::NanEncoding::None:
    return o.sel(isNaN, o.c(0), code);
  case nm::NanEncoding::AllOnes:
    return o.sel(isNaN, o.bor(signBit, o.c((int64_t(1) << (elem.bits - 1)) - 1)),
                 code);
  case nm::NanEncoding::IEEE:
    return o.sel(isNaN,
                 o.bor(signBit, o.c((allE << m) | (int64_t(1) << (m - 1)))),
                 code);
  }
  return code;
}

std::pair<Value, Value> pow2NegPair(KB &k, Value kexp) {
  Ops o{k, kexp.getType()};
  auto pow2Neg = [&](Value e) {
    return o.floatOf(o.shl(o.sub(o.c(127), e), o.c(23)));
  };
  Value h = o.shrs(kexp, o.c(1));
  return {pow2Neg(h), pow2Neg(o.sub(kexp, h))};
}

// numerics::decodeElement.
Value decodeElements(KB &k, const nm::ElementFormat &elem, Value codes) {
  Ops o{k, codes.getType()};
  Value c = o.band(codes, o.c((int64_t(1) << elem.bits) - 1));
  Type ft = KB::withElt(codes.getType(), k.b.getF32Type());
  if (elem.isInt()) {
    Value sh = o.c(32 - elem.bits);
    Value v = o.shrs(o.shl(c, sh), sh);
    return arith::SIToFPOp::create(k.b, k.loc, ft, v);
  }
  int64_t m = elem.manBits, e = elem.expBits;
  int64_t allE = (1 << e) - 1, allM = (1 << m) - 1;
  Value sign = o.shl(o.shru(c, o.c(elem.bits - 1)), o.c(31));
  Value E = o.band(o.shru(c, o.c(m)), o.c(allE));
  Value M = o.band(c, o.c(allM));
  Value normBits = o.bor(
      o.bor(sign, o.shl(o.add(E, o.c(127 - elem.bias)), o.c(23))),
      o.shl(M, o.c(23 - m)));
  // Subnormal codes: M * 2^(1 - bias - m), exact in FP32.
  Value mf = arith::UIToFPOp::create(k.b, k.loc, ft, M);
  Value sub = arith::MulFOp::create(
      k.b, k.loc, mf, k.f32(ft, std::ldexp(1.0f, int(1 - elem.bias - m))));
  Value subBits = o.bor(o.bitsOf(sub), sign);
  Value bits = o.sel(o.eq(E, o.c(0)), subBits, normBits);
  Value nanBits = o.bor(sign, o.c(0x7FC00000));
  switch (elem.nan) {
  case nm::NanEncoding::None:
    break;
  case nm::NanEncoding::AllOnes:
    bits = o.sel(o.band(o.eq(E, o.c(allE)), o.eq(M, o.c(allM))), nanBits, bits);
    break;
  case nm::NanEncoding::IEEE: {
    Value special = o.eq(E, o.c(allE));
    Value inf = o.bor(sign, o.c(0x7F800000));
    bits = o.sel(special, o.sel(o.eq(M, o.c(0)), inf, nanBits), bits);
    break;
  }
  }
  return o.floatOf(bits);
}

//===----------------------------------------------------------------------===//
// Fast decoding
//===----------------------------------------------------------------------===//

namespace {
/// decodeElements of small floats through f16: the code's exponent and
/// mantissa fields are placed into an f16 bit pattern, which the hardware
/// widens exactly (an f16 subnormal is an f32 normal), and one exact multiply
/// by 2^(15 - bias) rebiases; an all-ones NaN code is selected afterwards.
/// About half the instructions of the generic decode. Null where f16 cannot
/// hold the format (integers, wider fields, IEEE NaNs without 5 exponent
/// bits).
Value decodeViaHalf(KB &k, const nm::ElementFormat &elem, Value codes) {
  bool viaHalf = elem.isFloat() && elem.expBits <= 5 && elem.manBits <= 10 &&
                 (elem.nan != nm::NanEncoding::IEEE || elem.expBits == 5) &&
                 (elem.nan != nm::NanEncoding::AllOnes || elem.expBits < 5);
  if (!viaHalf)
    return Value();
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Type vt = codes.getType();
  Type i16 = KB::withElt(vt, b.getI16Type());
  Type f16 = KB::withElt(vt, b.getF16Type());
  Type f32 = KB::withElt(vt, b.getF32Type());
  int64_t magMask = (int64_t(1) << (elem.bits - 1)) - 1;
  Value mag = arith::AndIOp::create(b, loc, codes, k.i32(vt, magMask));
  Value h = arith::ShLIOp::create(b, loc, mag, k.i32(vt, 10 - elem.manBits));
  Value sign = arith::AndIOp::create(b, loc, codes,
                                     k.i32(vt, int64_t(1) << (elem.bits - 1)));
  sign = arith::ShLIOp::create(b, loc, sign, k.i32(vt, 16 - elem.bits));
  h = arith::OrIOp::create(b, loc, h, sign);
  Value half = arith::BitcastOp::create(
      b, loc, f16, arith::TruncIOp::create(b, loc, i16, h));
  Value v = arith::ExtFOp::create(b, loc, f32, half);
  if (elem.bias != 15)
    v = arith::MulFOp::create(b, loc, v,
                              k.f32(f32, std::ldexp(1.0f, 15 - elem.bias)));
  if (elem.nan == nm::NanEncoding::AllOnes) {
    Value isNan = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, mag,
                                        k.i32(vt, magMask));
    v = arith::SelectOp::create(b, loc, isNan, k.f32Bits(f32, 0x7FC00000u), v);
  }
  return v;
}

int64_t lanesOf(Value v) {
  auto vt = dyn_cast<VectorType>(v.getType());
  return vt && vt.getRank() == 1 ? vt.getNumElements() : 0;
}

} // namespace

Value elementTable(KB &k, const nm::ElementFormat &elem) {
  SmallVector<float> vals;
  for (int c = 0; c < 16; ++c)
    vals.push_back(nm::decodeElement(elem, uint8_t(c)));
  auto vt = VectorType::get({16}, k.b.getF32Type());
  return arith::ConstantOp::create(k.b, k.loc, vt,
                                   DenseElementsAttr::get(vt, ArrayRef(vals)));
}

// Written as one dynamic vector.extract per lane: the x86 backend matches a
// vector built from extracts of one source at positions extracted from one
// index vector (LowerBUILD_VECTORAsVariablePermute) and emits a single
// vpermps (vpermps zmm for 8 lanes with a 16-entry table). An intrinsic
// would tie the IR to x86 and has unknown memory effects, which
// buffer-deallocation rejects.
Value lookup16(KB &k, Value table, Value idx) {
  int64_t n = lanesOf(idx);
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Value masked = arith::AndIOp::create(b, loc, idx, k.i32(idx.getType(), 15));
  SmallVector<Value> elems;
  for (int64_t i = 0; i < n; ++i) {
    Value code = vector::ExtractOp::create(b, loc, masked, i);
    Value pos = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
    elems.push_back(
        vector::ExtractOp::create(b, loc, table, OpFoldResult(pos)));
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({n}, b.getF32Type()), elems);
}

Value decodeElementsFast(KB &k, const nm::ElementFormat &elem, Value codes,
                         const TargetInfo *target) {
  int64_t n = lanesOf(codes);
  if (elem.bits == 4 && target && target->hasFastLookup16(n))
    return lookup16(k, elementTable(k, elem), codes);
  if (Value v = decodeViaHalf(k, elem, codes))
    return v;
  return decodeElements(k, elem, codes);
}

std::pair<Value, Value> splitNibbles(KB &k, Value bytes) {
  int64_t n = lanesOf(bytes);
  auto vi = VectorType::get({n}, k.b.getI32Type());
  Value w = arith::ExtUIOp::create(k.b, k.loc, vi, bytes);
  Value odd = arith::ShRUIOp::create(k.b, k.loc, w, k.i32(vi, 4));
  return {w, odd};
}

Value decodePacked4Fast(KB &k, const nm::ElementFormat &elem, Value bytes,
                        const TargetInfo *target) {
  int64_t n = lanesOf(bytes);
  auto [even, odd] = splitNibbles(k, bytes);
  Value e = decodeElementsFast(k, elem, even, target);
  Value o = decodeElementsFast(k, elem, odd, target);
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < n; ++i)
    mask.append({i, n + i});
  return vector::ShuffleOp::create(k.b, k.loc, e, o, mask);
}

//===----------------------------------------------------------------------===//
// Packing (D10/D11: a little-endian bit stream per innermost row)
//===----------------------------------------------------------------------===//

namespace {
/// Concatenates 1-D vectors of one element type and permutes the result:
/// out[i] = concat[perm[i]].
Value concatPermute(KB &k, ArrayRef<Value> parts, ArrayRef<int64_t> perm) {
  Value acc = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    int64_t a = cast<VectorType>(acc.getType()).getNumElements();
    int64_t b = cast<VectorType>(parts[i].getType()).getNumElements();
    SmallVector<int64_t> mask(a + b);
    std::iota(mask.begin(), mask.end(), 0);
    acc = vector::ShuffleOp::create(k.b, k.loc, acc, parts[i], mask);
  }
  return vector::ShuffleOp::create(k.b, k.loc, acc, acc, perm);
}

/// Codes per group and bytes per group of a `bits`-wide bit stream.
void groupShape(unsigned bits, int64_t &codesPerGroup, int64_t &bytesPerGroup) {
  int64_t l = std::lcm<int64_t>(bits, 8);
  codesPerGroup = l / bits;
  bytesPerGroup = l / 8;
}
} // namespace

Value packCodes(KB &k, unsigned bits, Value codes) {
  auto vt = cast<VectorType>(codes.getType());
  int64_t n = vt.getNumElements();
  Type i8 = k.b.getI8Type();
  Value v = arith::TruncIOp::create(k.b, k.loc, VectorType::get({n}, i8), codes);
  if (bits == 8)
    return v;
  int64_t G, nb;
  groupShape(bits, G, nb);
  // Codes per group is a power of two (8 / gcd(bits, 8)). Adjacent lanes
  // merge pairwise in place: viewed as lanes twice as wide (a bitcast; the
  // CPU targets are little-endian, so the lower lane is the low half), each
  // lane holding `cur` bits of codes becomes lo | hi << cur, until a lane
  // holds a group. No cross-lane permute until the final byte selection,
  // unlike gathering the codes of each slot with shuffles.
  int64_t lanes = n, width = 8, cur = bits;
  for (int64_t g = 1; g < G; g *= 2) {
    lanes /= 2;
    width *= 2;
    auto wt = VectorType::get({lanes}, k.b.getIntegerType(width));
    Value w = vector::BitCastOp::create(k.b, k.loc, wt, v);
    Type et = wt.getElementType();
    auto c = [&](int64_t x) { return splat(k.b, k.loc, wt, k.b.getIntegerAttr(et, x)); };
    int64_t m = (int64_t(1) << cur) - 1;
    Value lo = arith::AndIOp::create(k.b, k.loc, w, c(m));
    Value hi = arith::ShRUIOp::create(k.b, k.loc, w, c(width / 2 - cur));
    hi = arith::AndIOp::create(k.b, k.loc, hi, c(m << cur));
    v = arith::OrIOp::create(k.b, k.loc, lo, hi);
    cur *= 2;
  }
  // Each lane (width bits) now holds one group of nb bytes in its low bytes.
  int64_t bytesPerLane = width / 8;
  Value b8 = vector::BitCastOp::create(
      k.b, k.loc, VectorType::get({lanes * bytesPerLane}, i8), v);
  if (nb == bytesPerLane)
    return b8;
  SmallVector<int64_t> keep;
  for (int64_t g = 0; g < lanes; ++g)
    for (int64_t j = 0; j < nb; ++j)
      keep.push_back(g * bytesPerLane + j);
  return vector::ShuffleOp::create(k.b, k.loc, b8, b8, keep);
}

Value unpackCodes(KB &k, unsigned bits, Value packed, int64_t n) {
  Type i32 = k.b.getI32Type(), i64 = k.b.getI64Type();
  if (bits == 8)
    return arith::ExtUIOp::create(k.b, k.loc, VectorType::get({n}, i32), packed);
  int64_t G, nb;
  groupShape(bits, G, nb);
  int64_t groups = n / G;
  Type word_t = G * bits <= 32 ? i32 : i64;
  auto gv64 = VectorType::get({groups}, word_t);
  auto gv32 = VectorType::get({groups}, i32);
  Value word;
  for (int64_t j = 0; j < nb; ++j) {
    SmallVector<int64_t> mask;
    for (int64_t g = 0; g < groups; ++g)
      mask.push_back(g * nb + j);
    Value byte = vector::ShuffleOp::create(k.b, k.loc, packed, packed, mask);
    Value w = arith::ExtUIOp::create(k.b, k.loc, gv64, byte);
    if (j)
      w = arith::ShLIOp::create(
          k.b, k.loc, w, splat(k.b, k.loc, gv64, k.b.getIntegerAttr(word_t, 8 * j)));
    word = word ? arith::OrIOp::create(k.b, k.loc, word, w).getResult() : w;
  }
  SmallVector<Value> slots;
  for (int64_t i = 0; i < G; ++i) {
    Value w = word;
    if (i)
      w = arith::ShRUIOp::create(
          k.b, k.loc, w,
          splat(k.b, k.loc, gv64, k.b.getIntegerAttr(word_t, int64_t(i) * bits)));
    w = arith::AndIOp::create(
        k.b, k.loc, w,
        splat(k.b, k.loc, gv64, k.b.getIntegerAttr(word_t, (int64_t(1) << bits) - 1)));
    slots.push_back(gv32 == w.getType()
                        ? w
                        : arith::TruncIOp::create(k.b, k.loc, gv32, w).getResult());
  }
  if (G == 1)
    return slots[0];
  SmallVector<int64_t> perm;
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t i = 0; i < G; ++i)
      perm.push_back(i * groups + g);
  return concatPermute(k, slots, perm);
}


} // namespace qf::kernel
