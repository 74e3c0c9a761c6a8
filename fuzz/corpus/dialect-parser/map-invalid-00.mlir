func.func @not_broadcast(%x: tensor<8x64xf32>, %y: tensor<64x8xf32>) -> tensor<8x64xf32> {
  %r = "qf.map"(%x, %y) <{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>], operandSegmentSizes = array<i32: 2, 0, 0>}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    qf.yield %s : f32
  }) : (tensor<8x64xf32>, tensor<64x8xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
