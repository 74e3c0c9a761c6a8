func.func @f() {
  %0 = qf.constant codes [0x1F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] : !qf.tensor<32xf32, mxfp4, axis = 0>
  return
}
