#bad = #qf.format<elem = f6E2M3FN, range = full>
