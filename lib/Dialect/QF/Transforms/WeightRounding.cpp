//===- WeightRounding.cpp - GPTQ / importance-weighted weight rounding ----===//
//
// qf-fold-scales weight-rounding=gptq and weight-scale-search=mse: the
// constant weights of qf.matmul are rounded with the second moments of the
// matmuls' left operands recorded by the calibration run
// (docs/calibration.md, docs/numerics.md section 7.1).
//
//===----------------------------------------------------------------------===//
#include "WeightRounding.h"

#include "SecondMoments.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Numerics/Gptq.h"
#include "qf/Numerics/Sparse.h"
#include "qf/Numerics/Stats.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf {

bool isWeightOperand(Value v) {
  if (v.getDefiningOp<ConstantOp>() || v.getDefiningOp<UnpackOp>())
    return true;
  auto q = v.getDefiningOp<QuantizeOp>();
  return q && matchPattern(q.getInput(), m_Constant());
}

SmallVector<MatmulOp> weightMatmulsOf(Value v) {
  SmallVector<MatmulOp> r;
  for (OpOperand &use : v.getUses())
    if (auto mm = dyn_cast<MatmulOp>(use.getOwner()))
      if (use.getOperandNumber() == 0 && isWeightOperand(mm.getRhs()) &&
          !llvm::is_contained(r, mm))
        r.push_back(mm);
  return r;
}

DenseMap<Value, std::string> weightOnlyInputNames(ModuleOp m) {
  DenseMap<Value, std::string> names;
  m.walk([&](func::FuncOp f) {
    int idx = 0;
    f.walk([&](MatmulOp mm) {
      Value lhs = mm.getLhs();
      if (!isa<RankedTensorType>(lhs.getType()) ||
          !isWeightOperand(mm.getRhs()) || lhs.getDefiningOp<ObserveOp>() ||
          names.count(lhs))
        return;
      names[lhs] = (f.getSymName() + ".in" + Twine(idx++)).str();
    });
  });
  return names;
}

DenseMap<Value, std::string> calibrationPointNames(ModuleOp module) {
  DenseMap<Value, std::string> names = weightOnlyInputNames(module);
  module.walk([&](func::FuncOp f) {
    int idx = 0;
    f.walk([&](QuantizeOp q) {
      if (q.getScales() || matchPattern(q.getInput(), m_Constant()))
        return;
      if (auto o = q.getInput().getDefiningOp<ObserveOp>())
        names[q.getResult()] = o.getName().str();
      else
        names[q.getResult()] = (f.getSymName() + ".act" + Twine(idx++)).str();
    });
    f.walk([&](MatmulOp mm) {
      if (auto o = mm.getLhs().getDefiningOp<ObserveOp>())
        names[mm.getLhs()] = o.getName().str();
    });
  });
  return names;
}

namespace {

/// Whether `t` is a sparse-quantized tensor type.
bool isSparse(Type t) {
  auto q = dyn_cast<QTensorType>(t);
  return q && q.getFormat().hasOutliers();
}

/// The function argument a run-time weight reads (through casts, reshapes
/// and transposes), if any.
BlockArgument argumentSource(Value v) {
  while (Operation *d = v.getDefiningOp()) {
    if (isa<tensor::CastOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
            linalg::TransposeOp>(d))
      v = d->getOperand(0);
    else
      return {};
  }
  auto a = dyn_cast<BlockArgument>(v);
  return a && isa<func::FuncOp>(a.getOwner()->getParentOp()) ? a
                                                             : BlockArgument();
}

/// tr(dW D dW^T) / tr(W D W^T) for a diagonal D; W is [rows, k], or
/// [k, rows] when !kInner.
double relativeOutputErrorDiag(int64_t rows, int64_t k, const float *w,
                               const float *wq, const double *d,
                               bool kInner = true) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < rows * k; ++i) {
    double dj = d[kInner ? i % k : i / rows];
    double e = double(wq[i]) - double(w[i]);
    num += e * e * dj;
    den += double(w[i]) * double(w[i]) * dj;
  }
  return den > 0 ? num / den : 0.0;
}

struct Rounder {
  ModuleOp module;
  const calib::Table &table;
  const WeightRoundingOptions &opts;
  std::map<std::string, calib::SecondMoment> moments;
  bool gptq;
  /// weight-rounding=rtn weight-scale-search=none: only sparse-quantized
  /// weights are re-selected (D24); a missing statistic is a remark.
  bool sparseOnly = false;
  bool failed = false;

  DenseMap<Value, std::string> pointNames() {
    return calibrationPointNames(module);
  }

