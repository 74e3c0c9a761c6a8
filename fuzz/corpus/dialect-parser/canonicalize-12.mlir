func.func @dequantize_quantize_same_format(%q: !qf.tensor<4x64xf32, mxfp4>) -> !qf.tensor<4x64xf32, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4> -> tensor<4x64xf32>
  %r = qf.quantize %d : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

func.func @dequantize_quantize_other_format(%q: !qf.tensor<4x64xf32, mxfp8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp8> -> tensor<4x64xf32>
  %r = qf.quantize %d : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

#ceil4 = #qf.format<elem = f4E2M1FN, block = 32, scale = f8E8M0FNU, rule = ceil>
#full4 = #qf.format<elem = i4, block = 32, scale = f8E8M0FNU, range = full>
func.func @requantize_not_identity(%a: !qf.tensor<4x64xf32, nvfp4>, %b: !qf.tensor<4x64xf32, #ceil4>, %c: !qf.tensor<4x64xf32, #full4>)
    -> (!qf.tensor<4x64xf32, nvfp4>, !qf.tensor<4x64xf32, #ceil4>, !qf.tensor<4x64xf32, #full4>) {
  %ra = qf.requantize %a : !qf.tensor<4x64xf32, nvfp4> -> !qf.tensor<4x64xf32, nvfp4>
  %rb = qf.requantize %b : !qf.tensor<4x64xf32, #ceil4> -> !qf.tensor<4x64xf32, #ceil4>
  %rc = qf.requantize %c : !qf.tensor<4x64xf32, #full4> -> !qf.tensor<4x64xf32, #full4>
  return %ra, %rb, %rc : !qf.tensor<4x64xf32, nvfp4>, !qf.tensor<4x64xf32, #ceil4>, !qf.tensor<4x64xf32, #full4>
}

func.func @dequantize_f16_quantize(%q: !qf.tensor<4x64xf16, mxfp8>) -> !qf.tensor<4x64xf16, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf16, mxfp8> -> tensor<4x64xf16>
  %r = qf.quantize %d : tensor<4x64xf16> -> !qf.tensor<4x64xf16, mxfp4>
  return %r : !qf.tensor<4x64xf16, mxfp4>
}
