func.func @f() {
  %0 = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7E] : !qf.tensor<16xf32, nvfp4, axis = 0>
  return
}