  /// Reports a missing or unusable statistic on `at`: an error when the
  /// user asked for weight rounding, a remark in sparseOnly mode (the SQ
  /// weight then keeps the |w| selection qf-quantize-model gave it).
  InFlightDiagnostic complain(Operation *at) {
    if (!sparseOnly) {
      failed = true;
      return at->emitError() << "qf-fold-scales: weight-rounding: ";
    }
    return at->emitRemark()
           << "qf-fold-scales: the sparse-quantized weight keeps its |w| "
              "outlier selection: ";
  }

  /// Sum of the second moments of `points` (K columns); null on error (the
  /// diagnostic is emitted on `at` by complain).
  std::optional<calib::SecondMoment>
  momentOf(ArrayRef<std::string> points, int64_t k, Operation *at) {
    calib::SecondMoment sum;
    sum.k = k;
    sum.full = gptq;
    sum.h.assign(size_t(gptq ? k * k : k), 0.0);
    for (const std::string &p : points) {
      auto it = moments.find(p);
      if (it == moments.end()) {
        complain(at) << "calibration table '" << opts.calibration
                     << "' has no second moment for '" << p
                     << "', the input this weight multiplies; calibrate "
                        "with qf-instrument-calibration=\"second-moments="
                     << (gptq ? "full" : "full or diag") << "\"";
        return std::nullopt;
      }
      const calib::SecondMoment &m = it->second;
      if (m.k != k) {
        complain(at) << "the second moment of '" << p << "' has K = " << m.k
                     << " but the weight has K = " << k;
        return std::nullopt;
      }
      if (gptq && !m.full) {
        at->emitError()
            << "qf-fold-scales: weight-rounding=gptq needs the full second "
               "moment of '"
            << p << "' (K = " << k
            << "), but the table has only its diagonal (second-moments=diag, "
               "for K too large for a full H); calibrate with "
               "second-moments=full, or use weight-rounding=rtn "
               "weight-scale-search=mse";
        return std::nullopt;
      }
      for (size_t i = 0; i < sum.h.size(); ++i)
        sum.h[i] += m.full && !gptq ? m.h[i * size_t(k) + i] : m.h[i];
      sum.tokens += m.tokens;
    }
    return sum;
  }

  /// A sparse-quantized weight (docs/numerics.md D24): the outliers are the
  /// elements of largest |w| * rms(a), with rms(a) = sqrt(E[a^2]) of the
  /// input channel from the calibrated second moment (its diagonal); GPTQ and
  /// the MSE search do not apply to SQ formats. The predicted relative
  /// output errors (diagonal H) of this selection and of the |w| one are
  /// recorded for qf-report.
  void roundSparse(QuantizeOp wq, const std::vector<float> &data,
                   const calib::SecondMoment &h, int64_t k) {
    QTensorType qt = wq.getResult().getType();
    std::vector<double> diag(static_cast<size_t>(k));
    std::vector<float> rms(static_cast<size_t>(k));
    for (int64_t j = 0; j < k; ++j) {
      diag[size_t(j)] = h.diag(j);
      rms[size_t(j)] = h.channelRms(j);
    }
    nm::BlockFormat f = qt.getFormat().toNumerics();
    nm::Layout l = qt.getLayout();
    nm::QuantizedTensor q = nm::quantizeSparse(f, l, data.data(), rms.data());
    std::vector<float> dq(data.size()), dw(data.size());
    nm::dequantize(f, l, q, dq.data());
    nm::dequantize(f, l, nm::quantizeSparse(f, l, data.data(), nullptr),
                   dw.data());
    double db = nm::qsnrDb(data.data(), dq.data(), int64_t(data.size()));
    // The weight is [N, K] (blocked along axis 1) or [K, N] (axis 0).
    int64_t n = int64_t(data.size()) / std::max<int64_t>(k, 1);
    auto relErr = [&](const std::vector<float> &x) {
      return relativeOutputErrorDiag(n, k, data.data(), x.data(), diag.data(),
                                     l.axis == 1);
    };
    double eChosen = relErr(dq), eAbs = relErr(dw);
    OpBuilder b(wq);
    auto c = ConstantOp::create(b, wq.getLoc(), qt,
                                QuantizedAttr::fromNumerics(qt, q));
    if (std::isfinite(db))
      c->setAttr(kQsnrAttrName, b.getF64FloatAttr(db));
    if (std::isfinite(eChosen) && std::isfinite(eAbs))
      c->setAttr(kOutputErrorAttrName, b.getF64ArrayAttr({eChosen, eAbs}));
    c->setAttr(kRoundingAttrName, b.getStringAttr("sq-calibrated"));
    Value input = wq.getInput();
    wq.getResult().replaceAllUsesWith(c.getResult());
    wq.erase();
    if (Operation *d = input.getDefiningOp(); d && d->use_empty())
      d->erase();
  }

