// qf-cuda-probe, which the lit configuration and scripts/gpu-test.sh ask
// which GPUs are present: one "sm_NN name" line per device, or the reason
// there is none and exit status 1.
// RUN: env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_DEVICES=2 \
// RUN:   FAKE_CUDA_SM=100 qf-cuda-probe | FileCheck %s --check-prefix=TWO
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%t.missing/libcuda.so.1 qf-cuda-probe 2>&1 \
// RUN: | FileCheck %s --check-prefix=NODRIVER
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_DEVICES=0 \
// RUN:   qf-cuda-probe 2>&1 | FileCheck %s --check-prefix=NODEVICE
// TWO: sm_100 Fake GPU 0
// TWO-NEXT: sm_100 Fake GPU 1
// NODRIVER: qf-cuda-probe: no CUDA driver: cannot load
// NODEVICE: qf-cuda-probe: the CUDA driver reports no device
