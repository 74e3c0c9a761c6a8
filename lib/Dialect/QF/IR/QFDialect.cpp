//===- QFDialect.cpp - qf dialect registration and constants --------------===//

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace qf;

#include "qf/Dialect/QF/IR/QFDialect.cpp.inc"

void QFDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "qf/Dialect/QF/IR/QFOps.cpp.inc"
      >();
}

Operation *QFDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  if (auto q = dyn_cast<QuantizedAttr>(value))
    if (q.getType() == type)
      return ConstantOp::create(builder, loc, type, q);
  if (auto typed = dyn_cast<TypedAttr>(value))
    if (arith::ConstantOp::isBuildableWith(typed, type))
      return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}
