//===- qf-pack-weights.cpp - f32 weight file to qf packed storage ---------===//
//
// Packs an f32 weight file (raw little-endian or .npy) into the storage that
// `qf-quantize-model weights-as-arguments=true` expects in place of an f32
// weight argument (docs/passes.md): the results of `qf.pack` of the weight
// quantized in its own shape along its K axis. Uses QFNumerics, so the bytes
// are those the compiler computes for the same weight. The format is a
// preset name or any `#qf.format<...>` written as in a .mlir file (parsed by
// the qf dialect, so user formats need no C++).
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Format.h"
#include "qf/Numerics/Gptq.h"
#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Packing.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Sparse.h"
#include "qf/Numerics/Tiling.h"

#include "SecondMoments.h"
#include "WeightReader.h"
#include "WeightView.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"

namespace nm = qf::numerics;
using qf::packweights::parseShape;

static int usage(const char *msg) {
  std::cerr << "qf-pack-weights: " << msg << "\n"
            << "usage: qf-pack-weights --format=FORMAT [--shape=AxB[x...]] "
               "--axis=N [--scale-search=none|mse]\n"
               "       [--view=STEPS] [--rotate-block=B [--rotate-seed=S]] [--hex] IN "
               "[-o PREFIX]\n"
               "  FORMAT: a preset (mxfp4, nvfp4, ...) or '#qf.format<...>'\n"
               "  IN: raw little-endian f32 (needs --shape) or a .npy file "
               "of dtype <f4 in C order\n"
               "  --view=STEPS: the qf.weight_view of a storage argument "
               "(slice/reshape/transpose\n"
               "    steps applied to IN, of the source argument's shape, "
               "before quantizing)\n"
               "  --rotate-block/--rotate-seed: the Hadamard rotation "
               "qf-insert-hadamard\n"
               "    recorded on the argument (qf.hadamard = {axis = N, block = "
               "B, seed = S}),\n    applied along --axis before quantizing\n"
               "  --rounding=gptq --calibration=TABLE --input=POINT: GPTQ "
               "rounding of a rank-2 weight\n    with the second moment of "
               "calibration point POINT (the input the weight\n    multiplies; "
               "qf-fold-scales weight-rounding names it in a remark);\n    "
               "--scale-search=mse with --calibration weights the search by "
               "diag(H)\n"
               "  --layout=tiled<RxKC>: the repacked weight layout of a [N, K] "
               "weight (--axis=1),\n    as !qf.tensor<..., layout = "
               "tiled<RxKC>> stores it (qf-repack-weights)\n"
               "  writes PREFIX.codes, PREFIX.scales (and PREFIX.tscale for "
               "formats with a tensor scale); --hex prints them instead\n"
               "  sparse-quantized formats (bank = ..., outliers = ...) also "
               "write the high part and\n    the positions: "
               "PREFIX.outliers, PREFIX.outlier_scales, PREFIX.positions\n"
               "    (--calibration selects the outliers by |w| * rms(a), as "
               "qf-fold-scales does)\n";
  return 1;
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

/// The format: a preset name, or `#qf.format<...>` parsed by the qf dialect.
static std::optional<nm::BlockFormat> parseFormat(const std::string &text,
                                                  std::string &err) {
  if (text.empty() || text[0] != '#') {
    std::optional<nm::BlockFormat> f = nm::presetFormat(text);
    if (!f)
      err = "unknown format preset '" + text +
            "' (or give '#qf.format<...>' as in a .mlir file)";
    return f;
  }
  mlir::MLIRContext ctx;
  ctx.loadDialect<qf::QFDialect>();
  std::string diag;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diag = d.str();
    return mlir::success();
  });
  mlir::Attribute a = mlir::parseAttribute(text, &ctx);
  auto fa = llvm::dyn_cast_or_null<qf::FormatAttr>(a);
  if (!fa) {
    err = "cannot parse format '" + text + "'" +
          (diag.empty() ? std::string(": not a #qf.format") : ": " + diag);
    return std::nullopt;
  }
  return fa.toNumerics();
}

