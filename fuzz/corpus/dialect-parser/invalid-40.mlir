func.func @f(%q: !qf.tensor<4x64xf32, nvfp4, axis = 1>) {
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, nvfp4, axis = 1> -> tensor<4x32xi8>, tensor<4x4xi8>
  return
}
