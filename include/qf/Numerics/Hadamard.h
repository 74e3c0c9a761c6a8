//===- Hadamard.h - Hadamard matrices and the FP32 FWHT --------*- C++ -*-===//
//
// D13-D15 of docs/numerics.md: normalized Sylvester matrices in natural
// order for n = 2^k, H_m (kron) H_2^k with H_m on the slow index for
// n = m * 2^k (m = 12, 20 from Paley construction I), and randomized
// Hadamard H * diag(sigma) with sigma from SplitMix64.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_HADAMARD_H
#define QF_NUMERICS_HADAMARD_H

#include <cstdint>
#include <vector>

namespace qf::numerics {

/// True for n = 2^k (k >= 0), 12 * 2^k and 20 * 2^k.
bool isSupportedHadamardSize(int64_t n);

/// Splits a supported n into m * p, m in {1, 12, 20} on the slow index and p
/// a power of two (D14); false for unsupported n.
bool splitHadamardSize(int64_t n, int &m, int64_t &p);

/// The unnormalized +-1 Hadamard matrix of order n (row-major), as the
/// numbers used by fwht: H_m (kron) H_{2^k}. Requires a supported size.
std::vector<int8_t> hadamardMatrix(int64_t n);

/// The pinned Paley tables: order 12 or 20, row-major +-1.
const int8_t *paleyMatrix(int m);

/// Sign vector of D15: sigma_j = -1 iff bit 63 of SplitMix64(seed) output j
/// (j = 0..n-1) is set.
std::vector<int8_t> randomSigns(uint64_t seed, int64_t n);

/// In-place normalized transform x <- H_n x / sqrt(n) in FP32 with the pinned
/// order: for n = m * 2^k, the butterfly stages h = 1, 2, 4, ... on each
/// contiguous group of 2^k (fast index), then H_m across the m groups (slow
/// index) summing j = 0..m-1 in order, then one multiply of every value by
/// fp32(1/sqrt(n)) (computed in FP64, rounded once).
void fwht(float *x, int64_t n);

/// x <- H_n diag(sigma) x / sqrt(n): x_j negated where sigma_j = -1, then
/// fwht.
void randomizedFwht(float *x, int64_t n, const int8_t *sigma);

/// Applies the block-diagonal rotation I (kron) H_block along `axis` of a
/// row-major tensor, each block of `block` consecutive elements along that
/// axis transformed by fwht (or randomizedFwht with randomSigns(seed, block)
/// when `randomized`). `block` must divide shape[axis].
void hadamardAlongAxis(float *data, const std::vector<int64_t> &shape,
                       int axis, int64_t block, bool randomized,
                       uint64_t seed);

} // namespace qf::numerics

#endif // QF_NUMERICS_HADAMARD_H
