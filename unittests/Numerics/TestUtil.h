//===- TestUtil.h - Shared helpers of the numerics unit tests --*- C++ -*-===//
#ifndef QF_UNITTESTS_NUMERICS_TESTUTIL_H
#define QF_UNITTESTS_NUMERICS_TESTUTIL_H

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#ifndef QF_NUMERICS_TEST_DATA_DIR
#error "QF_NUMERICS_TEST_DATA_DIR must point at unittests/Numerics/Data"
#endif

namespace qf::numerics::test {

inline uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline uint64_t bitsOf(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

/// Parses "0x7C", "0x3F800000 = 1.0" or "0x76=224": the leading hex number.
inline uint32_t parseHex(const std::string &s) {
  return uint32_t(std::strtoul(s.c_str(), nullptr, 16));
}

/// Parses a decimal float as printed by the reference ("-0", "NaN", "nan",
/// "6.000000476837158") and rounds it to FP32 (the printed value is the
/// exact FP32 value in shortest FP64 form, so the rounding is exact).
inline float parseDecimalF32(const std::string &s) {
  if (s == "NaN" || s == "nan")
    return std::numeric_limits<float>::quiet_NaN();
  return float(std::strtod(s.c_str(), nullptr));
}

/// The parsed vectors.json, or nullptr with `error` set.
const llvm::json::Object *loadVectors(std::string &error);

/// Path of a file in unittests/Numerics/Data.
inline std::string dataPath(const char *name) {
  return std::string(QF_NUMERICS_TEST_DATA_DIR) + "/" + name;
}

} // namespace qf::numerics::test

#endif // QF_UNITTESTS_NUMERICS_TESTUTIL_H
