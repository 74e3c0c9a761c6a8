//===- FoldScales.cpp - qf-fold-scales: calibrated static scales ----------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "CalibrationTable.h"
#include "WeightRounding.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <limits>
#include <map>

namespace qf {
#define GEN_PASS_DEF_FOLDSCALESPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

using qf::calib::binEdges;
using qf::calib::binOf;
using qf::calib::Entry;
using qf::calib::quantizeMagnitude;
using qf::calib::Table;

/// Upper edge of the histogram bin that holds the p-th percentile of |x|.
double percentileOf(const Table &t, const Entry &e, double p) {
  if (e.finiteNonzero == 0)
    return 0;
  double target = p / 100.0 * double(e.finiteNonzero);
  uint64_t cum = 0;
  for (auto [bin, count] : e.hist) {
    cum += count;
    if (double(cum) >= target) {
      int64_t oct = bin / t.binsPerOctave + t.minExp;
      int64_t sub = bin % t.binsPerOctave;
      double upper = std::ldexp(1.0 + double(sub + 1) / t.binsPerOctave, int(oct));
      return std::min(upper, e.amax);
    }
  }
  return e.amax;
}

/// The scale minimizing the expected squared error over the recorded |x|
/// distribution (histogram bins at their midpoints, weighted by count):
/// the SignRoundV2 candidates of docs/numerics.md section 7 around the amax
/// scale (E8M0: exponent -1/0/+1; float scales: amax * 0.50 .. 1.51).
qf::numerics::ScaleBits mseScale(const Table &t, const Entry &e,
                                 const qf::numerics::BlockFormat &f) {
  namespace nm = qf::numerics;
  nm::ScaleBits base = nm::scaleForAmax(f, float(e.amax));
  std::vector<nm::ScaleBits> cands{base};
  if (f.scale == nm::ScaleType::E8M0) {
    int xs = int(base & 0xFF) - 127;
    for (int d : {-1, 1})
      if (xs + d >= -127 && xs + d <= 127)
        cands.push_back(nm::encodeE8M0(xs + d));
  } else {
    for (int k = 50; k <= 151; ++k)
      if (k != 100)
        cands.push_back(nm::scaleForAmax(f, float(e.amax * k / 100.0)));
  }
  double qbits = f.elem.isInt() && f.scale == nm::ScaleType::E8M0
                     ? std::ldexp(1.0, -(f.elem.bits - 2))
                     : 1.0;
  auto err = [&](nm::ScaleBits sb) {
    float sf = nm::decodeScale(f.scale, sb);
    if (!(sf > 0) || !std::isfinite(sf))
      return std::numeric_limits<double>::infinity();
    double total = 0;
    for (auto [bin, count] : e.hist) {
      int64_t oct = bin / t.binsPerOctave + t.minExp;
      int64_t sub = bin % t.binsPerOctave;
      float v = float(std::ldexp(1.0 + (double(sub) + 0.5) / t.binsPerOctave,
                                 int(oct)));
      // Element grid in units of the scale (MX integers count in 2^-(b-2)).
      float scaled = float(double(v) / double(sf) / qbits);
      uint8_t code = nm::encodeElement(f.elem, scaled, f.rounding, f.range);
      double back = double(nm::decodeElement(f.elem, code)) * qbits * double(sf);
      total += double(count) * (back - double(v)) * (back - double(v));
    }
    return total;
  };
  nm::ScaleBits best = base;
  double bestErr = err(base);
  for (nm::ScaleBits c : cands) {
    double ec = err(c);
    if (ec < bestErr) {
      bestErr = ec;
      best = c;
    }
  }
  return best;
}

/// KL divergence of TensorRT's entropy calibration (Migacz, "8-bit Inference
/// with TensorRT", GTC 2017), generalized to the log2 histogram and to any
/// element grid, for the static scale `sb`:
///  * P: the histogram up to the bin holding the saturation point
///    C = elementMax * scale, with every count above it added to that last
///    bin (clipped values become C);
///  * Q: the same bins without the clipped counts, merged by the element
///    code their midpoint quantizes to and spread back over each group's
///    nonzero bins in proportion to bin width (the bins are not of equal
///    width, so "uniform" means uniform density);
///  * KL(P || Q) = sum p log(p / q), where a bin with p > 0 and q = 0 (only
///    the clip bin can be one) gets q = 1e-4 before Q is renormalized.
/// Returns +inf for scales that cannot be evaluated.
double entropyKl(const Table &t, const Entry &e,
                 const qf::numerics::BlockFormat &f,
                 qf::numerics::ScaleBits sb) {
  namespace nm = qf::numerics;
  const double inf = std::numeric_limits<double>::infinity();
  float sf = nm::decodeScale(f.scale, sb);
  if (!(sf > 0) || !std::isfinite(sf) || e.hist.empty())
    return inf;
  double clip = f.elementMax() * double(sf);
  int64_t first = e.hist.front().first;
  int64_t last = binOf(t, std::nextafter(clip, 0.0));
  if (last < first)
    return inf; // everything saturates
  std::vector<double> p(size_t(last - first + 1), 0.0), q(p.size(), 0.0);
  double outliers = 0;
  for (auto [bin, count] : e.hist) {
    if (bin > last)
      outliers += double(count);
    else
      p[size_t(bin - first)] = double(count);
  }
  std::map<uint8_t, std::vector<size_t>> groups;
  for (size_t j = 0; j < p.size(); ++j) {
    auto [lo, hi] = binEdges(t, first + int64_t(j));
    groups[quantizeMagnitude(f, sf, (lo + hi) / 2).second].push_back(j);
  }
  for (auto &[code, bins] : groups) {
    double mass = 0, width = 0;
    for (size_t j : bins)
      if (p[j] > 0) {
        mass += p[j];
        auto [lo, hi] = binEdges(t, first + int64_t(j));
        width += hi - lo;
      }
    for (size_t j : bins)
      if (p[j] > 0) {
        auto [lo, hi] = binEdges(t, first + int64_t(j));
        q[j] = mass * (hi - lo) / width;
      }
  }
  p.back() += outliers;
  double pSum = 0, qSum = 0;
  for (double v : p)
    pSum += v;
  for (double v : q)
    qSum += v;
  if (!(pSum > 0) || !(qSum > 0))
    return inf;
  // Normalize, then smooth the empty Q bins that P needs.
  const double eps = 1e-4;
  double qNorm = 1;
  for (size_t j = 0; j < p.size(); ++j) {
    p[j] /= pSum;
    q[j] /= qSum;
    if (p[j] > 0 && q[j] == 0) {
      q[j] = eps;
      qNorm += eps;
    }
  }
  double kl = 0;
  for (size_t j = 0; j < p.size(); ++j)
    if (p[j] > 0)
      kl += p[j] * std::log(p[j] / (q[j] / qNorm));
  return kl;
}

/// method=entropy: among the scales of every threshold T from the amax
/// down to the first recorded bin (T = the upper edges of the histogram
/// bins, and the amax itself; each through numerics::scaleForAmax, so the
/// result obeys the format's scale rule), the scale with the least KL
/// divergence (entropyKl). Ties keep the larger scale (less clipping).
qf::numerics::ScaleBits entropyScale(const Table &t, const Entry &e,
                                     const qf::numerics::BlockFormat &f) {
  namespace nm = qf::numerics;
  nm::ScaleBits best = nm::scaleForAmax(f, float(e.amax));
  if (e.hist.empty() || !(e.amax > 0))
    return best;
  double bestKl = entropyKl(t, e, f, best);
  nm::ScaleBits prev = best;
  for (int64_t bin = binOf(t, e.amax); bin >= e.hist.front().first; --bin) {
    double hi = binEdges(t, bin).second;
    if (hi >= e.amax)
      continue;
    nm::ScaleBits c = nm::scaleForAmax(f, float(hi));
    if (c == prev)
      continue;
    prev = c;
    double kl = entropyKl(t, e, f, c);
    if (kl < bestKl) {
      bestKl = kl;
      best = c;
    }
  }
  return best;
}

/// One calibrated activation: its qf.quantize, table name and entry (whose
/// amax SmoothQuant migration may lower).
struct Point {
  qf::QuantizeOp op;
  std::string name;
  Entry entry;
};

struct FoldScalesPass final : qf::impl::FoldScalesPassBase<FoldScalesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp m = getOperation();
    if (calibration.empty()) {
      m.emitError("qf-fold-scales: no calibration table; give "
                  "calibration=FILE (written by an instrumented run)");
      return signalPassFailure();
    }
    if (method != "max" && method != "percentile" && method != "mse" &&
        method != "entropy") {
      m.emitError() << "qf-fold-scales: method '" << method
                    << "' is not supported; expected max, percentile, mse or "
                       "entropy";
      return signalPassFailure();
    }
    Table table;
    std::string err = readTable(calibration, table);
    if (!err.empty()) {
      m.emitError() << "qf-fold-scales: " << err;
      return signalPassFailure();
    }
    if (smoothAlpha != 0 && !(smoothAlpha > 0 && smoothAlpha <= 1)) {
      m.emitError() << "qf-fold-scales: smooth-alpha " << smoothAlpha
                    << " is out of range; expected a migration strength in "
                       "(0, 1], or 0 for none";
      return signalPassFailure();
    }
    if (smoothAlpha != 0 && method != "max") {
      m.emitError() << "qf-fold-scales: smooth-alpha needs method=max (the "
                       "histogram was recorded before the migration and "
                       "cannot be rescaled per channel; got method="
                    << method << ")";
      return signalPassFailure();
    }
    // Weights first: their rounding names the activation points as they are
    // before any gets a static scale.
    // Without weight rounding this re-selects the outliers of SQ weights
    // only (D24).
    if ((weightRounding != "rtn" || weightScaleSearch != "none") &&
        smoothAlpha != 0) {
      m.emitError("qf-fold-scales: weight-rounding / weight-scale-search "
                  "cannot be combined with smooth-alpha (the second moments "
                  "were recorded before the migration)");
      return signalPassFailure();
    }
    qf::WeightRoundingOptions o;
    o.rounding = weightRounding;
    o.scaleSearch = weightScaleSearch;
    o.damp = gptqDamp;
    o.calibration = calibration;
    o.smoothed = smoothAlpha != 0;
    if (failed(qf::roundWeights(m, table, o)))
      return signalPassFailure();
    bool bad = false;
    std::vector<Point> points;
    m.walk([&](func::FuncOp f) {
      int idx = 0;
      f.walk([&](Operation *op) {
        // The same selection and naming as qf-instrument-calibration.
        auto q = dyn_cast<qf::QuantizeOp>(op);
        if (!(q && !q.getScales()) && !isa<qf::SparseQuantizeOp>(op))
          return;
        Value in = op->getOperand(0);
        if (matchPattern(in, m_Constant()))
          return;
        std::string name;
        if (auto o = in.getDefiningOp<qf::ObserveOp>())
          name = o.getName().str();
        else
          name = (f.getSymName() + ".act" + Twine(idx++)).str();
        // Sparse-quantized formats have no static scales (D27): such points
        // keep their place in the naming only.
        if (!q)
          return;
        if (q.getResult().getType().getFormat().hasOutliers()) {
          q.emitRemark() << "qf-fold-scales: '" << name
                         << "' not folded: the sparse-quantized format "
                         << q.getResult().getType().getFormat().str()
                         << " keeps data-dependent scales";
          return;
        }
        auto it = table.entries.find(name);
        if (it == table.entries.end()) {
          q.emitError() << "qf-fold-scales: calibration table '" << calibration
                        << "' has no entry '" << name
                        << "' for this activation; was it written by a run of "
                           "this model after --qf-instrument-calibration?";
          bad = true;
          return;
        }
        if (method != "max" && it->second.amax > 0 && it->second.hist.empty()) {
          q.emitError() << "qf-fold-scales: calibration table '" << calibration
                        << "': tensor '" << name
                        << "' has a nonzero amax but no histogram; method="
                        << method << " needs the histogram (use method=max)";
          bad = true;
          return;
        }
        points.push_back({q, name, it->second});
      });
    });
    if (bad)
      return signalPassFailure();
    if (smoothAlpha != 0 && failed(smooth(points)))
      return signalPassFailure();
    for (Point &p : points)
      fold(p.op, table, p.entry);
  }

  /// SmoothQuant migration (Xiao et al., "SmoothQuant: Accurate and
  /// Efficient Post-Training Quantization for Large Language Models", 2022):
  /// for an activation X [.., K] feeding qf.matmul as the left operand with
  /// constant f32 weights (qf.quantize of an arith.constant, K along the
  /// weight's blocked axis), X W = (X diag(s)^-1)(diag(s) W) with
  ///   s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)
  /// (max|X_j| from the table's per-channel amax, max|W_j| over every weight
  /// that X feeds, e.g. Q, K and V together; s_j = 1 where either is 0).
  /// The division goes into the producer when it is a linalg.generic whose
  /// result is `mulf(v, gamma[k])` with a constant gamma (RMSNorm/LayerNorm
  /// weight) and only these quantizes read it; otherwise an explicit
  /// per-channel division is inserted before the quantizes. The weight
  /// constants are replaced by W * s before they are quantized. Each
  /// point's amax becomes max_j amax_j / s_j. Anything else gets a remark
  /// naming the tensor and stays as it is.
  LogicalResult smooth(std::vector<Point> &points) {
    llvm::MapVector<Value, SmallVector<Point *>> groups;
    for (Point &p : points)
      groups[p.op.getInput()].push_back(&p);
    for (auto &[x, group] : groups)
      smoothGroup(x, group);
    return success();
  }

  void smoothGroup(Value x, ArrayRef<Point *> group) {
    auto xt = cast<RankedTensorType>(x.getType());
    int64_t rank = xt.getRank(), k = xt.getDimSize(rank - 1);
    auto remark = [&](Point *p, const Twine &why) {
      p->op.emitRemark() << "qf-fold-scales: smooth-alpha: '" << p->name
                         << "' not migrated: " << why;
    };
    auto remarkAll = [&](const Twine &why) {
      for (Point *p : group)
        remark(p, why);
    };
    if (ShapedType::isDynamic(k)) {
      remarkAll("its channel dimension K is dynamic");
      return;
    }
    // The weights: every user of every quantize is a qf.matmul with it on
    // the left and a qf.quantize of a constant f32 weight on the right.
    SetVector<Operation *> weightQuants;
    std::vector<double> ax(size_t(k), 0.0), aw(size_t(k), 0.0);
    for (Point *p : group) {
      qf::QTensorType at = p->op.getResult().getType();
      if (at.getAxis() != rank - 1) {
        remark(p, "it is not blocked along its last axis");
        return;
      }
      if (p->entry.channelAxis != rank - 1 ||
          int64_t(p->entry.channelAmax.size()) != k) {
        remark(p, "the table has no per-channel amax along its last axis (" +
                      Twine(k) +
                      " channels); calibrate with "
                      "qf-instrument-calibration=\"channel-axis=-1\"");
        return;
      }
      for (int64_t j = 0; j < k; ++j)
        ax[size_t(j)] = std::max(ax[size_t(j)], p->entry.channelAmax[size_t(j)]);
      if (p->op->use_empty()) {
        remark(p, "it has no qf.matmul user");
        return;
      }
      for (OpOperand &use : p->op->getUses()) {
        auto mm = dyn_cast<qf::MatmulOp>(use.getOwner());
        if (!mm || use.getOperandNumber() != 0) {
          remark(p, "it is used other than as the left operand of qf.matmul");
          return;
        }
        auto wq = mm.getRhs().getDefiningOp<qf::QuantizeOp>();
        if (!wq || !matchPattern(wq.getInput(), m_Constant())) {
          remark(p, "its qf.matmul's right operand is not qf.quantize of a "
                    "constant f32 weight (run qf-quantize-model with "
                    "fold-weights=false; activation x activation products "
                    "cannot migrate)");
          return;
        }
        if (wq.getScales()) {
          remark(p, "its weight has static scales (weight-scale-search), "
                    "which a migration would invalidate");
          return;
        }
        weightQuants.insert(wq);
      }
    }
    SmallVector<std::vector<float>> weights;
    for (Operation *op : weightQuants) {
      auto wq = cast<qf::QuantizeOp>(op);
      // The weight must not also feed a matmul of another activation.
      for (Operation *u : wq->getUsers()) {
        auto mm = dyn_cast<qf::MatmulOp>(u);
        if (!mm || mm.getLhs().getDefiningOp() == nullptr ||
            !llvm::any_of(group, [&](Point *p) {
              return p->op.getOperation() == mm.getLhs().getDefiningOp();
            })) {
          remarkAll("a weight it multiplies is shared with another operand");
          return;
        }
      }
      Attribute a;
      matchPattern(wq.getInput(), m_Constant(&a));
      std::optional<std::vector<float>> w = qf::readFloatElements(a);
      auto wt = cast<RankedTensorType>(wq.getInput().getType());
      int64_t wAxis = wq.getResult().getType().getAxis();
      if (!w || !wt.getElementType().isF32() || wt.getDimSize(wAxis) != k) {
        remarkAll("a weight it multiplies has no readable f32 data with K = " +
                  Twine(k));
        return;
      }
      int64_t inner = 1;
      for (int64_t d = wAxis + 1; d < wt.getRank(); ++d)
        inner *= wt.getDimSize(d);
      for (size_t i = 0; i < w->size(); ++i) {
        size_t j = size_t((int64_t(i) / inner) % k);
        aw[j] = std::max(aw[j], double(std::fabs((*w)[i])));
      }
      weights.push_back(std::move(*w));
    }
    std::vector<float> sv(static_cast<size_t>(k), 1.0f);
    for (size_t j = 0; j < size_t(k); ++j) {
      double v = ax[j] > 0 && aw[j] > 0
                     ? std::pow(ax[j], double(smoothAlpha)) /
                           std::pow(aw[j], 1.0 - double(smoothAlpha))
                     : 1.0;
      float f = float(v);
      sv[j] = std::isfinite(f) && f > 0 && std::isfinite(1.0f / f) ? f : 1.0f;
    }
    // Weights: W * s along K.
    for (auto [op, w] : llvm::zip(weightQuants, weights)) {
      auto wq = cast<qf::QuantizeOp>(op);
      auto wt = cast<RankedTensorType>(wq.getInput().getType());
      int64_t wAxis = wq.getResult().getType().getAxis();
      int64_t inner = 1;
      for (int64_t d = wAxis + 1; d < wt.getRank(); ++d)
        inner *= wt.getDimSize(d);
      for (size_t i = 0; i < w.size(); ++i)
        w[i] = w[i] * sv[size_t((int64_t(i) / inner) % k)];
      OpBuilder b(wq);
      Value c = arith::ConstantOp::create(b, wq.getLoc(), wt,
                                          qf::makeFloatElements(wt, w));
      wq.getInputMutable().assign(c);
    }
    // Activation: X / s, in the producer's gamma or explicitly.
    if (!foldIntoProducer(x, group, sv)) {
      Operation *first = group.front()->op;
      for (Point *p : group)
        if (p->op->isBeforeInBlock(first))
          first = p->op;
      OpBuilder b(first);
      Location loc = x.getLoc();
      auto st = RankedTensorType::get({k}, b.getF32Type());
      Value sc =
          arith::ConstantOp::create(b, loc, st, qf::makeFloatElements(st, sv));
      Value empty = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, x), xt.getElementType());
      MLIRContext *ctx = b.getContext();
      AffineMap id = AffineMap::getMultiDimIdentityMap(unsigned(rank), ctx);
      AffineMap ch = AffineMap::get(unsigned(rank), 0,
                                    getAffineDimExpr(unsigned(rank - 1), ctx));
      SmallVector<utils::IteratorType> its(size_t(rank),
                                           utils::IteratorType::parallel);
      auto g = linalg::GenericOp::create(
          b, loc, TypeRange{xt}, ValueRange{x, sc}, ValueRange{empty},
          ArrayRef<AffineMap>{id, ch, id}, its,
          [](OpBuilder &nb, Location l, ValueRange args) {
            Value d = arith::DivFOp::create(nb, l, args[0], args[1]);
            linalg::YieldOp::create(nb, l, d);
          });
      for (Point *p : group)
        p->op.getInputMutable().assign(g.getResult(0));
    }
    for (Point *p : group) {
      double amax = 0;
      for (size_t j = 0; j < size_t(k); ++j)
        amax = std::max(amax, p->entry.channelAmax[j] / double(sv[j]));
      p->entry.amax = amax;
    }
  }

  /// Divides the gamma of a `linalg.generic` producer `... mulf(v, gamma[k])`
  /// by s when only the group's quantizes read its result.
  static bool foldIntoProducer(Value x, ArrayRef<Point *> group,
                               ArrayRef<float> s) {
    auto g = x.getDefiningOp<linalg::GenericOp>();
    if (!g || g->getNumResults() != 1 || g.getNumDpsInits() != 1 ||
        g.getNumReductionLoops() != 0)
      return false;
    for (Operation *u : x.getUsers())
      if (!llvm::any_of(group,
                        [&](Point *p) { return p->op.getOperation() == u; }))
        return false;
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    if (!g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
      return false;
    Block &body = g.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    auto mul = yield.getOperand(0).getDefiningOp<arith::MulFOp>();
    if (!mul)
      return false;
    for (Value v : {mul.getLhs(), mul.getRhs()}) {
      auto ba = dyn_cast<BlockArgument>(v);
      if (!ba || ba.getOwner() != &body ||
          ba.getArgNumber() >= unsigned(g.getNumDpsInputs()) ||
          !ba.hasOneUse() || mul.getLhs() == mul.getRhs())
        continue;
      OpOperand *in = g.getDpsInputOperand(ba.getArgNumber());
      AffineMap map = g.getMatchingIndexingMap(in);
      auto gt = dyn_cast<RankedTensorType>(in->get().getType());
      Attribute a;
      if (!gt || gt.getRank() != 1 || !gt.getElementType().isF32() ||
          map.getNumResults() != 1 ||
          map.getResult(0) != getAffineDimExpr(unsigned(rank - 1),
                                               g.getContext()) ||
          !matchPattern(in->get(), m_Constant(&a)))
        continue;
      std::optional<std::vector<float>> gamma = qf::readFloatElements(a);
      if (!gamma || gamma->size() != s.size())
        continue;
      for (size_t j = 0; j < s.size(); ++j)
        (*gamma)[j] = (*gamma)[j] / s[j];
      OpBuilder b(g);
      Value c = arith::ConstantOp::create(b, in->get().getLoc(), gt,
                                          qf::makeFloatElements(gt, *gamma));
      in->set(c);
      return true;
    }
    return false;
  }

  /// Two-level formats (D28): the calibrated threshold gives the tensor
  /// scale; the block scales stay data-dependent, so the kernel needs no
  /// pass over the whole tensor before its first block.
  void foldTensorScale(qf::QuantizeOp q, const Table &table, const Entry &e,
                       const qf::numerics::BlockFormat &f) {
    double a = e.amax;
    if (method == "percentile")
      a = percentileOf(table, e, percentile);
    else if (method != "max")
      q.emitRemark() << "qf-fold-scales: method=" << method
                     << " chooses single-level scales; the tensor scale of "
                     << q.getResult().getType().getFormat().str()
                     << " comes from the calibrated amax, its block scales "
                        "stay data-dependent";
    float g = 1.0f / qf::numerics::tensorEncodeScaleForAmax(f, float(a));
    OpBuilder b(q);
    auto tsT = RankedTensorType::get({}, b.getF32Type());
    Value ts = arith::ConstantOp::create(
        b, q.getLoc(), tsT, DenseElementsAttr::get(tsT, b.getF32FloatAttr(g)));
    q.getTensorScaleMutable().assign(ts);
  }

  void fold(qf::QuantizeOp q, const Table &table, const Entry &e) {
    qf::QTensorType t = q.getResult().getType();
    qf::numerics::BlockFormat f = t.getFormat().toNumerics();
    if (f.tensorScale) {
      foldTensorScale(q, table, e, f);
      return;
    }
    qf::numerics::ScaleBits bits;
    if (method == "mse") {
      bits = mseScale(table, e, f);
    } else if (method == "entropy") {
      bits = entropyScale(table, e, f);
    } else {
      double a = method == "percentile" ? percentileOf(table, e, percentile)
                                        : e.amax;
      bits = qf::numerics::scaleForAmax(f, float(a));
    }
    OpBuilder b(q);
    Location loc = q.getLoc();
    RankedTensorType st = t.getScalesType();
    Type elt = st.getElementType();
    TypedAttr scalar;
    if (elt.isInteger(8))
      scalar = b.getIntegerAttr(elt, int64_t(int8_t(uint8_t(bits))));
    else if (elt.isF32())
      scalar = FloatAttr::get(elt, APFloat(APFloat::IEEEsingle(), APInt(32, bits)));
    else if (elt.isF16())
      scalar = FloatAttr::get(elt, APFloat(APFloat::IEEEhalf(), APInt(16, bits)));
    else
      scalar = FloatAttr::get(elt, APFloat(APFloat::BFloat(), APInt(16, bits)));
    Value scales;
    if (st.hasStaticShape()) {
      scales = arith::ConstantOp::create(b, loc, st,
                                         SplatElementsAttr::get(st, scalar));
    } else {
      // Dynamic dims of the scales are the input's non-blocked dims.
      SmallVector<Value> dyn;
      int64_t axis = t.getAxis(), j = 0;
      for (int64_t i = 0; i < t.getRank(); ++i) {
        if (i == axis)
          continue;
        if (st.isDynamicDim(j))
          dyn.push_back(tensor::DimOp::create(b, loc, q.getInput(), i));
        ++j;
      }
      Value empty = tensor::EmptyOp::create(b, loc, st, dyn);
      Value c = arith::ConstantOp::create(b, loc, scalar);
      scales = linalg::FillOp::create(b, loc, c, empty).getResult(0);
    }
    q.getScalesMutable().assign(scales);
  }
};

} // namespace
