func.func private @f(!qf.tensor<100x4xf32, #qf.format<elem = i8, block = 48, scale = f32>, axis = 0>)
