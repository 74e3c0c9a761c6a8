//===- WeightArguments.cpp - weights read through views of arguments ------===//
#include "WeightArguments.h"

#include "QuantizeModelParts.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace qf {

namespace {

/// For a linalg.generic that only copies its one input (every loop parallel,
/// input and output maps permutations), the permutation with result dim i =
/// input dim perm[i]; nullopt for anything else (a broadcast, a computation).
std::optional<SmallVector<int64_t>> copyPermutation(linalg::GenericOp g) {
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 || !yield ||
      yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!maps[0].isPermutation() || !maps[1].isPermutation())
    return std::nullopt;
  SmallVector<int64_t> perm;
  for (unsigned i = 0; i < maps[1].getNumResults(); ++i)
    for (unsigned j = 0; j < maps[0].getNumResults(); ++j)
      if (maps[0].getDimPosition(j) == maps[1].getDimPosition(i))
        perm.push_back(j);
  return perm;
}

std::string describeOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << op->getName() << " at ";
  op->getLoc().print(os);
  return s;
}

bool isStaticF32(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getElementType().isF32();
}

std::string list(ArrayRef<int64_t> xs) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(xs, os, ",");
  return s;
}

/// The func.call ops calling `func`; nullopt, with a remark on `user` that
/// `what` is quantized at run time, when `func` is used otherwise (or its
/// uses are unknown): only callers can be rewritten to pass storage.
std::optional<SmallVector<func::CallOp>> callersOf(func::FuncOp func,
                                                   ModuleOp module,
                                                   Operation *user,
                                                   const std::string &what) {
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(func, module);
  if (!uses) {
    qf::quantize_model::remark(user, /*printOp=*/false) << "cannot find the callers of @"
        << func.getSymName() << "; " << what << " is quantized at run time";
    return std::nullopt;
  }
  SmallVector<func::CallOp> calls;
  for (const SymbolTable::SymbolUse &u : *uses) {
    auto call = dyn_cast<func::CallOp>(u.getUser());
    if (!call) {
      qf::quantize_model::remark(user, /*printOp=*/false) << "@"
          << func.getSymName() << " is referenced by " << u.getUser()->getName()
          << ", not only called; " << what << " is quantized at run time";
      return std::nullopt;
    }
    calls.push_back(call);
  }
  return calls;
}

} // namespace

SmallVector<Type> storageTypes(QTensorType t) {
  if (QTensorType low = t.getLowType()) {
    SmallVector<Type> s = storageTypes(low);
    s.append(storageTypes(t.getHighType()));
    s.push_back(t.getOutlierPositionsType());
    return s;
  }
  SmallVector<Type> s = {t.getPackedType(), t.getScalesType()};
  if (RankedTensorType ts = t.getTensorScaleType())
    s.push_back(ts);
  return s;
}

Value unpackStorage(OpBuilder &b, Location loc, QTensorType t,
                    ValueRange storage) {
  if (QTensorType low = t.getLowType()) {
    QTensorType high = t.getHighType();
    size_t nl = storageTypes(low).size(), nh = storageTypes(high).size();
    Value l = unpackStorage(b, loc, low, storage.take_front(nl));
    Value h = unpackStorage(b, loc, high, storage.slice(nl, nh));
    return SparseJoinOp::create(b, loc, t, l, h, storage[nl + nh]);
  }
  return UnpackOp::create(b, loc, t, storage[0], storage[1],
                          storage.size() > 2 ? storage[2] : Value());
}

SmallVector<Value> packStorage(OpBuilder &b, Location loc, Value q) {
  auto t = cast<QTensorType>(q.getType());
  if (QTensorType low = t.getLowType()) {
    auto parts = SparseSplitOp::create(b, loc, low, t.getHighType(),
                                       t.getOutlierPositionsType(), q);
    SmallVector<Value> s = packStorage(b, loc, parts.getLow());
    s.append(packStorage(b, loc, parts.getHigh()));
    s.push_back(parts.getPositions());
    return s;
  }
  RankedTensorType ts = t.getTensorScaleType();
  auto pack = PackOp::create(b, loc, t.getPackedType(), t.getScalesType(),
                             ts ? Type(ts) : Type(), q);
  return SmallVector<Value>(pack->getResults().begin(),
                            pack->getResults().end());
}

