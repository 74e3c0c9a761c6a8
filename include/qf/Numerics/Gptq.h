//===- Gptq.h - Hessian-aware weight rounding (GPTQ / OBS) -----*- C++ -*-===//
//
// Rounds a weight matrix column by column along its reduction axis and
// spreads each column's rounding error over the columns not yet rounded,
// weighted by the second moment H = sum x x^T of the inputs the weight
// multiplies (Frantar et al., "GPTQ", 2022, after Optimal Brain Surgeon).
// Block scales are chosen per block as the format defines them, when the
// block's first column is reached (docs/numerics.md section 7.1).
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_GPTQ_H
#define QF_NUMERICS_GPTQ_H

#include "qf/Numerics/Quantize.h"

#include <cstdint>
#include <string>

namespace qf::numerics {

struct GptqOptions {
  /// Relative damping: lambda = damp * mean(diag H) is added to the diagonal
  /// before the inverse (the GPTQ reference default).
  double damp = 0.01;
  /// Columns per lazy batch: errors of a batch reach the columns after it in
  /// one update. Rounded up to a multiple of the format's block so that a
  /// block's scale always sees its fully updated values. Changes only the
  /// floating-point summation order, not the algorithm.
  int64_t lazyBatch = 128;
  /// Choose each block scale with the importance-weighted search of
  /// searchBlockScale (weights diag(H)) instead of the format's rule.
  bool mseScales = false;
};

/// Quantizes the weight W [rows, k] (row-major, blocked along axis 1, i.e.
/// blocks run along k, the reduction axis) into `out` (the layout
/// Layout{{rows, k}, 1}) using the symmetric second moment H [k, k]
/// (row-major, double). Columns are rounded in order 0..k-1:
///  1. H' = H + lambda I after setting H_jj = 1 for every column j that no
///     input ever reached (H_jj = 0; such a column decouples and is rounded
///     to nearest);
///  2. U = the upper Cholesky factor of H'^-1 (H'^-1 = U^T U);
///  3. for column j: at the first column of a block, the block's scale is
///     computed from the current (updated) values of the block; the column
///     is encoded with it (values rounded to FP32 first), and with
///     e_r = (w_rj - q_rj) / U_jj every later column c gets
///     w_rc -= e_r U_jc.
/// The tensor scale of two-level formats is that of the original W (step 1
/// of section 4.2), per-tensor blocks keep the scale of the original W.
/// Deterministic: fixed order, double arithmetic, no threads.
/// Returns an empty string on success, else why it failed (non-finite or
/// wrongly sized H, H not positive definite after damping, layout errors).
/// A W with non-finite values is quantized to nearest (`quantize`) and
/// `roundedToNearest` set.
std::string gptqQuantize(const BlockFormat &f, int64_t rows, int64_t k,
                         const float *w, const double *h,
                         const GptqOptions &opts, QuantizedTensor &out,
                         bool *roundedToNearest = nullptr);

/// The predicted relative output error of replacing W by Wq for inputs with
/// second moment H: tr(dW H dW^T) / tr(W H W^T), dW = Wq - W (both [rows,
/// k]). 0 when the denominator is 0; NaN when either is not finite.
double relativeOutputError(int64_t rows, int64_t k, const float *w,
                           const float *wq, const double *h);

} // namespace qf::numerics

#endif // QF_NUMERICS_GPTQ_H
