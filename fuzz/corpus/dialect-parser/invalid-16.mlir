#bad = #qf.format<elem = i4, block = 16, block = 32>
