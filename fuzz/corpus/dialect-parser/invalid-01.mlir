#bad = #qf.format<elem = f8E3M4>
