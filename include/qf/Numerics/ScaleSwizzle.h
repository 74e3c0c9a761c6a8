//===- ScaleSwizzle.h - The 128x4 block-scale tiles of tcgen05 -*- C++ -*-===//
//
// Block-scaled tcgen05.mma (sm_100a/f, sm_103a) reads its scale factors from
// tensor memory, where tcgen05.cp puts them from shared memory in 512-byte
// tiles of 128 rows x 4 scale columns. qf's scales are row-major [rows, cols]
// (one byte per block, blocks along the last axis, D12); `qf.swizzle_scales`
// rewrites them into that tile layout:
//
//   tiles are [ceil(rows / 128), ceil(cols / 4)], row-major, 512 bytes each;
//   scale (r, c) is in tile (r / 128, c / 4) at byte
//       (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4
//
// i.e. a tile is 32 lines of 16 bytes, line l holding rows l, l+32, l+64,
// l+96 (4 scale bytes each, in K order). Rows past `rows` and columns past
// `cols` are padding and hold kScalePad (0): a defined, finite scale (E8M0 0
// is 2^-127, E4M3 0 is +0), never 0xFF, which is the E8M0 NaN.
//
// Source of the layout: the PTX ISA ("tcgen05 Matrix multiply with block
// scaling", scale factor A/B layouts, and tcgen05.cp .32x128b.warpx4, which
// copies one 32 x 16-byte tile to all four 32-lane partitions of tensor
// memory), the same layout as cuBLAS's "1D block scaling factors layout",
// CUTLASS's Sm1xxBlkScaledConfig (SfKMajorAtom: (32,4) rows with strides
// (16,4), 4 columns with stride 1) and Triton's 32x4x4 scale swizzle.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_SCALESWIZZLE_H
#define QF_NUMERICS_SCALESWIZZLE_H

#include <cstdint>
#include <vector>

namespace qf::numerics {

/// Rows and scale columns of one tile, and its size in bytes.
constexpr int64_t kSwizzleTileRows = 128, kSwizzleTileCols = 4,
                  kSwizzleTileBytes = 512;
/// The padding byte of the swizzled layout.
constexpr uint8_t kScalePad = 0;

/// Tiles along the rows / the scale columns.
inline int64_t swizzleRowTiles(int64_t rows) {
  return (rows + kSwizzleTileRows - 1) / kSwizzleTileRows;
}
inline int64_t swizzleColTiles(int64_t cols) {
  return (cols + kSwizzleTileCols - 1) / kSwizzleTileCols;
}

/// The byte within its tile of scale (r, c).
inline int64_t swizzleByteInTile(int64_t r, int64_t c) {
  return (r % 32) * 16 + ((r % kSwizzleTileRows) / 32) * 4 +
         c % kSwizzleTileCols;
}

/// The offset in the swizzled buffer of scale (r, c) of a [rows, cols]
/// matrix (one batch).
inline int64_t swizzledScaleOffset(int64_t r, int64_t c, int64_t cols) {
  int64_t tile =
      (r / kSwizzleTileRows) * swizzleColTiles(cols) + c / kSwizzleTileCols;
  return tile * kSwizzleTileBytes + swizzleByteInTile(r, c);
}

/// The row and column a byte of tile `tile` at `byte` holds (they may be
/// padding: r >= rows or c >= cols). The inverse of swizzledScaleOffset.
inline void swizzleSource(int64_t tileRow, int64_t tileCol, int64_t byte,
                          int64_t &r, int64_t &c) {
  r = tileRow * kSwizzleTileRows + (byte % 16) / 4 * 32 + byte / 16;
  c = tileCol * kSwizzleTileCols + byte % 4;
}

/// Swizzles `batches` row-major [rows, cols] scale matrices.
inline std::vector<uint8_t> swizzleScales(const std::vector<uint8_t> &in,
                                          int64_t batches, int64_t rows,
                                          int64_t cols) {
  int64_t tr = swizzleRowTiles(rows), tc = swizzleColTiles(cols);
  int64_t per = tr * tc * kSwizzleTileBytes;
  std::vector<uint8_t> out(batches * per, kScalePad);
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        out[b * per + swizzledScaleOffset(r, c, cols)] =
            in[(b * rows + r) * cols + c];
  return out;
}

} // namespace qf::numerics

#endif // QF_NUMERICS_SCALESWIZZLE_H
