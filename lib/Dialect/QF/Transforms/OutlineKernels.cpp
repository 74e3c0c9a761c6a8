//===- OutlineKernels.cpp - qf-outline-kernels: one function per kernel ---===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/raw_ostream.h"

namespace qf {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

constexpr StringLiteral kPrefix = "__qf_kernel_";

/// What makes two kernel ops interchangeable: name, types and attributes.
std::string keyOf(Operation *op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << op->getName() << "(";
  for (Type t : op->getOperandTypes())
    os << t << ",";
  os << ")->(";
  for (Type t : op->getResultTypes())
    os << t << ",";
  os << ")" << op->getAttrDictionary() << op->getPropertiesAsAttribute();
  return key;
}

struct OutlineKernelsPass final
    : qf::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp m = getOperation();
    SymbolTable symbols(m);
    SmallVector<Operation *> ops;
    m.walk([&](Operation *op) {
      if (!isa<qf::QuantizeOp, qf::DequantizeOp, qf::RequantizeOp,
               qf::MatmulOp, qf::HadamardOp>(op))
        return;
      auto f = op->getParentOfType<func::FuncOp>();
      if (f && f.getSymName().starts_with(kPrefix))
        return; // already outlined
      ops.push_back(op);
    });
    llvm::StringMap<func::FuncOp> kernels;
    unsigned next = 0;
    for (Operation *op : ops) {
      std::string key = keyOf(op);
      func::FuncOp &fn = kernels[key];
      if (!fn) {
        OpBuilder b = OpBuilder::atBlockEnd(m.getBody());
        std::string name;
        do {
          name = (kPrefix + Twine(next++)).str();
        } while (symbols.lookup(name));
        fn = func::FuncOp::create(
            b, op->getLoc(), name,
            b.getFunctionType(op->getOperandTypes(), op->getResultTypes()));
        fn.setPrivate();
        Block *entry = fn.addEntryBlock();
        OpBuilder fb = OpBuilder::atBlockEnd(entry);
        IRMapping map;
        map.map(op->getOperands(), entry->getArguments());
        Operation *clone = fb.clone(*op, map);
        func::ReturnOp::create(fb, op->getLoc(), clone->getResults());
        symbols.insert(fn);
      }
      OpBuilder b(op);
      auto call = func::CallOp::create(b, op->getLoc(), fn, op->getOperands());
      op->replaceAllUsesWith(call.getResults());
      op->erase();
    }
  }
};

} // namespace
