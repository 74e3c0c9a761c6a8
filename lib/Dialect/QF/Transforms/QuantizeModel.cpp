//===- QuantizeModel.cpp - qf-quantize-model: contractions to qf ops ------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Regex.h"

#include <numeric>

namespace qf {
#define GEN_PASS_DEF_QUANTIZEMODELPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// A contraction C[b?, m, n] (+)= A[b?, m, k] * B[b?, k, n] (or B[b?, n, k]).
struct Contraction {
  linalg::LinalgOp op;
  Value a, b, init;
  int64_t rank = 2; // of the operands
  bool bIsNK = false;
};

/// Matches the supported operand layouts; returns the reason otherwise.
FailureOr<Contraction> matchContraction(linalg::LinalgOp op,
                                        std::string &why) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op)) {
    why = "not a two-operand multiply-add contraction";
    return failure();
  }
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1 || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->batch.size() > 1) {
    why = "needs exactly one reduction, one M, one N and at most one batch "
          "dimension (collapse the others first)";
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
  SmallVector<unsigned> batch(dims->batch.begin(), dims->batch.end());
  auto with = [&](std::initializer_list<unsigned> tail) {
    SmallVector<unsigned> r(batch);
    r.append(tail.begin(), tail.end());
    return r;
  };
  unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
  auto la = dimList(maps[0]), lb = dimList(maps[1]), lc = dimList(maps[2]);
  if (!la || !lb || !lc || *la != with({m, k}) || *lc != with({m, n}) ||
      (*lb != with({k, n}) && *lb != with({n, k}))) {
    why = "operands are not laid out as [batch?, M, K] x [batch?, K, N] or "
          "[batch?, N, K] -> [batch?, M, N]";
    return failure();
  }
  Contraction c;
  c.op = op;
  c.a = op.getDpsInputs()[0];
  c.b = op.getDpsInputs()[1];
  c.init = op.getDpsInits()[0];
  c.rank = int64_t(batch.size()) + 2;
  c.bIsNK = *lb == with({n, k});
  for (Value v : {c.a, c.b, c.init}) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.getElementType().isF32()) {
      why = "operands must be f32 tensors";
      return failure();
    }
  }
  return c;
}

/// The constant data behind `v` in [..., N, K] layout when v is a weight:
/// a constant, possibly through tensor.cast and a linalg.transpose of the
/// last two dimensions. `hasData` is false for elided resources.
struct WeightSource {
  bool isConstant = false;
  std::optional<std::vector<float>> nk; ///< data as [..., N, K]
  SmallVector<int64_t> nkShape;
};

