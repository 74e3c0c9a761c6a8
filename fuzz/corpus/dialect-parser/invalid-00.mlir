#bad = #qf.format<mxfp5>
