#bad = #qf.format<elem = i4, scale = bf16, tensor_scale = f32>
