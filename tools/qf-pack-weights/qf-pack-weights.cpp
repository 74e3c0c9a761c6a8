//===- qf-pack-weights.cpp - f32 weight file to qf packed storage ---------===//
//
// Packs a raw little-endian f32 weight file into the storage that
// `qf-quantize-model weights-as-arguments=true` expects in place of an f32
// weight argument (docs/passes.md): the results of `qf.pack` of the weight
// quantized in its own shape along its K axis. Uses QFNumerics, so the bytes
// are those the compiler computes for the same weight.
//
//===----------------------------------------------------------------------===//
#include "qf/Numerics/Format.h"
#include "qf/Numerics/Packing.h"
#include "qf/Numerics/Quantize.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace nm = qf::numerics;

static int usage(const char *msg) {
  std::cerr << "qf-pack-weights: " << msg << "\n"
            << "usage: qf-pack-weights --format=PRESET --shape=AxB[x...] "
               "--axis=N [--hex] IN.f32 [-o PREFIX]\n"
               "  writes PREFIX.codes, PREFIX.scales (and PREFIX.tscale for "
               "formats with a tensor scale); --hex prints them instead\n";
  return 1;
}

static bool parseShape(const std::string &s, std::vector<int64_t> &shape) {
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    char *end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end || v <= 0)
      return false;
    shape.push_back(v);
  }
  return !shape.empty();
}

static std::string hex(const std::vector<uint8_t> &b) {
  static const char *d = "0123456789ABCDEF";
  std::string s = "0x";
  for (uint8_t c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

static bool writeFile(const std::string &path, const std::vector<uint8_t> &b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char *>(b.data()), std::streamsize(b.size()));
  return bool(f);
}

int main(int argc, char **argv) {
  std::string format, shapeStr, in, prefix;
  int axis = -1;
  bool printHex = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--format=", 0) == 0)
      format = a.substr(9);
    else if (a.rfind("--shape=", 0) == 0)
      shapeStr = a.substr(8);
    else if (a.rfind("--axis=", 0) == 0)
      axis = std::atoi(a.c_str() + 7);
    else if (a == "--hex")
      printHex = true;
    else if (a == "-o" && i + 1 < argc)
      prefix = argv[++i];
    else if (!a.empty() && a[0] != '-' && in.empty())
      in = a;
    else
      return usage(("unknown argument '" + a + "'").c_str());
  }
  std::optional<nm::BlockFormat> f = nm::presetFormat(format);
  if (!f)
    return usage(("unknown format preset '" + format + "'").c_str());
  nm::Layout l;
  if (!parseShape(shapeStr, l.shape))
    return usage(("bad --shape '" + shapeStr + "'").c_str());
  l.axis = axis;
  if (std::string err = nm::checkLayout(*f, l); !err.empty())
    return usage(err.c_str());
  if (in.empty() || (prefix.empty() && !printHex))
    return usage("need an input file and -o PREFIX (or --hex)");
  std::ifstream file(in, std::ios::binary);
  std::vector<char> raw((std::istreambuf_iterator<char>(file)),
                        std::istreambuf_iterator<char>());
  if (!file.good() && !file.eof())
    return usage(("cannot read '" + in + "'").c_str());
  int64_t n = l.numElements();
  if (int64_t(raw.size()) != n * 4)
    return usage(("'" + in + "' has " + std::to_string(raw.size()) +
                  " bytes; shape " + shapeStr + " needs " +
                  std::to_string(n * 4) + " (raw little-endian f32)")
                     .c_str());
  std::vector<float> x(static_cast<size_t>(n));
  std::memcpy(x.data(), raw.data(), raw.size());
  nm::QuantizedTensor q = nm::quantize(*f, l, x.data());
  // Codes: every innermost row is its own little-endian bit stream.
  int64_t row = l.shape.back();
  std::vector<uint8_t> codes;
  for (int64_t r = 0; r < n / row; ++r) {
    std::vector<uint8_t> p =
        nm::packCodes(q.codes.data() + r * row, row, f->elem.bits);
    codes.insert(codes.end(), p.begin(), p.end());
  }
  // Scales in scaleShape order, little-endian, at their storage width.
  int bytesPerScale = (nm::scaleBits(f->scale) + 7) / 8;
  std::vector<uint8_t> scales;
  for (nm::ScaleBits s : q.scales)
    for (int b = 0; b < bytesPerScale; ++b)
      scales.push_back(uint8_t(s >> (8 * b)));
  std::vector<uint8_t> ts(4);
  std::memcpy(ts.data(), &q.tensorScale, 4);
  if (printHex) {
    std::cout << "codes " << hex(codes) << "\nscales " << hex(scales) << "\n";
    if (f->tensorScale)
      std::cout << "tscale " << hex(ts) << "\n";
    return 0;
  }
  if (!writeFile(prefix + ".codes", codes) ||
      !writeFile(prefix + ".scales", scales) ||
      (f->tensorScale && !writeFile(prefix + ".tscale", ts))) {
    std::cerr << "qf-pack-weights: cannot write '" << prefix << ".*'\n";
    return 1;
  }
  return 0;
}
