//===- ImportInt8QuantTypes.cpp - qf-import-int8: quant types on functions ===//
//
// Upstream `quant` types on function boundaries carry scales and zero points.
// A qf format has no zero point and one scale per block along one axis, so
// the types it represents exactly are the symmetric ones with signed 8-bit
// storage and f32 scales: per-tensor (one scale) and per-axis on a rank-2
// tensor (one scale per row or column, i.e. per output channel of a weight,
// a channel block along the other axis). Such an argument becomes its i8
// storage (upstream --strip-func-quant-types rewrites the signature, the
// returns and the calls), read through qf.unpack with the type's scales;
// its quant.dcast becomes qf.dequantize of that tensor, which is
// code * scale in f32 as --lower-quant-ops computes it. Everything else
// (asymmetric activations, results, other storage or expressed types,
// per-axis on other ranks, other uses) is refused with an error naming the
// function, the position, the type and the reason, before anything changes.
//
//===----------------------------------------------------------------------===//
#include "ImportInt8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace qf::import_int8 {
namespace {

constexpr const char *kWayIn =
    "; lower it to its i8 storage first with --strip-func-quant-types "
    "--lower-quant-ops (or the frontend's own lowering), then run "
    "qf-import-int8";

/// Why the argument `arg` of type `t` cannot be imported; empty when it can.
std::string refusal(func::FuncOp f, BlockArgument arg, Type t) {
  auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(t));
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt || !rt.hasStaticShape())
    return "not a static ranked tensor";
  auto perTensor = dyn_cast<quant::UniformQuantizedType>(qt);
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qt);
  if (isa<quant::UniformQuantizedSubChannelType>(qt))
    return "a sub-channel type (run --normalize-quant-types first: those "
           "with one scale per tensor or per axis become per-tensor or "
           "per-axis types)";
  if (!perTensor && !perAxis)
    return "only uniform per-tensor and per-axis types map onto qf formats";
  if (!qt.isSigned() || qt.getStorageTypeIntegralWidth() != 8)
    return "storage is not signed 8-bit (qf's int8 format holds i8 codes)";
  if (!qt.getExpressedType().isF32())
    return "the expressed type is not f32 (qf scales decode to f32)";
  int64_t zp = perTensor ? perTensor.getZeroPoint() : 0;
  if (perAxis)
    for (int64_t z : perAxis.getZeroPoints())
      zp = zp ? zp : z;
  if (zp)
    return "asymmetric (zero point " + std::to_string(zp) +
           "): qf formats have no zero point";
  if (rt.getRank() == 0)
    return "a rank-0 tensor (qf blocks one axis)";
  if (perAxis && rt.getRank() != 2)
    return "per-axis on a rank-" + std::to_string(rt.getRank()) +
           " tensor: qf takes per-axis scales of rank-2 weights (one per "
           "output channel) only";
  if (perAxis) {
    int32_t d = perAxis.getQuantizedDimension();
    if (d < 0 || d > 1 ||
        int64_t(perAxis.getScales().size()) != rt.getDimSize(d))
      return "per-axis on dimension " + std::to_string(d) + " with " +
             std::to_string(perAxis.getScales().size()) +
             " scales does not fit the tensor";
  }
  if (f.isExternal())
    return "the function is a declaration (no body to read the weight)";
  for (Operation *user : arg.getUsers()) {
    if (isa<quant::DequantizeCastOp>(user))
      continue;
    if (auto s = dyn_cast<quant::StorageCastOp>(user))
      if (s.getResult().getType() == quant::QuantizedType::castToStorageType(t))
        continue;
    return "used by " + user->getName().getStringRef().str() +
           " (only quant.dcast and quant.scast to the storage type are "
           "mapped)";
  }
  return "";
}

/// The scales of `qt` as the channel scales [other dim, 1] of a rank-2
/// tensor blocked along `axis` (or [..., 1] of any rank for a per-tensor
/// type), rounded to f32 as --lower-quant-ops rounds them.
DenseElementsAttr scalesOf(quant::QuantizedType qt, RankedTensorType scalesT) {
  SmallVector<float> s;
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(qt))
    s.assign(size_t(scalesT.getNumElements()), float(pt.getScale()));
  else
    for (double d : cast<quant::UniformQuantizedPerAxisType>(qt).getScales())
      s.push_back(float(d));
  return DenseElementsAttr::get(scalesT, ArrayRef<float>(s));
}

