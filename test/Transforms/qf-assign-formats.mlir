// qf-assign-formats: one weight format per contraction from the predicted
// output error sum_j E[x_j^2] ||dW_:,j||^2 under an average bits-per-weight
// budget; qf-quantize-model then quantizes each weight in its chosen format.
// Three 32x8 weights (Gaussian, heavy-tailed, uniform) multiply the same
// input; second moments from Inputs/make-moments.py (one channel 8x larger).
// RUN: %python %S/Inputs/make-moments.py %t.diag.json f.act0:diag:32 f.act1:diag:32 f.act2:diag:32
// RUN: %python %S/Inputs/make-moments.py %t.full.json f.act0:full:32 f.act1:full:32 f.act2:full:32
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5" 2>&1 | FileCheck %s --check-prefix=B45
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.25" 2>&1 | FileCheck %s --check-prefix=B425
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=8.25" 2>&1 | FileCheck %s --check-prefix=B825
// A full H gives the exact mean output error E||dW x||^2 (other numbers),
// here the same choice.
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.full.json budget=4.5" 2>&1 | FileCheck %s --check-prefix=FULL
// objective=absolute sums the errors without dividing by the output energy.
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5 objective=absolute" 2>&1 | FileCheck %s --check-prefix=B45
// At 5 bits the three objectives choose differently: relative upgrades
// f.act0 (largest relative error), absolute f.act1 (largest output), output
// f.act2 (its measured gain is 100x the others', Inputs/output-gains.json)
// and pays with MXFP4 on f.act0. A negative measured increase is no gain:
// that contraction takes the fewest bits (MXFP4, first of the 4.25-bit
// candidates).
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REL5
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=5 objective=absolute" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ABS5
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=5 objective=output output-gains=%S/Inputs/output-gains.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OUT5
// A second gains file measured with MXFP6 as the probe: MXFP6 candidates
// take its (here large) gains, the others the first file's, so MXFP6 is no
// longer chosen.
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=5 objective=output output-gains=%S/Inputs/output-gains.json,%S/Inputs/output-gains-mxfp6.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OUT5B
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=5 objective=output output-gains=%S/Inputs/output-gains-negative.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NEG5
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=6 candidates=mxint4,mxfp6" 2>&1 | FileCheck %s --check-prefix=CAND
// RUN: qf-opt %s --qf-assign-formats='calibration=%t.diag.json budget=5 candidates=mxfp4,"#qf.format<elem = i6, block = 32, scale = f8E8M0FNU>"' 2>&1 | FileCheck %s --check-prefix=USER
// quantize-options: the calibration run's qf-quantize-model options; with
// exclude, the excluded contraction gets no choice.
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5 quantize-options='exclude=skip weight-scale-search=mse'" 2>&1 | FileCheck %s --check-prefix=OPTS
// qf-quantize-model honours the choice; qf-report shows it.
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5" --qf-quantize-model 2>/dev/null | FileCheck %s --check-prefix=QM
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5" --qf-quantize-model=fold-weights=false --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %s --qf-assign-formats="calibration=%t.diag.json budget=4.5" --qf-quantize-model=fold-weights=false --qf-report=json -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// SQ candidates are predicted with the outliers qf-fold-scales then selects
// with the same table (|w| * rms(a), docs/numerics.md D24): each predicted
// error is the predicted output error of the weight qf-fold-scales makes.
// (The |w| selection, the report's last number on a weight line, predicts
// 0.676 %, 2.033 % and 0.201 % here against 0.414 %, 0.586 % and 0.177 %.)
// RUN: qf-opt %s --qf-assign-formats='calibration=%t.diag.json budget=6 candidates=mxint4,"#qf.format<mxint4, bank = 16, outliers = 1>"' --qf-quantize-model=fold-weights=false --qf-fold-scales="calibration=%t.diag.json" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=SQ

