func.func @pack_unpack_roundtrip(%p: tensor<4x8xi8>, %s: tensor<4x1xi8>, %g: tensor<f32>, %q: !qf.tensor<4x16xf32, nvfp4, axis = 1>)
    -> (tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>, !qf.tensor<4x16xf32, nvfp4, axis = 1>) {
  %u = qf.unpack %p, %s, %g : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32> -> !qf.tensor<4x16xf32, nvfp4, axis = 1>
  %a, %b, %c = qf.pack %u : !qf.tensor<4x16xf32, nvfp4, axis = 1> -> tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>
  %x, %y, %z = qf.pack %q : !qf.tensor<4x16xf32, nvfp4, axis = 1> -> tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>
  %r = qf.unpack %x, %y, %z : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32> -> !qf.tensor<4x16xf32, nvfp4, axis = 1>
  return %a, %b, %c, %r : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>, !qf.tensor<4x16xf32, nvfp4, axis = 1>
}
