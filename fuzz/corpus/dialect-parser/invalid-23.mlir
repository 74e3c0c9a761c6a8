func.func private @f(!qf.tensor<4x64xf32, fp8_tensor, axis = 1>)
