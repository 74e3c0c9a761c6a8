// Upstream quant types on function boundaries that qf-import-int8 refuses,
// each with an error naming the function, the position, the type and the
// reason, before anything changes.
// RUN: not qf-opt %s --split-input-file --qf-import-int8 --allow-unregistered-dialect 2>&1 | FileCheck %s --check-prefix=ERR

// An asymmetric activation; a symmetric weight that is returned (a use other
// than quant.dcast / quant.scast); a quant-typed result.
// ERR: error: qf-import-int8: argument #0 of @asym has type 'tensor<4x64x!quant.uniform<i8:f32, 1.000000e-01:-3>>': not imported: asymmetric (zero point -3): qf formats have no zero point; lower it to its i8 storage first with --strip-func-quant-types --lower-quant-ops (or the frontend's own lowering), then run qf-import-int8
// ERR: error: qf-import-int8: argument #1 of @asym has type {{.*}}: not imported: used by func.return (only quant.dcast and quant.scast to the storage type are mapped)
// ERR: error: qf-import-int8: result #0 of @asym has type 'tensor<16x64x!quant.uniform<i8:f32:0, {{.*}}>>': not imported: only weight arguments are mapped (qf does not produce the type's codes and zero point); lower it to its i8 storage first
func.func @asym(%x: tensor<4x64x!quant.uniform<i8:f32, 0.1:-3>>, %w: tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>) -> tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>> {
  return %w : tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>
}

// -----

// ERR: error: qf-import-int8: argument #0 of @asym_axis has type {{.*}}: not imported: asymmetric (zero point 4): qf formats have no zero point
// ERR: error: qf-import-int8: argument #1 of @asym_axis has type 'tensor<4x4x!quant.uniform<u8:f32, 1.000000e-01>>': not imported: storage is not signed 8-bit (qf's int8 format holds i8 codes)
// ERR: error: qf-import-int8: argument #2 of @asym_axis has type 'tensor<4x4x!quant.uniform<i16:f32, 1.000000e-01>>': not imported: storage is not signed 8-bit
// ERR: error: qf-import-int8: argument #3 of @asym_axis has type 'tensor<4x4x!quant.uniform<i8:f16, 1.000000e-01>>': not imported: the expressed type is not f32 (qf scales decode to f32)
// ERR: error: qf-import-int8: argument #4 of @asym_axis has type 'tensor<2x2x2x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>': not imported: per-axis on a rank-3 tensor: qf takes per-axis scales of rank-2 weights (one per output channel) only
// ERR: error: qf-import-int8: argument #5 of @asym_axis has type 'tensor<?x4x!quant.uniform<i8:f32, 1.000000e-01>>': not imported: not a static ranked tensor
// ERR: error: qf-import-int8: argument #6 of @asym_axis has type '!quant.uniform<i8:f32, 1.000000e-01>': not imported: not a static ranked tensor
// ERR: error: qf-import-int8: argument #7 of @asym_axis has type 'tensor<!quant.uniform<i8:f32, 1.000000e-01>>': not imported: a rank-0 tensor (qf blocks one axis)
// ERR: error: qf-import-int8: argument #8 of @asym_axis has type 'tensor<4x4x!quant.uniform<i8:f32, 1.000000e-01>>': not imported: used by test.use (only quant.dcast and quant.scast to the storage type are mapped)
func.func @asym_axis(%a: tensor<2x4x!quant.uniform<i8:f32:0, {0.1:0, 0.2:4}>>,
                     %b: tensor<4x4x!quant.uniform<u8:f32, 0.1>>,
                     %c: tensor<4x4x!quant.uniform<i16:f32, 0.1>>,
                     %d: tensor<4x4x!quant.uniform<i8:f16, 0.1>>,
                     %e: tensor<2x2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>,
                     %f: tensor<?x4x!quant.uniform<i8:f32, 0.1>>,
                     %g: !quant.uniform<i8:f32, 0.1>,
                     %h: tensor<!quant.uniform<i8:f32, 0.1>>,
                     %i: tensor<4x4x!quant.uniform<i8:f32, 0.1>>) {
  "test.use"(%i) : (tensor<4x4x!quant.uniform<i8:f32, 0.1>>) -> ()
  return
}

// -----

// ERR: error: qf-import-int8: argument #0 of @decl has type 'tensor<4x4x!quant.uniform<i8:f32, 1.000000e-01>>': not imported: the function is a declaration (no body to read the weight)
// ERR: error: qf-import-int8: argument #0 of @sub_channel has type {{.*}}: not imported: a sub-channel type (run --normalize-quant-types first: those with one scale per tensor or per axis become per-tensor or per-axis types)
// ERR: error: qf-import-int8: argument #0 of @referenced has type 'tensor<4x4x!quant.uniform<i8:f32, 1.000000e-01>>': not imported: @referenced is referenced by test.symbol_user, whose type would not follow
func.func private @decl(tensor<4x4x!quant.uniform<i8:f32, 0.1>>)
func.func @sub_channel(%w: tensor<4x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>) {
  return
}
func.func @referenced(%w: tensor<4x4x!quant.uniform<i8:f32, 0.1>>) {
  return
}
"test.symbol_user"() {callee = @referenced} : () -> ()