  /// Rounds the weight quantize `wq` (a constant) for the inputs `points`.
  void round(QuantizeOp wq, ArrayRef<std::string> points, bool transposeB) {
    QTensorType qt = wq.getResult().getType();
    if (qt.getRank() != 2 || qt.getAxis() != (transposeB ? 1 : 0)) {
      wq.emitRemark("qf-fold-scales: weight-rounding: not rounded: only "
                    "rank-2 weights blocked along K are (got ")
          << qt << ")";
      return;
    }
    Attribute a;
    matchPattern(wq.getInput(), m_Constant(&a));
    std::optional<std::vector<float>> data = readFloatElements(a);
    if (!data) {
      wq.emitRemark("qf-fold-scales: weight-rounding: not rounded: the "
                    "weight constant has no readable data");
      return;
    }
    int64_t rows = qt.getShape()[transposeB ? 0 : 1];
    int64_t k = qt.getShape()[transposeB ? 1 : 0];
    // Work on [N, K].
    std::vector<float> w(data->size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < k; ++j)
        w[size_t(r * k + j)] =
            (*data)[size_t(transposeB ? r * k + j : j * rows + r)];
    std::optional<calib::SecondMoment> h = momentOf(points, k, wq);
    if (!h) {
      failed |= !sparseOnly;
      return;
    }
    nm::BlockFormat f = qt.getFormat().toNumerics();
    if (f.outliers) {
      roundSparse(wq, *data, *h, k);
      return;
    }
    nm::Layout l{{rows, k}, 1};
    bool mse = opts.scaleSearch == "mse";
    nm::QuantizedTensor q;
    std::string how;
    if (gptq) {
      nm::GptqOptions o;
      o.damp = opts.damp;
      o.mseScales = mse;
      bool nearest = false;
      std::string err = nm::gptqQuantize(f, rows, k, w.data(), h->h.data(), o,
                                         q, &nearest);
      if (!err.empty()) {
        wq.emitError() << "qf-fold-scales: weight-rounding=gptq: " << err;
        failed = true;
        return;
      }
      how = nearest ? "rtn (non-finite weight)" : mse ? "gptq+mse" : "gptq";
    } else {
      std::vector<float> imp(static_cast<size_t>(k));
      for (int64_t j = 0; j < k; ++j)
        imp[size_t(j)] = float(h->h[size_t(j)]);
      q = nm::quantizeMse(f, l, w.data(), imp.data());
      how = "rtn+mse";
    }
    std::vector<float> dq(w.size()), dr(w.size());
    nm::dequantize(f, l, q, dq.data());
    nm::dequantize(f, l, nm::quantize(f, l, w.data()), dr.data());
    auto relErr = [&](const std::vector<float> &x) {
      return gptq ? nm::relativeOutputError(rows, k, w.data(), x.data(),
                                            h->h.data())
                  : relativeOutputErrorDiag(rows, k, w.data(), x.data(),
                                            h->h.data());
    };
    double eChosen = relErr(dq), eRtn = relErr(dr);
    double db = nm::qsnrDb(w.data(), dq.data(), int64_t(w.size()));
    if (!transposeB) {
      // Codes back to the [K, N] data order; scales are [N, K/len] either
      // way (the blocked axis is innermost in the scale layout).
      std::vector<uint8_t> codes(q.codes.size());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < k; ++j)
          codes[size_t(j * rows + r)] = q.codes[size_t(r * k + j)];
      q.codes = std::move(codes);
    }
    OpBuilder b(wq);
    auto c = ConstantOp::create(b, wq.getLoc(), qt,
                                QuantizedAttr::fromNumerics(qt, q));
    if (std::isfinite(db))
      c->setAttr(kQsnrAttrName, b.getF64FloatAttr(db));
    if (std::isfinite(eChosen) && std::isfinite(eRtn))
      c->setAttr(kOutputErrorAttrName, b.getF64ArrayAttr({eChosen, eRtn}));
    c->setAttr(kRoundingAttrName, b.getStringAttr(how));
    Value input = wq.getInput();
    wq.getResult().replaceAllUsesWith(c.getResult());
    wq.erase();
    if (Operation *d = input.getDefiningOp(); d && d->use_empty())
      d->erase();
  }

  void run() {
    DenseMap<Value, std::string> names = pointNames();
    // Weight quantize -> the points of its matmuls' left operands.
    llvm::MapVector<Operation *, SmallVector<std::string>> weights;
    DenseMap<Operation *, bool> transposed;
    llvm::SmallPtrSet<Operation *, 4> mixed;
    module.walk([&](MatmulOp mm) {
      Value rhs = mm.getRhs();
      if (sparseOnly && !isSparse(rhs.getType()))
        return;
      if (rhs.getDefiningOp<UnpackOp>() || rhs.getDefiningOp<SparseJoinOp>()) {
        mm.emitRemark() << "qf-fold-scales: "
                        << (sparseOnly ? "the sparse-quantized weight is a "
                                         "packed argument; select its outliers"
                                       : "weight-rounding: the weight is a "
                                         "packed argument; round it")
                        << " where it is packed: qf-pack-weights "
                        << (sparseOnly ? "" : "--rounding=gptq ")
                        << "--calibration=" << opts.calibration << " --input="
                        << (names.count(mm.getLhs()) ? names[mm.getLhs()]
                                                     : std::string("<point>"));
        return;
      }
      if (rhs.getDefiningOp<ConstantOp>()) {
        complain(mm) << "the weight is already quantized (qf.constant); run "
                        "qf-quantize-model with fold-weights=false so that its "
                        "f32 values are still there";
        return;
      }
      auto wq = rhs.getDefiningOp<QuantizeOp>();
      if (!wq)
        return;
      if (!matchPattern(wq.getInput(), m_Constant())) {
        if (BlockArgument arg = argumentSource(wq.getInput())) {
          mm.emitError() << "qf-fold-scales: weight-rounding: the weight is "
                            "argument #"
                         << arg.getArgNumber()
                         << ", quantized at run time; it can be rounded only "
                            "as a constant or as packed storage "
                            "(qf-quantize-model weights-as-arguments=true, "
                            "then qf-pack-weights --rounding)";
          failed = true;
        }
        return; // a product of two activations
      }
      auto it = names.find(mm.getLhs());
      if (it == names.end()) {
        complain(mm) << "the left operand of this weight's qf.matmul is not "
                        "a calibration point (an activation qf.quantize or an "
                        "f32 operand)";
        return;
      }
      auto &pts = weights[wq];
      if (!llvm::is_contained(pts, it->second))
        pts.push_back(it->second);
      bool tb = mm.getTransposeB();
      if (transposed.count(wq) && transposed[wq] != tb) {
        complain(mm) << "the weight is used both transposed and not";
        mixed.insert(wq);
      }
      transposed[wq] = tb;
    });
    if (failed)
      return;
    for (auto &[op, pts] : weights)
      if (!mixed.contains(op))
        round(cast<QuantizeOp>(op), pts, transposed[op]);
  }
};

} // namespace

