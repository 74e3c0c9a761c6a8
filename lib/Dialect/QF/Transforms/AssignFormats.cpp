//===- AssignFormats.cpp - qf-assign-formats: formats under a budget ------===//
//
// One weight format per contraction: every candidate's predicted output
// error sum_j E[x_j^2] ||dW_:,j||^2 (the importance-matrix proxy of the
// loss change; no gradient exists in inference IR; E||dW x||^2 exactly when
// the full second moment was recorded), weighted per the objective (with
// objective=output by each contraction's measured gain to the model output),
// then the choice of least total cost whose average bits per weight fit
// the budget, an exact multiple-choice knapsack (docs/mixed-formats.md).
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "FormatChoice.h"
#include "OutputGains.h"
#include "QuantizeModelParts.h"
#include "SecondMoments.h"
#include "WeightRounding.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Sparse.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <cmath>

namespace qf {
#define GEN_PASS_DEF_ASSIGNFORMATSPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;
namespace nm = qf::numerics;

namespace {

constexpr StringLiteral kIndexAttr = "qf.assign_formats.index";
constexpr StringLiteral kOldMatmulAttr = "qf.assign_formats.old";

struct Candidate {
  std::string name;
  qf::FormatAttr attr;
  nm::BlockFormat format;
  double bits; ///< element bits + amortized block scale bits
};

/// A contraction with a constant weight, as the calibration run quantized
/// it: the weight [rows, k] (k padded as in that run, blocked along k) and
/// the mean square E[x_j^2] of each input column.
struct Layer {
  Operation *op; ///< in the module being assigned
  std::string point;
  int64_t rows = 0, k = 0;
  std::vector<float> w;
  std::vector<double> ex2;
  /// The outlier importance weight of each input channel for SQ candidates
  /// (SecondMoment::channelRms, as qf-fold-scales selects), so the
  /// prediction sees the selection the weight will get.
  std::vector<float> rms;
  /// With a full second moment: E[x x^T] (k x k), and the error is the
  /// exact mean output error E||dW x||^2 instead of its diagonal proxy.
  std::vector<double> exx;
  double energy = 0; ///< sum_j E[x_j^2] ||W_:,j||^2
  /// Per candidate: the predicted output error E||dW x||^2, none where it
  /// does not apply, and what it adds to the objective.
  std::vector<std::optional<double>> err, cost;
  double elements() const { return double(rows) * double(k); }
};

/// E||D x||^2 for the rows of D ([rows, k], row stride `ld`): with the full
/// moment sum_r D_r E[x x^T] D_r^T, else sum_j E[x_j^2] ||D_:,j||^2.
double meanOutputError(const Layer &l, const std::vector<double> &d,
                       int64_t ld) {
  double e = 0;
  for (int64_t r = 0; r < l.rows; ++r) {
    const double *dr = d.data() + r * ld;
    if (l.exx.empty()) {
      for (int64_t j = 0; j < l.k; ++j)
        e += l.ex2[size_t(j)] * dr[j] * dr[j];
      continue;
    }
    for (int64_t i = 0; i < l.k; ++i) {
      if (dr[i] == 0)
        continue;
      double t = 0;
      const double *hi = l.exx.data() + i * l.k;
      for (int64_t j = 0; j < l.k; ++j)
        t += hi[j] * dr[j];
      e += dr[i] * t;
    }
  }
  return e;
}

/// The mean output error (meanOutputError) of `l` quantized in `f` as
/// qf-quantize-model would (round to nearest, or the unweighted MSE scale
/// search), SQ formats with the outliers qf-fold-scales selects with the
/// calibration (|w| * rms(a), D24); none when the block size does not
/// divide K and padding is off. Padded columns are zeros, quantized
/// exactly, so they add nothing.
std::optional<double> predictedError(const Layer &l, const nm::BlockFormat &f,
                                     bool mse, bool padK) {
  int64_t block = f.blockKind == nm::BlockKind::Fixed ? f.blockSize : 1;
  int64_t kp = (l.k + block - 1) / block * block;
  if (kp != l.k && !padK)
    return std::nullopt;
  std::vector<float> w(size_t(l.rows * kp), 0.0f);
  for (int64_t r = 0; r < l.rows; ++r)
    std::copy_n(l.w.begin() + r * l.k, l.k, w.begin() + r * kp);
  nm::Layout lay{{l.rows, kp}, 1};
  nm::QuantizedTensor q;
  if (f.outliers) {
    std::vector<float> rms(l.rms);
    rms.resize(size_t(kp), 0.0f);
    q = nm::quantizeSparse(f, lay, w.data(), rms.data());
  } else {
    q = mse ? nm::quantizeMse(f, lay, w.data())
            : nm::quantize(f, lay, w.data());
  }
  std::vector<float> dq(w.size());
  nm::dequantize(f, lay, q, dq.data());
  std::vector<double> d(dq.size());
  for (size_t i = 0; i < d.size(); ++i)
    d[i] = double(dq[i]) - double(w[i]);
  return meanOutputError(l, d, kp);
}

/// The exact multiple-choice knapsack: layer by layer, the Pareto frontier
/// of (total bits, total error) over all partial assignments, pruned of
/// dominated entries and of entries that cannot fit the budget even with the
/// cheapest candidates for the remaining layers. Returns the candidate index
/// per layer of least total error (ties: fewer bits); empty when the
/// frontier would exceed `maxStates`.
std::vector<int> chooseFormats(ArrayRef<Layer> layers,
                               ArrayRef<Candidate> cands, double budgetBits,
                               size_t maxStates) {
  struct State {
    double bits, err;
    int parent, cand;
  };
  size_t n = layers.size();
  std::vector<double> minRest(n + 1, 0.0);
  for (size_t i = n; i-- > 0;) {
    double best = INFINITY;
    for (size_t c = 0; c < cands.size(); ++c)
      if (layers[i].cost[c])
        best = std::min(best, cands[c].bits * layers[i].elements());
    minRest[i] = minRest[i + 1] + best;
  }
  // Bit totals are sums of exact multiples of 1/block; the slack absorbs
  // the rounding of their double sums only.
  double limit = budgetBits * (1 + 1e-12);
  std::vector<std::vector<State>> fronts(n + 1);
  fronts[0].push_back({0, 0, -1, -1});
  for (size_t i = 0; i < n; ++i) {
    std::vector<State> next;
    const std::vector<State> &prev = fronts[i];
    for (size_t p = 0; p < prev.size(); ++p)
      for (size_t c = 0; c < cands.size(); ++c) {
        if (!layers[i].cost[c])
          continue;
        State s{prev[p].bits + cands[c].bits * layers[i].elements(),
                prev[p].err + *layers[i].cost[c], int(p), int(c)};
        if (s.bits + minRest[i + 1] <= limit)
          next.push_back(s);
      }
    // Generation order (parent, then candidate in option order) breaks the
    // remaining ties: the stable sort keeps it among equal (bits, error).
    std::stable_sort(next.begin(), next.end(),
                     [](const State &a, const State &b) {
                       return a.bits != b.bits ? a.bits < b.bits
                                               : a.err < b.err;
                     });
    std::vector<State> front;
    for (const State &s : next)
      if (front.empty() || s.err < front.back().err)
        front.push_back(s);
    if (front.size() > maxStates)
      return {};
    fronts[i + 1] = std::move(front);
  }
  // The frontier's errors fall strictly as bits rise: the last entry has
  // the least error, and the fewest bits among those with that error.
  std::vector<int> choice(n);
  int at = int(fronts[n].size()) - 1;
  for (size_t i = n; i-- > 0;) {
    const State &s = fronts[i + 1][size_t(at)];
    choice[i] = s.cand;
    at = s.parent;
  }
  return choice;
}

struct AssignFormatsPass final
    : qf::impl::AssignFormatsPassBase<AssignFormatsPass> {
  using Base::Base;

  InFlightDiagnostic error(Operation *at) {
    return at->emitError() << "qf-assign-formats: ";
  }

  /// A preset name or #qf.format<...>; an error naming `what` otherwise.
  qf::FormatAttr parseFormat(StringRef n, StringRef what) {
    qf::FormatAttr f;
    if (n.starts_with("#"))
      f = dyn_cast_or_null<qf::FormatAttr>(parseAttribute(n, &getContext()));
    else
      f = qf::FormatAttr::getPreset(&getContext(), n);
    if (!f) {
      int count = 0;
      const char *const *presets = nm::presetNames(count);
      InFlightDiagnostic d = error(getOperation())
                             << "unknown " << what << " format '" << n
                             << "'; expected a preset name (";
      for (int i = 0; i < count; ++i)
        d << (i ? ", " : "") << presets[i];
      d << ") or #qf.format<...>";
    }
    return f;
  }

  FailureOr<SmallVector<Candidate>> parseCandidates() {
    SmallVector<std::string> names(candidates.begin(), candidates.end());
    if (names.empty())
      names = {"mxfp4", "nvfp4", "mxint4", "mxfp6", "mxint8"};
    SmallVector<Candidate> out;
    for (const std::string &n : names) {
      qf::FormatAttr f = parseFormat(n, "candidate");
      if (!f)
        return failure();
      if (llvm::any_of(out, [&](const Candidate &c) { return c.attr == f; }))
        continue;
      nm::BlockFormat bf = f.toNumerics();
      out.push_back({n, f, bf, bf.bitsPerElement()});
    }
    return out;
  }

  /// The contractions of `m` qf-quantize-model considers, in walk order.
  static SmallVector<Operation *> contractionsOf(Operation *m) {
    SmallVector<Operation *> ops;
    m->walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op) ||
          qf::quantize_model::isConvolution(op))
        ops.push_back(op);
    });
    return ops;
  }

  /// Quantizes a clone of the module as the calibration run did (its
  /// options, the weights left as qf.quantize of f32 constants) and pairs
  /// each qf.matmul it makes with the original contraction; fills `layers`
  /// for those with a constant weight. The clone is nested in the module
  /// while it runs (a dynamic pipeline must run on a nested op) and erased.
  LogicalResult
  measureLayers(std::map<std::string, qf::calib::SecondMoment> &moments,
                              SmallVector<Layer> &layers) {
    ModuleOp m = getOperation();
    SmallVector<Operation *> originals = contractionsOf(m);
    OpBuilder b = OpBuilder::atBlockEnd(m.getBody());
    auto clone = cast<ModuleOp>(b.clone(*m));
    // qf.matmul ops already in the input are not the pass's.
    clone.walk([&](qf::MatmulOp mm) {
      mm->setAttr(kOldMatmulAttr, b.getUnitAttr());
    });
    llvm::scope_exit eraseClone([&] { clone->erase(); });
    SmallVector<Operation *> copies = contractionsOf(clone);
    for (auto [i, op] : llvm::enumerate(copies))
      op->setAttr(kIndexAttr, b.getI64IntegerAttr(int64_t(i)));

    // The calibration run's options; the weights stay f32 constants here.
    std::string opts = quantizeOptions;
    llvm::Regex fold("(^|[[:space:]])fold-weights(=[^[:space:]]*)?");
    while (fold.match(opts))
      opts = fold.sub(" ", opts);
    opts += " fold-weights=false";
    std::unique_ptr<Pass> quantize = qf::createQuantizeModelPass();
    std::string optErr;
    if (failed(quantize->initializeOptions(opts, [&](const Twine &msg) {
          optErr = msg.str();
          return failure();
        }))) {
      error(m) << "quantize-options '" << quantizeOptions
               << "' are not qf-quantize-model options: " << optErr;
      return failure();
    }
    OpPassManager pm(ModuleOp::getOperationName());
    pm.addPass(std::move(quantize));
    std::string runErr;
    LogicalResult ran = success();
    {
      // The clone's remarks repeat what qf-quantize-model will say itself.
      ScopedDiagnosticHandler quiet(&getContext(), [&](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error && runErr.empty())
          runErr = d.str();
        return success();
      });
      ran = runPipeline(pm, clone);
    }
    if (failed(ran)) {
      error(m) << "qf-quantize-model with quantize-options '" << quantizeOptions
               << "' failed: " << runErr;
      return failure();
    }

    // Each quantized contraction became one qf.matmul at its place, so the
    // new matmuls follow the quantized contractions in walk order.
    llvm::DenseSet<int64_t> kept;
    clone.walk([&](Operation *op) {
      if (auto i = op->getAttrOfType<IntegerAttr>(kIndexAttr))
        kept.insert(i.getInt());
    });
    SmallVector<Operation *> quantized;
    for (auto [i, op] : llvm::enumerate(originals))
      if (!kept.contains(int64_t(i)))
        quantized.push_back(op);
    SmallVector<qf::MatmulOp> matmuls;
    clone.walk([&](qf::MatmulOp mm) {
      if (!mm->hasAttr(kOldMatmulAttr))
        matmuls.push_back(mm);
    });
    if (matmuls.size() != quantized.size()) {
      error(m) << "qf-quantize-model made " << matmuls.size()
               << " qf.matmul ops from " << quantized.size()
               << " contractions; cannot pair them";
      return failure();
    }
    DenseMap<Value, std::string> names = qf::calibrationPointNames(clone);
    bool failedAny = false;
    for (auto [op, mm] : llvm::zip(quantized, matmuls)) {
      auto wq = mm.getRhs().getDefiningOp<qf::QuantizeOp>();
      Attribute data;
      if (!wq || !matchPattern(wq.getInput(), m_Constant(&data))) {
        op->emitRemark() << "qf-assign-formats: " << op->getName()
                         << ": no constant weight; it keeps qf-quantize-model's "
                            "format and is not counted in the budget";
        continue;
      }
      std::optional<std::vector<float>> w = qf::readFloatElements(data);
      qf::QTensorType qt = wq.getResult().getType();
      if (!w) {
        op->emitRemark() << "qf-assign-formats: " << op->getName()
                         << ": the weight constant has no readable data; it "
                            "keeps qf-quantize-model's format";
        continue;
      }
      auto it = names.find(mm.getLhs());
      auto mo = it == names.end() ? moments.end() : moments.find(it->second);
      if (mo == moments.end()) {
        error(op) << op->getName() << ": the calibration table has no second "
                  << "moment for '"
                  << (it == names.end() ? std::string("?") : it->second)
                  << "', the input this weight multiplies; calibrate with "
                     "the same quantize-options and qf-instrument-calibration="
                     "\"second-moments=diag\"";
        failedAny = true;
        continue;
      }
      Layer l;
      l.op = op;
      l.point = it->second;
      l.k = qt.getShape().back();
      l.rows = int64_t(w->size()) / std::max<int64_t>(l.k, 1);
      const qf::calib::SecondMoment &sm = mo->second;
      if (sm.k != l.k || sm.tokens == 0) {
        error(op) << op->getName() << ": the second moment of '" << l.point
                  << "' has K = " << sm.k << " and " << sm.tokens
                  << " tokens but the weight has K = " << l.k
                  << " (calibrate with the same quantize-options)";
        failedAny = true;
        continue;
      }
      if (llvm::any_of(*w, [](float v) { return !std::isfinite(v); })) {
        op->emitRemark() << "qf-assign-formats: " << op->getName()
                         << ": the weight has non-finite values; it keeps "
                            "qf-quantize-model's format";
        continue;
      }
      l.w = std::move(*w);
      l.ex2.resize(size_t(l.k));
      l.rms.resize(size_t(l.k));
      for (int64_t j = 0; j < l.k; ++j) {
        l.ex2[size_t(j)] = sm.diag(j) / double(sm.tokens);
        l.rms[size_t(j)] = sm.channelRms(j);
      }
      if (sm.full) {
        l.exx.resize(sm.h.size());
        for (size_t i = 0; i < sm.h.size(); ++i)
          l.exx[i] = sm.h[i] / double(sm.tokens);
      }
      l.energy = meanOutputError(
          l, std::vector<double>(l.w.begin(), l.w.end()), l.k);
      layers.push_back(std::move(l));
    }
    return failure(failedAny);
  }

  /// The gain from `l`'s predicted output error E||dW x||^2 to the model
  /// output's mean square error: the measured rise between the reference
  /// and the probe format, over the predicted rise between them. A rise
  /// below zero (the cross terms of the other weights' errors outweighed
  /// this one's) counts as zero: the contraction's format then costs
  /// nothing and it takes the fewest bits.
  FailureOr<double> outputGain(const Layer &l,
                               const qf::calib::OutputGains &gains,
                               qf::FormatAttr probe, qf::FormatAttr reference,
                               bool mse, bool padK) {
    auto it = gains.increase.find(l.point);
    if (it == gains.increase.end()) {
      error(l.op) << l.op->getName() << ": the output-gains file has no "
                  << "increase for '" << l.point
                  << "', the input this weight multiplies; measure every "
                     "contraction with the same quantize-options";
      return failure();
    }
    std::optional<double> ep = predictedError(l, probe.toNumerics(), mse, padK);
    std::optional<double> er =
        predictedError(l, reference.toNumerics(), mse, padK);
    if (!ep || !er) {
      error(l.op) << l.op->getName() << ": the probe " << probe
                  << " or the reference " << reference << " does not apply to '"
                  << l.point << "' (K = " << l.k
                  << " is not a multiple of its block size and pad-k=false)";
      return failure();
    }
    if (*ep <= *er) {
      error(l.op) << l.op->getName() << ": the probe format " << probe
                  << " does not predict more error than the reference "
                  << reference << " for '" << l.point
                  << "', so no gain follows; measure with a coarser probe";
      return failure();
    }
    if (it->second < 0)
      l.op->emitRemark() << "qf-assign-formats: " << l.op->getName()
                         << ": the measured increase for '" << l.point
                         << "' is negative; counted as no gain";
    return std::max(it->second, 0.0) / (*ep - *er);
  }

  void runOnOperation() override {
    ModuleOp m = getOperation();
    FailureOr<SmallVector<Candidate>> cands = parseCandidates();
    if (failed(cands))
      return signalPassFailure();
    if (objective != "relative" && objective != "absolute" &&
        objective != "output") {
      error(m) << "objective '" << objective
               << "' is not supported; expected relative, absolute or output";
      return signalPassFailure();
    }
    if ((objective == "output") != !outputGains.empty()) {
      error(m) << (outputGains.empty()
                       ? "objective=output needs output-gains=FILE: the "
                         "measured rise of the model output's error per "
                         "contraction (docs/mixed-formats.md)"
                       : "output-gains is used only by objective=output");
      return signalPassFailure();
    }
    if (!std::isfinite(budget) || budget <= 0) {
      error(m) << "budget " << double(budget)
               << " must be a positive number of bits per weight";
      return signalPassFailure();
    }
    if (calibration.empty()) {
      error(m) << "calibration=FILE is required: a table with second moments "
                  "(run the model instrumented with qf-quantize-model and "
                  "qf-instrument-calibration=\"second-moments=diag\"; "
                  "docs/mixed-formats.md)";
      return signalPassFailure();
    }
    qf::calib::Table table;
    std::map<std::string, qf::calib::SecondMoment> moments;
    std::string err = qf::calib::readTable(calibration, table);
    if (err.empty())
      err = qf::calib::readMoments(calibration, table, moments);
    // One gains file per probe format; the first is the default.
    SmallVector<qf::calib::OutputGains> gains(outputGains.size());
    SmallVector<qf::FormatAttr> probes, references;
    for (auto [path, g] : llvm::zip(outputGains, gains))
      if (err.empty())
        err = qf::calib::readOutputGains(path, g);
    if (!err.empty()) {
      error(m) << err;
      return signalPassFailure();
    }
    for (const qf::calib::OutputGains &g : gains) {
      qf::FormatAttr p = parseFormat(g.probe, "probe");
      qf::FormatAttr r = parseFormat(g.reference, "reference");
      if (!p || !r)
        return signalPassFailure();
      if (llvm::is_contained(probes, p)) {
        error(m) << "two output-gains files have the probe " << p
                 << "; give one file per probe format";
        return signalPassFailure();
      }
      probes.push_back(p);
      references.push_back(r);
    }
    m.walk([&](Operation *op) { op->removeAttr(qf::kFormatChoiceAttrName); });

    SmallVector<Layer> layers;
    if (failed(measureLayers(moments, layers)))
      return signalPassFailure();
    bool mse = llvm::Regex("(^|[[:space:]])weight-scale-search=mse")
                   .match(quantizeOptions);
    bool padK = !llvm::Regex("(^|[[:space:]])pad-k=(false|0)([[:space:]]|$)")
                     .match(quantizeOptions);
    SmallVector<Layer> usable;
    for (Layer &l : layers) {
      for (const Candidate &c : *cands)
        l.err.push_back(predictedError(l, c.format, mse, padK));
      if (llvm::none_of(l.err, [](auto &e) { return e.has_value(); })) {
        l.op->emitRemark() << "qf-assign-formats: " << l.op->getName()
                           << ": no candidate applies (K = " << l.k
                           << " is not a multiple of their block sizes and "
                              "pad-k=false); left to qf-quantize-model";
        continue;
      }
      // relative: each contraction's error in units of its own output
      // energy, so layers whose outputs are large (before a normalization
      // or a softmax that rescales them) do not dominate the sum. output:
      // in units of the model output's error, through the measured gain.
      SmallVector<double> gainOf(gains.size(), 1.0); // per gains file
      for (size_t i = 0; i < gains.size(); ++i) {
        FailureOr<double> g =
            outputGain(l, gains[i], probes[i], references[i], mse, padK);
        if (failed(g))
          return signalPassFailure();
        gainOf[i] = *g;
      }
      for (auto [c, err] : llvm::zip(*cands, l.err)) {
        std::optional<double> e = err;
        if (e && objective == "relative") {
          *e = l.energy > 0 ? *e / l.energy : 0.0;
        } else if (e && objective == "output") {
          // The gain measured with this candidate as the probe, if any.
          const qf::FormatAttr *own = llvm::find(probes, c.attr);
          *e *= gainOf[own == probes.end() ? 0 : own - probes.begin()];
        }
        l.cost.push_back(e);
      }
      usable.push_back(std::move(l));
    }
    if (usable.empty()) {
      m.emitRemark("qf-assign-formats: no contraction with a constant weight "
                   "to assign");
      return;
    }

    double elements = 0, minBits = 0;
    for (const Layer &l : usable) {
      elements += l.elements();
      double best = INFINITY;
      for (auto [c, e] : llvm::zip(*cands, l.err))
        if (e)
          best = std::min(best, c.bits);
      minBits += best * l.elements();
    }
    if (minBits > budget * elements * (1 + 1e-12)) {
      error(m) << "budget " << llvm::formatv("{0}", double(budget))
               << " bits per weight is infeasible: the least the candidates "
                  "allow is "
               << llvm::formatv("{0:f4}", minBits / elements)
               << " (every contraction in its cheapest candidate)";
      return signalPassFailure();
    }
    std::vector<int> choice =
        chooseFormats(usable, *cands, budget * elements, size_t(1) << 20);
    if (choice.empty()) {
      error(m) << "the exact choice needs more than 2^20 partial assignments "
                  "for "
               << usable.size() << " contractions and " << cands->size()
               << " candidates; give fewer candidates";
      return signalPassFailure();
    }

    Builder b(&getContext());
    double bits = 0, total = 0, energy = 0, rise = 0;
    for (auto [l, ci] : llvm::zip(usable, choice)) {
      const Candidate &c = (*cands)[size_t(ci)];
      double e = *l.err[size_t(ci)];
      double rel = l.energy > 0 ? e / l.energy : 0.0;
      bits += c.bits * l.elements();
      total += e;
      energy += l.energy;
      rise += *l.cost[size_t(ci)];
      l.op->setAttr(qf::kFormatChoiceAttrName,
                    b.getDictionaryAttr(
                        {b.getNamedAttr("format", c.attr),
                         b.getNamedAttr("bits", b.getF64FloatAttr(c.bits)),
                         b.getNamedAttr("predicted_error",
                                        b.getF64FloatAttr(rel))}));
      l.op->emitRemark() << "qf-assign-formats: " << l.op->getName() << ": "
                         << c.attr << " ("
                         << llvm::formatv("{0:f2}", c.bits)
                         << " bits), predicted relative output error "
                         << llvm::formatv("{0:e3}", rel) << " (input '"
                         << l.point << "')";
    }
    // objective=output: the sum is in the units of the output-gains file.
    std::string outputRise =
        objective == "output"
            ? llvm::formatv(", predicted rise of the output's mean square "
                            "error {0:e3}",
                            rise)
                  .str()
            : std::string();
    m.emitRemark() << "qf-assign-formats: " << usable.size()
                   << " contractions, "
                   << llvm::formatv("{0:f4}", bits / elements)
                   << " bits per weight (budget "
                   << llvm::formatv("{0}", double(budget))
                   << "), predicted relative output error "
                   << llvm::formatv("{0:e3}", energy > 0 ? total / energy : 0.0)
                   << outputRise;
  }
};

} // namespace
