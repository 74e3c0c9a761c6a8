//===- OutlineKernels.cpp - qf-outline-kernels: one function per kernel ---===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

namespace qf {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

constexpr StringLiteral kPrefix = qf::kKernelFunctionPrefix;

/// What makes two kernel ops interchangeable: name, types and attributes,
/// and for the fused ops (qf.map, qf.fused_matmul) their bodies.
std::string keyOf(Operation *op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  if (op->getNumRegions()) {
    // The op is isolated from above: printed on its own (generic form,
    // without locations), its body's values are numbered the same way for
    // every copy, and its operands print alike. Printing costs about as
    // much as the op is large, and fused bodies are a few dozen scalar ops.
    op->print(os, OpPrintingFlags().useLocalScope().printGenericOpForm());
    return key;
  }
  os << op->getName() << "(";
  for (Type t : op->getOperandTypes())
    os << t << ",";
  os << ")->(";
  for (Type t : op->getResultTypes())
    os << t << ",";
  os << ")" << op->getAttrDictionary() << op->getPropertiesAsAttribute();
  return key;
}

/// A qf.hadamard whose only user is a qf.quantize in the same block: the
/// pair goes into one kernel function, so that convert-qf-to-vector can fuse
/// it (the rotation in registers, one pass over memory).
qf::QuantizeOp fusedQuantizeUser(Operation *op) {
  auto h = dyn_cast<qf::HadamardOp>(op);
  if (!h || !h->hasOneUse())
    return {};
  auto q = dyn_cast<qf::QuantizeOp>(*h->user_begin());
  return q && q->getBlock() == h->getBlock() ? q : qf::QuantizeOp();
}

struct OutlineKernelsPass final
    : qf::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp m = getOperation();
    SymbolTable symbols(m);
    SmallVector<Operation *> ops;
    llvm::DenseSet<Operation *> paired;
    m.walk([&](Operation *op) {
      // The fused kernels too: after qf-fuse-requantize most of a model's
      // kernels are qf.map and qf.fused_matmul, and left inline each layer
      // compiled its own copy (a 32-layer transformer: 3x the LLVM IR, 4x
      // the object).
      if (!isa<qf::QuantizeOp, qf::DequantizeOp, qf::RequantizeOp,
               qf::MatmulOp, qf::HadamardOp, qf::MapOp, qf::FusedMatmulOp>(
              op))
        return;
      auto f = op->getParentOfType<func::FuncOp>();
      if (f && f.getSymName().starts_with(kPrefix))
        return; // already outlined
      if (paired.contains(op))
        return; // outlined with its qf.hadamard
      if (qf::QuantizeOp q = fusedQuantizeUser(op))
        paired.insert(q);
      ops.push_back(op);
    });
    llvm::StringMap<func::FuncOp> kernels;
    unsigned next = 0;
    for (Operation *op : ops) {
      // The kernel: op alone, or a qf.hadamard and its qf.quantize (the
      // operands of both except the rotated value, the quantize's results).
      SmallVector<Operation *> group = {op};
      SmallVector<Value> operands(op->getOperands());
      Operation *last = op;
      if (qf::QuantizeOp q = fusedQuantizeUser(op)) {
        group.push_back(q);
        for (Value v : q->getOperands())
          if (v.getDefiningOp() != op)
            operands.push_back(v);
        last = q;
      }
      std::string key;
      for (Operation *g : group)
        key += keyOf(g) + ";";
      func::FuncOp &fn = kernels[key];
      if (!fn) {
        OpBuilder b = OpBuilder::atBlockEnd(m.getBody());
        std::string name;
        do {
          name = (kPrefix + Twine(next++)).str();
        } while (symbols.lookup(name));
        fn = func::FuncOp::create(
            b, op->getLoc(), name,
            b.getFunctionType(ValueRange(operands).getTypes(),
                              last->getResultTypes()));
        fn.setPrivate();
        Block *entry = fn.addEntryBlock();
        OpBuilder fb = OpBuilder::atBlockEnd(entry);
        IRMapping map;
        map.map(operands, entry->getArguments());
        Operation *clone = nullptr;
        for (Operation *g : group)
          clone = fb.clone(*g, map);
        func::ReturnOp::create(fb, op->getLoc(), clone->getResults());
        symbols.insert(fn);
      }
      OpBuilder b(last);
      auto call = func::CallOp::create(b, last->getLoc(), fn, operands);
      last->replaceAllUsesWith(call.getResults());
      for (Operation *g : llvm::reverse(group))
        g->erase();
    }
  }
};

} // namespace
