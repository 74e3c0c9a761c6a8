func.func @body_op(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %r = "qf.map"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> ({
  ^bb0(%a: f32):
    %e = tensor.empty() : tensor<4xf32>
    qf.yield %a : f32
  }) : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
