func.func private @f(!qf.tensor<4x100xf32, mxfp4, axis = 1>)
