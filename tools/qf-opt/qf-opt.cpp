//===- qf-opt.cpp - opt-style driver for qf and upstream MLIR passes ------===//
#include "qf/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  qf::registerAllPasses();
  mlir::DialectRegistry registry;
  qf::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qf optimizer driver: block-scaled quantization\n",
      registry));
}
