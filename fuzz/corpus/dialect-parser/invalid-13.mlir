#bad = #qf.format<elem = f4E2M1FN, rounding = zero>
