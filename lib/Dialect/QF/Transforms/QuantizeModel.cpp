//===- QuantizeModel.cpp - qf-quantize-model: contractions to qf ops ------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "FormatChoice.h"
#include "QuantizeModelParts.h"
#include "SparseActivations.h"
#include "WeightArguments.h"
#include "WeightQuantize.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Regex.h"

#include <cmath>
#include <numeric>

namespace qf {
#define GEN_PASS_DEF_QUANTIZEMODELPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// A contraction C[B..., M..., N...] (+)= A[B..., M..., K] * B[B..., K, N...]
/// (or B[B..., N..., K]). Groups of batch, M and N dimensions are collapsed
/// to one each, giving the rank-2/3 form qf.matmul takes.
struct Contraction {
  linalg::LinalgOp op;
  Value a, b, init;
  bool hasBatch = false;
  bool bIsNK = false;
  /// Reassociations collapsing A, B and C to rank 2 (or 3 with a batch);
  /// empty when the operand already has that form.
  SmallVector<ReassociationIndices> aGroups, bGroups, cGroups;
  int64_t rank() const { return hasBatch ? 3 : 2; }
};

bool isIdentityGrouping(ArrayRef<ReassociationIndices> groups) {
  return llvm::all_of(groups,
                      [](const ReassociationIndices &g) { return g.size() == 1; });
}

using qf::quantize_model::groupsOf;

/// Matches the supported operand layouts; returns the reason otherwise.
FailureOr<Contraction> matchContraction(linalg::LinalgOp op, std::string &why) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op)) {
    why = "not a two-operand multiply-add contraction";
    return failure();
  }
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1 || dims->m.empty() ||
      dims->n.empty()) {
    why = "needs exactly one reduction dimension and at least one M and one N "
          "dimension";
    return failure();
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto dimList = [&](AffineMap m) -> std::optional<SmallVector<unsigned>> {
    SmallVector<unsigned> r;
    for (AffineExpr e : m.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return std::nullopt;
      r.push_back(d.getPosition());
    }
    return r;
  };
  auto la = dimList(maps[0]), lb = dimList(maps[1]), lc = dimList(maps[2]);
  const char *layoutWhy =
      "operands are not laid out as [batch..., M..., K] x [batch..., K, N...] "
      "or [batch..., N..., K] -> [batch..., M..., N...]";
  if (!la || !lb || !lc) {
    why = layoutWhy;
    return failure();
  }
  // C must be batch dims, then M dims, then N dims; their order in C is the
  // order the other operands must follow.
  size_t nb = dims->batch.size(), nm = dims->m.size(), nn = dims->n.size();
  unsigned k = dims->k[0];
  if (lc->size() != nb + nm + nn) {
    why = layoutWhy;
    return failure();
  }
  auto inSet = [](ArrayRef<unsigned> set, ArrayRef<unsigned> xs) {
    return llvm::all_of(xs, [&](unsigned x) { return llvm::is_contained(set, x); });
  };
  ArrayRef<unsigned> cB = ArrayRef(*lc).take_front(nb);
  ArrayRef<unsigned> cM = ArrayRef(*lc).slice(nb, nm);
  ArrayRef<unsigned> cN = ArrayRef(*lc).take_back(nn);
  SmallVector<unsigned> expA(cB), expKN(cB), expNK(cB);
  expA.append(cM.begin(), cM.end());
  expA.push_back(k);
  expKN.push_back(k);
  expKN.append(cN.begin(), cN.end());
  expNK.append(cN.begin(), cN.end());
  expNK.push_back(k);
  if (!inSet(dims->batch, cB) || !inSet(dims->m, cM) || !inSet(dims->n, cN) ||
      *la != expA || (*lb != expKN && *lb != expNK)) {
    why = layoutWhy;
    return failure();
  }
  Contraction c;
  c.op = op;
  c.a = op.getDpsInputs()[0];
  c.b = op.getDpsInputs()[1];
  c.init = op.getDpsInits()[0];
  c.hasBatch = nb > 0;
  c.bIsNK = *lb == expNK && *lb != expKN;
  for (Value v : {c.a, c.b, c.init}) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.getElementType().isF32()) {
      why = "operands must be f32 tensors";
      if (t && t.getElementType().isInteger(8))
        why += " (int8 contractions: run qf-import-int8 first)";
      return failure();
    }
  }
  c.aGroups = groupsOf({nb, nm, 1});
  c.bGroups = c.bIsNK ? groupsOf({nb, nn, 1}) : groupsOf({nb, 1, nn});
  c.cGroups = groupsOf({nb, nm, nn});
  for (auto *g : {&c.aGroups, &c.bGroups, &c.cGroups})
    if (isIdentityGrouping(*g))
      g->clear();
  return c;
}

