//===- FuzzInput.h - Reading fuzzer bytes as typed values -------*- C++ -*-===//
//
// A tiny FuzzedDataProvider: the harnesses take their structured choices
// (formats, shapes, bit patterns) from the front of libFuzzer's input. Past
// the end every read gives zero, so any input is a valid choice.
//
//===----------------------------------------------------------------------===//
#ifndef QF_FUZZ_FUZZINPUT_H
#define QF_FUZZ_FUZZINPUT_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace qf::fuzz {

class FuzzInput {
public:
  FuzzInput(const uint8_t *data, size_t size) : data(data), size(size) {}
  uint8_t byte() { return pos < size ? data[pos++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t(byte()) << (8 * i);
    return v;
  }
  float f32() {
    uint32_t b = u32();
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  /// A value in [0, n) (n >= 1).
  unsigned below(unsigned n) { return byte() % n; }
  size_t remaining() const { return pos < size ? size - pos : 0; }

private:
  const uint8_t *data;
  size_t size, pos = 0;
};

} // namespace qf::fuzz

#endif // QF_FUZZ_FUZZINPUT_H
