#bad = #qf.format<elem = i16>
