//===- Passes.td - qf dialect passes ------------------------*- tablegen -*-===//
#ifndef QF_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QF_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QuantizeModelPass : Pass<"qf-quantize-model", "::mlir::ModuleOp"> {
  let summary = "Quantize the contractions of linalg-on-tensors model IR";
  let description = [{
    Rewrites every contraction with one reduction dimension (`linalg.matmul`,
    `linalg.batch_matmul`, their transposed forms written with
    `indexing_maps`, and `linalg.generic` contractions whose operands are
    [batch?, M, K] x [batch?, K, N] or [batch?, N, K] up to permutation)
    into `qf.quantize` + `qf.matmul` with blocks along K.

    * An operand that is a constant (`dense<>` or `dense_resource<>` with
      data), possibly through `linalg.transpose` / `tensor.cast`, is a
      weight: it is put in [N, K] layout and quantized at compile time to a
      `qf.constant` in `weight-format`.
    * Other operands are quantized at run time in `activation-format`
      (`none` keeps them in f32: weight-only quantization).
    * A non-zero accumulator (`outs` not a zero `linalg.fill`) is added back
      with `linalg.add`.

    Every contraction that is not rewritten gets a remark saying why (block
    size not dividing K, dynamic K, excluded by an option, below `min-size`,
    unsupported shape), so nothing is skipped silently.

    ```sh
    qf-opt model.mlir --qf-quantize-model="weight-format=mxfp4 activation-format=mxfp8 exclude=lm_head"
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"weightFormat", "weight-format", "std::string", "\"mxfp4\"",
           "format of constant weights: a preset name or a #qf.format<...>">,
    Option<"activationFormat", "activation-format", "std::string",
           "\"mxfp8\"",
           "format of run-time operands, or `none` for weight-only">,
    Option<"include", "include", "std::string", "\"\"",
           "only contractions whose op name or location matches this regex">,
    Option<"exclude", "exclude", "std::string", "\"\"",
           "skip contractions whose op name or location matches this regex">,
    Option<"minSize", "min-size", "int64_t", "0",
           "skip contractions with fewer than this many weight elements (K*N)">
  ];
}

def InstrumentCalibrationPass
    : Pass<"qf-instrument-calibration", "::mlir::ModuleOp"> {
  let summary = "Record statistics of the activations feeding quantized ops";
  let description = [{
    Inserts an observation point (`qf.observe`) on the input of every
    `qf.quantize` whose scales are computed from the data (the activations;
    constant weights are folded already), named `<function>.act<i>` unless an
    observe already names it, and lowers every `qf.observe` to calls into
    the calibration runtime (`libqf_runtime.so`, docs/calibration.md):
    `qf_calib_name` and `qf_calib_observe(id, tensor, channel-axis)`. Run the
    instrumented program over calibration inputs with
    `QF_CALIBRATION_OUT=table.json` to get the calibration table.

    ```sh
    qf-opt model.mlir --qf-quantize-model --qf-instrument-calibration --qf-cpu-pipeline \
      | QF_CALIBRATION_OUT=calib.json mlir-runner ... -shared-libs=...,build/lib/libqf_runtime.so
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"channelAxis", "channel-axis", "int64_t", "-1",
           "axis whose per-index amax is recorded; -1 means the last axis, "
           "-2 records none">
  ];
}

#endif // QF_DIALECT_QF_TRANSFORMS_PASSES_TD
