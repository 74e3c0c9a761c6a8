#bad = #qf.format<elem = i4, scale = f32, tensor_scale = f32>
