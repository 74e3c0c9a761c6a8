//===- QFFusedOps.cpp - qf.map, qf.fused_matmul, qf.row_reduce ------------===//
//
// Verifiers and accessors of the fused kernel ops that qf-fuse-requantize
// builds; the other ops are in QFOps.cpp, whose shape and storage checks
// they share (OpHelpers.h).
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/IR/QF.h"

#include "OpHelpers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace qf;
using namespace qf::detail;

//===----------------------------------------------------------------------===//
// MapOp / FusedMatmulOp / YieldOp
//===----------------------------------------------------------------------===//

/// The body of a fused elementwise op: `numArgs` f32 arguments, scalar
/// elementwise arith/math ops, and a qf.yield of one f32.
static LogicalResult verifyScalarBody(Operation *op, Region &region,
                                      unsigned numArgs, StringRef argsWhat) {
  Block &block = region.front();
  if (block.getNumArguments() != numArgs)
    return op->emitOpError() << "body has " << block.getNumArguments()
                             << " arguments, but " << numArgs << " are needed ("
                             << argsWhat << ")";
  for (BlockArgument arg : block.getArguments())
    if (!arg.getType().isF32())
      return op->emitOpError() << "body argument #" << arg.getArgNumber()
                               << " has type " << arg.getType()
                               << "; body arguments are f32 scalars";
  for (Operation &inner : block.without_terminator()) {
    // Row reductions (checked by their own verifier) in fused_matmul and
    // map bodies.
    if (isa<RowReduceOp>(inner) && isa<FusedMatmulOp, MapOp>(op))
      continue;
    StringRef ns = inner.getDialect() ? inner.getDialect()->getNamespace() : "";
    bool elementwise = inner.hasTrait<OpTrait::Elementwise>() ||
                       isa<arith::ConstantOp>(inner);
    if ((ns != "arith" && ns != "math") || !elementwise ||
        inner.getNumRegions() != 0)
      return op->emitOpError()
             << "body op '" << inner.getName()
             << "' is not an elementwise arith or math op; the body may only "
                "compute on scalars";
    for (Type t : llvm::concat<const Type>(
             SmallVector<Type>(inner.getOperandTypes()),
             SmallVector<Type>(inner.getResultTypes())))
      if (!t.isIntOrFloat())
        return op->emitOpError()
               << "body op '" << inner.getName() << "' uses type " << t
               << "; the body computes on int or float scalars only";
  }
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().size() != 1 || !yield.getValues()[0].getType().isF32())
    return op->emitOpError() << "body must yield exactly one f32 value";
  return success();
}

AffineMap MapOp::getInputMap(unsigned i) {
  if (std::optional<ArrayAttr> maps = getIndexingMaps())
    return cast<AffineMapAttr>((*maps)[i]).getValue();
  return AffineMap::getMultiDimIdentityMap(getRank(), getContext());
}

int64_t MapOp::getRank() { return getResultShape().size(); }

ArrayRef<int64_t> MapOp::getResultShape() {
  return shapeOfQOrFloat(getResult().getType());
}

