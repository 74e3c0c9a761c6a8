//===- FuzzContext.h - An MLIRContext renewed between inputs ----*- C++ -*-===//
//
// An MLIRContext keeps every attribute and type it ever parsed (they are
// uniqued for its lifetime), so one context over millions of fuzzer inputs
// grows without bound and ends in an out-of-memory report that is no defect
// of qf's. The harnesses that parse IR take their context from here.
//
//===----------------------------------------------------------------------===//
#ifndef QF_FUZZ_FUZZCONTEXT_H
#define QF_FUZZ_FUZZCONTEXT_H

#include "mlir/IR/MLIRContext.h"

#include <memory>

namespace qf::fuzz {

/// Inputs per context.
constexpr unsigned kContextInputs = 20000;

/// The harness's context: made by `make()` on first use and made anew after
/// every kContextInputs inputs (one instantiation, and so one context, per
/// harness's `make`).
template <typename Make>
mlir::MLIRContext *renewedContext(Make make) {
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static unsigned inputs = 0;
  if (!ctx || ++inputs >= kContextInputs) {
    ctx.reset();
    ctx.reset(make());
    inputs = 0;
  }
  return ctx.get();
}

} // namespace qf::fuzz

#endif // QF_FUZZ_FUZZCONTEXT_H
