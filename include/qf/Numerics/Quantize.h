//===- Quantize.h - Block quantization of FP32 tensors ---------*- C++ -*-===//
//
// The reference block quantizer: MX family (E8M0 scales, section 3), two-level
// NV family (E4M3 block scale + FP32 tensor scale, section 4.2, D8), and
// single-level float scales (E4M3/F16/BF16/F32; the NV order with S_enc = 1).
// Every other component of the project (folders, CPU and GPU lowerings) must
// agree with these functions bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_QUANTIZE_H
#define QF_NUMERICS_QUANTIZE_H

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Format.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qf::numerics {

/// Shape of a tensor and the axis its blocks run along.
struct Layout {
  std::vector<int64_t> shape;
  int axis = 0; ///< ignored for BlockKind::Tensor

  int64_t numElements() const;
};

/// Elements per block for a concrete layout (blockSize, the axis extent, or
/// the element count).
int64_t blockLength(const BlockFormat &f, const Layout &l);

/// Shape of the scale tensor (D12): the data shape with the blocked axis
/// moved innermost and divided by the block length, so the scales of one
/// row of blocks are contiguous. Per-tensor formats have a rank-0 scale.
std::vector<int64_t> scaleShape(const BlockFormat &f, const Layout &l);

/// Returns an empty string if `l` is usable with `f` (axis in range, block
/// length divides the blocked dimension), else a message naming the problem.
std::string checkLayout(const BlockFormat &f, const Layout &l);

/// A quantized tensor in unpacked form: one code per element (row-major, same
/// order as the data), one scale per block (scaleShape order), and the FP32
/// tensor-level *decode* scale g (1.0 for formats without one).
/// SQ formats (Sparse.h) add the outlier part: the high codes and their
/// block scales (laid out as a tensor of the high format, Sparse.h
/// highLayout) and one in-bank position per high code.
struct QuantizedTensor {
  std::vector<uint8_t> codes;
  std::vector<ScaleBits> scales;
  float tensorScale = 1.0f;
  std::vector<uint8_t> outlierCodes;
  std::vector<ScaleBits> outlierScales;
  std::vector<uint8_t> positions;
};

/// FP32 encode scale S_enc of section 4.2 steps 1-2, generalized to any
/// element max Qe and scale type max Smax: S_enc = fp32(Smax*Qe) / amax_t over
/// finite values, clamped to FLT_MAX, 1 when amax_t == 0 or S_enc == 0.
float tensorEncodeScale(const BlockFormat &f, const float *data, int64_t n);

/// The same S_enc for a given amax_t (a calibrated one; 1 when amax_t is
/// not a positive finite value).
float tensorEncodeScaleForAmax(const BlockFormat &f, float amax);

/// Quantizes with scales computed from the data. SQ formats (f.outliers) take
/// quantizeSparse with unweighted importance.
QuantizedTensor quantize(const BlockFormat &f, const Layout &l,
                         const float *data);

/// Quantizes with given (static, calibrated) scales in scaleShape order and a
/// given decode tensor scale g. E8M0: P = round(x / 2^xs). Float scales:
/// e_b = fp32(fp32(1/g) / sf_b) (0 when sf_b = 0), q = round(fp32(x * e_b)),
/// round being the format's rounding (ties-to-even by default).
/// NaN scales give NaN blocks (codes 0).
QuantizedTensor quantizeWithScales(const BlockFormat &f, const Layout &l,
                                   const float *data, const ScaleBits *scales,
                                   float tensorScale);

/// Quantizes a two-level format (f.tensorScale) with a given decode tensor
/// scale g (a calibrated one, docs/numerics.md D28) and block scales computed
/// from the data as quantize does, with S_enc = fp32(1/g) in place of the
/// data's own: t_b = fp32(fp32(amax_b / Qe) * S_enc), and the elements as in
/// quantizeWithScales. Needs no pass over the whole tensor before the first
/// block. Not for SQ formats.
QuantizedTensor quantizeWithTensorScale(const BlockFormat &f, const Layout &l,
                                        const float *data, float tensorScale);

/// Dequantizes: MX x = X * P (exact); float scales
/// x = fp32(fp32(q * sf) * g). NaN scales decode the whole block to NaN.
/// SQ formats take dequantizeSparse.
void dequantize(const BlockFormat &f, const Layout &l,
                const QuantizedTensor &q, float *out);

/// Quantizes with a per-block scale search that minimizes the block's
/// squared error (docs/numerics.md section 7, SignRoundV2's pre-tuning search):
/// E8M0 scales try the shared exponent of `quantize` and its neighbours
/// (amax * {1, 1/2, 2}); float scales try the block amax times 0.50, 0.51,
/// ..., 1.51. Ties keep `quantize`'s scale; blocks with non-finite values
/// keep it too. The tensor scale (two-level formats) is the one quantize
/// computes. The result is reproduced exactly by quantizeWithScales with its
/// scales.
///
/// `axisWeights` (nullable; one weight per index along the blocked axis, or
/// per element for BlockKind::Tensor) makes the searched error a weighted
/// one, sum w_i (x_i - xq_i)^2: the importance-matrix form of section 7,
/// with w = the mean of x_k^2 over calibration tokens (diag(H)). Unit weights
/// give the unweighted search exactly. Sparse-quantized formats (f.outliers)
/// are not searched: the result is quantize(f, l, data).
QuantizedTensor quantizeMse(const BlockFormat &f, const Layout &l,
                            const float *data,
                            const float *axisWeights = nullptr);

/// The search of quantizeMse for one contiguous block of n values: starting
/// from `initial` (the block's default scale), the candidate scale with the
/// least (weighted, when `weights` is not null: one per value) squared error
/// after quantizing with encode scale sEnc and decoding with tensor scale g.
/// Blocks with non-finite values keep `initial`.
ScaleBits searchBlockScale(const BlockFormat &f, const float *x, int64_t n,
                           ScaleBits initial, float sEnc, float g,
                           const float *weights);

/// Encodes one block of n values (read and written with `stride`) with the
/// given scale, as quantizeWithScales does per block (sEnc = 1/g for
/// float scales); a NaN scale gives zero codes.
void quantizeBlockWithScale(const BlockFormat &f, const float *x, int64_t n,
                            int64_t stride, ScaleBits scale, float sEnc,
                            uint8_t *codes);

/// The block scale a block with max |x| = `amax` gets (what quantize
/// computes, with S_enc = 1 for float scales). Static (calibrated) scales use
/// it with a calibrated amax for every block. Not for formats with a tensor
/// scale.
ScaleBits scaleForAmax(const BlockFormat &f, float amax);

/// True when quantize(dequantize(q)) == q for every q of format f (codes and
/// scales), so a requantize to the same format is the identity: E8M0 scales
/// with the floor rule, and float elements or symmetric integers. Proof
/// sketch: a block with amax in [2^e, 2^(e+1)) gets X = 2^(e - emax); its
/// largest element encodes into [2^emax, max] (rounding cannot leave the
/// binade because values above max saturate), so the decoded amax has the
/// same exponent e and the same X, and every decoded element is on the grid
/// of X, so it encodes to itself. NaN blocks (0xFF, codes 0) decode to NaN and
/// encode to 0xFF again; all-zero blocks stay 0x00 with their zero codes; the
/// -127 clamp gives -127 again. Full-range integers break it: -2^(b-1) decodes
/// to 2^(e+1) in magnitude and moves the next block scale up. Ceil/even rules
/// and float scales recompute scales that can differ.
bool requantizeIsIdentity(const BlockFormat &f);

/// True when requantizing any tensor of format `from` into `to` (same
/// blocks, scales from the data) decodes to the same values wherever the
/// block is finite, so that requantize(requantize(q, to), c) equals
/// requantize(q, c) for every c (non-finite blocks become NaN blocks either
/// way). Only E8M0 formats with the floor rule in `to`, the same fixed block
/// size, and elements of the same kind qualify:
///  * floats: `to` has at least `from`'s mantissa bits, `from`'s largest
///    significand (2 - 2^-m) is not clipped in `to`'s top binade, and the
///    quantum of `from`'s grid, shifted by the smallest exponent distance
///    emax(to) - emax(from) between the two block scales (or by none when
///    the scale of `to` clamps at 2^-127), is a multiple of `to`'s quantum;
///  * integers: `to` has more bits (>= with symmetric `from`), and a
///    symmetric range or more bits than `from` uses.
bool requantizeIsLossless(const BlockFormat &from, const BlockFormat &to);

/// True when requantizing `from` into `to` (scales from the data, as
/// qf.requantize) can be computed on the codes with integer exponent
/// arithmetic and shifts (requantizeShift), with the same bits as the f32
/// route quantize(to, dequantize(from)): integer elements and E8M0 scales on
/// both sides (any scale rule, rounding and range), no tensor scale, and
/// blocks of the same kind whose fixed sizes divide one another (blocks of
/// one side then never straddle blocks of the other along a shared axis).
/// Why it is exact: a code k under scale byte S decodes to k * 2^(S-127-(a-2))
/// exactly in FP32 (|k| <= 2^(a-1) fits the significand, the exponent stays
/// above 2^-149), except k = -2^(a-1) under S = 0xFE, which overflows to
/// -Inf and makes the block NaN; the block amax is then max |k| 2^t, its
/// exact exponent is msb(max|k|) + t, and every element is re-rounded from an
/// exact integer by a right shift.
bool requantizeIsShift(const BlockFormat &from, const BlockFormat &to);

/// The integer path of requantizeIsShift: codes and scales equal to
/// quantize(to, l, dequantize(from, l, q)) for every q (all codes, NaN and
/// zero blocks), computed without floating point: per destination block the
/// exponent E = max(msb|k| + t) over its elements (t = source scale exponent
/// - (a-2)), the scale rule applied to the normalized largest magnitude,
/// then each code k shifted right by d = xs - (b-2) - t with the
/// destination's rounding (or left by -d, exact) and clamped to its range.
/// Both formats use the layout `l` (same blocked axis). Requires
/// requantizeIsShift(from, to).
QuantizedTensor requantizeShift(const BlockFormat &from, const BlockFormat &to,
                                const Layout &l, const QuantizedTensor &q);

/// The rounding step of requantizeShift for one code: round(k * 2^-d) with
/// rounding `r` (d > 0), k * 2^-d exactly (d <= 0), clamped to the integer
/// range of `to`; returns the signed result (not masked to a code).
int shiftRoundInt(int k, int d, Rounding r, const BlockFormat &to);

/// Quantizes one block of `n` values read with `stride` (MX/E8M0 scales, or
/// float scales given the encode scale sEnc). Writes n codes with the same
/// stride and returns the scale bits.
ScaleBits quantizeBlock(const BlockFormat &f, const float *x, int64_t n,
                        int64_t stride, float sEnc, uint8_t *codes);

/// Decodes one block (see dequantize).
void dequantizeBlock(const BlockFormat &f, const uint8_t *codes, int64_t n,
                     int64_t stride, ScaleBits scale, float g, float *out);

} // namespace qf::numerics

#endif // QF_NUMERICS_QUANTIZE_H