LogicalResult MapOp::verify() {
  ArrayRef<int64_t> shape = getResultShape();
  int64_t rank = shape.size();
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  if (std::optional<ArrayAttr> maps = getIndexingMaps())
    if (maps->size() != getInputs().size())
      return emitOpError() << "has " << maps->size() << " indexing maps for "
                           << getInputs().size() << " inputs";
  if (auto rt = dyn_cast<RankedTensorType>(getResult().getType());
      rt && !rt.getElementType().isF32())
    return emitOpError() << "float result has element type "
                         << rt.getElementType() << "; only f32 is supported";
  if (auto qt = dyn_cast<QTensorType>(getResult().getType());
      qt && !qt.getExpressedType().isF32())
    return emitOpError() << "result expresses " << qt.getExpressedType()
                         << "; only f32 is supported";
  bool hasIdentity = false;
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    AffineMap map = getInputMap(i);
    if (map.getNumDims() != rank)
      return emitOpError() << "indexing map #" << i << " has "
                           << map.getNumDims() << " dimensions; the result has "
                           << rank;
    int64_t last = -1;
    SmallVector<int64_t> expected;
    for (AffineExpr e : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d || int64_t(d.getPosition()) <= last)
        return emitOpError()
               << "indexing map #" << i << " (" << AffineMapAttr::get(map)
               << ") is not a broadcast: it must pick an increasing subset of "
                  "the result dimensions";
      last = d.getPosition();
      expected.push_back(shape[last]);
    }
    bool identity = map.isIdentity();
    hasIdentity |= identity;
    Type t = in.getType();
    if (auto q = dyn_cast<QTensorType>(t)) {
      if (!identity)
        return emitOpError() << "input #" << i << " (" << t
                             << ") is quantized and must use the identity map";
      if (!q.getExpressedType().isF32())
        return emitOpError() << "input #" << i << " expresses "
                             << q.getExpressedType()
                             << "; only f32 is supported";
    } else if (!cast<RankedTensorType>(t).getElementType().isF32()) {
      return emitOpError() << "input #" << i << " has element type "
                           << cast<RankedTensorType>(t).getElementType()
                           << "; only f32 is supported";
    }
    if (!compatibleShapes(shapeOfQOrFloat(t), expected))
      return emitOpError() << "input #" << i << " has shape "
                           << shapeStr(shapeOfQOrFloat(t))
                           << ", but its indexing map needs "
                           << shapeStr(expected);
  }
  if (!hasIdentity)
    return emitOpError() << "needs one input with the identity indexing map "
                            "(it gives the iteration sizes)";
  return verifyGivenScales(*this, getResult().getType(), getScales(),
                           getTensorScale());
}

LogicalResult MapOp::verifyRegions() {
  if (failed(verifyScalarBody(*this, getBody(), getInputs().size(),
                              "one per input")))
    return failure();
  // A row reduction runs over the result's last axis: the kernel keeps one
  // row (its reduced values) per iteration, so that axis must be known.
  if (!getBody().front().getOps<RowReduceOp>().empty()) {
    ArrayRef<int64_t> shape = getResultShape();
    if (shape.empty() || ShapedType::isDynamic(shape.back()))
      return emitOpError() << "has a qf.row_reduce in its body, which reduces "
                              "over the result's last axis (a row); the "
                              "result "
                           << shapeStr(shape)
                           << " needs a static last axis";
  }
  return success();
}

AffineMap FusedMatmulOp::getEpilogueMap(unsigned i) {
  if (std::optional<ArrayAttr> maps = getEpilogueMaps())
    return cast<AffineMapAttr>((*maps)[i]).getValue();
  return AffineMap::getMultiDimIdentityMap(getRowShape().size(),
                                           getContext());
}

SmallVector<int64_t> FusedMatmulOp::getRowShape() {
  ArrayRef<int64_t> a = shapeOfQOrFloat(getLhs().getType());
  ArrayRef<int64_t> b = shapeOfQOrFloat(getRhs().getType());
  size_t r = a.size();
  SmallVector<int64_t> s;
  if (r == 3)
    s.push_back(ShapedType::isDynamic(a[0]) ? b[0] : a[0]);
  int64_t m = a[r - 2], n = getTransposeB() ? b[r - 2] : b[r - 1];
  s.push_back(getTransposeResult() ? n : m);
  s.push_back(getTransposeResult() ? m : n);
  return s;
}

