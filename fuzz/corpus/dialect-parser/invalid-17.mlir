#bad = #qf.format<block = 16, scale = f16>
