//===- pack-weights-fuzzer.cpp - Fuzzes qf-pack-weights' readers ----------===//
//
// Arbitrary bytes as a qf-pack-weights input file: a .npy file when they
// start with its magic, else raw f32 with a shape taken from the first
// bytes. An accepted weight is then quantized and packed as the tool does
// (mxfp4 along the last axis when it divides, else per tensor).
//
//===----------------------------------------------------------------------===//
#include "WeightReader.h"

#include "qf/Numerics/Format.h"
#include "qf/Numerics/Packing.h"
#include "qf/Numerics/Quantize.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace nm = qf::numerics;
namespace pw = qf::packweights;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<char> raw(reinterpret_cast<const char *>(data),
                        reinterpret_cast<const char *>(data) + size);
  nm::Layout l;
  std::vector<float> x;
  std::string err;
  if (pw::isNpy(raw)) {
    err = pw::readNpy(raw, l.shape, x);
  } else {
    // "--shape" text up to the first newline, the f32 bytes after it.
    size_t nl = std::find(raw.begin(), raw.end(), '\n') - raw.begin();
    std::string shapeText(raw.begin(), raw.begin() + nl);
    std::vector<char> body(raw.begin() + std::min(nl + 1, raw.size()),
                           raw.end());
    if (!pw::parseShape(shapeText, l.shape))
      return 0;
    err = pw::readRaw(body, l.shape, shapeText, x);
  }
  if (!err.empty())
    return 0;
  int64_t n = l.numElements();
  if (int64_t(x.size()) != n || l.shape.empty() || n == 0) {
    std::fprintf(stderr, "accepted a weight of %zu values for %lld elements\n",
                 x.size(), (long long)n);
    std::abort();
  }
  nm::BlockFormat f = *nm::presetFormat("mxfp4");
  l.axis = int(l.shape.size()) - 1;
  if (!nm::checkLayout(f, l).empty())
    f.blockKind = nm::BlockKind::Tensor, f.scale = nm::ScaleType::F32;
  if (std::string e = nm::checkLayout(f, l); !e.empty()) {
    std::fprintf(stderr, "layout rejected: %s\n", e.c_str());
    std::abort();
  }
  nm::QuantizedTensor q = nm::quantize(f, l, x.data());
  int64_t row = l.shape.back();
  for (int64_t r = 0; r < n / row; ++r)
    (void)nm::packCodes(q.codes.data() + r * row, row, f.elem.bits);
  return 0;
}
