//===- ImportInt8.cpp - qf-import-int8: int8 frontend contractions to qf --===//
//
// TFLite / TOSA -> linalg emit int8 contractions as linalg.quantized_matmul /
// quantized_batch_matmul (i8 x i8 with i32 zero points, i32 accumulator) or
// plain matmul / batch_matmul on i8 when the zero points are zero, followed
// by a rescale in integer arithmetic. This pass imports the contraction into
// qf.matmul with its int8 values as the codes of a per-channel int8 format
// (unit scales) and keeps the zero points and the rescale exact:
//
//   sum_k (a - za)(b - zb) = sum_k a b - zb sum_k a - za sum_k b + K za zb
//
// The first term is qf.matmul (its f32 accumulation is exact integer
// arithmetic while |partial sums| < 2^24, so K is cut into chunks of at most
// 1024: 1024 * 128 * 128 = 2^24); the others are i32 reductions. The result
// is the frontend's i32 accumulator bit for bit, and the rescale that follows
// stays as the frontend wrote it (fixed-point multiplier and shift, or f32
// scale), so the int8 outputs are those of the frontend's own lowering.
// Convolutions reach the same product through im2col (ImportInt8Conv.cpp).
//
//===----------------------------------------------------------------------===//
#include "ImportInt8.h"

#include "qf/Dialect/QF/Transforms/Passes.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"

namespace qf {
#define GEN_PASS_DEF_IMPORTINT8PASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// Largest K whose i8 x i8 products sum exactly in f32 (2^24 / 2^14).
constexpr int64_t kMaxExactK = 1024;

/// The format the int8 values are imported in: the values are the codes,
/// with unit f32 scales per row (the full i8 range, -128 included).
constexpr const char *kInt8Format =
    "#qf.format<elem = i8, block = channel, scale = f32, range = full>";

struct Int8Contraction {
  linalg::LinalgOp op;
  Value a, b, init;
  Value za, zb; ///< null: zero
  bool batch = false;
};

bool isZeroConstant(Value v) { return !v || matchPattern(v, m_Zero()); }

/// The named int8 contractions this pass imports; `why` otherwise.
FailureOr<Int8Contraction> matchInt8(linalg::LinalgOp op, std::string &why) {
  Int8Contraction c;
  c.op = op;
  if (isa<linalg::QuantizedMatmulOp, linalg::QuantizedBatchMatmulOp>(op)) {
    c.za = op.getDpsInputs()[2];
    c.zb = op.getDpsInputs()[3];
    c.batch = isa<linalg::QuantizedBatchMatmulOp>(op);
  } else if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
    if (mm.hasUserDefinedMaps() ||
        mm.getCast() != linalg::TypeFn::cast_signed) {
      why = "a transposed (indexing_maps) or unsigned (cast_unsigned) "
            "integer matmul";
      return failure();
    }
  } else if (auto bm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation())) {
    if (bm.hasUserDefinedMaps() ||
        bm.getCast() != linalg::TypeFn::cast_signed) {
      why = "a transposed (indexing_maps) or unsigned (cast_unsigned) "
            "integer batch_matmul";
      return failure();
    }
    c.batch = true;
  } else {
    why = "only linalg.quantized_matmul, quantized_batch_matmul and i8 "
          "matmul / batch_matmul are imported";
    return failure();
  }
  c.a = op.getDpsInputs()[0];
  c.b = op.getDpsInputs()[1];
  c.init = op.getDpsInits()[0];
  auto isTensorOf = [](Value v, unsigned width) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.hasStaticShape() &&
           t.getElementType().isSignlessInteger(width);
  };
  if (!isTensorOf(c.a, 8) || !isTensorOf(c.b, 8) || !isTensorOf(c.init, 32)) {
    why = "operands must be static i8 tensors with a static i32 accumulator";
    return failure();
  }
  for (Value zp : {c.za, c.zb})
    if (zp && !zp.getType().isSignlessInteger()) {
      why = "zero points must be signless integers";
      return failure();
    }
  return c;
}

