//===- Report.cpp - qf-report: table of the quantized tensors of a module -===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "CalibrationTable.h"
#include "FormatChoice.h"
#include "LowRankSplit.h"
#include "ReportCompare.h"
#include "RotationQsnr.h"
#include "WeightRounding.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace qf {
#define GEN_PASS_DEF_REPORTPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

struct Entry {
  std::string loc, kind, shape, format;
  double bitsPerElement = 0;
  std::optional<int64_t> bytesBefore, bytesAfter;
  std::optional<double> qsnr;
  /// Weights: QSNR without and with a Hadamard rotation (RotationQsnr.h).
  std::optional<double> qsnrNoRot, qsnrRot;
  /// Activations with calibration=FILE: the table entry and the estimate.
  std::string calibName;
  std::optional<double> qsnrEstimate;
  /// Residuals of qf-split-low-rank: the split against direct quantization.
  std::optional<qf::LowRankQsnr> lowRank;
  /// Weights rounded with calibration data (qf-fold-scales weight-rounding):
  /// the rounding and the predicted relative output errors of it and of
  /// round-to-nearest.
  std::string rounding;
  std::optional<double> outErr, outErrRtn;
  /// Weights whose format qf-assign-formats chose: its bits per element and
  /// predicted relative output error (qf.format_choice on the qf.matmul).
  std::optional<double> choiceBits, choicePredicted;
  /// Activations in a sparse-quantized format: "static" (qf.sparse_quantize,
  /// with its outlier channels) or "run-time" (qf.quantize selects them).
  std::string outlierSelection;
  SmallVector<int64_t> outlierChannels;
};

/// The qf.format_choice of a qf.matmul that uses `v` as its weight.
DictionaryAttr formatChoiceOf(Value v) {
  for (Operation *u : v.getUsers())
    if (auto mm = dyn_cast<qf::MatmulOp>(u); mm && mm.getRhs() == v)
      if (auto d = mm->getAttrOfType<DictionaryAttr>(qf::kFormatChoiceAttrName))
        return d;
  return {};
}

