//===- CPUTargetInfo.cpp - What the CPU target runs as one kernel ---------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/FusedKernels.h"

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
