//===- QuantizeRemarks.cpp - qf-quantize-model remarks and summary --------===//
#include "QuantizeModelParts.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <numeric>

using namespace mlir;

namespace qf::quantize_model {

InFlightDiagnostic remark(Operation *op, bool printOp) {
  // Operation::emitRemark attaches the printed op (print-op-on-diagnostic is
  // on by default); the location and the name are enough to find it.
  InFlightDiagnostic d =
      printOp ? op->emitRemark() : mlir::emitRemark(op->getLoc());
  d << "qf-quantize-model: " << op->getName() << ": ";
  return d;
}

bool isConvolution(linalg::LinalgOp op) {
  if (!linalg::isaConvolutionOpInterface(op) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op->getNumRegions() != 1)
    return false;
  return linalg::detail::isContractionBody(
      *op.getBlock(), [](Operation *mul, Operation *add) {
        return (isa<arith::MulFOp>(mul) && isa<arith::AddFOp>(add)) ||
               (isa<arith::MulIOp>(mul) && isa<arith::AddIOp>(add));
      });
}

size_t Summary::add(Operation *op, bool isConv) {
  Operation *fn = op->getParentOfType<FunctionOpInterface>();
  if (!fn)
    fn = op->getParentWithTrait<OpTrait::SymbolTable>();
  records.push_back({fn, op->getName(), isConv, false});
  return records.size() - 1;
}

void Summary::emit() const {
  struct Counts {
    int64_t total = 0, quantized = 0, convs = 0, convsQuantized = 0;
    llvm::MapVector<OperationName, int64_t> left;
  };
  llvm::MapVector<Operation *, Counts> perFunction;
  for (const Record &r : records) {
    Counts &c = perFunction[r.function];
    ++c.total;
    c.quantized += r.quantized;
    c.convs += r.isConv;
    c.convsQuantized += r.isConv && r.quantized;
    if (!r.quantized)
      ++c.left[r.name];
  }
  for (const auto &[fn, c] : perFunction) {
    InFlightDiagnostic d = mlir::emitRemark(fn->getLoc());
    d << "qf-quantize-model: ";
    if (auto sym = dyn_cast<SymbolOpInterface>(fn))
      d << "@" << sym.getName() << ": ";
    d << c.quantized << " of " << c.total << " contractions quantized";
    if (c.convs)
      d << " (" << c.convsQuantized << " of " << c.convs << " convolutions)";
    if (c.left.empty())
      continue;
    d << "; left in f32:";
    bool first = true;
    for (const auto &[name, n] : c.left) {
      d << (first ? " " : ", ") << n << " " << name.getStringRef();
      first = false;
    }
  }
}

QTensorType quantizedType(MLIRContext *ctx, ArrayRef<int64_t> shape,
                          FormatAttr f, int64_t axis) {
  if (f.getBlockKind() == BlockKind::Tensor)
    axis = 0;
  return QTensorType::get(ctx, shape, Float32Type::get(ctx), f, axis);
}

int64_t kMultiple(FormatAttr w, FormatAttr a) {
  int64_t multiple = 1;
  for (FormatAttr f : {w, a})
    if (f && f.getBlockKind() == BlockKind::Fixed)
      multiple = std::lcm(multiple, f.getBlockSize());
  return multiple;
}

} // namespace qf::quantize_model