LogicalResult FusedMatmulOp::verify() {
  // The contraction itself: the rules of qf.matmul.
  Type resultType = getResult().getType();
  auto out = dyn_cast<QTensorType>(resultType);
  ArrayRef<int64_t> c = shapeOfQOrFloat(resultType);
  if (failed(contractionShape(*this, getLhs().getType(), getRhs().getType(),
                              getTransposeB())))
    return failure();
  // The result: the product (transposed with transpose_result), its last
  // axis possibly padded with zeros to a longer static size.
  SmallVector<int64_t> rows = getRowShape();
  SmallVector<int64_t> expected = rows;
  int64_t last = rows.back(), cLast = c.back();
  bool padded = !ShapedType::isDynamic(last) &&
                !ShapedType::isDynamic(cLast) && cLast > last;
  if (padded)
    expected.back() = cLast;
  if (c.size() != expected.size() || !compatibleShapes(c, expected))
    return emitOpError() << "result shape " << shapeStr(c)
                         << " does not match the product "
                         << shapeStr(rows)
                         << (getTransposeResult() ? " (transpose_result: [N, M])"
                                                  : "")
                         << "; only the last axis may be longer (padded with "
                            "zeros)";
  ArrayRef<int64_t> b = shapeOfQOrFloat(getRhs().getType());
  size_t r = b.size();
  bool tb = getTransposeB();
  if (Value rhs2 = getRhs2()) {
    // The second product shares lhs, transpose_b and the result shape, so
    // rhs2 has the shape of rhs.
    ArrayRef<int64_t> b2 = shapeOfQOrFloat(rhs2.getType());
    if (b2.size() != r || !compatibleShapes(b2, b))
      return emitOpError() << "rhs2 has shape " << shapeStr(b2)
                           << "; the second product needs the shape of rhs "
                           << shapeStr(b);
    if (failed(verifyContractionAxis(*this, rhs2.getType(),
                                     tb ? r - 1 : r - 2, "rhs2")))
      return failure();
  }
  if (!out) {
    Type elt = cast<RankedTensorType>(resultType).getElementType();
    if (!elt.isF32())
      return emitOpError() << "float result has element type " << elt
                           << "; only f32 is supported";
    if (padded || getTransposeResult())
      return emitOpError() << "an f32 result cannot be padded or use "
                              "transpose_result (those forms feed a "
                              "quantized contraction)";
  } else if (!out.getExpressedType().isF32()) {
    return emitOpError() << "result expresses " << out.getExpressedType()
                         << "; only f32 is supported";
  }
  if (out && out.getFormat().getBlockKind() != BlockKind::Tensor &&
      out.getAxis() != int64_t(r) - 1)
    return emitOpError() << "result is blocked along axis " << out.getAxis()
                         << "; the epilogue encodes blocks along the last "
                            "axis (axis "
                         << r - 1 << ": N, or M with transpose_result)";
  if (std::optional<ArrayAttr> maps = getEpilogueMaps())
    if (maps->size() != getEpilogue().size())
      return emitOpError() << "has " << maps->size()
                           << " epilogue maps for " << getEpilogue().size()
                           << " epilogue inputs";
  for (auto [i, e] : llvm::enumerate(getEpilogue())) {
    // A broadcast of the row shape: an increasing subset of its dims.
    AffineMap map = getEpilogueMap(i);
    if (map.getNumDims() != rows.size() || map.getNumSymbols() != 0)
      return emitOpError() << "epilogue map #" << i << " has "
                           << map.getNumDims() << " dimensions; the rows have "
                           << rows.size();
    SmallVector<int64_t> want;
    int64_t prev = -1;
    for (AffineExpr x : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(x);
      if (!d || int64_t(d.getPosition()) <= prev)
        return emitOpError()
               << "epilogue map #" << i << " (" << AffineMapAttr::get(map)
               << ") is not a broadcast: it must pick an increasing subset of "
                  "the row dimensions";
      prev = d.getPosition();
      want.push_back(rows[prev]);
    }
    ArrayRef<int64_t> shape = cast<RankedTensorType>(e.getType()).getShape();
    if (!compatibleShapes(shape, want))
      return emitOpError() << "epilogue input #" << i << " has shape "
                           << shapeStr(shape)
                           << "; its map needs " << shapeStr(want)
                           << " of the product's shape (the result before "
                              "padding) "
                           << shapeStr(rows);
  }
  return verifyGivenScales(*this, resultType, getScales(), getTensorScale());
}

LogicalResult FusedMatmulOp::verifyRegions() {
  if (getRhs2())
    return verifyScalarBody(*this, getBody(), 2 + getEpilogue().size(),
                            "the accumulators of rhs and rhs2, then one per "
                            "epilogue input");
  return verifyScalarBody(*this, getBody(), 1 + getEpilogue().size(),
                          "the accumulator, then one per epilogue input");
}

LogicalResult RowReduceOp::verifyRegions() {
  if (failed(verifyScalarBody(*this, getCombiner(), 2,
                              "the element, then the accumulator")))
    return failure();
  // init is computed once per row: it may not depend on the elements.
  Block *body = (*this)->getBlock();
  SmallVector<Value> work{getInit()};
  llvm::SmallPtrSet<Value, 8> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == body)
        return emitOpError() << "init depends on the body argument #"
                             << arg.getArgNumber()
                             << "; it must be the same for every element of "
                                "the row (constants and earlier row "
                                "reductions)";
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (isa<RowReduceOp>(def))
      continue;
    for (Value o : def->getOperands())
      work.push_back(o);
  }
  return success();
}
