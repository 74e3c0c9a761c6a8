//===- format-attr-fuzzer.cpp - Fuzzes #qf.format<...> parsing ------------===//
//
// Arbitrary text parsed as an attribute with the qf dialect loaded (what
// qf-pack-weights --format and every .mlir file do). A #qf.format that
// parses must describe a format the numerics library accepts, convert to it
// and back unchanged, and print to text that parses to the same attribute.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext *ctx = qf::fuzz::renewedContext([] {
    auto *c = new mlir::MLIRContext(mlir::MLIRContext::Threading::DISABLED);
    c->loadDialect<qf::QFDialect>();
    // Diagnostics of rejected text are the expected outcome; keep them quiet.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
    return c;
  });
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::Attribute a = mlir::parseAttribute(text, ctx);
  auto fa = llvm::dyn_cast_or_null<qf::FormatAttr>(a);
  if (!fa)
    return 0;
  qf::numerics::BlockFormat f = fa.toNumerics();
  std::string err = f.validate();
  if (!err.empty()) {
    std::fprintf(stderr, "parsed format fails numerics validation: %s\n",
                 err.c_str());
    std::abort();
  }
  if (qf::FormatAttr::fromNumerics(ctx, f) != fa) {
    std::fprintf(stderr, "fromNumerics(toNumerics(a)) != a\n");
    std::abort();
  }
  std::string printed;
  llvm::raw_string_ostream os(printed);
  mlir::Attribute(fa).print(os);
  if (mlir::parseAttribute(printed, ctx) != fa) {
    std::fprintf(stderr, "printed format '%s' does not parse back\n",
                 printed.c_str());
    std::abort();
  }
  return 0;
}
