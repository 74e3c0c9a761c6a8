// A downstream tool: registers qf from the installed package, parses IR,
// folds it and prints the result.
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/InitAll.h"
#include "qf/Numerics/Format.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

int main() {
  mlir::DialectRegistry registry;
  qf::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  const char *src = R"mlir(
func.func @f() -> !qf.tensor<2xf32, #qf.format<elem = f4E2M1FN, block = 2, scale = f8E8M0FNU>> {
  %c = arith.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %q = qf.quantize %c : tensor<2xf32> -> !qf.tensor<2xf32, #qf.format<elem = f4E2M1FN, block = 2, scale = f8E8M0FNU>>
  return %q : !qf.tensor<2xf32, #qf.format<elem = f4E2M1FN, block = 2, scale = f8E8M0FNU>>
}
)mlir";
  auto module = mlir::parseSourceString<mlir::ModuleOp>(src, &ctx);
  if (!module)
    return 1;
  mlir::PassManager pm(&ctx);
  pm.addPass(mlir::createCanonicalizerPass());
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\nmxfp4 preset: " << (qf::numerics::presetFormat("mxfp4") ? "ok" : "missing")
               << "\n";
  return 0;
}
