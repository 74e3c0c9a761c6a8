func.func @f() {
  %0 = qf.constant codes [0] scales [0x7E] : !qf.tensor<?x32xf32, mxint8, axis = 1>
  return
}
