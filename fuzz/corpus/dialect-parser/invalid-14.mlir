#bad = #qf.format<elem = i4, range = half>
