//===- qf-opt.cpp - opt-style driver for qf and upstream MLIR passes ------===//
#include "InputNesting.h"

#include "qf/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <unistd.h>

namespace {

/// Reads standard input whole and puts the same bytes back behind file
/// descriptor 0 (a temporary file), so that MlirOptMain reads them as
/// "<stdin>" as it would have. Returns false when that fails.
bool readAndReplayStdin(std::string &text) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> in =
      llvm::MemoryBuffer::getSTDIN();
  if (!in)
    return false;
  text = (*in)->getBuffer().str();
  std::FILE *tmp = std::tmpfile();
  if (!tmp)
    return false;
  if (std::fwrite(text.data(), 1, text.size(), tmp) != text.size() ||
      std::fflush(tmp) != 0 || std::fseek(tmp, 0, SEEK_SET) != 0 ||
      dup2(fileno(tmp), STDIN_FILENO) < 0)
    return false;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  qf::registerAllPasses();
  mlir::DialectRegistry registry;
  qf::registerAllDialects(registry);
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "qf optimizer driver: block-scaled quantization\n",
      registry);
  // Reject input nested deeper than the parser's recursion can take
  // (InputNesting.h) before MlirOptMain parses it.
  std::string text;
  bool haveText = false;
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses()) {
    // no input is read
  } else if (inputFile == "-") {
    haveText = readAndReplayStdin(text);
  } else if (auto buf = llvm::MemoryBuffer::getFile(inputFile)) {
    text = (*buf)->getBuffer().str();
    haveText = true;
  } // else MlirOptMain reports the unreadable file
  if (haveText) {
    if (std::optional<size_t> at =
            qf::findExcessiveNesting(text, qf::kMaxInputNesting)) {
      llvm::StringRef before = llvm::StringRef(text).take_front(*at);
      size_t line = before.count('\n') + 1;
      size_t col = *at - (before.rfind('\n') + 1) + 1;
      llvm::errs() << (inputFile == "-" ? "<stdin>" : inputFile) << ":"
                   << line << ":" << col
                   << ": error: brackets nested deeper than "
                   << qf::kMaxInputNesting
                   << " levels; qf-opt does not parse such input (MLIR's "
                      "recursive parser would exhaust the stack)\n";
      return 1;
    }
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
}