LogicalResult roundWeights(ModuleOp m, const calib::Table &table,
                           const WeightRoundingOptions &opts) {
  if (opts.rounding != "rtn" && opts.rounding != "gptq") {
    m.emitError() << "qf-fold-scales: weight-rounding '" << opts.rounding
                  << "' is not supported; expected rtn or gptq";
    return failure();
  }
  if (opts.scaleSearch != "none" && opts.scaleSearch != "mse") {
    m.emitError() << "qf-fold-scales: weight-scale-search '"
                  << opts.scaleSearch
                  << "' is not supported; expected none or mse";
    return failure();
  }
  if (!(opts.damp >= 0) || !std::isfinite(opts.damp)) {
    m.emitError() << "qf-fold-scales: gptq-damp " << opts.damp
                  << " must be a finite value >= 0";
    return failure();
  }
  Rounder r{m, table, opts, {}, opts.rounding == "gptq"};
  // Without weight rounding only sparse-quantized weights change: their
  // outliers are re-selected with the calibrated importance (D24).
  r.sparseOnly = opts.rounding == "rtn" && opts.scaleSearch == "none";
  if (r.sparseOnly) {
    bool any = false;
    m.walk([&](MatmulOp mm) { any |= isSparse(mm.getRhs().getType()); });
    if (!any)
      return success(); // weights stay as qf-quantize-model made them
    if (opts.smoothed) {
      m.emitRemark() << "qf-fold-scales: sparse-quantized weights keep their "
                        "|w| outlier selection: smooth-alpha rescales their "
                        "inputs after the second moments were recorded";
      return success();
    }
    if (table.momentsFile.empty()) {
      m.emitRemark() << "qf-fold-scales: sparse-quantized weights keep their "
                        "|w| outlier selection: calibration file '"
                     << opts.calibration
                     << "' has no second moments (calibrate with "
                        "qf-instrument-calibration=\"second-moments=diag\" "
                        "for the calibrated selection, docs/numerics.md D24)";
      return success();
    }
  }
  std::string err = calib::readMoments(opts.calibration, table, r.moments);
  if (!err.empty()) {
    m.emitError() << "qf-fold-scales: "
                  << (r.sparseOnly ? "outlier selection" : "weight-rounding")
                  << ": " << err;
    return failure();
  }
  r.run();
  return failure(r.failed);
}

} // namespace qf
