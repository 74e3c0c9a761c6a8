func.func @f() {
  %0 = qf.constant codes [1, 2, 3, 256] scales [0x7F] : !qf.tensor<4xf32, #qf.format<elem = i8, block = 4>, axis = 0>
  return
}
