func.func private @f(!qf.tensor<4x64xf32, mxfp3, axis = 1>)
