func.func private @f(!qf.tensor<4x64xf32>)