/// The second moment of calibration point `point` in table `path`, whose
/// K must be the weight's along its blocked axis.
static std::string readMoment(const std::string &path,
                              const std::string &point, const nm::Layout &l,
                              qf::calib::SecondMoment &m) {
  qf::calib::Table t;
  if (std::string e = qf::calib::readTable(path, t); !e.empty())
    return e;
  std::map<std::string, qf::calib::SecondMoment> moments;
  if (std::string e = qf::calib::readMoments(path, t, moments); !e.empty())
    return e;
  auto it = moments.find(point);
  if (it == moments.end())
    return "calibration file '" + path + "' has no second moment for '" +
           point + "'";
  m = it->second;
  int64_t k = l.shape[size_t(l.axis)];
  if (m.k != k)
    return "the second moment of '" + point + "' has K = " +
           std::to_string(m.k) + " but the weight has K = " +
           std::to_string(k) + " along --axis=" + std::to_string(l.axis);
  return "";
}

/// qf-fold-scales weight-rounding for a weight argument: the rank-2 weight
/// `x` (blocked along l.axis = K) rounded with the second moment of
/// calibration point `point` (GPTQ, or the diag(H)-weighted scale search).
/// Prints the predicted relative output errors to stderr.
static std::string roundWithCalibration(const nm::BlockFormat &f,
                                        const nm::Layout &l,
                                        const std::vector<float> &x,
                                        const std::string &path,
                                        const std::string &point, bool gptq,
                                        bool mse, nm::QuantizedTensor &q) {
  if (l.shape.size() != 2)
    return "--calibration rounds rank-2 weights only (got rank " +
           std::to_string(l.shape.size()) + ")";
  qf::calib::SecondMoment m;
  if (std::string e = readMoment(path, point, l, m); !e.empty())
    return e;
  bool transposed = l.axis == 0;
  int64_t k = l.shape[size_t(l.axis)], rows = l.shape[size_t(1 - l.axis)];
  if (gptq && !m.full)
    return "--rounding=gptq needs the full second moment of '" + point +
           "', but the table has only its diagonal (second-moments=diag)";
  std::vector<float> w(x.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j)
      w[size_t(r * k + j)] = x[size_t(transposed ? j * rows + r : r * k + j)];
  std::vector<double> diag(static_cast<size_t>(k));
  for (int64_t j = 0; j < k; ++j)
    diag[size_t(j)] = m.full ? m.h[size_t(j * k + j)] : m.h[size_t(j)];
  nm::Layout nk{{rows, k}, 1};
  if (gptq) {
    nm::GptqOptions o;
    o.mseScales = mse;
    if (std::string e =
            nm::gptqQuantize(f, rows, k, w.data(), m.h.data(), o, q);
        !e.empty())
      return e;
  } else {
    std::vector<float> imp(diag.begin(), diag.end());
    q = nm::quantizeMse(f, nk, w.data(), imp.data());
  }
  // Predicted relative output errors, as qf-report shows them.
  std::vector<float> dq(w.size()), dr(w.size());
  nm::dequantize(f, nk, q, dq.data());
  nm::dequantize(f, nk, nm::quantize(f, nk, w.data()), dr.data());
  auto err = [&](const std::vector<float> &v) {
    if (m.full)
      return nm::relativeOutputError(rows, k, w.data(), v.data(), m.h.data());
    double num = 0, den = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      double d = double(v[i]) - double(w[i]);
      num += d * d * diag[i % size_t(k)];
      den += double(w[i]) * double(w[i]) * diag[i % size_t(k)];
    }
    return den > 0 ? num / den : 0.0;
  };
  std::fprintf(stderr,
               "qf-pack-weights: predicted relative output error %.6g "
               "(%s), round-to-nearest %.6g\n",
               err(dq), gptq ? "gptq" : "rtn+mse", err(dr));
  if (transposed) {
    std::vector<uint8_t> codes(q.codes.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < k; ++j)
        codes[size_t(j * rows + r)] = q.codes[size_t(r * k + j)];
    q.codes = std::move(codes);
  }
  return "";
}