/// True for the contractions and convolutions on integers that this pass
/// must either import or explain.
bool isIntegerLinalg(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() == 0)
    return false;
  auto t = dyn_cast<ShapedType>(op.getDpsInputs()[0].getType());
  if (!t || !isa<IntegerType>(t.getElementType()))
    return false;
  return isa<linalg::QuantizedMatmulOp, linalg::QuantizedBatchMatmulOp>(
             op.getOperation()) ||
         linalg::isaContractionOpInterface(op) ||
         qf::import_int8::isIntegerConvolution(op);
}

struct ImportInt8Pass final : qf::impl::ImportInt8PassBase<ImportInt8Pass> {
  using Base::Base;

  void runOnOperation() override {
    auto format = dyn_cast_or_null<qf::FormatAttr>(
        parseAttribute(kInt8Format, &getContext()));
    if (!format) {
      getOperation().emitError("qf-import-int8: cannot build ") << kInt8Format;
      return signalPassFailure();
    }
    // Quant types first: a refused one stops the pass before any change;
    // the upstream strip then rewrites the signatures, returns and calls.
    SmallVector<qf::import_int8::QuantArgument> mapped;
    if (failed(qf::import_int8::checkQuantTypes(getOperation(), mapped)))
      return signalPassFailure();
    if (!mapped.empty()) {
      OpPassManager pm(ModuleOp::getOperationName());
      pm.addPass(quant::createStripFuncQuantTypes());
      if (failed(runPipeline(pm, getOperation())))
        return signalPassFailure();
      qf::import_int8::importQuantArguments(getOperation(), mapped, format);
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isIntegerLinalg(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      if (qf::import_int8::isIntegerConvolution(op)) {
        qf::import_int8::importConvolution(op, format);
        continue;
      }
      std::string why;
      FailureOr<Int8Contraction> c = matchInt8(op, why);
      if (failed(c)) {
        op->emitRemark("qf-import-int8: not imported: ")
            << op->getName() << ": " << why;
        continue;
      }
      OpBuilder b(op);
      Value sum = qf::import_int8::buildExactProduct(
          b, op->getLoc(), format,
          {c->a, c->b, /*transposedB=*/false, c->za, c->zb, c->init}, op);
      op->getResult(0).replaceAllUsesWith(sum);
      op->erase();
    }
  }
};

} // namespace

namespace qf::import_int8 {
namespace {

/// `v` sliced to [k0, k0 + kc) along `dim` (v itself when whole).
Value sliceK(OpBuilder &b, Location loc, Value v, int64_t dim, int64_t k0,
             int64_t kc) {
  auto t = cast<RankedTensorType>(v.getType());
  if (kc == t.getDimSize(dim))
    return v;
  SmallVector<OpFoldResult> offsets(t.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(t.getRank(), b.getIndexAttr(1));
  for (int64_t s : t.getShape())
    sizes.push_back(b.getIndexAttr(s));
  offsets[dim] = b.getIndexAttr(k0);
  sizes[dim] = b.getIndexAttr(kc);
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

/// sum over `dim` of the i8 tensor `v`, as i32 (the reduced shape).
Value sumI32(OpBuilder &b, Location loc, Value v, int64_t dim) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t r = t.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < r; ++i) {
    iters.push_back(i == dim ? utils::IteratorType::reduction
                             : utils::IteratorType::parallel);
    if (i != dim) {
      shape.push_back(t.getDimSize(i));
      outExprs.push_back(b.getAffineDimExpr(i));
    }
  }
  Type i32 = b.getI32Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value empty = tensor::EmptyOp::create(b, loc, shape, i32);
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(r),
      AffineMap::get(r, 0, outExprs, b.getContext())};
  return linalg::GenericOp::create(
             b, loc, init.getType(), v, init, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = arith::ExtSIOp::create(nb, l, i32, args[0]);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddIOp::create(nb, l, x, args[1])});
             })
      .getResult(0);
}

} // namespace

Value asQTensor(OpBuilder &b, Location loc, FormatAttr format, Value v,
                int64_t axis, Value scales) {
  auto t = cast<RankedTensorType>(v.getType());
  auto qt = QTensorType::get(b.getContext(), t.getShape(), b.getF32Type(),
                             format, axis);
  if (!scales)
    scales = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(qt.getScalesType(), b.getF32FloatAttr(1)));
  return UnpackOp::create(b, loc, qt, v, scales, Value());
}

