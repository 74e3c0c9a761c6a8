func.func private @f(!qf.tensor<4x64xf32, 32, axis = 1>)