/// --layout=tiled<RxKC>: the codes and scales of `q` permuted into the
/// repacked layout (qf::numerics::Tiling), as the compiler's
/// qf-repack-weights folds a constant weight.
static std::string tileWeight(const std::string &text, const nm::BlockFormat &f,
                              const nm::Layout &l, nm::QuantizedTensor &q) {
  nm::Tiling t;
  char x = 0, close = 0;
  if (text.rfind("tiled<", 0) != 0 ||
      std::sscanf(text.c_str() + 6, "%lld%c%lld%c", (long long *)&t.rows, &x,
                  (long long *)&t.k, &close) != 4 ||
      x != 'x' || close != '>' || text.back() != '>')
    return "--layout '" + text + "' is not tiled<ROWSxRUN> (e.g. tiled<32x4>)";
  if (l.shape.size() != 2 || l.axis != 1 || f.blockKind != nm::BlockKind::Fixed)
    return "--layout " + text + " needs a rank-2 weight [N, K] blocked along "
           "K (--axis=1) with fixed blocks";
  int64_t n = l.shape[0], k = l.shape[1];
  if (std::string e = nm::checkTiling(t, n, k, f.elem.bits); !e.empty())
    return "--layout " + text + ": " + e;
  q.codes = nm::tileCodes(t, q.codes, n, k);
  int64_t nb = k / f.blockSize;
  std::vector<nm::ScaleBits> s(q.scales.size());
  for (int64_t r = 0; r < n; ++r)
    for (int64_t b = 0; b < nb; ++b)
      s[size_t(nm::tiledScaleIndex(t, nb, r, b))] = q.scales[size_t(r * nb + b)];
  q.scales = std::move(s);
  return "";
}