Value buildExactProduct(OpBuilder &b, Location loc, FormatAttr format,
                        const ExactProduct &p, Operation *at) {
  Type i32 = b.getI32Type();
  auto aT = cast<RankedTensorType>(p.a.getType());
  auto cT = cast<RankedTensorType>(p.init.getType());
  int64_t r = aT.getRank();
  int64_t K = aT.getDimSize(r - 1);
  int64_t bK = p.transposedB ? r - 1 : r - 2; // B's reduction dimension
  auto f32T = RankedTensorType::get(cT.getShape(), b.getF32Type());

  // sum_k a b, chunk by chunk (each exact in f32).
  SmallVector<Value> products;
  for (int64_t k0 = 0; k0 < K; k0 += kMaxExactK) {
    int64_t kc = std::min(kMaxExactK, K - k0);
    Value qa = asQTensor(b, loc, format, sliceK(b, loc, p.a, r - 1, k0, kc),
                         r - 1);
    Value qb = asQTensor(b, loc, format, sliceK(b, loc, p.b, bK, k0, kc), bK);
    products.push_back(MatmulOp::create(
        b, loc, f32T, qa, qb, p.transposedB ? b.getUnitAttr() : UnitAttr()));
  }
  if (products.size() > 1)
    at->emitRemark("qf-import-int8: K = ")
        << K << " is summed in " << products.size() << " chunks of at most "
        << kMaxExactK << " (f32 sums of i8 products are exact up to 2^24)";

  // The zero-point terms, in i32 (wrapping like the frontend's i32 sums).
  auto toI32 = [&](Value zp) -> Value {
    unsigned w = zp.getType().getIntOrFloatBitWidth();
    if (w == 32)
      return zp;
    if (w < 32)
      return arith::ExtSIOp::create(b, loc, i32, zp);
    return arith::TruncIOp::create(b, loc, i32, zp);
  };
  Value za = isZeroConstant(p.za) ? Value() : toI32(p.za);
  Value zb = isZeroConstant(p.zb) ? Value() : toI32(p.zb);
  SmallVector<Value> ins(products);
  SmallVector<AffineMap> maps(products.size(), b.getMultiDimIdentityMap(r));
  // Loops (batch?, m, n); A rows drop n, B columns drop m.
  auto dropDim = [&](int64_t d) {
    SmallVector<AffineExpr> e;
    for (int64_t i = 0; i < r; ++i)
      if (i != d)
        e.push_back(b.getAffineDimExpr(i));
    return AffineMap::get(r, 0, e, b.getContext());
  };
  int rowIdx = -1, colIdx = -1;
  if (zb) {
    rowIdx = int(ins.size());
    ins.push_back(sumI32(b, loc, p.a, r - 1));
    maps.push_back(dropDim(r - 1));
  }
  if (za) {
    colIdx = int(ins.size());
    ins.push_back(sumI32(b, loc, p.b, bK));
    maps.push_back(dropDim(r - 2));
  }
  maps.push_back(b.getMultiDimIdentityMap(r));
  Value kzz;
  if (za && zb)
    kzz = arith::MulIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc, arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(K)),
            za),
        zb);
  SmallVector<utils::IteratorType> iters(r, utils::IteratorType::parallel);
  size_t np = products.size();
  auto sum = linalg::GenericOp::create(
      b, loc, cT, ins, p.init, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value acc = args.back();
        for (size_t i = 0; i < np; ++i)
          acc = arith::AddIOp::create(
              nb, l, acc, arith::FPToSIOp::create(nb, l, i32, args[i]));
        if (rowIdx >= 0)
          acc = arith::SubIOp::create(
              nb, l, acc, arith::MulIOp::create(nb, l, zb, args[rowIdx]));
        if (colIdx >= 0)
          acc = arith::SubIOp::create(
              nb, l, acc, arith::MulIOp::create(nb, l, za, args[colIdx]));
        if (kzz)
          acc = arith::AddIOp::create(nb, l, acc, kzz);
        linalg::YieldOp::create(nb, l, acc);
      });
  return sum.getResult(0);
}

} // namespace qf::import_int8
