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
/// "<stdin>" as it would have. Returns null when that fails.
std::unique_ptr<llvm::MemoryBuffer> readAndReplayStdin() {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> in =
      llvm::MemoryBuffer::getSTDIN();
  if (!in)
    return nullptr;
  llvm::StringRef text = (*in)->getBuffer();
  std::FILE *tmp = std::tmpfile(); // open until exit
  if (!tmp ||
      std::fwrite(text.data(), 1, text.size(), tmp) != text.size() ||
      std::fflush(tmp) != 0 || std::fseek(tmp, 0, SEEK_SET) != 0 ||
      dup2(fileno(tmp), STDIN_FILENO) < 0)
    return nullptr;
  return std::move(*in);
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
  std::unique_ptr<llvm::MemoryBuffer> input;
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses()) {
    // no input is read
  } else if (inputFile == "-") {
    input = readAndReplayStdin();
  } else if (auto buf = llvm::MemoryBuffer::getFile(inputFile)) {
    input = std::move(*buf);
  } // else MlirOptMain reports the unreadable file
  if (input) {
    llvm::StringRef text = input->getBuffer();
    if (std::optional<size_t> at =
            qf::findExcessiveNesting(text, qf::kMaxInputNesting)) {
      llvm::StringRef before = text.take_front(*at);
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
    input.reset(); // MlirOptMain reads the input itself
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
}
