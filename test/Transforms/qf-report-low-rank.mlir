// qf-report on weights split by qf-split-low-rank: the QSNR of the weight
// quantized directly and as factors + quantized residual, and the bits per
// element the factors add. The weight is 12 a b^T + 6 c d^T (random unit
// vectors) plus Gaussian noise of 0.05: split at rank 2, only the noise is
// quantized.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=2 --qf-report -o /dev/null 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank="rank=1 factor-type=bf16" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=BF16
// The factors reading the quantized activation are found as well.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank="rank=2 factor-input=decoded" --qf-report -o /dev/null 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-scale-search=mse" --qf-split-low-rank=rank=2 --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=MSE
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=2 --qf-report=json -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// Without the split the weight's own QSNR is the "direct" column above, and
// there is no split section.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefixes=NONE,PLAIN
// After --canonicalize the residual is a qf.constant: the split section
// needs the f32 residual.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=2 --canonicalize --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=NONE
// CHECK: "proj" weight 8x32 mxfp4 4.25 1024 136 {{[0-9.]+}}
// CHECK: low-rank splits: weight QSNR quantized directly and as factors + quantized residual
// CHECK-NEXT: location shape format rank factors +bits/elt direct dB split dB
// CHECK-NEXT: "proj" 8x32 mxfp4 2 f32 10.00 18.37 45.24
// CHECK-NEXT: total low-rank factors: 320 bytes, +10.00 bits per element of the split weights (not in the totals above)
// BF16: "proj" 8x32 mxfp4 1 bf16 2.50 18.37 27.18
// BF16-NEXT: total low-rank factors: 80 bytes, +2.50 bits per element
// MSE: "proj" 8x32 mxfp4 2 f32 10.00 18.43 45.43
// JSON: "kind": "weight",
// JSON-NEXT: "location": "\"proj\"",
// JSON-NEXT: "low_rank": {
// JSON-NEXT: "direct_qsnr_db": 18.36{{[0-9]*}},
// JSON-NEXT: "extra_bits_per_element": 10,
// JSON-NEXT: "factors": "f32",
// JSON-NEXT: "rank": 2,
// JSON-NEXT: "split_qsnr_db": 45.24{{[0-9]*}}
// JSON-NEXT: },
// PLAIN: "proj" weight 8x32 mxfp4 4.25 1024 136 18.37
// NONE-NOT: low-rank splits
func.func @proj(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[-0.08459, -0.3946, -0.5011, -0.1806, -0.8093, 0.6107, 0.06836, 0.8446], [0.637, -0.274, -0.3431, -0.08776, 0.2579, -0.1356, 0.5134, -0.411], [-0.7738, -0.02134, -0.1728, -0.08739, -1.014, 0.7477, -0.3798, 1.251], [0.392, -0.424, -0.5256, -0.1496, -0.1607, 0.1241, 0.4987, 0.229], [1.387, -0.2316, -0.2852, -0.06705, 1.111, -0.8016, 1.037, -1.349], [0.7111, 0.06115, 0.1889, 0.04165, 0.8677, -0.5172, 0.4182, -1.13], [2.26, -0.911, -0.905, -0.2477, 1.408, -0.8096, 1.721, -1.661], [-1.239, 0.4161, 0.4504, 0.1252, -0.8828, 0.5888, -0.9297, 1.062], [0.3115, 0.4467, 0.7124, 0.2869, 1.115, -0.8443, -0.0814, -1.241], [-0.9009, 0.511, 0.68, 0.1389, -0.3466, 0.09764, -0.8249, 0.4506], [-1.128, 0.3909, 0.4839, 0.09167, -0.8356, 0.5413, -0.8213, 0.9877], [0.02902, 0.5386, 0.8011, 0.2281, 0.6757, -0.6182, -0.3114, -1.046], [0.1528, -0.4588, -0.6192, -0.181, -0.4444, 0.3594, 0.3548, 0.5251], [0.6655, -0.2416, -0.1461, -0.07869, 0.4497, -0.3574, 0.514, -0.6264], [0.7734, -0.06222, 0.05595, 0.003642, 0.8538, -0.6715, 0.547, -1.168], [3.178, -1.34, -1.384, -0.4895, 1.966, -1.199, 2.471, -2.252], [1.067, -0.7515, -0.8365, -0.293, 0.3184, -0.09368, 1.022, -0.343], [-2.134, 1.153, 1.224, 0.318, -1.18, 0.7113, -1.784, 1.261], [0.2165, -0.344, -0.4508, -0.02993, -0.2959, 0.229, 0.323, 0.3801], [-0.9714, 0.1924, 0.01773, 0.03177, -1.057, 0.6378, -0.6353, 1.168], [-0.9325, 0.004158, -0.3144, -0.04764, -1.189, 0.8454, -0.4756, 1.555], [2.02, -0.2629, -0.03194, -0.06099, 2.006, -1.489, 1.282, -2.409], [-0.5196, -0.03952, -0.1943, 0.05492, -0.5668, 0.3566, -0.2231, 0.7387], [-2.54, 1.571, 1.822, 0.5233, -0.7868, 0.4355, -2.239, 0.8692], [0.5448, -0.08078, -0.02732, -0.02384, 0.5188, -0.3934, 0.2127, -0.5943], [-0.4261, 0.1504, 0.01948, 0.05419, -0.4229, 0.3034, -0.2088, 0.5033], [-1.509, 0.8776, 1.119, 0.3161, -0.5583, 0.2394, -1.457, 0.5131], [-1.242, 0.5334, 0.7727, 0.2656, -0.6165, 0.2757, -1.108, 0.6113], [-0.8956, 0.5403, 0.4029, 0.1769, -0.3693, 0.2195, -0.7134, 0.5408], [-0.3098, -0.4223, -0.6253, -0.2038, -1.05, 0.8008, 0.1116, 1.251], [-0.596, 0.2922, 0.3281, 0.1493, -0.3321, 0.1276, -0.557, 0.456], [0.2386, 0.2598, 0.5637, 0.1758, 0.815, -0.54, -0.03399, -0.9198]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32> loc("proj")
  return %y : tensor<4x8xf32>
}
