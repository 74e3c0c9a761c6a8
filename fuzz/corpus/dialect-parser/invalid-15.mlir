#bad = #qf.format<elem = i4, bits = 4>
