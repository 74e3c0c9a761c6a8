func.func private @f(!qf.tensor<4x64xi32, mxfp4, axis = 1>)