std::string locString(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  StringRef r(s);
  if (r.consume_front("loc(") && r.consume_back(")"))
    return r.str();
  return s;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

/// Bytes of a static tensor type (sub-byte element types never occur here:
/// storage is i8, f16, bf16 or f32).
std::optional<int64_t> bytesOf(RankedTensorType t) {
  if (!t || !t.hasStaticShape())
    return std::nullopt;
  return t.getNumElements() *
         int64_t((t.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

/// Weight QSNR of `qf.quantize` of a constant: the op's own folder gives
/// the quantized value, which is decoded with the numerics library and
/// compared with the f32 input.
std::optional<double> quantizeQsnr(qf::QuantizeOp op) {
  SmallVector<Attribute> operands;
  for (Value v : op->getOperands()) {
    Attribute a;
    if (!matchPattern(v, m_Constant(&a)))
      return std::nullopt;
    operands.push_back(a);
  }
  std::optional<std::vector<float>> x = qf::readFloatElements(operands[0]);
  if (!x)
    return std::nullopt;
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(operands, folded)) || folded.size() != 1)
    return std::nullopt;
  auto q = dyn_cast_if_present<qf::QuantizedAttr>(
      dyn_cast_if_present<Attribute>(folded[0]));
  if (!q)
    return std::nullopt;
  qf::QTensorType t = op.getResult().getType();
  std::vector<float> xq(x->size());
  qf::numerics::dequantize(t.getFormat().toNumerics(), t.getLayout(),
                           q.toNumerics(), xq.data());
  return qf::numerics::qsnrDb(x->data(), xq.data(), int64_t(x->size()));
}

/// The value of the scales of `q` when they are one constant splat.
std::optional<float> splatScale(qf::QuantizeOp q) {
  DenseElementsAttr a;
  if (!q.getScales() || !matchPattern(q.getScales(), m_Constant(&a)) ||
      !a.isSplat())
    return std::nullopt;
  qf::numerics::BlockFormat f =
      q.getResult().getType().getFormat().toNumerics();
  qf::numerics::ScaleBits bits;
  if (a.getElementType().isInteger(8))
    bits = uint8_t(a.getSplatValue<APInt>().getZExtValue());
  else if (isa<FloatType>(a.getElementType()))
    bits = qf::numerics::ScaleBits(
        a.getSplatValue<APFloat>().bitcastToAPInt().getZExtValue());
  else
    return std::nullopt;
  return qf::numerics::decodeScale(f.scale, bits);
}

struct ReportPass final : qf::impl::ReportPassBase<ReportPass> {
  using Base::Base;

  void runOnOperation() override {
    qf::calib::Table table;
    if (!calibration.empty()) {
      std::string err = qf::calib::readTable(calibration, table);
      if (!err.empty()) {
        getOperation().emitError() << "qf-report: " << err;
        return signalPassFailure();
      }
    }
    std::vector<qf::FormatAttr> compared;
    if (std::string err =
            qf::parseCompareFormats(&getContext(), compare, compared);
        !err.empty()) {
      getOperation().emitError() << "qf-report: " << err;
      return signalPassFailure();
    }
    std::vector<qf::FormatComparison> comparisons;
    std::vector<Entry> entries;
    llvm::DenseMap<Operation *, int> actIndex;
    getOperation().walk([&](Operation *op) {
      std::string kind;
      std::optional<double> qsnr;
      qf::RotationQsnr rot;
      if (isa<qf::ConstantOp>(op)) {
        kind = "weight";
        if (auto db = op->getAttrOfType<FloatAttr>(qf::kQsnrAttrName))
          qsnr = db.getValueAsDouble();
      } else if (auto u = dyn_cast<qf::UnpackOp>(op)) {
        kind = "weight-arg";
      } else if (auto q = dyn_cast<qf::QuantizeOp>(op)) {
        if (matchPattern(q.getInput(), m_Constant())) {
          kind = "weight";
          qsnr = quantizeQsnr(q);
          rot = qf::rotationQsnr(q);
        } else {
          kind = "activation";
        }
      } else if (isa<qf::SparseQuantizeOp>(op)) {
        // Static outlier channels are for activations; a constant input
        // (not folded yet) is a weight, as for qf.quantize.
        kind = matchPattern(op->getOperand(0), m_Constant()) ? "weight"
                                                             : "activation";
      } else {
        return;
      }
      auto t = cast<qf::QTensorType>(op->getResult(0).getType());
      Entry e;
      e.loc = locString(op->getLoc());
      e.kind = kind;
      e.shape = shapeString(t.getShape());
      e.format = t.getFormat().str();
      e.bitsPerElement = t.getBitsPerElement();
      if (t.hasStaticShape()) {
        int64_t n = 1;
        for (int64_t d : t.getShape())
          n *= d;
        e.bytesBefore = n * 4;
        std::optional<int64_t> packed = bytesOf(t.getPackedType());
        std::optional<int64_t> scales = bytesOf(t.getScalesType());
        std::optional<int64_t> ts = t.getTensorScaleType() ? 4 : 0;
        // SQ formats: the high part and one byte per position.
        if (qf::QTensorType h = t.getHighType()) {
          std::optional<int64_t> hp = bytesOf(h.getPackedType());
          std::optional<int64_t> hs = bytesOf(h.getScalesType());
          std::optional<int64_t> pos = bytesOf(t.getOutlierPositionsType());
          if (hp && hs && pos)
            *ts += *hp + *hs + *pos;
          else
            packed.reset();
        }
        if (packed && scales)
          e.bytesAfter = *packed + *scales + *ts;
      }
      e.qsnr = qsnr;
      if (auto r = op->getAttrOfType<StringAttr>(qf::kRoundingAttrName))
        e.rounding = r.str();
      if (auto errs = op->getAttrOfType<ArrayAttr>(qf::kOutputErrorAttrName);
          errs && errs.size() == 2) {
        auto chosen = dyn_cast<FloatAttr>(errs[0]);
        auto rtn = dyn_cast<FloatAttr>(errs[1]);
        if (chosen && rtn) {
          e.outErr = chosen.getValueAsDouble();
          e.outErrRtn = rtn.getValueAsDouble();
        }
      }
      if (kind == "weight")
        if (DictionaryAttr d = formatChoiceOf(op->getResult(0))) {
          auto bits = d.getAs<FloatAttr>("bits");
          auto pred = d.getAs<FloatAttr>("predicted_error");
          if (bits && pred) {
            e.choiceBits = bits.getValueAsDouble();
            e.choicePredicted = pred.getValueAsDouble();
          }
        }
      e.qsnrNoRot = rot.without;
      e.qsnrRot = rot.with;
      if (auto q = dyn_cast<qf::QuantizeOp>(op); q && kind == "weight")
        e.lowRank = qf::lowRankQsnr(q);
      if (auto q = dyn_cast<qf::QuantizeOp>(op);
          q && kind == "weight" && !compared.empty())
        if (std::optional<qf::FormatComparison> c =
                qf::compareFormats(q, compared, e.loc))
          comparisons.push_back(std::move(*c));
      if (kind == "activation")
        estimateActivation(op, table, actIndex, e);
      if (kind == "activation" && t.getFormat().hasOutliers()) {
        auto sq = dyn_cast<qf::SparseQuantizeOp>(op);
        e.outlierSelection = sq ? "static" : "run-time";
        if (sq)
          e.outlierChannels.assign(sq.getOutlierChannels().begin(),
                                   sq.getOutlierChannels().end());
      }
      entries.push_back(std::move(e));
    });

    std::error_code ec;
    std::unique_ptr<llvm::raw_fd_ostream> file;
    llvm::raw_ostream *os = &llvm::outs();
    if (output != "-") {
      file = std::make_unique<llvm::raw_fd_ostream>(output, ec,
                                                    llvm::sys::fs::OF_Text);
      if (ec) {
        getOperation().emitError()
            << "qf-report: cannot open '" << output << "': " << ec.message();
        return signalPassFailure();
      }
      os = file.get();
    }
    if (json)
      printJson(*os, entries);
    else
      printTable(*os, entries);
    if (!compared.empty() && !json)
      qf::printComparison(*os, compared, comparisons);
    os->flush();
    markAllAnalysesPreserved();
  }

  /// With a calibration table: names the activation like
  /// qf-instrument-calibration (an observe's name, else <function>.act<i>
  /// counting the activations whose scales are computed from the data or
  /// constant, i.e. the points before and after qf-fold-scales) and
  /// estimates its QSNR from the histogram with the static splat scale, or
  /// for data-dependent scales with the scale of the tensor amax (every
  /// block at the largest scale: a pessimistic estimate).
  /// qf.sparse_quantize is named too, but gets no estimate: the histogram
  /// does not say which values go to the outlier part.
  void estimateActivation(Operation *op, const qf::calib::Table &table,
                          llvm::DenseMap<Operation *, int> &actIndex,
                          Entry &e) {
    if (calibration.empty())
      return;
    auto q = dyn_cast<qf::QuantizeOp>(op);
    if (q && q.getScales() && !matchPattern(q.getScales(), m_Constant()))
      return;
    auto f = op->getParentOfType<func::FuncOp>();
    std::string name;
    if (auto o = op->getOperand(0).getDefiningOp<qf::ObserveOp>())
      name = o.getName().str();
    else if (f)
      name = (f.getSymName() + ".act" + Twine(actIndex[f]++)).str();
    auto it = table.entries.find(name);
    if (it == table.entries.end())
      return;
    e.calibName = name;
    qf::numerics::BlockFormat fmt =
        cast<qf::QTensorType>(op->getResult(0).getType())
            .getFormat()
            .toNumerics();
    if (fmt.tensorScale || fmt.outliers)
      return;
    std::optional<float> sf = splatScale(q);
    if (!sf)
      sf = qf::numerics::decodeScale(
          fmt.scale, qf::numerics::scaleForAmax(fmt, float(it->second.amax)));
    e.qsnrEstimate = qf::calib::estimateQsnrDb(table, it->second, fmt, *sf);
  }

  struct Totals {
    int64_t count = 0, before = 0, after = 0, dynamic = 0;
  };
  static std::map<std::string, Totals> totalsOf(ArrayRef<Entry> entries) {
    std::map<std::string, Totals> t;
    for (const Entry &e : entries) {
      for (const std::string &k : {e.kind, std::string("all")}) {
        Totals &x = t[k];
        ++x.count;
        if (e.bytesBefore && e.bytesAfter) {
          x.before += *e.bytesBefore;
          x.after += *e.bytesAfter;
        } else {
          ++x.dynamic;
        }
      }
    }
    return t;
  }

  static std::string qsnrText(const Entry &e) {
    auto num = [](double v) {
      return std::isfinite(v) ? llvm::formatv("{0:f2}", v).str()
                              : std::string("inf");
    };
    if (e.qsnr)
      return num(*e.qsnr);
    if (e.qsnrEstimate)
      return "~" + num(*e.qsnrEstimate);
    return "-";
  }

  static void printTable(llvm::raw_ostream &os, ArrayRef<Entry> entries) {
    auto dbText = [](std::optional<double> v) {
      if (!v)
        return std::string("-");
      return std::isfinite(*v) ? llvm::formatv("{0:f2}", *v).str()
                               : std::string("inf");
    };
    auto opt = [](std::optional<int64_t> v) {
      return v ? std::to_string(*v) : std::string("?");
    };
    os << "qf-report: " << entries.size() << " quantized tensors\n";
    // The rounding columns appear only when a weight was rounded with
    // calibration data, so reports of other modules keep their shape.
    bool rounded = llvm::any_of(
        entries, [](const Entry &e) { return e.outErr.has_value(); });
    os << llvm::formatv("{0,-32} {1,-10} {2,-14} {3,-10} {4,8} {5,12} {6,12} "
                        "{7,9} {8,9} {9,9}",
                        "location", "kind", "shape", "format", "bits/elt",
                        "bytes f32", "bytes q", "QSNR dB", "no-rot dB",
                        "rot dB");
    if (rounded)
      os << llvm::formatv("  {0,-10} {1,11} {2,11}", "rounding", "out err %",
                          "RTN err %");
    os << "\n";
    auto pct = [](std::optional<double> v) {
      return v ? llvm::formatv("{0:f3}", *v * 100).str() : std::string("-");
    };
    for (const Entry &e : entries) {
      os << llvm::formatv(
          "{0,-32} {1,-10} {2,-14} {3,-10} {4,8} {5,12} {6,12} {7,9} {8,9} {9,9}", e.loc,
          e.kind, e.shape, e.format,
          llvm::formatv("{0:f2}", e.bitsPerElement).str(), opt(e.bytesBefore),
          opt(e.bytesAfter), qsnrText(e), dbText(e.qsnrNoRot),
          dbText(e.qsnrRot));
      if (rounded && e.outErr)
        os << llvm::formatv("  {0,-10} {1,11} {2,11}", e.rounding,
                            pct(e.outErr), pct(e.outErrRtn));
      os << "\n";
    }
    if (rounded)
      os << "out err %: predicted relative output error "
            "tr(dW H dW^T) / tr(W H W^T) of the weight's rounding, RTN err %: "
            "the same for round-to-nearest (H from the calibration run)\n";
    if (llvm::any_of(entries, [](const Entry &e) {
          return e.qsnrEstimate.has_value();
        }))
      os << "~: activation QSNR estimated from the calibration histogram\n";
    std::map<std::string, Totals> totals = totalsOf(entries);
    for (const char *kind : {"weight", "weight-arg", "activation", "all"}) {
      if (!totals.count(kind))
        continue;
      const Totals &t = totals[kind];
      os << llvm::formatv("total {0,-10} {1,4} tensors, {2} -> {3} bytes", kind,
                          t.count, t.before, t.after);
      if (t.after)
        os << llvm::formatv(" ({0:f2}x smaller)", double(t.before) / t.after);
      if (t.dynamic)
        os << ", " << t.dynamic << " with dynamic shape not counted";
      os << "\n";
    }
    printLowRank(os, entries);
    printFormatChoices(os, entries);
    printOutlierSelection(os, entries);
  }

  /// Activations in sparse-quantized formats: static outlier channels
  /// (qf-quantize-model with calibration) or a run-time selection.
  static void printOutlierSelection(llvm::raw_ostream &os,
                                    ArrayRef<Entry> entries) {
    if (llvm::all_of(entries,
                     [](const Entry &e) { return e.outlierSelection.empty(); }))
      return;
    os << "sparse-quantized activations: outlier selection\n";
    for (const Entry &e : entries) {
      if (e.outlierSelection.empty())
        continue;
      os << llvm::formatv("{0,-32} {1,-14} {2,-9}", e.loc, e.shape,
                          e.outlierSelection);
      // The JSON form has every channel; a table line shows the first 32.
      ArrayRef<int64_t> ch(e.outlierChannels);
      if (!ch.empty())
        os << " " << ch.size() << " channels ["
           << llvm::interleaved(ch.take_front(32))
           << (ch.size() > 32 ? ", ...]" : "]");
      os << "\n";
    }
  }

  /// Weights whose format qf-assign-formats chose: the choice, its
  /// predicted relative output error and the weight's measured relative
  /// error ||W - Q(W)||^2 / ||W||^2 (from its QSNR), and the average bits.
  static void printFormatChoices(llvm::raw_ostream &os,
                                 ArrayRef<Entry> entries) {
    if (llvm::none_of(entries, [](const Entry &e) { return e.choiceBits; }))
      return;
    os << "mixed formats (qf-assign-formats): predicted relative output "
          "error and measured relative weight error\n";
    os << llvm::formatv("{0,-32} {1,-14} {2,-10} {3,8} {4,11} {5,12}\n",
                        "location", "shape", "format", "bits/w",
                        "pred err %", "weight err %");
    double bits = 0, elements = 0;
    for (const Entry &e : entries) {
      if (!e.choiceBits)
        continue;
      std::string measured = "-";
      if (e.qsnr)
        measured = llvm::formatv("{0:f3}", 100 * std::pow(10.0, -*e.qsnr / 10))
                       .str();
      os << llvm::formatv("{0,-32} {1,-14} {2,-10} {3,8} {4,11} {5,12}\n",
                          e.loc, e.shape, e.format,
                          llvm::formatv("{0:f2}", *e.choiceBits).str(),
                          llvm::formatv("{0:f3}", 100 * *e.choicePredicted)
                              .str(),
                          measured);
      if (e.bytesBefore) {
        bits += *e.choiceBits * double(*e.bytesBefore / 4);
        elements += double(*e.bytesBefore / 4);
      }
    }
    if (elements > 0)
      os << llvm::formatv("total mixed formats: {0:f4} bits per weight over "
                          "{1} elements\n",
                          bits / elements, int64_t(elements));
  }

  /// Weights split by qf-split-low-rank: what the split buys and costs. The
  /// factors are not quantized tensors, so they are not in the totals above.
  static void printLowRank(llvm::raw_ostream &os, ArrayRef<Entry> entries) {
    if (llvm::none_of(entries, [](const Entry &e) { return e.lowRank; }))
      return;
    auto db = [](double v) {
      return std::isfinite(v) ? llvm::formatv("{0:f2}", v).str()
                              : std::string("inf");
    };
    os << "low-rank splits: weight QSNR quantized directly and as factors + "
          "quantized residual\n";
    os << llvm::formatv("{0,-32} {1,-14} {2,-10} {3,5} {4,-7} {5,9} {6,9} "
                        "{7,9}\n",
                        "location", "shape", "format", "rank", "factors",
                        "+bits/elt", "direct dB", "split dB");
    double bits = 0, elements = 0;
    for (const Entry &e : entries) {
      if (!e.lowRank)
        continue;
      const qf::LowRankQsnr &l = *e.lowRank;
      os << llvm::formatv("{0,-32} {1,-14} {2,-10} {3,5} {4,-7} {5,9} {6,9} "
                          "{7,9}\n",
                          e.loc, e.shape, e.format, l.rank, l.factors,
                          llvm::formatv("{0:f2}", l.extraBits).str(),
                          db(l.direct), db(l.split));
      if (e.bytesBefore) {
        bits += l.extraBits * double(*e.bytesBefore / 4);
        elements += double(*e.bytesBefore / 4);
      }
    }
    if (elements > 0)
      os << llvm::formatv("total low-rank factors: {0} bytes, +{1:f2} bits "
                          "per element of the split weights (not in the "
                          "totals above)\n",
                          int64_t(std::llround(bits / 8)), bits / elements);
  }

  static void printJson(llvm::raw_ostream &os, ArrayRef<Entry> entries) {
    llvm::json::Array tensors;
    for (const Entry &e : entries) {
      llvm::json::Object o{{"location", e.loc},
                           {"kind", e.kind},
                           {"shape", e.shape},
                           {"format", e.format},
                           {"bits_per_element", e.bitsPerElement}};
      o["bytes_f32"] =
          e.bytesBefore ? llvm::json::Value(*e.bytesBefore) : llvm::json::Value(nullptr);
      o["bytes_quantized"] =
          e.bytesAfter ? llvm::json::Value(*e.bytesAfter) : llvm::json::Value(nullptr);
      o["qsnr_db"] = e.qsnr && std::isfinite(*e.qsnr) ? llvm::json::Value(*e.qsnr)
                                                      : llvm::json::Value(nullptr);
      if (!e.calibName.empty()) {
        o["calibration_name"] = e.calibName;
        o["qsnr_db_estimated"] =
            e.qsnrEstimate && std::isfinite(*e.qsnrEstimate)
                ? llvm::json::Value(*e.qsnrEstimate)
                : llvm::json::Value(nullptr);
      }
      if (e.lowRank) {
        auto num = [](double v) {
          return std::isfinite(v) ? llvm::json::Value(v)
                                  : llvm::json::Value(nullptr);
        };
        o["low_rank"] = llvm::json::Object{
            {"rank", e.lowRank->rank},
            {"factors", e.lowRank->factors},
            {"extra_bits_per_element", e.lowRank->extraBits},
            {"direct_qsnr_db", num(e.lowRank->direct)},
            {"split_qsnr_db", num(e.lowRank->split)}};
      }
      for (auto [key, v] : {std::pair{"without_rotation_qsnr_db", e.qsnrNoRot},
                            std::pair{"with_rotation_qsnr_db", e.qsnrRot}})
        o[key] = v && std::isfinite(*v) ? llvm::json::Value(*v)
                                        : llvm::json::Value(nullptr);
      if (e.choiceBits) {
        o["chosen_bits_per_element"] = *e.choiceBits;
        o["chosen_predicted_output_error"] = *e.choicePredicted;
      }
      if (!e.outlierSelection.empty()) {
        o["outlier_selection"] = e.outlierSelection;
        llvm::json::Array ch;
        for (int64_t c : e.outlierChannels)
          ch.push_back(c);
        o["outlier_channels"] = std::move(ch);
      }
      if (e.outErr) {
        o["rounding"] = e.rounding;
        o["predicted_output_error"] = *e.outErr;
        o["predicted_output_error_rtn"] = *e.outErrRtn;
      }
      tensors.push_back(std::move(o));
    }
    llvm::json::Object totals;
    for (auto &[kind, t] : totalsOf(entries))
      totals[kind] = llvm::json::Object{{"tensors", t.count},
                                        {"bytes_f32", t.before},
                                        {"bytes_quantized", t.after},
                                        {"dynamic_not_counted", t.dynamic}};
    llvm::json::Object root{{"tensors", std::move(tensors)},
                            {"totals", std::move(totals)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  }
};

} // namespace
