func.func @f() {
  %0 = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7E] tensor_scale 1.0 : !qf.tensor<32xf32, mxint8, axis = 0>
  return
}