/// Where the weight operand comes from: a constant (data in the operand's
/// own row-major layout, or none for elided resources) or a function
/// argument, possibly through tensor.cast, reshapes and one transpose of the
/// last two dimensions.
struct WeightSource {
  bool isConstant = false;
  Value constant; ///< the constant value (before casts/transposes)
  std::optional<std::vector<float>> data; ///< in the operand's layout
  BlockArgument arg;      ///< a function argument
  bool argTransposed = false; ///< operand = transpose(last two)(arg)
  bool argReshaped = false;   ///< a reshape lies between arg and operand
  bool throughCopy = false;   ///< reached through a copying linalg.generic
};

/// Row-major transpose of the last two dimensions of `shape`.
std::vector<float> transposeLastTwo(ArrayRef<float> data,
                                    ArrayRef<int64_t> shape) {
  int64_t r = int64_t(shape.size());
  int64_t rows = shape[r - 2], cols = shape[r - 1];
  int64_t batch = rows * cols ? int64_t(data.size()) / (rows * cols) : 0;
  std::vector<float> out(data.size());
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out[size_t(bi * rows * cols + j * rows + i)] =
            data[size_t(bi * rows * cols + i * cols + j)];
  return out;
}

WeightSource traceWeight(Value v) {
  WeightSource w;
  // Walk down to the source; reshapes and casts keep row-major data.
  linalg::TransposeOp transpose;
  bool reshaped = false;
  while (true) {
    if (auto cast = v.getDefiningOp<tensor::CastOp>()) {
      v = cast.getSource();
      continue;
    }
    if (auto cs = v.getDefiningOp<tensor::CollapseShapeOp>()) {
      v = cs.getSrc();
      reshaped = true;
      continue;
    }
    if (auto es = v.getDefiningOp<tensor::ExpandShapeOp>()) {
      v = es.getSrc();
      reshaped = true;
      continue;
    }
    // A generic that only copies its input (torch-mlir writes weight
    // transposes and batch broadcasts this way): the source is still
    // recognised as a constant weight, but its data is not rearranged here,
    // so the weight is quantized at run time.
    if (auto g = v.getDefiningOp<linalg::GenericOp>()) {
      Block &body = g.getRegion().front();
      auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
      if (g.getNumDpsInputs() == 1 && g.getNumDpsInits() == 1 &&
          body.getOperations().size() == 1 && yield &&
          yield.getNumOperands() == 1 &&
          yield.getOperand(0) == body.getArgument(0)) {
        v = g.getDpsInputs()[0];
        w.throughCopy = true;
        continue;
      }
      return w;
    }
    if (auto tr = v.getDefiningOp<linalg::TransposeOp>()) {
      ArrayRef<int64_t> perm = tr.getPermutation();
      int64_t r = int64_t(perm.size());
      bool swapsLastTwo = r >= 2 && perm[r - 1] == r - 2 && perm[r - 2] == r - 1;
      for (int64_t i = 0; i + 2 < r; ++i)
        swapsLastTwo &= perm[i] == i;
      // Only one transpose, and no reshape between it and the operand (the
      // data order after it is then easy to state).
      if (!swapsLastTwo || transpose || reshaped)
        return w;
      transpose = tr;
      v = tr.getInput();
      continue;
    }
    break;
  }
  if (auto ba = dyn_cast<BlockArgument>(v)) {
    if (w.throughCopy)
      return w;
    w.arg = ba;
    w.argTransposed = bool(transpose);
    w.argReshaped = reshaped;
    return w;
  }
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return w;
  w.isConstant = true;
  w.constant = v;
  if (!w.throughCopy)
    w.data = qf::readFloatElements(attr);
  if (w.data && transpose)
    w.data = transposeLastTwo(
        *w.data, cast<RankedTensorType>(transpose.getInput().getType()).getShape());
  return w;
}

bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  FloatAttr f;
  return matchPattern(fill.getInputs()[0], m_Constant(&f)) &&
         f.getValue().isZero();
}


struct QuantizeModelPass final
    : qf::impl::QuantizeModelPassBase<QuantizeModelPass> {
  using Base::Base;

  qf::WholeWeightArguments *wholeArgs = nullptr;
  qf::WeightViewArguments *viewArgs = nullptr;
  /// Run-time activation quantizes into an SQ format (SparseActivations.h).
  llvm::DenseSet<Operation *> sqActs;

  MLIRContext *ctx() { return &getContext(); }

  InFlightDiagnostic remark(Operation *op) {
    return qf::quantize_model::remark(op, remarksPrintOp);
  }

  /// Parses a format option: a preset name, a #qf.format<...>, or `none`.
  FailureOr<qf::FormatAttr> parseFormat(StringRef opt, StringRef text,
                                        bool allowNone) {
    if (allowNone && text == "none")
      return qf::FormatAttr();
    if (text.starts_with("#")) {
      Attribute a = parseAttribute(text, ctx());
      if (auto f = dyn_cast_or_null<qf::FormatAttr>(a))
        return f;
    } else if (qf::FormatAttr f = qf::FormatAttr::getPreset(ctx(), text)) {
      return f;
    }
    getOperation().emitError()
        << "qf-quantize-model: " << opt << " '" << text
        << "' is not a format; expected a preset name (mxfp8, mxfp6, mxfp4, "
           "mxint8, nvfp4, ...) or #qf.format<...>"
        << (allowNone ? ", or none" : "");
    return failure();
  }

  /// The strings include/exclude are matched against (see Passes.td).
  SmallVector<std::string> namesOf(Operation *op) {
    SmallVector<std::string> names;
    names.push_back(op->getName().getStringRef().str());
    std::string loc;
    llvm::raw_string_ostream os(loc);
    op->getLoc().print(os);
    names.push_back(loc);
    if (auto n = op->getAttrOfType<StringAttr>("qf.name"))
      names.push_back(n.str());
    for (Operation *user : op->getResult(0).getUsers())
      if (auto obs = dyn_cast<qf::ObserveOp>(user))
        names.push_back(obs.getName().str());
    return names;
  }

  void runOnOperation() override {
    if (weightScaleSearch != "none" && weightScaleSearch != "mse") {
      getOperation().emitError()
          << "qf-quantize-model: weight-scale-search '" << weightScaleSearch
          << "' is not supported; expected none or mse";
      return signalPassFailure();
    }
    FailureOr<qf::FormatAttr> wf =
        parseFormat("weight-format", weightFormat, false);
    // `auto`: 8-bit integer activations where the weights' codes are
    // integer-valued (integers, E2M1), so that the CPU GEMM sums exact i32
    // block dot products (docs/cpu-lowering.md); mxfp8 otherwise.
    bool autoAct = activationFormat == "auto";
    auto autoActivation = [&](qf::FormatAttr w) {
      qf::numerics::ElementFormat e = w.toNumerics().elem;
      return parseFormat("activation-format",
                         e.isInt() || e == qf::numerics::ElementFormat::f4E2M1FN()
                             ? "mxint8"
                             : "mxfp8",
                         true);
    };
    if (failed(wf))
      return signalPassFailure();
    FailureOr<qf::FormatAttr> af =
        autoAct ? autoActivation(*wf)
                : parseFormat("activation-format", activationFormat, true);
    if (failed(af))
      return signalPassFailure();
    // Sparse-quantized (SQ) formats: weights select their outliers when
    // quantized (by |w|, docs/numerics.md D23/D24), activations get static
    // channels from calibration afterwards (D25, D27, SparseActivations.h);
    // the MSE search is not wired for SQ weights.
    if (wf->hasOutliers() && weightScaleSearch == "mse") {
      getOperation().emitError()
          << "qf-quantize-model: weight-scale-search=mse is not supported "
             "with the sparse-quantized weight format "
          << wf->str() << "; use weight-scale-search=none";
      return signalPassFailure();
    }
    if (argWeightFormat != "weight" && argWeightFormat != "activation") {
      getOperation().emitError()
          << "qf-quantize-model: arg-weight-format '" << argWeightFormat
          << "' is not supported; expected weight or activation";
      return signalPassFailure();
    }
    qf::WholeWeightArguments whole(getOperation());
    qf::WeightViewArguments views(getOperation());
    wholeArgs = &whole;
    viewArgs = &views;
    llvm::Regex inc(include), exc(exclude);
    std::string err;
    if ((!include.empty() && !inc.isValid(err)) ||
        (!exclude.empty() && !exc.isValid(err))) {
      getOperation().emitError() << "qf-quantize-model: bad regex: " << err;
      return signalPassFailure();
    }

    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op) ||
          qf::quantize_model::isConvolution(op))
        ops.push_back(op);
    });
    qf::quantize_model::RewriteOptions options;
    options.weight = *wf;
    options.activation = *af;
    options.padK = padK;
    options.minSize = minSize;
    options.foldWeights = foldWeights;
    options.mseScales = weightScaleSearch == "mse";
    options.printOp = remarksPrintOp;
    options.sqActivations = &sqActs;
    if (weightsAsArguments)
      options.viewArgs = &views;
    qf::quantize_model::Summary summary;
    for (linalg::LinalgOp op : ops) {
      bool isConv = !linalg::isaContractionOpInterface(op);
      size_t record = summary.add(op, isConv);
      SmallVector<std::string> names = namesOf(op);
      auto matches = [&](llvm::Regex &re) {
        return llvm::any_of(names, [&](const std::string &s) { return re.match(s); });
      };
      if (!include.empty() && !matches(inc)) {
        remark(op) << "not quantized: does not match "
                       "include='"
            << include << "'";
        continue;
      }
      if (!exclude.empty() && matches(exc)) {
        remark(op) << "not quantized: matches exclude='"
            << exclude << "'";
        continue;
      }
      // qf-assign-formats' choice overrides weight-format for this op.
      qf::quantize_model::RewriteOptions opOptions = options;
      if (qf::FormatAttr chosen = qf::chosenFormat(op)) {
        opOptions.weight = chosen;
        opOptions.choice = op->getAttr(qf::kFormatChoiceAttrName);
        if (autoAct) // `auto` follows the chosen weight format
          opOptions.activation = *autoActivation(chosen);
        // The MSE search does not apply to an SQ format (its low scales
        // ignore the outliers): the chosen one keeps the selection by |w|.
        if (chosen.hasOutliers() && opOptions.mseScales) {
          opOptions.mseScales = false;
          remark(op) << "weight-scale-search=mse does not apply to the "
                        "sparse-quantized format "
                     << chosen.str()
                     << " that qf-assign-formats chose; its outliers are "
                        "selected by |w| and its scales from the data";
        }
      }
      if (isConv) {
        summary.setQuantized(
            record, succeeded(qf::quantize_model::rewriteConvolution(
                        op, opOptions)));
        continue;
      }
      std::string why;
      FailureOr<Contraction> c = matchContraction(op, why);
      if (failed(c)) {
        remark(op) << "not quantized: " << why;
        continue;
      }
      summary.setQuantized(record, succeeded(rewrite(*c, opOptions)));
    }
    views.finish([&](BlockArgument a) { return whole.handles(a); });
    whole.finish();
    if (failed(qf::assignStaticOutliers(getOperation(), sqActs, calibration,
                                        remarksPrintOp)))
      return signalPassFailure();
    summary.emit();
  }

  qf::QTensorType qtype(ArrayRef<int64_t> shape, qf::FormatAttr f,
                        int64_t axis) {
    return qf::quantize_model::quantizedType(ctx(), shape, f, axis);
  }

  /// Rewrites one contraction; emits a remark and fails when it cannot.
  LogicalResult rewrite(Contraction &c,
                        const qf::quantize_model::RewriteOptions &o) {
    qf::FormatAttr wf = o.weight, af = o.activation;
    Attribute choice = o.choice;
    Operation *op = c.op;
    OpBuilder b(op);
    Location loc = op->getLoc();
    Type f32 = b.getF32Type();
    int64_t r = c.rank();

    // Collapsed (rank 2/3) shapes.
    auto collapsedShape = [](Value v, ArrayRef<ReassociationIndices> groups) {
      ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
      if (groups.empty())
        return SmallVector<int64_t>(s);
      SmallVector<int64_t> out;
      for (const ReassociationIndices &g : groups) {
        int64_t p = 1;
        for (int64_t i : g)
          p = ShapedType::isDynamic(s[i]) || ShapedType::isDynamic(p)
                  ? ShapedType::kDynamic
                  : p * s[i];
        out.push_back(p);
      }
      return out;
    };
    SmallVector<int64_t> aShape = collapsedShape(c.a, c.aGroups);
    SmallVector<int64_t> bShape = collapsedShape(c.b, c.bGroups);
    int64_t K = aShape[r - 1];
    int64_t kDimB = c.bIsNK ? r - 1 : r - 2;
    if (ShapedType::isDynamic(K)) {
      remark(op) << "not quantized: the reduction "
                     "dimension K is dynamic; blocks need a static K";
      return failure();
    }
    // K must be a multiple of the block sizes; otherwise K is zero-padded
    // (with pad-k, the default), which is exact: zeros add nothing to the
    // products nor to block maxima or the tensor amax.
    int64_t multiple = qf::quantize_model::kMultiple(wf, af);
    int64_t Kp = (K + multiple - 1) / multiple * multiple;
    if (Kp != K && !padK) {
      remark(op) << "not quantized: block size "
          << multiple << " does not divide K = " << K
          << " (pad-k=false keeps such contractions in f32)";
      return failure();
    }
    auto bt = cast<RankedTensorType>(c.b.getType());
    if (minSize > 0 && bt.hasStaticShape() && bt.getNumElements() < minSize) {
      remark(op) << "not quantized: the weight has "
          << bt.getNumElements() << " elements, below min-size="
          << int64_t(minSize);
      return failure();
    }

    // A weight that arrives quantized (qf-import-int8 reads a symmetric
    // quant-typed argument through qf.unpack; the contraction sees its
    // qf.dequantize) is used as it is when blocked along K: quantizing the
    // decoded values again would round them twice.
    Value preQuantized;
    if (auto dq = c.b.getDefiningOp<qf::DequantizeOp>())
      if (c.bGroups.empty() && Kp == K &&
          cast<qf::QTensorType>(dq.getInput().getType()).getAxis() == kDimB)
        preQuantized = dq.getInput();
    WeightSource w = traceWeight(c.b);
    bool argWeight = weightsAsArguments && w.arg && !w.argReshaped &&
                     c.bGroups.empty();
    // Any other weight read from a function argument: through views
    // (WeightArguments.h), or the reason it cannot be followed.
    std::string viewWhy;
    FailureOr<qf::WeightView> view = failure();
    if (!w.isConstant && !argWeight)
      view = qf::traceArgumentView(c.b, viewWhy);
    if (!af && !w.isConstant && !argWeight && !preQuantized &&
        !(weightsAsArguments && succeeded(view))) {
      remark(op) << "not quantized: no constant weight "
                    "and activation-format=none (weight-only)";
      return failure();
    }
    if (Kp != K)
      remark(op) << "K = "
          << K << " is zero-padded to " << Kp << " for blocks of " << multiple;

    auto collapse = [&](Value v, ArrayRef<ReassociationIndices> groups) -> Value {
      if (groups.empty())
        return v;
      return tensor::CollapseShapeOp::create(b, loc, v, groups).getResult();
    };
    // Zero-pads dimension `dim` of `v` from K to Kp.
    auto pad = [&](Value v, int64_t dim) -> Value {
      if (Kp == K)
        return v;
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape(t.getShape());
      shape[dim] = Kp;
      SmallVector<OpFoldResult> low(t.getRank(), b.getIndexAttr(0));
      SmallVector<OpFoldResult> high(t.getRank(), b.getIndexAttr(0));
      high[dim] = b.getIndexAttr(Kp - K);
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
      return tensor::PadOp::create(b, loc, RankedTensorType::get(shape, f32), v,
                                   low, high, zero);
    };

    // Activation side.
    Value lhs = pad(collapse(c.a, c.aGroups), r - 1);
    if (af) {
      SmallVector<int64_t> s(aShape);
      s[r - 1] = Kp;
      lhs = qf::QuantizeOp::create(b, loc, qtype(s, af, r - 1), lhs, Value(),
                                   Value());
      if (af.hasOutliers())
        sqActs.insert(lhs.getDefiningOp());
    }

    // Weight side.
    Value rhs;
    bool transposeB = c.bIsNK;
    Value argW;
    if (preQuantized) {
      rhs = preQuantized;
      remark(op) << "the weight is already quantized ("
                 << preQuantized.getType() << "); it is used as it is";
    } else if (argWeight) {
      if (Kp != K) {
        remark(op) << "weight argument #"
            << w.arg.getArgNumber()
            << " needs K padding; it is quantized at run time";
      } else {
        // The argument keeps its shape and is blocked along its K axis.
        auto argT = dyn_cast<RankedTensorType>(w.arg.getType());
        bool argIsNK = c.bIsNK != w.argTransposed;
        if (argT && argT.hasStaticShape() && argT.getElementType().isF32() &&
            argT.getRank() == r)
          argW = wholeArgs->get(w.arg,
                                qtype(argT.getShape(), wf, argIsNK ? r - 1 : r - 2),
                                op);
        else
          remark(op) << "weight argument #"
              << w.arg.getArgNumber()
              << " is not a static f32 tensor of the operand's rank; it is "
                 "quantized at run time";
        if (argW)
          transposeB = argIsNK;
      }
      if (argW)
        rhs = argW;
    } else if (weightsAsArguments && !w.isConstant) {
      if (failed(view) && !viewWhy.empty())
        remark(op) << "weights-as-arguments: the weight "
                       "operand is not followed to a function argument: "
            << viewWhy << "; it is quantized at run time";
      else if (succeeded(view) && Kp != K)
        remark(op) << "weight argument #"
            << view->arg.getArgNumber()
            << " needs K padding; it is quantized at run time";
      else if (succeeded(view) && (rhs = viewArgs->get(*view, c.bGroups,
                                    qtype(bShape, wf, kDimB), op)))
        transposeB = c.bIsNK;
    }
    if (!rhs && w.isConstant && w.data) {
      // [..., K, N] or [..., N, K] (collapsed) -> [..., N, Kp].
      SmallVector<int64_t> nk(bShape);
      std::vector<float> data = std::move(*w.data);
      if (!c.bIsNK) {
        data = transposeLastTwo(data, nk);
        std::swap(nk[r - 1], nk[r - 2]);
      }
      if (Kp != K) {
        int64_t rows = int64_t(data.size()) / K;
        std::vector<float> p(size_t(rows * Kp), 0.0f);
        for (int64_t i = 0; i < rows; ++i)
          std::copy_n(data.begin() + i * K, K, p.begin() + i * Kp);
        data = std::move(p);
        nk[r - 1] = Kp;
      }
      qf::QTensorType qt = qtype(nk, wf, r - 1);
      rhs = qf::createConstantWeight(b, loc, qt, data, o.mseScales,
                                     foldWeights);
      transposeB = true;
    }
    if (!rhs) {
      bool isAct = !w.isConstant && !argWeight;
      // A run-time weight from a function argument is still a weight.
      if (succeeded(view)) {
        bool asWeight = argWeightFormat == "weight";
        isAct = !asWeight;
        remark(op) << "the weight is function argument #" << view->arg.getArgNumber() << "; it is quantized at run time in "
            << (asWeight ? "weight-format (arg-weight-format=activation uses "
                           "activation-format"
                         : "activation-format (arg-weight-format=activation")
            << "; weights-as-arguments passes it pre-quantized)";
      }
      if (w.isConstant && w.throughCopy)
        remark(op) << "the weight constant is reached "
                       "through a copying linalg.generic (transpose or "
                       "broadcast); it is quantized at run time in "
                       "weight-format";
      else if (w.isConstant)
        remark(op) << "the weight constant has no readable "
                       "data (an elided resource, or over the compile-time "
                       "limit of 2^26 elements); it is quantized at run time";
      rhs = pad(collapse(c.b, c.bGroups), kDimB);
      qf::FormatAttr f = isAct ? af : wf;
      if (f) {
        SmallVector<int64_t> s(bShape);
        s[kDimB] = Kp;
        rhs = qf::QuantizeOp::create(b, loc, qtype(s, f, kDimB), rhs, Value(),
                                     Value());
        if (isAct && af.hasOutliers())
          sqActs.insert(rhs.getDefiningOp());
      }
    }

    auto resT = cast<RankedTensorType>(op->getResult(0).getType());
    auto mmT = RankedTensorType::get(collapsedShape(c.init, c.cGroups), f32);
    Value y = qf::MatmulOp::create(b, loc, mmT, lhs, rhs,
                                   transposeB ? b.getUnitAttr() : UnitAttr());
    if (choice)
      y.getDefiningOp()->setAttr(qf::kFormatChoiceAttrName, choice);
    if (!c.cGroups.empty())
      y = tensor::ExpandShapeOp::create(b, loc, resT, y, c.cGroups,
                                        tensor::getMixedSizes(b, loc, c.init));
    if (!isZeroFill(c.init)) {
      Value empty = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, c.init), f32);
      y = linalg::AddOp::create(b, loc, ValueRange{y, c.init}, ValueRange{empty})
              .getResult(0);
    }
    SmallVector<Value> oldOperands = {c.a, c.b, c.init};
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
    for (Value v : oldOperands)
      qf::quantize_model::eraseDeadChain(v);
    return success();
  }
};

} // namespace

/// Erases `v`'s defining op and, recursively, its operands' defining ops
/// once they have no uses and no side effects.
void qf::quantize_model::eraseDeadChain(Value v) {
  SmallVector<Operation *> work;
  if (Operation *d = v.getDefiningOp())
    work.push_back(d);
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    // Contractions are left alone: the pass may still visit them.
    if (!op->use_empty() || !isMemoryEffectFree(op) ||
        (op->getNumRegions() > 0 && !isa<linalg::LinalgOp>(op)))
      continue;
    if (auto l = dyn_cast<linalg::LinalgOp>(op);
        l && linalg::isaContractionOpInterface(l))
      continue;
    SmallVector<Operation *> defs;
    for (Value o : op->getOperands())
      if (Operation *d = o.getDefiningOp())
        defs.push_back(d);
    op->erase();
    for (Operation *d : defs)
      if (!llvm::is_contained(work, d))
        work.push_back(d);
  }
}
