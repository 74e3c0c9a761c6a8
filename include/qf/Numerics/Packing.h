//===- Packing.h - Sub-byte packing of element codes -----------*- C++ -*-===//
//
// One rule for every code width b (D10, D11): the codes form a little-endian
// bit stream, code i occupying bits b*i .. b*i+b-1. For b = 4 this puts
// element 2i in the low nibble (D10); for b = 6, four codes fill three bytes
// (D11); for b = 8 it is the identity.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_PACKING_H
#define QF_NUMERICS_PACKING_H

#include <cstdint>
#include <vector>

namespace qf::numerics {

/// Bytes needed for n codes of `bits` bits: ceil(n * bits / 8).
int64_t packedBytes(int64_t n, int bits);

/// Packs n codes (each in the low `bits` bits of a byte; higher bits ignored).
std::vector<uint8_t> packCodes(const uint8_t *codes, int64_t n, int bits);

/// Unpacks n codes of `bits` bits from a packed stream.
std::vector<uint8_t> unpackCodes(const uint8_t *packed, int64_t n, int bits);

} // namespace qf::numerics

#endif // QF_NUMERICS_PACKING_H
