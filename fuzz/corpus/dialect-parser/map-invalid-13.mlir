func.func @reshape_tensor_scale(%q: !qf.tensor<8x64xf32, fp8_tensor>) -> !qf.tensor<8x2x32xf32, fp8_tensor> {
  %r = qf.reshape %q : !qf.tensor<8x64xf32, fp8_tensor> -> !qf.tensor<8x2x32xf32, fp8_tensor>
  return %r : !qf.tensor<8x2x32xf32, fp8_tensor>
}
