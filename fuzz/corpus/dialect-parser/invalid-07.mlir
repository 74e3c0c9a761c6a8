#bad = #qf.format<elem = f8E4M3FN, block = 16, scale = f16, rule = ceil>
