// Appended to a generated transformer block (examples/gen-transformer-block.py):
// prints the FNV-1a hash of the bits of @block's output for @input, so that
// two compilations of the same quantized block can be compared exactly.
func.func @hash_main() {
  %x = call @input() : () -> tensor<8x64xf32>
  %y = call @block(%x) : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %m = bufferization.to_buffer %y : tensor<8x64xf32> to memref<8x64xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %basis = arith.constant -2128831035 : i32
  %prime = arith.constant 16777619 : i32
  %h = scf.for %r = %c0 to %c8 step %c1 iter_args(%a0 = %basis) -> i32 {
    %h2 = scf.for %c = %c0 to %c64 step %c1 iter_args(%acc = %a0) -> i32 {
      %f = memref.load %m[%r, %c] : memref<8x64xf32>
      %v = arith.bitcast %f : f32 to i32
      %t = arith.xori %acc, %v : i32
      %u = arith.muli %t, %prime : i32
      scf.yield %u : i32
    }
    scf.yield %h2 : i32
  }
  vector.print str "block output hash: "
  vector.print %h : i32
  %v0 = tensor.extract %y[%c0, %c0] : tensor<8x64xf32>
  vector.print str "block output [0, 0]: "
  vector.print %v0 : f32
  return
}