// B425-COUNT-2: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp4> (4.25 bits)
// B425: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits), predicted relative output error {{.*}} (input 'f.act2')
// B425: remark: qf-assign-formats: 3 contractions, 4.2500 bits per weight (budget 4.25)
// B45: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits), predicted relative output error 1.055e-02 (input 'f.act0')
// B45: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits), predicted relative output error 4.561e-03 (input 'f.act1')
// B45: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits), predicted relative output error 2.679e-03 (input 'f.act2')
// B45: remark: qf-assign-formats: 3 contractions, 4.4167 bits per weight (budget 4.50), predicted relative output error 5.375e-03
// B45: linalg.matmul {qf.format_choice = {bits = 4.500000e+00 : f64, format = #qf.format<nvfp4>, predicted_error = {{.*}} : f64}} ins(%arg0, %cst :
// B45: linalg.matmul {qf.format_choice = {bits = 4.250000e+00 : f64, format = #qf.format<mxint4>, predicted_error = {{.*}} : f64}, qf.name = "skip"} ins(%arg0, %cst_1 :
// FULL: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits)
// FULL: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits)
// FULL: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits)
// FULL: remark: qf-assign-formats: 3 contractions, 4.4167 bits per weight (budget 4.50)
// The largest budget buys MXINT8 everywhere: it beats MXFP6 on measured
// error, whatever the names suggest.
// B825-COUNT-3: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint8> (8.25 bits)
// B825: 3 contractions, 8.2500 bits per weight
// REL5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits), {{.*}} (input 'f.act0')
// REL5: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits), {{.*}} (input 'f.act1')
// REL5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits), {{.*}} (input 'f.act2')
// REL5: remark: qf-assign-formats: 3 contractions, 5.0000 bits per weight (budget 5.00), predicted relative output error 3.885e-03{{$}}
// ABS5: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits), {{.*}} (input 'f.act0')
// ABS5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits), {{.*}} (input 'f.act1')
// ABS5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits), {{.*}} (input 'f.act2')
// OUT5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp4> (4.25 bits), {{.*}} (input 'f.act0')
// OUT5: remark: qf-assign-formats: linalg.matmul: #qf.format<nvfp4> (4.50 bits), {{.*}} (input 'f.act1')
// OUT5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits), {{.*}} (input 'f.act2')
// OUT5: remark: qf-assign-formats: 3 contractions, 5.0000 bits per weight (budget 5.00), predicted relative output error 6.288e-03, predicted rise of the output's mean square error 1.089e-02
// OUT5B-NOT: mxfp6
// OUT5B: remark: qf-assign-formats: 3 contractions, 4.4167 bits per weight (budget 5.00)
// OUT5B-NOT: mxfp6
// NEG5: remark: qf-assign-formats: linalg.matmul: the measured increase for 'f.act0' is negative; counted as no gain
// NEG5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp4> (4.25 bits), {{.*}} (input 'f.act0')
// NEG5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits), {{.*}} (input 'f.act1')
// NEG5: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits), {{.*}} (input 'f.act2')
// CAND: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits)
// CAND: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp6> (6.25 bits)
// CAND: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint4> (4.25 bits)
// CAND: 3 contractions, 5.5833 bits per weight (budget 6.00)
// A user format (written out in full, quoted) that equals a preset prints as it.
// USER: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp4> (4.25 bits)
// USER: remark: qf-assign-formats: linalg.matmul: #qf.format<mxint6> (6.25 bits)
// USER: remark: qf-assign-formats: linalg.matmul: #qf.format<mxfp4> (4.25 bits)
// USER: 3 contractions, 4.9167 bits per weight (budget 5.00)
// OPTS-NOT: (input 'f.act2')
// OPTS: remark: qf-assign-formats: 2 contractions
// OPTS: linalg.matmul {qf.format_choice
// OPTS: linalg.matmul {qf.format_choice
// OPTS: linalg.matmul {qf.name = "skip"} ins
// QM-LABEL: func.func @f
// QM: qf.constant {{.*}} : !qf.tensor<8x32xf32, nvfp4, axis = 1>
// QM: qf.matmul {{.*}} {qf.format_choice = {bits = 4.500000e+00 : f64, format = #qf.format<nvfp4>, predicted_error = {{.*}} : f64}} : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, nvfp4, axis = 1>
// QM: qf.constant {{.*}} : !qf.tensor<8x32xf32, nvfp4, axis = 1>
// QM: qf.constant {{.*}} : !qf.tensor<8x32xf32, mxint4, axis = 1>
// QM: qf.matmul {{.*}}, !qf.tensor<8x32xf32, mxint4, axis = 1> -> tensor<4x8xf32>
// REPORT: mixed formats (qf-assign-formats): predicted relative output error and measured relative weight error
// REPORT-NEXT: location shape format bits/w pred err % weight err %
// REPORT-NEXT: ":[[#]]:9 8x32 nvfp4 4.50 1.055 0.901
// REPORT-NEXT: ":[[#]]:9 8x32 nvfp4 4.50 0.456 0.861
// REPORT-NEXT: ":[[#]]:9 8x32 mxint4 4.25 0.268 0.475
// REPORT-NEXT: total mixed formats: 4.4167 bits per weight over 768 elements
// SQ: weight 8x32 {{.*}} sq-calibrated [[E0:[0-9]+\.[0-9]+]] {{[0-9]+\.[0-9]+}}
// SQ: weight 8x32 {{.*}} sq-calibrated [[E1:[0-9]+\.[0-9]+]] {{[0-9]+\.[0-9]+}}
// SQ: weight 8x32 {{.*}} sq-calibrated [[E2:[0-9]+\.[0-9]+]] {{[0-9]+\.[0-9]+}}
// SQ: mixed formats (qf-assign-formats)
// SQ: 8x32 #qf.format<mxint4, bank = 16, outliers = 1, {{.*}}> {{[0-9.]+}} [[E0]] {{[0-9]+\.[0-9]+$}}
// SQ-NEXT: 8x32 #qf.format<mxint4, bank = 16, outliers = 1, {{.*}}> {{[0-9.]+}} [[E1]] {{[0-9]+\.[0-9]+$}}
// SQ-NEXT: 8x32 #qf.format<mxint4, bank = 16, outliers = 1, {{.*}}> {{[0-9.]+}} [[E2]] {{[0-9]+\.[0-9]+$}}
// JSON: "chosen_bits_per_element": 4.5,
// JSON-NEXT: "chosen_predicted_output_error": 0.0105506

