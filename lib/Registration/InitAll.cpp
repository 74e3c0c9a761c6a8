//===- InitAll.cpp - Registration of qf and the dialects its tools need ---===//
#include "qf/InitAll.h"

#include "qf/Conversion/Passes.h"
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"
#include "qf/Conversion/QFToVector/QFToVector.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Pipelines/Pipelines.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void qf::registerQFDialect(mlir::DialectRegistry &registry) {
  registry.insert<qf::QFDialect>();
}

void qf::registerAllDialects(mlir::DialectRegistry &registry) {
  registerQFDialect(registry);
  registry.insert<mlir::affine::AffineDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::gpu::GPUDialect, mlir::index::IndexDialect,
                  mlir::LLVM::LLVMDialect, mlir::NVVM::NVVMDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::nvgpu::NVGPUDialect,
                  mlir::omp::OpenMPDialect, mlir::quant::QuantDialect,
                  mlir::scf::SCFDialect, mlir::tensor::TensorDialect,
                  mlir::tosa::TosaDialect, mlir::ub::UBDialect,
                  mlir::vector::VectorDialect, mlir::x86vector::X86VectorDialect>();
  // The tools link libMLIR.so, so the upstream registration functions cost no
  // link time. They attach the external models the pipelines rely on
  // (bufferization and deallocation of arith/tensor/scf/vector/linalg,
  // convert-to-llvm interfaces, NVVM target attributes); dialects are loaded
  // lazily, so registering the full upstream set is cheap at run time too.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary (qf-gpu-pipeline format=...) translates the kernels
  // to LLVM IR in-process.
  mlir::registerAllGPUToLLVMIRTranslations(registry);
}

void qf::registerQFPasses() {
  // Targets first: qf-fuse-requantize asks one by name.
  registerCPUTarget();
  registerNVVMTarget();
  registerQFConversionPasses();
  registerQFTransformsPasses();
  registerQFPipelines();
}

void qf::registerAllPasses() {
  mlir::registerAllPasses();
  registerQFPasses();
}