WeightSource traceWeight(Value v, bool bIsNK) {
  WeightSource w;
  bool transposed = false; // v = transpose(src)
  while (true) {
    if (auto cast = v.getDefiningOp<tensor::CastOp>()) {
      v = cast.getSource();
      continue;
    }
    if (auto tr = v.getDefiningOp<linalg::TransposeOp>()) {
      ArrayRef<int64_t> perm = tr.getPermutation();
      int64_t r = int64_t(perm.size());
      bool swapsLastTwo = r >= 2 && perm[r - 1] == r - 2 && perm[r - 2] == r - 1;
      for (int64_t i = 0; i + 2 < r; ++i)
        swapsLastTwo &= perm[i] == i;
      if (!swapsLastTwo || transposed)
        return w;
      transposed = true;
      v = tr.getInput();
      continue;
    }
    break;
  }
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return w;
  w.isConstant = true;
  auto t = cast<RankedTensorType>(v.getType());
  std::optional<std::vector<float>> data = qf::readFloatElements(attr);
  // The source's last two dims are [N, K] when exactly one of "B is [N, K]"
  // and "B is a transpose" holds.
  bool srcIsNK = bIsNK != transposed;
  SmallVector<int64_t> shape(t.getShape());
  int64_t r = int64_t(shape.size());
  if (!srcIsNK)
    std::swap(shape[r - 1], shape[r - 2]);
  w.nkShape = shape;
  if (!data)
    return w;
  if (srcIsNK) {
    w.nk = std::move(data);
    return w;
  }
  // Transpose the last two dimensions at compile time.
  int64_t rows = t.getShape()[r - 2], cols = t.getShape()[r - 1];
  int64_t batch = int64_t(data->size()) / (rows * cols);
  std::vector<float> out(data->size());
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out[size_t(bi * rows * cols + j * rows + i)] =
            (*data)[size_t(bi * rows * cols + i * cols + j)];
  w.nk = std::move(out);
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

  /// Parses a format option: a preset name, a #qf.format<...>, or `none`.
  FailureOr<qf::FormatAttr> parseFormat(StringRef opt, StringRef text,
                                        bool allowNone) {
    MLIRContext *ctx = &getContext();
    if (allowNone && text == "none")
      return qf::FormatAttr();
    if (text.starts_with("#")) {
      Attribute a = parseAttribute(text, ctx);
      if (auto f = dyn_cast_or_null<qf::FormatAttr>(a))
        return f;
    } else if (qf::FormatAttr f = qf::FormatAttr::getPreset(ctx, text)) {
      return f;
    }
    getOperation().emitError()
        << "qf-quantize-model: " << opt << " '" << text
        << "' is not a format; expected a preset name (mxfp8, mxfp6, mxfp4, "
           "mxint8, nvfp4, ...) or #qf.format<...>"
        << (allowNone ? ", or none" : "");
    return failure();
  }

  void runOnOperation() override {
    FailureOr<qf::FormatAttr> wf = parseFormat("weight-format", weightFormat, false);
    FailureOr<qf::FormatAttr> af =
        parseFormat("activation-format", activationFormat, true);
    if (failed(wf) || failed(af))
      return signalPassFailure();
    llvm::Regex inc(include), exc(exclude);
    std::string err;
    if ((!include.empty() && !inc.isValid(err)) ||
        (!exclude.empty() && !exc.isValid(err))) {
      getOperation().emitError() << "qf-quantize-model: bad regex: " << err;
      return signalPassFailure();
    }

    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      std::string locStr;
      llvm::raw_string_ostream os(locStr);
      op->getLoc().print(os);
      std::string name = op->getName().getStringRef().str();
      auto matches = [&](llvm::Regex &re) {
        return re.match(name) || re.match(locStr);
      };
      if (!include.empty() && !matches(inc)) {
        op->emitRemark("qf-quantize-model: not quantized: does not match "
                       "include='")
            << include << "'";
        continue;
      }
      if (!exclude.empty() && matches(exc)) {
        op->emitRemark("qf-quantize-model: not quantized: matches exclude='")
            << exclude << "'";
        continue;
      }
      std::string why;
      FailureOr<Contraction> c = matchContraction(op, why);
      if (failed(c)) {
        op->emitRemark("qf-quantize-model: not quantized: ") << why;
        continue;
      }
      if (failed(rewrite(*c, *wf, *af)))
        continue;
    }
  }

  /// Rewrites one contraction; emits a remark and fails when it cannot.
  LogicalResult rewrite(Contraction &c, qf::FormatAttr wf, qf::FormatAttr af) {
    Operation *op = c.op;
    auto at = cast<RankedTensorType>(c.a.getType());
    auto bt = cast<RankedTensorType>(c.b.getType());
    int64_t r = c.rank;
    int64_t K = at.getShape()[r - 1];
    int64_t N = c.bIsNK ? bt.getShape()[r - 2] : bt.getShape()[r - 1];
    if (ShapedType::isDynamic(K)) {
      op->emitRemark("qf-quantize-model: not quantized: the reduction "
                     "dimension K is dynamic; blocks need a static K");
      return failure();
    }
    // K must be a multiple of the block sizes; otherwise K is zero-padded,
    // which is exact: zeros add nothing to the products nor to block maxima
    // or the tensor amax.
    int64_t multiple = 1;
    for (qf::FormatAttr f : {wf, af})
      if (f && f.toNumerics().blockKind == qf::numerics::BlockKind::Fixed)
        multiple = std::lcm(multiple, f.toNumerics().blockSize);
    int64_t Kp = (K + multiple - 1) / multiple * multiple;
    if (Kp != K)
      op->emitRemark("qf-quantize-model: K = ")
          << K << " is zero-padded to " << Kp << " for blocks of " << multiple;
    if (minSize > 0 && !ShapedType::isDynamic(N) && K * N < minSize) {
      op->emitRemark("qf-quantize-model: not quantized: K*N = ")
          << K * N << " is below min-size=" << int64_t(minSize);
      return failure();
    }

    WeightSource w = traceWeight(c.b, c.bIsNK);
    if (!af && !w.isConstant) {
      op->emitRemark("qf-quantize-model: not quantized: no constant weight "
                     "and activation-format=none (weight-only)");
      return failure();
    }

    OpBuilder b(op);
    Location loc = op->getLoc();
    auto qtype = [&](RankedTensorType t, qf::FormatAttr f, int64_t axis) {
      return qf::QTensorType::get(ctx(), t.getShape(), b.getF32Type(), f, axis);
    };

    // Zero-pads dimension `dim` of `v` from K to Kp.
    auto padK = [&](Value v, int64_t dim) -> Value {
      if (Kp == K)
        return v;
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape(t.getShape());
      shape[dim] = Kp;
      SmallVector<OpFoldResult> low(t.getRank(), b.getIndexAttr(0));
      SmallVector<OpFoldResult> high(t.getRank(), b.getIndexAttr(0));
      high[dim] = b.getIndexAttr(Kp - K);
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
      return tensor::PadOp::create(b, loc,
                                   RankedTensorType::get(shape, b.getF32Type()),
                                   v, low, high, zero);
    };
    auto padded = [&](RankedTensorType t, int64_t dim) {
      SmallVector<int64_t> shape(t.getShape());
      shape[dim] = Kp;
      return RankedTensorType::get(shape, b.getF32Type());
    };

    // Activation side.
    Value lhs = padK(c.a, r - 1);
    at = padded(at, r - 1);
    if (af)
      lhs = qf::QuantizeOp::create(b, loc, qtype(at, af, r - 1), lhs, Value(),
                                   Value());

    // Weight side.
    Value rhs;
    bool transposeB = c.bIsNK;
    if (w.isConstant && w.nk) {
      if (Kp != K) {
        // [..., N, K] -> [..., N, Kp] with zeros.
        int64_t rows = int64_t(w.nk->size()) / K;
        std::vector<float> p(size_t(rows * Kp), 0.0f);
        for (int64_t i = 0; i < rows; ++i)
          std::copy_n(w.nk->begin() + i * K, K, p.begin() + i * Kp);
        w.nk = std::move(p);
        w.nkShape.back() = Kp;
      }
      auto nkT = RankedTensorType::get(w.nkShape, b.getF32Type());
      Value cst = arith::ConstantOp::create(b, loc,
                                            qf::makeFloatElements(nkT, *w.nk));
      rhs = b.createOrFold<qf::QuantizeOp>(loc, qtype(nkT, wf, r - 1), cst,
                                           Value(), Value());
      transposeB = true;
    } else {
      qf::FormatAttr f = w.isConstant ? wf : af;
      if (w.isConstant)
        op->emitRemark("qf-quantize-model: the weight constant has no data "
                       "(elided resource); it is quantized at run time");
      int64_t kDim = c.bIsNK ? r - 1 : r - 2;
      rhs = padK(c.b, kDim);
      if (f)
        rhs = qf::QuantizeOp::create(b, loc, qtype(padded(bt, kDim), f, kDim),
                                     rhs, Value(), Value());
    }

    auto resT = cast<RankedTensorType>(op->getResult(0).getType());
    Value y = qf::MatmulOp::create(b, loc, resT, lhs, rhs,
                                   transposeB ? b.getUnitAttr() : UnitAttr());
    if (!isZeroFill(c.init)) {
      Value empty = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, c.init), b.getF32Type());
      y = linalg::AddOp::create(b, loc, ValueRange{y, c.init}, ValueRange{empty})
              .getResult(0);
    }
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
    return success();
  }

  MLIRContext *ctx() { return &getContext(); }
};

} // namespace
