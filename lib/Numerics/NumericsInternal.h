//===- NumericsInternal.h - Helpers shared by the numerics sources -*- C++ -*-//
//
// Exact rounding on FP64 inputs. Every FP32 value and every FP32 value times
// a power of two in the ranges used here is exact in FP64, so the block
// quantizers scale in FP64 and round once here.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_NUMERICS_NUMERICSINTERNAL_H
#define QF_LIB_NUMERICS_NUMERICSINTERNAL_H

#include "qf/Numerics/Format.h"

#include <cstdint>
#include <cstring>

namespace qf::numerics::detail {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

/// Rounds the exact value v onto the float element grid of `f` (section 2)
/// and returns the code (sign kept for zero, saturating, NaN -> NaN code or
/// 0).
uint8_t encodeFloatElementExact(const ElementFormat &f, double v, Rounding r);

/// Rounds the exact value v to an integer (ties to even or away) and clamps
/// it to the integer range of `f`; returns the two's complement code.
uint8_t encodeIntElementExact(const ElementFormat &f, double v, Rounding r,
                              IntRange range);

/// Signed integer held in the low `bits` bits of `code`.
inline int signExtend(uint8_t code, int bits) {
  int k = code & ((1 << bits) - 1);
  if (k & (1 << (bits - 1)))
    k -= 1 << bits;
  return k;
}

} // namespace qf::numerics::detail

#endif // QF_LIB_NUMERICS_NUMERICSINTERNAL_H
