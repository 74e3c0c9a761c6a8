func.func @f() {
  %0 = qf.constant codes [[1, 2, 3, 4]] scales [[1]] : !qf.tensor<1x4xf32, int8_channel, axis = 1>
  return
}
