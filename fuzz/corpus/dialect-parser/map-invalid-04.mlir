func.func @scales_f32(%x: tensor<8x64xf32>, %s: tensor<8x2xi8>) -> tensor<8x64xf32> {
  %r = "qf.map"(%x, %s) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
  ^bb0(%a: f32):
    qf.yield %a : f32
  }) : (tensor<8x64xf32>, tensor<8x2xi8>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
