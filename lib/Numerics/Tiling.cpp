//===- Tiling.cpp - Row-interleaved (tiled) weight layouts ----------------===//
#include "qf/Numerics/Tiling.h"

namespace qf::numerics {

std::string checkTiling(const Tiling &t, int64_t n, int64_t kDim, int bits) {
  if (t.rows <= 0 || t.k <= 0)
    return "tile sizes must be positive, got " + std::to_string(t.rows) + "x" +
           std::to_string(t.k);
  if (n % t.rows != 0)
    return "tile rows " + std::to_string(t.rows) + " do not divide dimension 0 (size " +
           std::to_string(n) + "); pad the rows to a multiple of the tile";
  if (kDim % t.k != 0)
    return "tile run " + std::to_string(t.k) + " does not divide dimension 1 (size " +
           std::to_string(kDim) + ")";
  if ((t.k * bits) % 8 != 0)
    return "a run of " + std::to_string(t.k) + " codes of " +
           std::to_string(bits) + " bits is not whole bytes";
  return "";
}

int64_t tiledCodeIndex(const Tiling &t, int64_t kDim, int64_t row, int64_t k) {
  return ((row / t.rows) * (kDim / t.k) + k / t.k) * t.rows * t.k +
         (row % t.rows) * t.k + k % t.k;
}

int64_t tiledScaleIndex(const Tiling &t, int64_t nb, int64_t row, int64_t blk) {
  return ((row / t.rows) * nb + blk) * t.rows + row % t.rows;
}

static std::vector<uint8_t> permute(const Tiling &t,
                                    const std::vector<uint8_t> &x, int64_t n,
                                    int64_t cols, int bytes, bool codes,
                                    bool forward) {
  std::vector<uint8_t> y(x.size());
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      int64_t at = codes ? tiledCodeIndex(t, cols, r, c)
                         : tiledScaleIndex(t, cols, r, c);
      int64_t rm = r * cols + c;
      for (int b = 0; b < bytes; ++b) {
        if (forward)
          y[size_t(at * bytes + b)] = x[size_t(rm * bytes + b)];
        else
          y[size_t(rm * bytes + b)] = x[size_t(at * bytes + b)];
      }
    }
  return y;
}

std::vector<uint8_t> tileCodes(const Tiling &t, const std::vector<uint8_t> &x,
                               int64_t n, int64_t kDim) {
  return permute(t, x, n, kDim, 1, true, true);
}
std::vector<uint8_t> untileCodes(const Tiling &t,
                                 const std::vector<uint8_t> &x, int64_t n,
                                 int64_t kDim) {
  return permute(t, x, n, kDim, 1, true, false);
}
std::vector<uint8_t> tileScales(const Tiling &t, const std::vector<uint8_t> &x,
                                int64_t n, int64_t nb, int bytes) {
  return permute(t, x, n, nb, bytes, false, true);
}
std::vector<uint8_t> untileScales(const Tiling &t,
                                  const std::vector<uint8_t> &x, int64_t n,
                                  int64_t nb, int bytes) {
  return permute(t, x, n, nb, bytes, false, false);
}

} // namespace qf::numerics
