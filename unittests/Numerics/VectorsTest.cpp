//===- VectorsTest.cpp - Bit-exact reproduction of Data/vectors.json -----===//
//
// Every MX entry (scale byte, codes, decoded values) and every NVFP4/NVINT4
// entry (S_enc, g, block scales, encode factors, codes, FP32 decode) of
// docs/numerics.md section 10. A missing or unreadable file fails the tests.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Quantize.h"

#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

const llvm::json::Object *qf::numerics::test::loadVectors(std::string &error) {
  static std::optional<llvm::json::Value> root;
  static std::string loadError;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    std::string path = dataPath("vectors.json");
    auto buf = llvm::MemoryBuffer::getFile(path);
    if (!buf) {
      loadError = "cannot read " + path + ": " + buf.getError().message();
    } else {
      auto v = llvm::json::parse((*buf)->getBuffer());
      if (!v)
        loadError = "cannot parse " + path + ": " + llvm::toString(v.takeError());
      else
        root = std::move(*v);
    }
  }
  error = loadError;
  if (!root)
    return nullptr;
  const llvm::json::Object *o = root->getAsObject();
  if (!o)
    error = "vectors.json: top level is not an object";
  return o;
}

namespace {

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p - start));
    if (p == std::string::npos)
      return out;
    start = p + 1;
  }
}

std::string str(const llvm::json::Value &v) {
  if (auto s = v.getAsString())
    return s->str();
  return "";
}

std::vector<std::string> strings(const llvm::json::Object &o, const char *key) {
  std::vector<std::string> out;
  if (const llvm::json::Array *a = o.getArray(key))
    for (const llvm::json::Value &v : *a)
      out.push_back(str(v));
  return out;
}

std::string field(const llvm::json::Object &o, const char *key) {
  if (auto s = o.getString(key))
    return s->str();
  return "";
}

/// The FP32 input vector `name`.
std::vector<float> inputVector(const llvm::json::Object &root,
                               const std::string &name) {
  std::vector<float> x;
  const llvm::json::Object *inputs = root.getObject("inputs");
  if (!inputs)
    return x;
  const llvm::json::Object *in = inputs->getObject(name);
  if (!in)
    return x;
  for (const std::string &h : strings(*in, "f32_hex"))
    x.push_back(floatOf(parseHex(h)));
  return x;
}

/// Expects `got` to be the FP32 value printed as `want` (NaN for NaN, bit
/// equality otherwise, so -0 is distinguished from +0).
void expectSameF32(float got, const std::string &want, const std::string &what) {
  float w = parseDecimalF32(want);
  if (std::isnan(w)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want NaN";
    return;
  }
  EXPECT_EQ(bitsOf(got), bitsOf(w))
      << what << ": got " << got << ", want " << want;
}

class VectorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string err;
    root = loadVectors(err);
    ASSERT_NE(root, nullptr) << err;
  }
  const llvm::json::Object *root = nullptr;
};

TEST_F(VectorsTest, FileHasAllSections) {
  ASSERT_NE(root->getObject("inputs"), nullptr);
  ASSERT_NE(root->getObject("mx"), nullptr);
  ASSERT_NE(root->getObject("nvfp4"), nullptr);
  EXPECT_EQ(root->getObject("inputs")->size(), 9u);
  EXPECT_EQ(root->getObject("mx")->size(), 144u);
  EXPECT_EQ(root->getObject("nvfp4")->size(), 9u);
  for (const auto &kv : *root->getObject("inputs")) {
    std::vector<float> x = inputVector(*root, kv.first.str());
    EXPECT_EQ(x.size(), 32u) << kv.first.str();
  }
}

TEST_F(VectorsTest, MxEntries) {
  const llvm::json::Object *mx = root->getObject("mx");
  ASSERT_NE(mx, nullptr);
  int checked = 0;
  for (const auto &kv : *mx) {
    std::string key = kv.first.str();
    SCOPED_TRACE(key);
    std::vector<std::string> parts = split(key, '|');
    ASSERT_EQ(parts.size(), 5u);
    std::optional<BlockFormat> f;
    if (parts[1] == "MXFP8_E4M3")
      f = presetFormat("mxfp8");
    else if (parts[1] == "MXFP4_E2M1")
      f = presetFormat("mxfp4");
    else if (parts[1] == "MXINT8")
      f = presetFormat("mxint8");
    ASSERT_TRUE(f.has_value()) << "unknown format " << parts[1];
    if (parts[2] == "floor")
      f->rule = ScaleRule::Floor;
    else if (parts[2] == "ceil")
      f->rule = ScaleRule::Ceil;
    else
      FAIL() << "unknown scale rule " << parts[2];
    if (parts[3] == "rne")
      f->rounding = Rounding::NearestEven;
    else if (parts[3] == "away")
      f->rounding = Rounding::NearestAway;
    else
      FAIL() << "unknown rounding " << parts[3];
    if (parts[4] == "full")
      f->range = IntRange::Full;
    else
      f->range = IntRange::Symmetric;
    ASSERT_EQ(f->validate(), "");

    std::vector<float> x = inputVector(*root, parts[0]);
    ASSERT_EQ(x.size(), 32u);
    const llvm::json::Object *e = kv.second.getAsObject();
    ASSERT_NE(e, nullptr);
    Layout l{{32}, 0};
    QuantizedTensor q = quantize(*f, l, x.data());
    ASSERT_EQ(q.scales.size(), 1u);
    EXPECT_EQ(q.scales[0], parseHex(field(*e, "scale_byte")));
    std::vector<std::string> codes = strings(*e, "codes");
    std::vector<std::string> deq = strings(*e, "deq");
    ASSERT_EQ(codes.size(), 32u);
    ASSERT_EQ(deq.size(), 32u);
    std::vector<float> out(32);
    dequantize(*f, l, q, out.data());
    for (int i = 0; i < 32; ++i) {
      EXPECT_EQ(unsigned(q.codes[i]), parseHex(codes[i])) << "code " << i;
      expectSameF32(out[i], deq[i], "deq " + std::to_string(i));
    }
    // Static scales reproduce the dynamic result.
    QuantizedTensor q2 =
        quantizeWithScales(*f, l, x.data(), q.scales.data(), q.tensorScale);
    EXPECT_EQ(q2.codes, q.codes);
    ++checked;
  }
  EXPECT_EQ(checked, 144);
}

