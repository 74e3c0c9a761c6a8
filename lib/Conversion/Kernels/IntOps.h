//===- IntOps.h - Integer helpers shared by the codec emitters --*- C++ -*-===//
//
// Internal to the kernel library: arith on i32 scalars or vectors alike and
// the exact significand / exponent split every codec rounds from.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_KERNELS_INTOPS_H
#define QF_LIB_CONVERSION_KERNELS_INTOPS_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Numerics/Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace qf::kernel::detail {

using mlir::Type;
using mlir::Value;
namespace nm = qf::numerics;
namespace arith = mlir::arith;
namespace math = mlir::math;

struct Ops {
  KB &k;
  Type t; // i32 or vector<N x i32>

  Value c(int64_t v) { return k.i32(t, v); }
  Value add(Value a, Value b) { return arith::AddIOp::create(k.b, k.loc, a, b); }
  Value sub(Value a, Value b) { return arith::SubIOp::create(k.b, k.loc, a, b); }
  Value band(Value a, Value b) { return arith::AndIOp::create(k.b, k.loc, a, b); }
  Value bor(Value a, Value b) { return arith::OrIOp::create(k.b, k.loc, a, b); }
  Value shl(Value a, Value b) { return arith::ShLIOp::create(k.b, k.loc, a, b); }
  Value shru(Value a, Value b) { return arith::ShRUIOp::create(k.b, k.loc, a, b); }
  Value shrs(Value a, Value b) { return arith::ShRSIOp::create(k.b, k.loc, a, b); }
  Value maxs(Value a, Value b) { return arith::MaxSIOp::create(k.b, k.loc, a, b); }
  Value mins(Value a, Value b) { return arith::MinSIOp::create(k.b, k.loc, a, b); }
  Value cmp(arith::CmpIPredicate p, Value a, Value b) {
    return arith::CmpIOp::create(k.b, k.loc, p, a, b);
  }
  Value eq(Value a, Value b) { return cmp(arith::CmpIPredicate::eq, a, b); }
  Value ne(Value a, Value b) { return cmp(arith::CmpIPredicate::ne, a, b); }
  Value sel(Value c, Value a, Value b) {
    return arith::SelectOp::create(k.b, k.loc, c, a, b);
  }
  Value bitsOf(Value f) {
    return arith::BitcastOp::create(k.b, k.loc, KB::withElt(f.getType(), k.b.getI32Type()), f);
  }
  Value floatOf(Value i) {
    return arith::BitcastOp::create(k.b, k.loc, KB::withElt(i.getType(), k.b.getF32Type()), i);
  }
};

/// Largest finite magnitude code of a float element format (numerics specOf).
inline int64_t maxMagnitudeCode(const nm::ElementFormat &f) {
  int64_t allE = (1 << f.expBits) - 1, allM = (1 << f.manBits) - 1;
  switch (f.nan) {
  case nm::NanEncoding::None:
    return (allE << f.manBits) | allM;
  case nm::NanEncoding::AllOnes:
    return (allE << f.manBits) | (allM - 1);
  case nm::NanEncoding::IEEE:
    return ((allE - 1) << f.manBits) | allM;
  }
  return 0;
}

/// A = |x| split into a normalized 24-bit significand `sig` (bit 23 set for
/// any nonzero finite x, FP32 subnormals included) and the exact exponent
/// `e` with |x| = sig * 2^(e - 23).
struct Normalized {
  Value sig, e;
};

inline Normalized normalize(Ops &o, Value absBits) {
  Value E = o.shru(absBits, o.c(23));
  Value M = o.band(absBits, o.c(0x7FFFFF));
  Value isNorm = o.ne(E, o.c(0));
  Value sig = o.sel(isNorm, o.bor(M, o.c(0x800000)), M);
  Value ef = o.sel(isNorm, o.sub(E, o.c(127)), o.c(-126));
  // ctlz(0) = 32 gives sh = 24 and sig stays 0; callers treat zero apart.
  Value lz = math::CountLeadingZerosOp::create(o.k.b, o.k.loc, sig);
  Value sh = o.sub(lz, o.c(8));
  return {o.shl(sig, sh), o.sub(ef, sh)};
}

/// Rounds sig / 2^s to an integer (1 <= s <= 31) with ties to even or away.
inline Value roundShift(Ops &o, Value sig, Value s, nm::Rounding r) {
  Value half = o.shl(o.c(1), o.sub(s, o.c(1)));
  Value biased;
  if (r == nm::Rounding::NearestEven) {
    Value odd = o.band(o.shru(sig, s), o.c(1));
    biased = o.add(o.add(sig, o.sub(half, o.c(1))), odd);
  } else {
    biased = o.add(sig, half);
  }
  return o.shru(biased, s);
}

} // namespace qf::kernel::detail

#endif // QF_LIB_CONVERSION_KERNELS_INTOPS_H