/// True when `op` reads an argument of its func.func's entry block and is
/// not a reduction (whose result, a projection or attention scores, is an
/// activation even when its inputs are arguments).
static bool readsFunctionArgument(Operation *op) {
  if (auto l = dyn_cast<linalg::LinalgOp>(op); l && l.getNumReductionLoops())
    return false;
  return llvm::any_of(op->getOperands(), [](Value o) {
    auto a = dyn_cast<BlockArgument>(o);
    return a && isa_and_nonnull<func::FuncOp>(a.getOwner()->getParentOp()) &&
           a.getOwner()->isEntryBlock();
  });
}

FailureOr<WeightView> traceArgumentView(Value v, std::string &why) {
  SmallVector<Operation *> rev;
  while (!isa<BlockArgument>(v)) {
    Operation *d = v.getDefiningOp();
    // An operand computed in the function (attention scores, a projection)
    // is an activation: no reason to report.
    auto stop = [&](std::string reason) {
      why = readsFunctionArgument(d) ? std::move(reason) : std::string();
      return failure();
    };
    Value next;
    if (auto c = dyn_cast<tensor::CastOp>(d)) {
      next = c.getSource();
    } else if (auto es = dyn_cast<tensor::ExpandShapeOp>(d)) {
      next = es.getSrc();
    } else if (auto cs = dyn_cast<tensor::CollapseShapeOp>(d)) {
      next = cs.getSrc();
    } else if (auto sl = dyn_cast<tensor::ExtractSliceOp>(d)) {
      if (!sl.getOffsets().empty() || !sl.getSizes().empty() ||
          !sl.getStrides().empty()) {
        return stop(describeOp(d) + " has dynamic offsets, sizes or strides");
      }
      next = sl.getSource();
    } else if (auto tr = dyn_cast<linalg::TransposeOp>(d)) {
      next = tr.getInput();
    } else if (auto g = dyn_cast<linalg::GenericOp>(d)) {
      if (!copyPermutation(g)) {
        return stop(describeOp(d) +
                    " is not a copy (a broadcast or a computation, which the "
                    "packed weight cannot repeat)");
      }
      next = g.getDpsInputs()[0];
    } else {
      return stop(
          describeOp(d) +
          " is not a view of a function argument (cast, reshape, static "
          "slice, transpose or copying generic)");
    }
    if (!isStaticF32(v.getType()) || !isStaticF32(next.getType())) {
      return stop(describeOp(d) + " works on a dynamic or non-f32 tensor");
    }
    rev.push_back(d);
    v = next;
  }
  auto arg = cast<BlockArgument>(v);
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || arg.getOwner() != &func.getBody().front()) {
    why = "the weight is a block argument, not a func.func argument";
    return failure();
  }
  if (!isStaticF32(arg.getType())) {
    why = "function argument #" + std::to_string(arg.getArgNumber()) +
          " is not a static f32 tensor";
    return failure();
  }
  WeightView w;
  w.arg = arg;
  w.chain.assign(rev.rbegin(), rev.rend());
  return w;
}

std::string describeView(const WeightView &view, ArrayRef<int64_t> finalShape) {
  SmallVector<std::string> steps;
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(view.arg.getType()).getShape());
  auto reshapeTo = [&](ArrayRef<int64_t> s) {
    if (ArrayRef<int64_t>(shape) == s)
      return;
    steps.push_back("reshape(" + list(s) + ")");
    shape.assign(s.begin(), s.end());
  };
  for (Operation *op : view.chain) {
    ArrayRef<int64_t> out =
        cast<RankedTensorType>(op->getResult(0).getType()).getShape();
    SmallVector<int64_t> perm;
    if (auto sl = dyn_cast<tensor::ExtractSliceOp>(op)) {
      steps.push_back("slice(" + list(sl.getStaticOffsets()) + ";" +
                      list(sl.getStaticSizes()) + ";" +
                      list(sl.getStaticStrides()) + ")");
      shape.assign(sl.getStaticSizes().begin(), sl.getStaticSizes().end());
    } else if (auto tr = dyn_cast<linalg::TransposeOp>(op)) {
      perm.assign(tr.getPermutation().begin(), tr.getPermutation().end());
    } else if (auto g = dyn_cast<linalg::GenericOp>(op)) {
      perm = *copyPermutation(g);
    }
    if (!perm.empty() &&
        !llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
      steps.push_back("transpose(" + list(perm) + ")");
      shape.assign(out.begin(), out.end());
    }
    reshapeTo(out); // reshapes, casts, rank-reducing slices
  }
  reshapeTo(finalShape);
  return llvm::join(steps, " ");
}