/// quant.scast(quant.scast(x)) back to x's type is x (what the strip leaves
/// between a caller's cast and the callee's storage argument).
void foldStorageCastPairs(ModuleOp module) {
  SmallVector<quant::StorageCastOp> pairs;
  module.walk([&](quant::StorageCastOp op) {
    auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
    if (inner && inner.getInput().getType() == op.getResult().getType())
      pairs.push_back(op);
  });
  for (quant::StorageCastOp op : pairs) {
    auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
    op.getResult().replaceAllUsesWith(inner.getInput());
    op.erase();
    if (inner->use_empty())
      inner.erase();
  }
}

} // namespace

LogicalResult checkQuantTypes(ModuleOp module,
                              SmallVectorImpl<QuantArgument> &mapped) {
  bool refused = false;
  module.walk([&](func::FuncOp f) {
    FunctionType ft = f.getFunctionType();
    auto fail = [&](StringRef what, unsigned i, Type t, StringRef why) {
      f.emitError("qf-import-int8: ")
          << what << " #" << i << " of @" << f.getSymName() << " has type "
          << t << ": not imported: " << why << kWayIn;
      refused = true;
    };
    for (auto [i, t] : llvm::enumerate(ft.getInputs())) {
      auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(t));
      if (!qt)
        continue;
      BlockArgument arg = f.isExternal() ? BlockArgument() : f.getArgument(i);
      std::string why = refusal(f, arg, t);
      if (!why.empty())
        fail("argument", unsigned(i), t, why);
      else
        mapped.push_back({f, unsigned(i), qt});
    }
    for (auto [i, t] : llvm::enumerate(ft.getResults()))
      if (isa<quant::QuantizedType>(getElementTypeOrSelf(t)))
        fail("result", unsigned(i), t,
             "only weight arguments are mapped (qf does not produce the "
             "type's codes and zero point)");
  });
  // Callers must be calls: only they follow the signature.
  for (QuantArgument a : mapped) {
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(a.func, module);
    for (const SymbolTable::SymbolUse &u :
         uses ? *uses : SymbolTable::UseRange({})) {
      if (isa<func::CallOp>(u.getUser()))
        continue;
      a.func.emitError("qf-import-int8: argument #")
          << a.index << " of @" << a.func.getSymName() << " has type "
          << a.func.getArgument(a.index).getType()
          << ": not imported: @" << a.func.getSymName() << " is referenced by "
          << u.getUser()->getName() << ", whose type would not follow"
          << kWayIn;
      refused = true;
    }
  }
  return failure(refused);
}

void importQuantArguments(ModuleOp module, ArrayRef<QuantArgument> mapped,
                          FormatAttr format) {
  foldStorageCastPairs(module);
  for (QuantArgument a : mapped) {
    BlockArgument arg = a.func.getArgument(a.index);
    auto storageT = cast<RankedTensorType>(arg.getType());
    // The strip left one quant.scast storage -> quant type at the entry.
    auto cast = llvm::find_if(arg.getUsers(), [](Operation *u) {
      return isa<quant::StorageCastOp>(u);
    });
    if (cast == arg.getUsers().end())
      continue;
    auto scast = llvm::cast<quant::StorageCastOp>(*cast);
    OpBuilder b = OpBuilder::atBlockBegin(&a.func.getBody().front());
    Location loc = arg.getLoc();
    // Per-axis along dim d of [.., ..]: one scale per index of d, a channel
    // block along the other axis; per-tensor: blocks along the last axis.
    int64_t axis = storageT.getRank() - 1;
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(a.type))
      axis = 1 - pa.getQuantizedDimension();
    auto qt = QTensorType::get(b.getContext(), storageT.getShape(),
                               b.getF32Type(), format, axis);
    Value scales = arith::ConstantOp::create(
        b, loc, scalesOf(a.type, qt.getScalesType()));
    Value u = asQTensor(b, loc, format, arg, axis, scales);
    Value f32;
    for (Operation *user : llvm::make_early_inc_range(scast->getUsers())) {
      OpBuilder ub(user);
      if (auto d = dyn_cast<quant::DequantizeCastOp>(user)) {
        if (!f32)
          f32 = DequantizeOp::create(b, loc, qt.getExpressedTensorType(), u);
        d.getResult().replaceAllUsesWith(f32);
      } else {
        user->getResult(0).replaceAllUsesWith(arg);
      }
      user->erase();
    }
    scast->erase();
  }
}

} // namespace qf::import_int8
