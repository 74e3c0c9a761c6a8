//===- pass-pipeline-fuzzer.cpp - Fuzzes qf's passes on arbitrary IR ------===//
//
// The first byte of an input picks one of the pass pipelines below; the rest
// is IR text. A module that parses and verifies goes through the pipeline with
// every qf and upstream dialect and pass registered (qf::registerAllDialects,
// qf::registerAllPasses), exactly as qf-opt would run it. A pass may reject
// the module with a diagnostic (that is the expected outcome for most mutated
// inputs); what the harness looks for is everything else: a crash, an
// assertion, UB, an out-of-memory kill, or a pass that fails without saying
// why (a failed run with no error diagnostic aborts the harness: every
// rejection must name the op and the reason). The pass manager verifies the
// IR after each pass, so a pass that breaks the IR fails loudly too.
//
// The seeds in fuzz/corpus/pass-pipeline are lit inputs of test/Transforms and
// test/Conversion, each prefixed with the selector byte of the pipeline its
// RUN line uses.
//
// Passes that read a calibration table (qf-assign-formats, qf-fold-scales)
// read the file named by QF_FUZZ_CALIBRATION (scripts/fuzz.sh sets it to a
// table of the lit inputs); without it, inputs that pick them are skipped.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "InputNesting.h"

#include "qf/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

/// The pipelines the harness picks from: each qf pass alone with its
/// defaults, the documented option sets, and the chains the main job runs.
const char *const kPipelines[] = {
    "qf-quantize-model",
    ("qf-quantize-model{weight-format=nvfp4 activation-format=mxint8 "
     "weight-scale-search=mse}"),
    "qf-quantize-model{weights-as-arguments=true pad-k=false}",
    "qf-insert-hadamard",
    "qf-insert-hadamard{mode=all block=32 randomize=true seed=3}",
    "qf-insert-hadamard{rotate-residual=true}",
    "qf-fuse-requantize",
    "qf-quantize-model,qf-fuse-requantize",
    "qf-quantize-model,qf-insert-hadamard,qf-fuse-requantize",
    "convert-qf-to-vector",
    "qf-quantize-model,qf-fuse-requantize,convert-qf-to-vector",
    "qf-outline-kernels",
    "qf-report{output=/dev/null}",
    "canonicalize",
    // Added with the wave-3 passes; the indices above stay as they were, so
    // the selector bytes of the older seeds keep their meaning.
    "qf-import-int8",
    "qf-import-int8,qf-fuse-requantize,convert-qf-to-vector",
    ("qf-quantize-model{weight-format=\"#qf.format<mxint4, bank = 32, "
     "outliers = 2>\" weight-scale-search=none activation-format=mxint8},"
     "convert-qf-to-vector"),
    "qf-split-low-rank{rank=2}",
    "qf-split-low-rank{energy=0.9 factor-type=bf16},qf-quantize-model",
    "qf-repack-weights",
    "qf-quantize-model,canonicalize,qf-repack-weights,convert-qf-to-vector",
    "convert-qf-to-nvvm{chip=sm_90a}",
    "convert-qf-to-nvvm{chip=sm_120a tensor-cores=true fallback=true}",
    "qf-assign-formats{calibration=@CALIB@ budget=5}",
    "qf-fold-scales{calibration=@CALIB@ method=mse}",
};
constexpr unsigned kNumPipelines = sizeof(kPipelines) / sizeof(kPipelines[0]);

/// Whether `s` starts with a well-formed integer array `[i, j, ...]`.
bool startsWithIntArray(llvm::StringRef s) {
  if (!s.consume_front("["))
    return false;
  s = s.ltrim();
  if (s.consume_front("]"))
    return true;
  while (true) {
    s.consume_front("-");
    size_t digits = s.find_first_not_of("0123456789");
    if (digits == 0 || digits == llvm::StringRef::npos)
      return false;
    s = s.drop_front(digits).ltrim();
    if (s.consume_front("]"))
      return true;
    if (!s.consume_front(","))
      return false;
    s = s.ltrim();
  }
}

/// LLVM 22.1.8's linalg.transpose / linalg.broadcast parsers dereference a
/// null attribute when `permutation =` / `dimensions =` is not followed by a
/// well-formed integer array (stock mlir-opt segfaults too;
/// docs/reliability.md). qf cannot fix the upstream parser, so the harness
/// leaves such inputs alone to keep finding qf's own defects.
bool hitsUpstreamParserCrash(llvm::StringRef text) {
  for (llvm::StringRef key : {"permutation", "dimensions"}) {
    size_t pos = 0;
    while ((pos = text.find(key, pos)) != llvm::StringRef::npos) {
      pos += key.size();
      llvm::StringRef rest = text.drop_front(pos).ltrim();
      if (rest.consume_front("=") && !startsWithIntArray(rest.ltrim()))
        return true;
    }
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned errors = 0;
  static bool registered = (qf::registerAllPasses(), true);
  (void)registered;
  mlir::MLIRContext *ctx = qf::fuzz::renewedContext([] {
    mlir::DialectRegistry registry;
    qf::registerAllDialects(registry);
    auto *c = new mlir::MLIRContext(registry,
                                    mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    // Quiet, but counted: a failure must come with an error.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
        ++errors;
    });
    return c;
  });
  if (size < 1)
    return 0;
  unsigned pick = data[0] % kNumPipelines;
  std::string pipeline = kPipelines[pick];
  if (size_t at = pipeline.find("@CALIB@"); at != std::string::npos) {
    static const char *calib = std::getenv("QF_FUZZ_CALIBRATION");
    if (!calib)
      return 0;
    pipeline.replace(at, 7, calib);
  }
  // MLIR's lexer reads up to a terminating NUL (as every file and
  // std::string buffer has); libFuzzer's bytes have none, so copy them.
  std::string text(reinterpret_cast<const char *>(data + 1), size - 1);
  // Text qf-opt rejects before parsing (too deeply nested for MLIR's
  // recursive parser) never reaches the passes.
  if (hitsUpstreamParserCrash(text) ||
      qf::findExcessiveNesting(text, qf::kMaxInputNesting))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, ctx);
  // Rejected text is the dialect-parser harness's business.
  if (!module)
    return 0;
  auto pm = mlir::PassManager::on<mlir::ModuleOp>(ctx);
  std::string err;
  llvm::raw_string_ostream errs(err);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, errs))) {
    std::fprintf(stderr, "harness pipeline does not parse: %s\n%s\n",
                 pipeline.c_str(), err.c_str());
    std::abort();
  }
  errors = 0;
  if (mlir::failed(pm.run(*module)) && errors == 0) {
    std::fprintf(stderr, "pipeline '%s' failed without an error diagnostic\n",
                 pipeline.c_str());
    std::abort();
  }
  return 0;
}