WeightViewArguments::WeightViewArguments(ModuleOp module) : module(module) {
  // Storage arguments name their source by its index before the pass,
  // which is what a runtime holding the original weights knows.
  module.walk([&](func::FuncOp f) {
    if (!f.getBody().empty())
      for (BlockArgument a : f.getBody().front().getArguments())
        originalIndex[a] = a.getArgNumber();
  });
}

Value WeightViewArguments::get(const WeightView &view,
                               ArrayRef<ReassociationIndices> collapse,
                               QTensorType type, Operation *user) {
  BlockArgument arg = view.arg;
  Value operand =
      view.chain.empty() ? Value(arg) : view.chain.back()->getResult(0);
  // Views are matched by what they read (the argument and the steps), not
  // by the viewed value: the rewrites erase view ops once they are dead.
  std::string text = describeView(view, type.getShape());
  for (Entry &e : entries)
    if (e.arg == arg && e.view == text) {
      if (e.type == type)
        return e.unpacked;
      qf::quantize_model::remark(user, /*printOp=*/false) << "the view of weight argument #"
          << arg.getArgNumber() << " is used with another layout or format ("
          << e.type << ") elsewhere; it is quantized at run time here";
      return {};
    }
  auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
  std::optional<SmallVector<func::CallOp>> calls =
      callersOf(func, module, user,
                "weight argument #" + std::to_string(arg.getArgNumber()));
  if (!calls)
    return {};

  MLIRContext *ctx = module.getContext();
  Builder attrB(ctx);
  unsigned original = originalIndex.lookup(arg);
  SmallVector<Type> storage = storageTypes(type);
  unsigned pos = arg.getArgNumber() + 1 + storageAfter.lookup(arg);
  SmallVector<DictionaryAttr> attrs(storage.size(), DictionaryAttr());
  attrs[0] = attrB.getDictionaryAttr(attrB.getNamedAttr(
      "qf.weight_view",
      attrB.getDictionaryAttr(
          {attrB.getNamedAttr("source", attrB.getI64IntegerAttr(original)),
           attrB.getNamedAttr("view", attrB.getStringAttr(text)),
           attrB.getNamedAttr("axis",
                              attrB.getI64IntegerAttr(type.getAxis()))})));
  SmallVector<unsigned> indices(storage.size(), pos);
  SmallVector<Location> locs(storage.size(), arg.getLoc());
  if (failed(func.insertArguments(indices, storage, attrs, locs)))
    return {};
  Block &entry = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  ValueRange newArgs = entry.getArguments().slice(pos, storage.size());
  Value unpacked = unpackStorage(b, arg.getLoc(), type, newArgs);

  // Callers apply the same view to the f32 weight they pass, then quantize
  // and pack it.
  for (func::CallOp call : *calls) {
    OpBuilder cb(call);
    Location loc = call.getLoc();
    IRMapping m;
    m.map(Value(arg), call.getOperand(arg.getArgNumber()));
    for (Operation *op : view.chain) {
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
        for (Value init : dps.getDpsInits()) {
          auto t = cast<RankedTensorType>(init.getType());
          m.map(init, tensor::EmptyOp::create(cb, loc, t.getShape(),
                                              t.getElementType())
                          .getResult());
        }
      cb.clone(*op, m);
    }
    Value w = m.lookup(operand);
    if (!collapse.empty())
      w = tensor::CollapseShapeOp::create(cb, loc, w, collapse);
    Value q = QuantizeOp::create(cb, loc, type, w, Value(), Value());
    call->insertOperands(pos, packStorage(cb, loc, q));
  }

  qf::quantize_model::remark(user, /*printOp=*/false) << "weight argument #"
      << original << " is read through a view ("
      << (text.empty() ? std::string("none") : text)
      << "); the view is passed quantized in new arguments marked "
         "qf.weight_view (qf-pack-weights --view packs it)";
  storageAfter[arg] += storage.size();
  if (!llvm::is_contained(sources, arg))
    sources.push_back(arg);
  entries.push_back({arg, text, type, unpacked});
  return unpacked;
}