/// Checks one NVFP4 or NVINT4 entry.
void checkNv(const llvm::json::Object &root, const std::string &name,
             const llvm::json::Object &e, bool isInt) {
  BlockFormat f = *presetFormat(isInt ? "nvint4" : "nvfp4");
  std::vector<float> x = inputVector(root, name);
  ASSERT_EQ(x.size(), 32u);
  Layout l{{32}, 0};

  float sEnc = tensorEncodeScale(f, x.data(), 32);
  if (isInt) {
    expectSameF32(sEnc, field(e, "S_enc_int"), "S_enc_int");
  } else {
    EXPECT_EQ(bitsOf(sEnc), parseHex(field(e, "S_enc"))) << "S_enc " << sEnc;
  }
  QuantizedTensor q = quantize(f, l, x.data());
  float g = 1.0f / sEnc;
  EXPECT_EQ(bitsOf(q.tensorScale), bitsOf(g));
  if (!isInt)
    EXPECT_EQ(bitsOf(q.tensorScale), parseHex(field(e, "S_dec_f32")))
        << "S_dec " << q.tensorScale;

  std::vector<std::string> bs = strings(e, "block_scale_e4m3");
  ASSERT_EQ(bs.size(), 2u);
  ASSERT_EQ(q.scales.size(), 2u);
  for (int b = 0; b < 2; ++b)
    EXPECT_EQ(q.scales[b], parseHex(bs[b])) << "block scale " << b;

  std::vector<float> out(32);
  dequantize(f, l, q, out.data());

  if (!isInt) {
    // Per-block encode factor e_b = fp32(S_enc / sf_b): testable for blocks
    // with a finite scale (the reference lists a factor for NaN blocks too,
    // computed from their finite values; our NaN block has no factor).
    std::vector<std::string> senc = strings(e, "senc_b");
    ASSERT_EQ(senc.size(), 2u);
    std::vector<bool> nonFinite(2, false);
    if (const llvm::json::Array *nf = e.getArray("nonfinite_blocks"))
      for (const llvm::json::Value &v : *nf)
        if (auto i = v.getAsInteger())
          nonFinite[size_t(*i)] = true;
    for (int b = 0; b < 2; ++b) {
      if (nonFinite[b]) {
        EXPECT_EQ(q.scales[b], 0x7Fu);
        continue;
      }
      float sf = decodeScale(ScaleType::E4M3, q.scales[b]);
      float eb = sf == 0.0f ? 0.0f : sEnc / sf;
      if (!(eb <= FLT_MAX))
        eb = FLT_MAX;
      EXPECT_EQ(bitsOf(eb), parseHex(senc[b])) << "encode factor " << b;
    }
    std::vector<std::string> codes = strings(e, "codes");
    std::vector<std::string> qv = strings(e, "q");
    std::vector<std::string> deq = strings(e, "deq_f32");
    ASSERT_EQ(codes.size(), 32u);
    ASSERT_EQ(deq.size(), 32u);
    for (int i = 0; i < 32; ++i) {
      EXPECT_EQ(unsigned(q.codes[i]), parseHex(codes[i])) << "code " << i;
      if (!nonFinite[i / 16])
        expectSameF32(decodeElement(f.elem, q.codes[i]), qv[i],
                      "q " + std::to_string(i));
      expectSameF32(out[i], deq[i], "deq_f32 " + std::to_string(i));
    }
  } else {
    std::vector<std::string> qv = strings(e, "q");
    std::vector<std::string> deqExact = strings(e, "deq_exact");
    ASSERT_EQ(qv.size(), 32u);
    ASSERT_EQ(deqExact.size(), 32u);
    for (int i = 0; i < 32; ++i) {
      EXPECT_EQ(int(decodeElement(f.elem, q.codes[i])), std::atoi(qv[i].c_str()))
          << "q " << i;
      // Only the exact real value is listed for NVINT4: our FP32 decode
      // fp32(fp32(q*sf)*g) is within two roundings of it.
      double want = std::strtod(deqExact[i].c_str(), nullptr);
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(out[i])) << "deq " << i;
      } else {
        EXPECT_NEAR(out[i], want, std::fabs(want) * 2.5e-7 + 1e-45)
            << "deq " << i;
      }
    }
  }
}

TEST_F(VectorsTest, NvEntries) {
  const llvm::json::Object *nv = root->getObject("nvfp4");
  ASSERT_NE(nv, nullptr);
  int checked = 0;
  for (const auto &kv : *nv) {
    std::string name = kv.first.str();
    const llvm::json::Object *e = kv.second.getAsObject();
    ASSERT_NE(e, nullptr);
    {
      SCOPED_TRACE(name + " NVFP4");
      checkNv(*root, name, *e, /*isInt=*/false);
    }
    const llvm::json::Object *ei = e->getObject("NVINT4");
    ASSERT_NE(ei, nullptr) << name;
    {
      SCOPED_TRACE(name + " NVINT4");
      checkNv(*root, name, *ei, /*isInt=*/true);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 9);
}

} // namespace
