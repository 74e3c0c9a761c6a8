//===- Packing.cpp - Sub-byte packing of element codes --------------------===//
//
// Little-endian bit stream for every width (D10, D11).
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Packing.h"

#include <cstddef>

namespace qf::numerics {

int64_t packedBytes(int64_t n, int bits) { return (n * bits + 7) / 8; }

std::vector<uint8_t> packCodes(const uint8_t *codes, int64_t n, int bits) {
  std::vector<uint8_t> out(std::size_t(packedBytes(n, bits)), 0);
  const uint32_t mask = (1u << bits) - 1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t bit = i * bits;
    uint32_t v = (codes[i] & mask) << (bit & 7);
    std::size_t byte = std::size_t(bit >> 3);
    out[byte] |= uint8_t(v);
    if (v >> 8)
      out[byte + 1] |= uint8_t(v >> 8);
  }
  return out;
}

std::vector<uint8_t> unpackCodes(const uint8_t *packed, int64_t n, int bits) {
  std::vector<uint8_t> out(std::size_t(n), 0);
  const uint32_t mask = (1u << bits) - 1;
  const int64_t nbytes = packedBytes(n, bits);
  for (int64_t i = 0; i < n; ++i) {
    int64_t bit = i * bits;
    int64_t byte = bit >> 3;
    uint32_t v = packed[byte];
    if (byte + 1 < nbytes)
      v |= uint32_t(packed[byte + 1]) << 8;
    out[std::size_t(i)] = uint8_t((v >> (bit & 7)) & mask);
  }
  return out;
}

} // namespace qf::numerics