void WeightViewArguments::finish(function_ref<bool(BlockArgument)> keep) {
  for (BlockArgument arg : sources) {
    if (!arg.use_empty() || keep(arg))
      continue;
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    unsigned idx = arg.getArgNumber();
    if (std::optional<SymbolTable::UseRange> uses =
            SymbolTable::getSymbolUses(func, module))
      for (const SymbolTable::SymbolUse &u : *uses)
        u.getUser()->eraseOperand(idx);
    (void)func.eraseArgument(idx);
  }
  sources.clear();
  entries.clear();
  storageAfter.clear();
}

WholeWeightArguments::WholeWeightArguments(ModuleOp module) : module(module) {}

bool WholeWeightArguments::handles(BlockArgument arg) const {
  return llvm::any_of(rewrites,
                      [&](const Rewrite &r) { return r.oldArg == arg; });
}

Value WholeWeightArguments::get(BlockArgument arg, QTensorType type,
                                Operation *op) {
  for (Rewrite &r : rewrites)
    if (r.oldArg == arg) {
      if (r.type == type)
        return r.unpacked;
      qf::quantize_model::remark(op, /*printOp=*/false) << "weight argument #"
          << arg.getArgNumber() << " is used with another layout or format ("
          << r.type << ") elsewhere; it is quantized at run time here";
      return {};
    }
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || arg.getOwner() != &func.getBody().front()) {
    qf::quantize_model::remark(op, /*printOp=*/false) << "the weight is a block argument but "
                   "not a func.func argument; it is quantized at run time";
    return {};
  }
  std::optional<SmallVector<func::CallOp>> calls =
      callersOf(func, module, op, "the weight");
  if (!calls)
    return {};
  unsigned idx = arg.getArgNumber();
  SmallVector<Type> storage = storageTypes(type);
  Location loc = arg.getLoc();
  SmallVector<unsigned> indices(storage.size(), idx + 1);
  SmallVector<DictionaryAttr> attrs(storage.size(), DictionaryAttr());
  SmallVector<Location> locs(storage.size(), loc);
  if (failed(func.insertArguments(indices, storage, attrs, locs)))
    return {};
  Block &entry = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  ValueRange newArgs = entry.getArguments().slice(idx + 1, storage.size());
  Value unpacked = unpackStorage(b, loc, type, newArgs);
  // Callers quantize and pack the f32 weight they used to pass.
  for (func::CallOp call : *calls) {
    OpBuilder cb(call);
    Value w = call.getOperand(idx);
    Value q = QuantizeOp::create(cb, call.getLoc(), type, w, Value(), Value());
    call->insertOperands(idx + 1, packStorage(cb, call.getLoc(), q));
  }
  rewrites.push_back({func, arg, type, unpacked, unsigned(storage.size())});
  return unpacked;
}

void WholeWeightArguments::finish() {
  for (Rewrite &r : rewrites) {
    if (!r.oldArg.use_empty()) {
      OpBuilder b(module.getContext());
      b.setInsertionPointAfterValue(r.unpacked);
      Value f32 = DequantizeOp::create(
          b, r.oldArg.getLoc(), r.type.getExpressedTensorType(), r.unpacked);
      r.oldArg.replaceAllUsesWith(f32);
    }
    unsigned idx = r.oldArg.getArgNumber();
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(r.func, module);
    if (uses)
      for (const SymbolTable::SymbolUse &u : *uses)
        u.getUser()->eraseOperand(idx);
    (void)r.func.eraseArgument(idx);
  }
  rewrites.clear();
}

} // namespace qf
