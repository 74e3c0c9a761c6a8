//===- Passes.td - qf conversion passes --------------------*- tablegen -*-===//
#ifndef QF_CONVERSION_PASSES_TD
#define QF_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQFToVectorPass : Pass<"convert-qf-to-vector", "::mlir::ModuleOp"> {
  let summary = "Lower qf ops to vector/scf/memref kernels for CPUs";
  let description = [{
    Splits every `!qf.tensor` into its storage tensors (packed codes, block
    scales and, for two-level formats, the FP32 tensor scale) through
    function signatures, calls and returns (a 1:N type conversion), and
    lowers each qf op to a kernel: `bufferization.to_buffer` of the inputs,
    a `memref.alloc` per output, `scf.parallel` over rows and blocks with
    `vector` arithmetic inside, and `bufferization.to_tensor` of the results.
    Run one-shot bufferization afterwards (`qf-cpu-pipeline` does).

    Every conversion to and from the small float and integer formats is the
    project's own integer arithmetic, bit-exact with the numerics library
    (`include/qf/Numerics`); no upstream `arith.truncf` to small floats is
    used. `qf.observe` is dropped (it is an identity).

    With `x86-avx512`, kernels decode 4-bit codes by indexing a 16-entry
    table of decoded values (`vector.extract` at dynamic positions, which
    the x86 backend turns into one `vpermps` with AVX-512) instead of
    integer arithmetic. The IR stays target-independent and computes the
    same bits; on targets without a 16-entry permute it is slower.

    ```sh
    qf-opt model.mlir --convert-qf-to-vector="vector-width=16 x86-avx512"
    ```

    With `int-dot` (default), a `qf.matmul` whose operands both hold
    integer-valued codes (8-bit integer activations against 8- or 4-bit
    integer or E2M1 weights, byte block scales along K) computes each
    block's dot product exactly in i32 and scales it once per block pair
    (docs/cpu-lowering.md, "Integer dot products"). With `x86-vnni` those
    dot products are `vpdpbusd` (`llvm.x86.avx512.vpdpbusd.*`); without it,
    portable vector arithmetic with the same bits.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"vectorWidth", "vector-width", "unsigned", "16",
           "f32 lanes per vector (16 for AVX-512, 8 for AVX2)">,
    Option<"x86Avx512", "x86-avx512", "bool", "false",
           "decode 4-bit codes with 16-entry table lookups, one vpermps "
           "each on AVX-512 (the same bits as the arithmetic decode)">,
    Option<"x86Vnni", "x86-vnni", "bool", "false",
           "emit the integer dot products of the int-dot GEMM as AVX512-VNNI "
           "vpdpbusd (the same bits as the portable arithmetic)">,
    Option<"intDot", "int-dot", "bool", "true",
           "qf.matmul of integer-valued codes (8-bit integer activations, "
           "integer or E2M1 weights) with exact per-block i32 dot products">,
    Option<"intDotMinRows", "int-dot-min-rows", "int64_t", "16",
           "the fewest lhs rows (static M) that take the int-dot kernel (it "
           "repacks the rhs per call); dynamic M only when at most 1">
  ];
}

#endif // QF_CONVERSION_PASSES_TD
