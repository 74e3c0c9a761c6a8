func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> tensor<4x64xi8>, tensor<4x2xi8>
  return
}
