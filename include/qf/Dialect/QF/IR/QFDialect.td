//===- QFDialect.td - The qf dialect definition ------------*- tablegen -*-===//

#ifndef QF_DIALECT_QF_IR_QFDIALECT_TD
#define QF_DIALECT_QF_IR_QFDIALECT_TD

include "mlir/IR/OpBase.td"

def QF_Dialect : Dialect {
  let name = "qf";
  let cppNamespace = "::qf";
  let summary = "Block-scaled quantized tensors (MX, NV, INT and user formats)";
  let description = [{
    The `qf` dialect represents tensors whose values are stored as small
    element codes (FP8, FP6, FP4 or narrow integers) with one scale per block
    of consecutive elements along a blocked axis, optionally with a second,
    tensor-level FP32 scale (NVFP4 style). A format is an attribute
    (`#qf.format<...>`), so a new format is written in a `.mlir` file:

    ```mlir
    #e3m2_b16 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU,
                           rule = ceil>
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
      %q = qf.quantize %x : tensor<4x64xf32>
             -> !qf.tensor<4x64xf32, #e3m2_b16, axis = 1>
      %y = qf.dequantize %q : !qf.tensor<4x64xf32, #e3m2_b16, axis = 1>
             -> tensor<4x64xf32>
      return %y : tensor<4x64xf32>
    }
    ```

    The numeric semantics of every op are those of the project's numerics
    library (`include/qf/Numerics`), which implements the contract in
    `docs/numerics.md`; folders call that library directly.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class QF_Op<string mnemonic, list<Trait> traits = []>
    : Op<QF_Dialect, mnemonic, traits>;

#endif // QF_DIALECT_QF_IR_QFDIALECT_TD
