//===- Tiling.h - Row-interleaved (tiled) weight layouts --------*- C++ -*-===//
//
// The repacked weight layout `tiled<R x KC>` of a rank-2 tensor [N, K]
// blocked along K (docs/formats.md, "Repacked weight layout"): rows are
// taken in groups of R, and inside a group the codes run in runs of KC
// consecutive K positions of one row, the R rows' runs side by side:
//
//   code (n, k) is at  ((n / R) * (K / KC) + k / KC) * R * KC
//                      + (n % R) * KC + k % KC
//   scale (n, b) is at ((n / R) * nb + b) * R + n % R       (nb = K / block)
//
// The codes and scales are those of the row-major layout, permuted; the
// packed storage is the code stream in this order packed as usual (D10/D11),
// so the storage tensors keep their row-major shapes.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_TILING_H
#define QF_NUMERICS_TILING_H

#include <cstdint>
#include <string>
#include <vector>

namespace qf::numerics {

/// A row-interleaved layout; rows == 0 is the row-major layout.
struct Tiling {
  int64_t rows = 0; ///< R: rows per group
  int64_t k = 0;    ///< KC: consecutive K positions of a row per run
  bool isRowMajor() const { return rows == 0; }
  bool operator==(const Tiling &o) const {
    return rows == o.rows && k == o.k;
  }
};

/// Why `t` cannot hold a [n, kDim] tensor of `bits`-bit codes, or "" when
/// it can: R, KC > 0, R divides n, KC divides kDim, and KC codes fill whole
/// bytes (no padding: a weight whose rows are not a multiple of R keeps the
/// row-major layout).
std::string checkTiling(const Tiling &t, int64_t n, int64_t kDim, int bits);

/// Position of code (row, k) in the tiled order.
int64_t tiledCodeIndex(const Tiling &t, int64_t kDim, int64_t row, int64_t k);
/// Position of scale (row, blk) in the tiled order (nb blocks per row).
int64_t tiledScaleIndex(const Tiling &t, int64_t nb, int64_t row, int64_t blk);

/// Row-major [n, kDim] elements of `size` bytes each (codes: 1) in the
/// tiled order, and back.
std::vector<uint8_t> tileCodes(const Tiling &t, const std::vector<uint8_t> &x,
                               int64_t n, int64_t kDim);
std::vector<uint8_t> untileCodes(const Tiling &t,
                                 const std::vector<uint8_t> &x, int64_t n,
                                 int64_t kDim);
/// Scales [n, nb] of `bytes` bytes each in the tiled order, and back.
std::vector<uint8_t> tileScales(const Tiling &t, const std::vector<uint8_t> &x,
                                int64_t n, int64_t nb, int bytes);
std::vector<uint8_t> untileScales(const Tiling &t,
                                  const std::vector<uint8_t> &x, int64_t n,
                                  int64_t nb, int bytes);

} // namespace qf::numerics

#endif // QF_NUMERICS_TILING_H
