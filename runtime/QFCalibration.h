//===- QFCalibration.h - Calibration statistics runtime (C ABI) --*- C++ -*-===//
//
// A small library that instrumented models call while they run over
// calibration inputs (qf-instrument-calibration lowers qf.observe to these
// calls). It accumulates, per observation point: the element count, amax,
// per-channel amax along one axis, counts of zeros and non-finite values, and
// a histogram of |x| on a fixed log2 grid (8 bins per octave), which makes
// percentile and entropy calibration possible without a second pass; on
// request also the second moment sum x x^T of the tokens (or its diagonal),
// for Hessian-aware weight rounding. The table is written as versioned JSON
// with the second moments in a binary sidecar file (docs/calibration.md).
//
//===----------------------------------------------------------------------===//
#ifndef QF_RUNTIME_QFCALIBRATION_H
#define QF_RUNTIME_QFCALIBRATION_H

#include <cstdint>

#include "mlir/ExecutionEngine/CRunnerUtils.h"

extern "C" {

/// Records the f32 tensor `x` (any rank, any strides) under point `id`.
/// `channelAxis` >= 0 also tracks the amax of every index along that axis.
void qf_calib_observe_f32(int64_t id, const float *data, int64_t rank,
                          const int64_t *sizes, const int64_t *strides,
                          int64_t channelAxis);

/// Accumulates the second moment of the f32 tensor `x` under point `id`:
/// its last axis is K and every index of the other axes is one token
/// x in R^K. `mode` 2 adds x x^T (a full K x K matrix, in double), mode 1
/// only its diagonal x_k^2. Tokens with a non-finite element are skipped
/// (and counted); a call whose K or mode differs from the point's first
/// call is ignored with a message on stderr. The table then gets version 2
/// and a sidecar file (docs/calibration.md).
void qf_calib_moments_f32(int64_t id, const float *data, int64_t rank,
                          const int64_t *sizes, const int64_t *strides,
                          int64_t mode);

/// Names point `id` (the name of its qf.observe).
void qf_calib_set_name(int64_t id, const char *name, int64_t length);

/// Writes the table to `path`; returns 0 on success, nonzero on I/O error
/// (and prints why to stderr).
int qf_calib_write_json(const char *path, int64_t length);

/// Forgets everything recorded so far.
void qf_calib_reset();

// Entry points with MLIR memref descriptors (llvm.emit_c_interface).
void _mlir_ciface_qf_calib_observe(int64_t id, UnrankedMemRefType<float> *x,
                                   int64_t channelAxis);
void _mlir_ciface_qf_calib_moments(int64_t id, UnrankedMemRefType<float> *x,
                                   int64_t mode);
void _mlir_ciface_qf_calib_name(int64_t id, StridedMemRefType<int8_t, 1> *name);
void _mlir_ciface_qf_calib_write(StridedMemRefType<int8_t, 1> *path);
}

#endif // QF_RUNTIME_QFCALIBRATION_H
