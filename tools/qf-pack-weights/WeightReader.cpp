//===- WeightReader.cpp - qf-pack-weights input readers -------------------===//
#include "WeightReader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace qf::packweights {

/// Multiplies the dimensions; false once the count leaves [0, kMaxElements]
/// (checked per step, so the product itself never overflows).
static bool elementCount(const std::vector<int64_t> &shape, int64_t &n) {
  n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > kMaxElements / d))
      return false;
    n *= d;
  }
  return true;
}

bool parseShape(const std::string &s, std::vector<int64_t> &shape) {
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    char *end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end || v <= 0)
      return false;
    shape.push_back(v);
  }
  int64_t n;
  return !shape.empty() && elementCount(shape, n);
}

bool isNpy(const std::vector<char> &raw) {
  return raw.size() >= 6 && std::memcmp(raw.data(), "\x93NUMPY", 6) == 0;
}

std::string readNpy(const std::vector<char> &raw, std::vector<int64_t> &shape,
                    std::vector<float> &data) {
  static const char magic[] = "\x93NUMPY";
  if (raw.size() < 10 || std::memcmp(raw.data(), magic, 6) != 0)
    return "not a .npy file (no \\x93NUMPY magic)";
  int major = uint8_t(raw[6]);
  size_t hlen, off;
  if (major == 1) {
    hlen = uint8_t(raw[8]) | size_t(uint8_t(raw[9])) << 8;
    off = 10;
  } else if (major == 2 || major == 3) {
    if (raw.size() < 12)
      return "truncated .npy header";
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= size_t(uint8_t(raw[8 + i])) << (8 * i);
    off = 12;
  } else {
    return ".npy version " + std::to_string(major) + " is not supported";
  }
  if (raw.size() - off < hlen)
    return "truncated .npy header";
  std::string h(raw.data() + off, hlen);
  auto value = [&](const std::string &key) -> std::string {
    size_t k = h.find("'" + key + "'");
    if (k == std::string::npos)
      return "";
    size_t c = h.find(':', k);
    if (c == std::string::npos)
      return "";
    size_t b = h.find_first_not_of(' ', c + 1);
    if (b == std::string::npos)
      return "";
    size_t e = h[b] == '(' ? h.find(')', b) : h.find_first_of(",}", b);
    if (h[b] == '(' && e != std::string::npos)
      ++e; // the tuple keeps its closing parenthesis
    return h.substr(b, e == std::string::npos ? std::string::npos : e - b);
  };
  std::string descr = value("descr"), order = value("fortran_order"),
              shp = value("shape");
  if (descr != "'<f4'")
    return "dtype " + (descr.empty() ? std::string("?") : descr) +
           " is not supported; expected '<f4' (little-endian float32)";
  if (order != "False")
    return "Fortran-ordered arrays are not supported; save in C order";
  if (shp.size() < 2 || shp.front() != '(' || shp.back() != ')')
    return "cannot read the shape in the .npy header";
  std::stringstream ss(shp.substr(1, shp.size() - 2));
  std::string part;
  shape.clear();
  while (std::getline(ss, part, ',')) {
    size_t first = part.find_first_not_of(' ');
    if (first == std::string::npos)
      continue;
    // Each entry is a non-negative decimal dimension (NumPy writes `3` or
    // `3L`); anything else is a corrupt header, not a zero.
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(part.c_str() + first, &end, 10);
    std::string rest(end);
    if (end == part.c_str() + first || errno == ERANGE || v < 0 ||
        rest.find_first_not_of(" L") != std::string::npos)
      return "cannot read the shape in the .npy header (dimension '" + part +
             "')";
    shape.push_back(v);
  }
  // The tool packs rows of the innermost dimension: it needs one, and rows
  // that are not empty.
  if (shape.empty())
    return "the .npy array has rank 0; a weight needs at least one dimension";
  for (int64_t d : shape)
    if (d == 0)
      return "the .npy shape " + shp + " has no elements";
  int64_t n;
  if (!elementCount(shape, n))
    return "the .npy shape " + shp + " has more than " +
           std::to_string(kMaxElements) + " elements";
  size_t body = off + hlen;
  if (raw.size() - body != size_t(n) * 4)
    return "the .npy data has " + std::to_string(raw.size() - body) +
           " bytes; its shape needs " + std::to_string(n * 4);
  data.resize(size_t(n));
  if (n)
    std::memcpy(data.data(), raw.data() + body, size_t(n) * 4);
  return "";
}

std::string readRaw(const std::vector<char> &raw,
                    const std::vector<int64_t> &shape,
                    const std::string &shapeText, std::vector<float> &data) {
  int64_t n;
  if (!elementCount(shape, n))
    return "shape " + shapeText + " has more than " +
           std::to_string(kMaxElements) + " elements";
  if (raw.size() != size_t(n) * 4)
    return "has " + std::to_string(raw.size()) + " bytes; shape " + shapeText +
           " needs " + std::to_string(n * 4) + " (raw little-endian f32)";
  data.resize(size_t(n));
  if (n)
    std::memcpy(data.data(), raw.data(), raw.size());
  return "";
}

} // namespace qf::packweights
