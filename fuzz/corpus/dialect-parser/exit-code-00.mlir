func.func private @f(!qf.tensor<4x64xf32, #qf.format<mxfp5>, axis = 1>)
