#bad = #qf.format<elem = f4E2M1FN, tensor_scale = f32>
