//===- WeightView.h - qf-pack-weights --view: a weight cut from a buffer -*- C++
//-*-===//
//
// qf-quantize-model weights-as-arguments records on each storage argument of
// a weight read through views of a function argument the view it applied
// (`qf.weight_view = {source, view, axis}`, docs/passes.md). qf-pack-weights
// --view applies the same steps to the source argument's data, so the bytes
// it writes are the packed storage of that view. Input is untrusted: every
// failure is a message, never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTVIEW_H
#define QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTVIEW_H

#include <cstdint>
#include <string>
#include <vector>

namespace qf::packweights {

/// Applies `view` (space-separated `slice(o0,..;s0,..;t0,..)`,
/// `reshape(d0,..)`, `transpose(p0,..)` with result dim i = input dim p_i)
/// to row-major `data` of `shape`, updating both; returns an error message,
/// or an empty string on success.
std::string applyView(const std::string &view, std::vector<int64_t> &shape,
                      std::vector<float> &data);

} // namespace qf::packweights

#endif // QF_TOOLS_QF_PACK_WEIGHTS_WEIGHTVIEW_H
