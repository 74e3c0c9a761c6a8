//===- Sparse.h - Sparse-quantized (SQ) formats: outliers per bank -*- C++ -*-===//
//
// An SQ format (docs/numerics.md section 6, D20-D25) is a block format plus an
// OutlierFormat: in every bank of `bank` elements along the blocked axis the
// `count` most important elements are stored in a high-precision element
// type, the rest in the base (low) format. Both parts are ordinary block-scaled
// tensors, so every existing codec, kernel and packing rule applies to each:
//
//  * low part: the data's shape and layout in the base format, with the
//    outlier positions quantized as +0 (their code is the code of +0), block
//    scales computed without the outliers (D22);
//  * high part: shape = data shape with the blocked axis K replaced by
//    K / bank * count (the outliers of bank B in slots B*count ..
//    B*count+count-1, ascending position), in the high format (highFormat):
//    one block per base block, the same blocked axis;
//  * positions: one byte per high element, its index inside its bank.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_SPARSE_H
#define QF_NUMERICS_SPARSE_H

#include "qf/Numerics/Quantize.h"

#include <cstdint>
#include <vector>

namespace qf::numerics {

/// The base format of an SQ format (`f` without its outliers).
BlockFormat lowFormat(const BlockFormat &f);

/// The format of the high part: the outlier element, scale type and rule,
/// the base format's rounding, the symmetric range, and blocks of
/// blockSize / bank * count (the outliers of one base block).
BlockFormat highFormat(const BlockFormat &f);

/// The layout of the high part (and of the positions): the blocked axis
/// shrinks from K to K / bank * count.
Layout highLayout(const BlockFormat &f, const Layout &l);

/// The importance of one element for the selection (D23): +Inf for NaN and
/// +-Inf (a non-finite value is always kept high when the count allows), else
/// fp32(|x| * w) with w = 1 without calibration.
float outlierImportance(float x, float w);

/// Selects the outliers of every bank: the `count` elements of largest
/// importance, ties to the smaller in-bank index, returned as positions in
/// ascending order per bank, in highLayout order. `axisWeights` (nullable)
/// holds one non-negative weight per index along the blocked axis (the
/// calibrated mean |activation| of that input channel, D24).
std::vector<uint8_t> selectOutliers(const BlockFormat &f, const Layout &l,
                                    const float *data,
                                    const float *axisWeights);

/// Checks given positions (highLayout order): every position is < bank and
/// the positions of a bank strictly ascend. Returns "" or a message.
std::string checkPositions(const BlockFormat &f, const Layout &l,
                           const uint8_t *positions, int64_t n);

/// Quantizes with the given positions (e.g. a static mask from calibration,
/// or selectOutliers' result): the low part is the data with the outlier
/// positions set to +0 in the base format, the high part the gathered
/// outliers in highFormat. Requires checkPositions(...) == "".
QuantizedTensor quantizeSparseWithPositions(const BlockFormat &f,
                                            const Layout &l, const float *data,
                                            const std::vector<uint8_t> &pos);

/// selectOutliers then quantizeSparseWithPositions.
QuantizedTensor quantizeSparse(const BlockFormat &f, const Layout &l,
                               const float *data, const float *axisWeights);

/// Decodes the low part, then overwrites each outlier position with its
/// decoded high value.
void dequantizeSparse(const BlockFormat &f, const Layout &l,
                      const QuantizedTensor &q, float *out);

/// The static activation mask of D25: one set of positions per bank along an
/// axis of length K, shared by every row: the `count` channels of largest
/// calibrated mean |activation| per bank (ties to the smaller index,
/// ascending). `channelMagnitude` has K entries.
std::vector<uint8_t> staticChannelMask(const OutlierFormat &o, int64_t k,
                                       const float *channelMagnitude);

/// Broadcasts a static channel mask (K / bank * count positions) to the
/// positions of a tensor of layout `l` (blocked axis of length K).
std::vector<uint8_t> broadcastMask(const BlockFormat &f, const Layout &l,
                                   const std::vector<uint8_t> &mask);

} // namespace qf::numerics

#endif // QF_NUMERICS_SPARSE_H
