func.func private @f(!qf.tensor<4x64xf32, mxfp4, axis = 2>)
