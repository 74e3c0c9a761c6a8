//===- SparseActivations.cpp - Static outlier channels of SQ activations --===//
#include "SparseActivations.h"

#include "QuantizeModelParts.h"

#include "qf/Numerics/Sparse.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;

FailureOr<SmallVector<int64_t>> qf::staticOutlierChannels(QTensorType t,
                                                          const calib::Entry &e,
                                                          std::string &why) {
  int64_t axis = t.getAxis(), k = t.getShape()[axis];
  if (e.channelMeanAbs.empty()) {
    why = "the calibration table has no per-channel mean |x| "
          "(\"channel_mean_abs\"; tables from before it was recorded lack "
          "it): calibrate again with qf-instrument-calibration";
    return failure();
  }
  if (e.channelAxis != axis || int64_t(e.channelMeanAbs.size()) != k) {
    why = "the calibration table's per-channel mean |x| is along axis " +
          std::to_string(e.channelAxis) + " (" +
          std::to_string(e.channelMeanAbs.size()) +
          " channels), but the outliers are chosen along the blocked axis " +
          std::to_string(axis) + " (" + std::to_string(k) + " channels)";
    return failure();
  }
  // The ranking is on FP32 values (the table prints them round-trippably),
  // so the library, the folder and this pass agree on ties.
  std::vector<float> mag(e.channelMeanAbs.begin(), e.channelMeanAbs.end());
  numerics::OutlierFormat o = *t.getFormat().toNumerics().outliers;
  std::vector<uint8_t> mask = numerics::staticChannelMask(o, k, mag.data());
  SmallVector<int64_t> channels;
  for (size_t j = 0; j < mask.size(); ++j)
    channels.push_back(int64_t(j) / o.count * o.bank + mask[j]);
  return channels;
}

LogicalResult
qf::assignStaticOutliers(ModuleOp module,
                         const llvm::DenseSet<Operation *> &sqActs,
                         StringRef calibration, bool printOp) {
  if (sqActs.empty())
    return success();
  calib::Table table;
  if (!calibration.empty()) {
    std::string err = calib::readTable(calibration, table);
    if (!err.empty())
      return module.emitError() << "qf-quantize-model: " << err;
  }
  // Name every activation point as qf-instrument-calibration and
  // qf-fold-scales do, before any op is replaced.
  SmallVector<std::pair<QuantizeOp, std::string>> points;
  module.walk([&](func::FuncOp f) {
    int idx = 0;
    f.walk([&](Operation *op) {
      auto q = dyn_cast<QuantizeOp>(op);
      if (!(q && !q.getScales()) && !isa<SparseQuantizeOp>(op))
        return;
      Value in = op->getOperand(0);
      if (matchPattern(in, m_Constant()))
        return;
      std::string name;
      if (auto o = in.getDefiningOp<ObserveOp>())
        name = o.getName().str();
      else
        name = (f.getSymName() + ".act" + Twine(idx++)).str();
      if (q && sqActs.contains(op))
        points.push_back({q, name});
    });
  });
  for (auto &[q, name] : points) {
    QTensorType t = q.getResult().getType();
    if (calibration.empty()) {
      quantize_model::remark(q, printOp)
          << "activation '" << name << "' in " << t.getFormat().str()
          << " selects its outliers at run time (per-bank top of |x| in every "
             "row); give calibration=FILE for static outlier channels";
      continue;
    }
    auto it = table.entries.find(name);
    if (it == table.entries.end())
      return q.emitError()
             << "qf-quantize-model: calibration table '" << calibration
             << "' has no entry '" << name
             << "' for this activation; was it written by a run of this "
                "model after --qf-instrument-calibration?";
    std::string why;
    FailureOr<SmallVector<int64_t>> channels =
        staticOutlierChannels(t, it->second, why);
    if (failed(channels)) {
      quantize_model::remark(q, printOp)
          << "activation '" << name
          << "' selects its outliers at run time: " << why;
      continue;
    }
    OpBuilder b(q);
    auto sq = SparseQuantizeOp::create(b, q.getLoc(), t, q.getInput(),
                                       b.getDenseI64ArrayAttr(*channels));
    // The first channels suffice to check a choice; a long list would
    // swamp the remarks of a large model.
    constexpr size_t kShown = 16;
    quantize_model::remark(q, printOp)
        << "activation '" << name << "': " << channels->size()
        << " static outlier channels ["
        << llvm::interleaved(ArrayRef(*channels).take_front(kShown))
        << (channels->size() > kShown ? ", ..." : "") << "]";
    q.getResult().replaceAllUsesWith(sq.getResult());
    q.erase();
  }
  return success();
}
