func.func @f(%q: !qf.tensor<4x64xf32, mxfp6, axis = 1>) {
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, mxfp6, axis = 1> -> tensor<4x48xi8>, tensor<2x4xi8>
  return
}
