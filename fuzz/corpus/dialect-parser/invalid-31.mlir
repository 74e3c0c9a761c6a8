func.func @f(%x: tensor<4x64xf32>, %g: tensor<f32>) {
  %0 = "qf.quantize"(%x, %g) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<4x64xf32>, tensor<f32>) -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  return
}
