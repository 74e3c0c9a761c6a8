func.func @shape(%x: tensor<8x64xf32>, %b: tensor<32xf32>) -> tensor<8x64xf32> {
  %r = "qf.map"(%x, %b) <{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>], operandSegmentSizes = array<i32: 2, 0, 0>}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.addf %a, %c : f32
    qf.yield %s : f32
  }) : (tensor<8x64xf32>, tensor<32xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
