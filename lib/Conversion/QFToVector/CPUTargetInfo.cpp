//===- CPUTargetInfo.cpp - What the CPU target runs as one kernel ---------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/FusedKernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

qf::Support qf::CPUTargetInfo::supportsRowEncode(qf::QTensorType t,
                                                 bool staticScales) const {
  // The row encoder (qf::kernel::emitQuantizeRow) runs the quantize kernel's
  // straight-line block code on whole vectors of each row.
  qf::FormatAttr f = t.getFormat();
  if (f.getBlockKind() != qf::BlockKind::Fixed ||
      t.getAxis() != t.getRank() - 1)
    return Support::no("rows are encoded with fixed blocks along the last "
                       "axis only");
  if (f.getBlockSize() % vectorWidth != 0)
    return Support::no("blocks of " + Twine(f.getBlockSize()) +
                       " elements are not whole vectors of " +
                       Twine(vectorWidth));
  if (f.hasTensorScale() && !staticScales)
    return Support::no("the tensor scale of " + f.str() +
                       " needs the whole result first (no static scales)");
  return Support::yes();
}

Value qf::CPUTargetInfo::emitDotU8S8(OpBuilder &b, Location loc,
                                     Operation *moduleOp, Value acc, Value u,
                                     Value s) const {
  int64_t lanes = cast<VectorType>(acc.getType()).getNumElements();
  if (!x86Vnni || (lanes != 8 && lanes != 16))
    return TargetInfo::emitDotU8S8(b, loc, moduleOp, acc, u, s);
  // A call of a private declaration named after the intrinsic: LLVM IR
  // takes any function named llvm.* as that intrinsic, and a func.call has
  // the known (no) memory effects that buffer deallocation requires, which
  // llvm.call_intrinsic lacks. LLVM 22 spells the VNNI intrinsics on byte
  // vectors.
  StringRef name = lanes == 16 ? "llvm.x86.avx512.vpdpbusd.512"
                               : "llvm.x86.avx512.vpdpbusd.256";
  auto module = cast<ModuleOp>(moduleOp);
  auto type = b.getFunctionType({acc.getType(), u.getType(), s.getType()},
                                {acc.getType()});
  if (!module.lookupSymbol<func::FuncOp>(name)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto decl = func::FuncOp::create(b, loc, name, type);
    decl.setPrivate();
  }
  return func::CallOp::create(b, loc, name, TypeRange{acc.getType()},
                              ValueRange{acc, u, s})
      .getResult(0);
}

qf::Support qf::CPUTargetInfo::supports(Operation *op) const {
  if (auto map = dyn_cast<qf::MapOp>(op))
    return qf::kernel::mapKernelSupport(map, *this);
  if (auto mm = dyn_cast<qf::FusedMatmulOp>(op))
    return fusedMatmulKernelSupport(mm, *this);
  return Support::yes();
}

void qf::registerCPUTarget() {
  registerTarget("cpu", [](unsigned vectorWidth) {
    return std::make_unique<CPUTargetInfo>(vectorWidth, /*x86Avx512=*/false);
  });
}
