func.func private @f(!qf.tensor<f32, mxfp4, axis = 0>)