/// Codes packed as qf.pack packs them: every innermost row of `shape` is
/// its own little-endian bit stream.
static std::vector<uint8_t> packedCodes(const std::vector<uint8_t> &codes,
                                        const std::vector<int64_t> &shape,
                                        int bits) {
  int64_t row = shape.back(), n = int64_t(codes.size());
  std::vector<uint8_t> out;
  for (int64_t r = 0; r < n / row; ++r) {
    std::vector<uint8_t> p = nm::packCodes(codes.data() + r * row, row, bits);
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

/// Scales in scaleShape order, little-endian, at their storage width.
static std::vector<uint8_t> scaleBytes(const std::vector<nm::ScaleBits> &s,
                                       nm::ScaleType t) {
  int bytes = (nm::scaleBits(t) + 7) / 8;
  std::vector<uint8_t> out;
  for (nm::ScaleBits v : s)
    for (int b = 0; b < bytes; ++b)
      out.push_back(uint8_t(v >> (8 * b)));
  return out;
}

/// The options that do not apply to a sparse-quantized format, or "".
static std::string sparseProblem(const std::string &search,
                                 const std::string &rounding,
                                 const std::string &layout) {
  if (search != "none")
    return "--scale-search=" + search +
           " does not apply to a sparse-quantized format (qf-quantize-model "
           "and qf-fold-scales select its outliers without the search)";
  if (rounding != "rtn")
    return "--rounding=" + rounding +
           " does not apply to a sparse-quantized format (qf-fold-scales "
           "selects its outliers by |w| * rms(a) instead)";
  if (!layout.empty())
    return "--layout does not apply to a sparse-quantized format (its "
           "outlier part has a layout of its own)";
  return "";
}

/// --calibration for a sparse-quantized format: the outliers of largest
/// |w| * rms(a), rms(a) = sqrt(E[a^2]) of the input channel from the
/// diagonal of the second moment of `point` (qf-fold-scales, D24).
static std::string selectWithCalibration(const nm::BlockFormat &f,
                                         const nm::Layout &l,
                                         const std::vector<float> &x,
                                         const std::string &path,
                                         const std::string &point,
                                         nm::QuantizedTensor &q) {
  qf::calib::SecondMoment m;
  if (std::string e = readMoment(path, point, l, m); !e.empty())
    return e;
  int64_t k = l.shape[size_t(l.axis)];
  std::vector<float> rms(static_cast<size_t>(k));
  for (int64_t j = 0; j < k; ++j)
    rms[size_t(j)] = float(std::sqrt(std::max(
        0.0, double(m.h[m.full ? size_t(j * k + j) : size_t(j)]))));
  q = nm::quantizeSparse(f, l, x.data(), rms.data());
  return "";
}

int main(int argc, char **argv) {
  std::string format, shapeStr, in, prefix, search = "none", view;
  std::string rounding = "rtn", calibration, input, layout;
  int64_t rotateBlock = 0;
  std::optional<uint64_t> rotateSeed;
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
    else if (a.rfind("--view=", 0) == 0)
      view = a.substr(7);
    else if (a.rfind("--scale-search=", 0) == 0)
      search = a.substr(15);
    else if (a.rfind("--rotate-block=", 0) == 0)
      rotateBlock = std::strtoll(a.c_str() + 15, nullptr, 10);
    else if (a.rfind("--rotate-seed=", 0) == 0)
      rotateSeed = std::strtoull(a.c_str() + 14, nullptr, 10);
    else if (a.rfind("--rounding=", 0) == 0)
      rounding = a.substr(11);
    else if (a.rfind("--calibration=", 0) == 0)
      calibration = a.substr(14);
    else if (a.rfind("--input=", 0) == 0)
      input = a.substr(8);
    else if (a.rfind("--layout=", 0) == 0)
      layout = a.substr(9);
    else if (a == "--hex")
      printHex = true;
    else if (a == "-o" && i + 1 < argc)
      prefix = argv[++i];
    else if (!a.empty() && a[0] != '-' && in.empty())
      in = a;
    else
      return usage(("unknown argument '" + a + "'").c_str());
  }
  std::string err;
  std::optional<nm::BlockFormat> f = parseFormat(format, err);
  if (!f)
    return usage(err.c_str());
  if (search != "none" && search != "mse")
    return usage(("--scale-search '" + search +
                  "' is not supported; expected none or mse").c_str());
  if (rounding != "rtn" && rounding != "gptq")
    return usage(("--rounding '" + rounding +
                  "' is not supported; expected rtn or gptq").c_str());
  if (rounding == "gptq" && calibration.empty())
    return usage("--rounding=gptq needs --calibration=TABLE (a table "
                 "recorded with second-moments=full) and --input=POINT");
  if (!calibration.empty() && input.empty())
    return usage("--calibration needs --input=POINT, the calibration point "
                 "of the input this weight multiplies");
  if (in.empty() || (prefix.empty() && !printHex))
    return usage("need an input file and -o PREFIX (or --hex)");
  std::ifstream file(in, std::ios::binary);
  if (!file)
    return usage(("cannot open '" + in + "'").c_str());
  std::vector<char> raw((std::istreambuf_iterator<char>(file)),
                        std::istreambuf_iterator<char>());
  nm::Layout l;
  std::vector<float> x;
  bool npy = qf::packweights::isNpy(raw);
  if (npy) {
    if (std::string e = qf::packweights::readNpy(raw, l.shape, x); !e.empty())
      return usage(("'" + in + "': " + e).c_str());
    std::vector<int64_t> given;
    if (!shapeStr.empty() && (!parseShape(shapeStr, given) || given != l.shape))
      return usage(("--shape " + shapeStr +
                    " differs from the shape in '" + in + "'").c_str());
  } else {
    if (!parseShape(shapeStr, l.shape))
      return usage(("bad or missing --shape '" + shapeStr +
                    "' (raw f32 input needs it)").c_str());
  }
  l.axis = axis;
  // With a view, the file holds the source argument; the layout is checked
  // on the view.
  if (view.empty())
    if (std::string e = nm::checkLayout(*f, l); !e.empty())
      return usage(e.c_str());
  if (!npy)
    if (std::string e = qf::packweights::readRaw(raw, l.shape, shapeStr, x);
        !e.empty())
      return usage(("'" + in + "' " + e).c_str());
  if (!view.empty()) {
    if (std::string e = qf::packweights::applyView(view, l.shape, x);
        !e.empty())
      return usage(("--view: " + e).c_str());
    if (std::string e = nm::checkLayout(*f, l); !e.empty())
      return usage(e.c_str());
  }
  // The rotation qf-insert-hadamard applies to weights its callers quantize
  // (W Q^T: each row along K transformed like the activation).
  if (rotateSeed && !rotateBlock)
    return usage("--rotate-seed needs --rotate-block");
  if (rotateBlock) {
    if (!nm::isSupportedHadamardSize(rotateBlock))
      return usage(("--rotate-block " + std::to_string(rotateBlock) +
                    " is not a Hadamard size (2^k, 12 * 2^k or 20 * 2^k)")
                       .c_str());
    if (l.shape[size_t(axis)] % rotateBlock != 0)
      return usage(("--rotate-block " + std::to_string(rotateBlock) +
                    " does not divide dimension " + std::to_string(axis) +
                    " (size " + std::to_string(l.shape[size_t(axis)]) + ")")
                       .c_str());
    nm::hadamardAlongAxis(x.data(), l.shape, axis, rotateBlock,
                          rotateSeed.has_value(), rotateSeed.value_or(0));
  }
  nm::QuantizedTensor q;
  if (f->outliers) {
    if (std::string e = sparseProblem(search, rounding, layout); !e.empty())
      return usage(e.c_str());
    if (!calibration.empty()) {
      if (std::string e =
              selectWithCalibration(*f, l, x, calibration, input, q);
          !e.empty()) {
        std::cerr << "qf-pack-weights: " << e << "\n";
        return 1;
      }
    } else {
      q = nm::quantize(*f, l, x.data());
    }
  } else if (!calibration.empty()) {
    if (std::string e = roundWithCalibration(*f, l, x, calibration, input,
                                             rounding == "gptq",
                                             search == "mse", q);
        !e.empty()) {
      std::cerr << "qf-pack-weights: " << e << "\n";
      return 1;
    }
  } else {
    // The same search qf-quantize-model weight-scale-search=mse performs.
    q = search == "mse" ? nm::quantizeMse(*f, l, x.data())
                        : nm::quantize(*f, l, x.data());
  }
  if (!layout.empty())
    if (std::string e = tileWeight(layout, *f, l, q); !e.empty())
      return usage(e.c_str());
  // The storage arguments in their order: the (low) codes and scales, the
  // tensor scale, and for SQ formats the high part's codes and scales and
  // the positions (qf.sparse_split, then qf.pack of each part).
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files = {
      {"codes", packedCodes(q.codes, l.shape, f->elem.bits)},
      {"scales", scaleBytes(q.scales, f->scale)}};
  if (f->tensorScale) {
    std::vector<uint8_t> ts(4);
    std::memcpy(ts.data(), &q.tensorScale, 4);
    files.push_back({"tscale", ts});
  }
  if (f->outliers) {
    nm::BlockFormat hf = nm::highFormat(*f);
    files.push_back({"outliers", packedCodes(q.outlierCodes,
                                             nm::highLayout(*f, l).shape,
                                             hf.elem.bits)});
    files.push_back({"outlier_scales", scaleBytes(q.outlierScales, hf.scale)});
    files.push_back({"positions", q.positions});
  }
  for (const auto &[name, bytes] : files) {
    if (printHex) {
      std::cout << name << " " << hex(bytes) << "\n";
    } else if (!writeFile(prefix + "." + name, bytes)) {
      std::cerr << "qf-pack-weights: cannot write '" << prefix << "." << name
                << "'\n";
      return 1;
    }
  }
  return 0;
}
