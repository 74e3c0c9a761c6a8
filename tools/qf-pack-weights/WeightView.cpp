//===- WeightView.cpp - qf-pack-weights --view ---------------------------===//
#include "WeightView.h"

#include "WeightReader.h"

#include <sstream>

namespace qf::packweights {

namespace {

std::string shapeText(const std::vector<int64_t> &s) {
  std::string t;
  for (size_t i = 0; i < s.size(); ++i)
    t += (i ? "x" : "") + std::to_string(s[i]);
  return t;
}

/// Parses `a,b,c` (decimal, non-negative) into `out`.
bool parseList(const std::string &s, std::vector<int64_t> &out) {
  out.clear();
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.size() > 12 ||
        item.find_first_not_of("0123456789") != std::string::npos)
      return false;
    out.push_back(std::stoll(item));
  }
  return !out.empty();
}

/// The element count, saturated above kMaxElements (untrusted sizes).
int64_t product(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d && n > kMaxElements / d)
      return kMaxElements + 1;
    n *= d;
  }
  return n;
}

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    st[i - 1] = st[i] * shape[i];
  return st;
}

/// out[i] = data[offset + sum_d idx_d * step_d] over the row-major indices
/// of `outShape`.
std::vector<float> gather(const std::vector<float> &data,
                          const std::vector<int64_t> &outShape, int64_t offset,
                          const std::vector<int64_t> &step) {
  std::vector<float> out(size_t(product(outShape)));
  std::vector<int64_t> idx(outShape.size(), 0);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t src = offset;
    for (size_t d = 0; d < idx.size(); ++d)
      src += idx[d] * step[d];
    out[i] = data[size_t(src)];
    for (size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

} // namespace

std::string applyView(const std::string &view, std::vector<int64_t> &shape,
                      std::vector<float> &data) {
  std::stringstream steps(view);
  std::string step;
  while (steps >> step) {
    size_t open = step.find('(');
    if (open == std::string::npos || step.back() != ')')
      return "view step '" + step + "' is not name(arguments)";
    std::string name = step.substr(0, open);
    std::string args = step.substr(open + 1, step.size() - open - 2);
    size_t rank = shape.size();
    if (name == "reshape") {
      std::vector<int64_t> s;
      if (!parseList(args, s) || product(s) != product(shape) ||
          product(s) > kMaxElements)
        return "view step '" + step + "' does not reshape " + shapeText(shape) +
               " (" + std::to_string(product(shape)) + " elements)";
      shape = s;
    } else if (name == "transpose") {
      std::vector<int64_t> p, seen(rank, 0), out(rank);
      if (!parseList(args, p) || p.size() != rank)
        return "view step '" + step + "' is not a permutation of " +
               std::to_string(rank) + " dimensions";
      for (size_t i = 0; i < rank; ++i) {
        if (p[i] >= int64_t(rank) || seen[size_t(p[i])]++)
          return "view step '" + step + "' is not a permutation of " +
                 std::to_string(rank) + " dimensions";
        out[i] = shape[size_t(p[i])];
      }
      std::vector<int64_t> st = stridesOf(shape), step2(rank);
      for (size_t i = 0; i < rank; ++i)
        step2[i] = st[size_t(p[i])];
      data = gather(data, out, 0, step2);
      shape = out;
    } else if (name == "slice") {
      size_t a = args.find(';'), b = args.rfind(';');
      std::vector<int64_t> o, s, t;
      if (a == std::string::npos || a == b ||
          !parseList(args.substr(0, a), o) ||
          !parseList(args.substr(a + 1, b - a - 1), s) ||
          !parseList(args.substr(b + 1), t) || o.size() != rank ||
          s.size() != rank || t.size() != rank)
        return "view step '" + step +
               "' is not slice(offsets;sizes;strides) "
               "of " +
               std::to_string(rank) + " dimensions";
      std::vector<int64_t> st = stridesOf(shape), step2(rank);
      int64_t offset = 0;
      for (size_t d = 0; d < rank; ++d) {
        if (s[d] < 1 || t[d] < 1 || o[d] + (s[d] - 1) * t[d] >= shape[d])
          return "view step '" + step + "' reads past dimension " +
                 std::to_string(d) + " (size " + std::to_string(shape[d]) + ")";
        offset += o[d] * st[d];
        step2[d] = t[d] * st[d];
      }
      data = gather(data, s, offset, step2);
      shape = s;
    } else {
      return "unknown view step '" + step +
             "' (expected slice, reshape or transpose)";
    }
  }
  return "";
}

} // namespace qf::packweights
