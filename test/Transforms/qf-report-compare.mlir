// qf-report compare=: the QSNR of every weight with f32 data in other
// formats, next to their bits per element.
// RUN: qf-opt %s --qf-report='compare="mxint4;mxfp4;#qf.format<mxint4, bank = 32, outliers = 2>;#qf.format<mxint4, bank = 16, outliers = 1>"' -o /dev/null | FileCheck %s
// RUN: not qf-opt %s --qf-report="compare=mxint4;bogus" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR

// The weight is 0.25 except a leading 8.0: in MXINT4 the first block's scale
// is set by 8.0 and 0.25 rounds to 0 (its grid step is 2), while an outlier
// per bank takes 8.0 out of the low block, and every value is exact (inf).
// The 4x24 weight has no 32-blocks: "-" in every format.
// CHECK: format comparison (weight QSNR in dB; bits/elt of each format):
// CHECK-NEXT: [0] mxint4  (4.250 bits/elt)
// CHECK-NEXT: [1] mxfp4  (4.250 bits/elt)
// CHECK-NEXT: [2] #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>  (5.312 bits/elt)
// CHECK-NEXT: [3] #qf.format<mxint4, bank = 16, outliers = 1, {{.*}}>  (5.250 bits/elt)
// CHECK-NEXT: location shape [0] [1] [2] [3]
// CHECK-NEXT: "w" 1x64 {{[0-9.]+}} {{[0-9.]+}} inf inf
// CHECK-NEXT: "w8" 4x24 - - - -
// ERR: qf-report: compare: 'bogus' is not a format; expected a preset name or #qf.format<...>, entries separated by ';'
func.func @report() -> (!qf.tensor<1x64xf32, mxint4, axis = 1>, !qf.tensor<4x24xf32, #qf.format<elem = i4, block = 8>, axis = 1>) {
  %c = arith.constant dense<[[8.0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]]> : tensor<1x64xf32>
  %q = qf.quantize %c : tensor<1x64xf32> -> !qf.tensor<1x64xf32, mxint4, axis = 1> loc("w")
  %c8 = arith.constant dense<1.0> : tensor<4x24xf32>
  %q8 = qf.quantize %c8 : tensor<4x24xf32> -> !qf.tensor<4x24xf32, #qf.format<elem = i4, block = 8>, axis = 1> loc("w8")
  return %q, %q8 : !qf.tensor<1x64xf32, mxint4, axis = 1>, !qf.tensor<4x24xf32, #qf.format<elem = i4, block = 8>, axis = 1>
}
