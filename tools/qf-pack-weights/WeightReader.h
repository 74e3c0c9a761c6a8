//===- WeightReader.h - qf-pack-weights input readers -----------*- C++ -*-===//
//
// The readers of qf-pack-weights' input files (raw little-endian f32 with a
// --shape, or NumPy .npy of dtype <f4), apart from the tool so that the
// fuzzer in fuzz/ and the unit tests call the code the tool runs. They take
// untrusted bytes: every failure is a message, never a crash, and sizes are
// checked before anything is allocated.
//
//===----------------------------------------------------------------------===//
#ifndef QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTREADER_H
#define QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTREADER_H

#include <cstdint>
#include <string>
#include <vector>

namespace qf::packweights {

/// Largest element count a weight file may hold (2^40 f32 = 4 TiB): far
/// above any real weight, low enough that byte counts never overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Parses `AxBx...` (positive decimal dimensions) into `shape`; false when
/// malformed or when the element count exceeds kMaxElements.
bool parseShape(const std::string &s, std::vector<int64_t> &shape);

/// True when `raw` starts with the .npy magic.
bool isNpy(const std::vector<char> &raw);

/// Reads a NumPy .npy file (format 1.0-3.0) holding little-endian f32 in C
/// order with at least one dimension and one element; returns its shape and
/// data, or an error message.
std::string readNpy(const std::vector<char> &raw, std::vector<int64_t> &shape,
                    std::vector<float> &data);

/// Reads raw little-endian f32 of the given shape (`shapeText` as the user
/// wrote it, for the message); returns an error message when the size does
/// not match.
std::string readRaw(const std::vector<char> &raw,
                    const std::vector<int64_t> &shape,
                    const std::string &shapeText, std::vector<float> &data);

} // namespace qf::packweights

#endif // QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTREADER_H
