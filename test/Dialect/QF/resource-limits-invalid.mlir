// Shapes whose size in bits overflows int64 are rejected by the type's
// verifier (docs/reliability.md, "Resource limits").
// RUN: qf-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{shape 4611686018427387904x4 has more than 2^60 elements; sizes in bits would overflow int64}}
func.func @overflow(%a: !qf.tensor<4611686018427387904x4xf32, #qf.format<elem = i8, block = 4, scale = f8E8M0FNU>>)

// -----

// expected-error @+1 {{shape 9223372036854775776 has more than 2^60 elements}}
func.func @over_2_60(%a: !qf.tensor<9223372036854775776xf32, mxfp4>)

// -----

// A dynamic dimension does not hide the static ones' overflow.
// expected-error @+1 {{shape ?x4611686018427387904x64 has more than 2^60 elements}}
func.func @dynamic(%a: !qf.tensor<?x4611686018427387904x64xf32, mxfp8>)
