//===- dialect-parser-fuzzer.cpp - Fuzzes qf IR parsing and verifying -----===//
//
// Arbitrary text through parseSourceString (which verifies) with the qf
// dialect and the upstream dialects its IR uses registered, in the style of
// MLIR's mlir-parser-fuzzer. A module that parses and verifies must also
// print, in the custom and the generic form.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "InputNesting.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext *ctx = qf::fuzz::renewedContext([] {
    mlir::DialectRegistry registry;
    registry.insert<qf::QFDialect, mlir::arith::ArithDialect,
                    mlir::func::FuncDialect, mlir::memref::MemRefDialect,
                    mlir::scf::SCFDialect, mlir::tensor::TensorDialect,
                    mlir::vector::VectorDialect>();
    auto *c = new mlir::MLIRContext(registry,
                                    mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    // Rejected text is the expected outcome; keep its diagnostics quiet.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
    return c;
  });
  // MLIR's lexer reads up to a terminating NUL (as every file and
  // std::string buffer has); libFuzzer's bytes have none, so copy them.
  std::string text(reinterpret_cast<const char *>(data), size);
  // qf-opt rejects text nested too deeply for MLIR's recursive parser
  // before parsing it (tools/qf-opt/InputNesting.h).
  if (qf::findExcessiveNesting(text, qf::kMaxInputNesting))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, ctx);
  if (!module)
    return 0;
  std::string out;
  llvm::raw_string_ostream os(out);
  module->print(os);
  module->print(os, mlir::OpPrintingFlags().printGenericOpForm());
  return 0;
}
