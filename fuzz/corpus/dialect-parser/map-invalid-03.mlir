func.func @args(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %r = "qf.map"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> ({
  ^bb0(%a: f32, %b: f32):
    qf.yield %a : f32
  }) : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
