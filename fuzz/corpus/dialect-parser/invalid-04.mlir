#bad = #qf.format<elem = f4E2M1FN, scale = f8E4M3FN, tensor_scale = f16>