func.func @f(%x: tensor<4x32xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %w0 = arith.constant dense<[[-0.256, 0.511, -0.226, -0.315, -0.930, -0.213, 1.112, 0.424], [1.037, 0.249, 0.395, 0.185, -1.666, 0.855, 0.506, 0.499], [-1.691, -1.744, -0.890, -0.468, 0.305, -0.046, 0.521, -0.642], [0.309, 0.394, -0.661, 1.718, 0.557, 1.197, -0.620, -0.740], [-0.344, -0.106, 0.632, 0.248, -0.447, -0.957, -0.521, 1.221], [-0.808, 0.245, 0.427, -1.490, 0.048, 1.306, -2.014, -0.322], [-0.106, -0.817, 0.497, -0.062, -1.465, 0.828, 0.669, 0.946], [1.441, 0.362, 0.119, -1.299, 0.615, -0.612, -0.453, -1.265], [-0.968, -0.531, 1.289, -2.032, -1.458, 0.239, 1.443, 0.578], [-1.900, -2.518, 0.357, -0.736, -1.120, 0.977, 1.102, 0.157], [0.246, 0.434, 1.594, 0.619, 0.519, 0.548, -1.568, 1.282], [0.955, 0.530, -1.974, -0.634, 0.842, -1.811, -0.184, 1.020], [-1.311, 1.610, 0.552, -0.150, 0.325, 0.650, 0.120, 1.146], [-0.662, -0.415, 1.042, 0.027, -0.880, 0.946, 1.465, -0.445], [-1.380, -0.135, -0.149, -0.298, 1.405, -1.027, 1.261, -1.268], [-0.787, 0.632, 1.129, 0.859, 0.345, 0.142, 0.152, 0.575], [-0.176, 0.277, 0.573, 0.001, 0.764, 0.566, 2.011, 0.325], [-0.428, -0.373, -0.013, 0.924, -0.337, 0.386, 1.837, -2.565], [-1.124, 0.244, 0.398, 0.239, -0.431, 0.655, 0.282, -0.522], [2.430, 0.355, -0.554, -0.099, -0.226, -0.063, -2.728, -0.487], [1.009, -1.169, -0.067, 0.954, 0.856, 1.491, -1.701, -0.353], [-0.341, 0.623, 1.092, -2.683, 1.089, -1.448, 0.683, -1.492], [0.176, 1.195, -0.149, 0.191, 0.797, 0.141, -0.088, 1.533], [1.048, -0.294, 2.745, -1.147, 0.915, -0.266, 0.132, 0.705], [0.222, 0.639, -1.527, -1.510, 0.615, -0.963, -1.027, -1.470], [1.266, 0.747, 1.473, -0.938, 0.001, -1.140, 0.766, 1.589], [-0.890, 1.560, 0.988, -0.178, -1.972, 1.407, -0.096, -0.603], [0.400, 0.410, 1.498, -1.020, 1.136, 1.487, 1.452, -0.181], [-0.744, 1.019, 0.115, 0.124, 1.424, -0.263, -2.297, -0.387], [-1.854, 0.819, 0.317, -0.611, -0.010, 0.833, 0.079, 1.327], [-0.061, 1.040, 1.491, 1.610, -0.672, 0.880, -1.876, -1.083], [-1.963, 1.069, -1.232, -0.013, -0.192, -0.029, -0.592, 0.234]]> : tensor<32x8xf32>
  %w1 = arith.constant dense<[[1.791, 0.044, -0.198, -1.260, -1.646, -0.598, 0.008, 0.805], [-1.564, -0.639, -0.902, -0.771, -1.180, 0.364, -0.642, -1.942], [-2.230, -0.875, 0.780, 0.748, 1.334, 0.660, 0.897, 1.309], [1.940, -1.758, -0.928, 0.690, 0.561, 0.903, 0.293, 4.952], [-6.096, -0.359, -0.853, -0.842, 0.637, -2.593, 1.684, 0.428], [-1.944, 1.033, 1.326, 1.809, 0.291, 0.183, 2.120, 1.037], [1.703, 0.989, -0.872, 0.261, -0.059, 0.523, 0.459, 0.377], [-0.324, 0.789, -0.626, -0.002, -0.000, 0.176, 0.421, 1.054], [0.446, -0.966, -0.930, 0.740, -1.040, 1.578, -0.763, 0.521], [1.484, 0.707, 1.655, 0.971, -0.148, 0.730, 0.596, 0.908], [1.240, -0.215, -2.059, 0.874, -1.167, 0.188, 0.783, 0.024], [0.206, 0.055, -1.054, -0.629, -0.436, -2.009, 0.566, -0.055], [1.828, 0.516, -0.185, -1.820, -1.897, -0.052, -1.825, -1.065], [0.032, 0.250, 1.503, 1.164, -1.060, -6.460, 0.490, -1.587], [-0.199, -0.311, 0.701, 0.354, -0.174, -2.722, -1.504, 0.200], [-0.251, -0.314, -0.036, -5.108, 0.734, 0.294, -0.373, -0.740], [-0.491, 0.105, 13.946, -0.321, 1.116, -2.376, 0.602, 2.337], [0.766, 0.947, 0.509, -1.078, 0.249, 12.725, 1.163, 0.026], [0.582, 0.710, 1.667, 0.018, 1.414, -0.705, -0.694, 0.719], [-0.677, 4.869, 1.523, 1.132, 0.003, 0.786, -1.750, 1.787], [-1.505, -1.621, -0.061, -0.313, 0.024, -8.628, 0.468, -0.232], [-0.485, 1.566, -0.471, -0.703, 0.295, 0.516, -0.705, 0.013], [-0.521, 0.170, -0.239, 0.366, -1.893, -0.885, -1.045, 0.628], [0.746, 0.306, -1.409, -0.030, -0.100, 0.749, 1.863, -3.327], [1.540, 0.316, -0.016, -0.010, 0.899, -1.749, 0.448, 0.366], [1.493, -0.575, -7.327, 0.336, 0.246, 2.234, 0.528, 0.549], [0.291, 0.247, -0.543, 2.760, -0.353, 1.054, 0.846, -0.758], [1.514, -2.295, -1.498, 0.016, -1.130, -11.861, -0.549, 0.889], [0.478, -1.568, 0.849, -0.163, 0.302, 1.663, -0.644, 0.017], [-1.237, -2.101, 0.624, 2.631, 0.929, 0.369, -0.375, -3.445], [0.924, 12.925, -0.500, -0.838, 0.037, 0.066, 0.494, -0.142], [-1.153, 1.455, 1.079, 0.345, 0.333, 5.349, -1.548, 5.830]]> : tensor<32x8xf32>
  %w2 = arith.constant dense<[[-0.930, -0.875, 0.840, -0.486, 0.495, 0.797, -0.322, -0.455], [0.915, 0.234, -0.476, 0.433, -0.367, -0.449, -0.992, 0.511], [0.833, 0.268, 0.887, -0.951, -0.532, -0.050, 0.914, 0.908], [-0.227, -0.498, -0.140, -0.013, 0.856, -0.634, 0.605, 0.477], [0.646, 0.546, 0.215, -0.344, -0.361, -0.276, 0.564, -0.842], [-0.605, 0.506, -0.505, -0.871, -0.932, 0.105, -0.348, 0.961], [0.767, 0.976, -0.470, -0.832, -0.807, -0.003, 0.420, -0.106], [-0.532, -0.166, 0.241, 0.348, 0.496, 0.694, 0.329, -0.758], [0.682, -0.412, 0.134, -0.254, 0.476, -0.602, -0.505, -0.509], [-0.693, 0.768, 0.157, -0.347, -0.208, 0.985, 0.015, -0.537], [0.617, 0.307, 0.982, -0.795, -0.050, 0.638, 0.681, 0.829], [-0.919, -0.413, -0.762, -0.621, 0.946, 0.166, 0.860, -0.256], [0.732, -0.102, -0.480, 0.556, 0.891, -0.788, 0.192, 0.240], [-0.565, -0.263, -0.717, -0.592, -0.490, 0.199, 0.303, -0.593], [-0.977, -0.346, 0.357, -0.630, -0.376, -0.593, 0.591, 0.096], [-0.873, -0.797, -0.209, 0.100, 0.278, -0.818, -0.673, 0.391], [-0.180, -0.433, -0.385, 0.906, -0.375, 0.133, -0.286, -0.167], [0.728, 0.993, -0.272, -0.606, 0.456, -0.593, -0.988, 0.803], [-0.152, 0.641, -0.188, 0.766, -0.078, -0.675, -0.970, 0.103], [0.281, 0.820, -0.822, 0.244, -0.258, 0.009, -0.708, -0.433], [0.042, 0.851, -0.782, -0.019, 0.610, 0.934, -0.605, -0.747], [0.886, 0.951, -0.035, -0.893, 0.852, -0.224, 0.808, 0.241], [0.649, -0.679, 0.572, -0.556, -0.191, 0.693, 0.658, -0.634], [-0.564, -0.201, 0.036, -0.233, -0.754, -0.506, 0.450, 0.795], [-0.918, 0.125, 0.515, -0.924, 0.676, -0.765, 0.199, 0.100], [0.254, -0.388, -0.160, 0.165, -0.149, 0.318, -0.106, -0.123], [-0.953, 0.238, -0.021, -0.529, 0.527, 0.560, -0.083, -0.641], [-0.054, -0.786, -0.743, -0.139, -0.817, -0.116, 0.020, -0.918], [0.273, -0.836, 0.467, 0.555, 0.023, -0.891, 0.008, -0.244], [0.902, -0.728, 0.714, 0.992, 0.464, 0.630, -0.613, 0.963], [-0.016, 0.913, 0.832, -0.670, 0.577, 0.861, -0.869, -0.298], [0.512, -0.682, 0.793, -0.450, 0.631, -0.713, 0.004, 0.840]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y0 = linalg.matmul ins(%x, %w0 : tensor<4x32xf32>, tensor<32x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y1 = linalg.matmul ins(%x, %w1 : tensor<4x32xf32>, tensor<32x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y2 = linalg.matmul {qf.name = "skip"} ins(%x, %w2 : tensor<4x32xf32>, tensor<32x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y0, %y1, %y2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
