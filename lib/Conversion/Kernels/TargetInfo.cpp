//===- TargetInfo.cpp - Defaults shared by the kernel targets -------------===//
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/Mutex.h"

#include <mutex>
#include <numeric>
#include <string>
#include <vector>

using namespace mlir;

qf::TargetInfo::~TargetInfo() = default;

void qf::TargetInfo::emitParallelLoop(
    OpBuilder &b, Location loc, ArrayRef<Value> ubs,
    function_ref<void(OpBuilder &, ValueRange)> body) const {
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(ubs.size(), c0), steps(ubs.size(), c1);
  // scf.parallel adds its scf.reduce terminator after the body.
  scf::ParallelOp::create(b, loc, lbs, ubs, steps,
                          [&](OpBuilder &nb, Location, ValueRange ivs) {
                            body(nb, ivs);
                          });
}

Value qf::TargetInfo::emitDotU8S8(OpBuilder &b, Location loc, Operation *,
                                  Value acc, Value u, Value s) const {
  auto accT = cast<VectorType>(acc.getType());
  int64_t l = accT.getNumElements();
  auto wide = VectorType::get({4 * l}, b.getI32Type());
  Value p = arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, u),
                                  arith::ExtSIOp::create(b, loc, wide, s));
  // Lane i adds products 4i..4i+3: four strided shuffles (no
  // multi_reduction, whose lowering leaves ub.poison behind).
  Value sum = acc;
  for (int64_t t = 0; t < 4; ++t) {
    SmallVector<int64_t> idx;
    for (int64_t i = 0; i < l; ++i)
      idx.push_back(4 * i + t);
    sum = arith::AddIOp::create(b, loc, sum,
                                vector::ShuffleOp::create(b, loc, p, p, idx));
  }
  return sum;
}

Value qf::TargetInfo::emitGroupMaxSI(OpBuilder &, Location, Value v,
                                     unsigned lanes) const {
  if (lanes != 1)
    llvm::report_fatal_error("emitGroupMaxSI: this target's parallel "
                             "iterations do not cooperate");
  return v;
}

LogicalResult qf::TargetInfo::checkLowerable(Operation *op,
                                             qf::QTensorType t) const {
  unsigned bits = t.getElementBits();
  unsigned vw = getVectorWidth();
  int64_t g = std::lcm<int64_t>(bits, 8) / bits;
  if (vw % g != 0)
    return op->emitOpError() << "cannot lower " << t.getFormat().str()
                             << " codes of " << bits << " bits with vector-width "
                             << vw << "; the width must be a multiple of " << g;
  return success();
}

namespace {
struct Registry {
  llvm::sys::SmartMutex<true> lock;
  llvm::StringMap<qf::TargetFactory> factories;
};
llvm::ManagedStatic<Registry> registry;
} // namespace

void qf::registerTarget(StringRef name, TargetFactory factory) {
  std::lock_guard<llvm::sys::SmartMutex<true>> guard(registry->lock);
  registry->factories[name] = std::move(factory);
}

std::unique_ptr<qf::TargetInfo>
qf::createTarget(StringRef name, unsigned vectorWidth, std::string &error) {
  if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) || vectorWidth > 64) {
    error = "vector width " + std::to_string(vectorWidth) +
            " is not a power of two in 1..64";
    return nullptr;
  }
  std::lock_guard<llvm::sys::SmartMutex<true>> guard(registry->lock);
  auto it = registry->factories.find(name);
  if (it == registry->factories.end()) {
    error = "unknown target '" + name.str() + "'; registered:";
    // Sorted: StringMap's order depends on the hash table.
    std::vector<std::string> names;
    for (const auto &e : registry->factories)
      names.push_back(e.getKey().str());
    llvm::sort(names);
    for (const std::string &n : names)
      error += " " + n;
    return nullptr;
  }
  return it->second(vectorWidth);
}
