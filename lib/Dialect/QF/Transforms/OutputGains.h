//===- OutputGains.h - Measured output sensitivities ------------*- C++ -*-===//
//
// qf-assign-formats objective=output reads, per calibration point, how much
// higher the model output's mean square error was with the weight that
// multiplies that point quantized in a probe format than in a reference
// format, every other weight alike in both runs (docs/mixed-formats.md).
// Header-only; every field is checked, so a bad file is an error message,
// never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_OUTPUTGAINS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_OUTPUTGAINS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <map>
#include <string>

namespace qf::calib {

/// {"format": "qf-output-gains", "version": 1, "probe": F, "reference": R,
///  "increase": {"<point>": d, ...}}: d is the measured rise of the output's
/// mean square error (any unit, the same for every point) when the weight
/// multiplying <point> is quantized in F rather than R, the other weights
/// held in one format (docs/mixed-formats.md measures with them in F).
struct OutputGains {
  std::string probe, reference;
  std::map<std::string, double> increase;
};

inline std::string parseOutputGains(llvm::StringRef text, llvm::StringRef path,
                                    OutputGains &g) {
  const std::string where = "output-gains file '" + path.str() + "'";
  auto json = llvm::json::parse(text);
  if (!json)
    return where + " is not valid JSON: " + llvm::toString(json.takeError());
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != "qf-output-gains")
    return where + " is not a qf output-gains table (expected \"format\": "
                   "\"qf-output-gains\")";
  if (root->getInteger("version") != 1)
    return where + " has an unsupported version; this qf reads version 1";
  std::optional<llvm::StringRef> probe = root->getString("probe");
  std::optional<llvm::StringRef> reference = root->getString("reference");
  const llvm::json::Object *inc = root->getObject("increase");
  if (!probe || !reference || !inc)
    return where + " needs \"probe\" and \"reference\" (formats) and "
                   "\"increase\" (an object of numbers by calibration point)";
  g.probe = probe->str();
  g.reference = reference->str();
  for (const auto &[name, value] : *inc) {
    std::optional<double> d = value.getAsNumber();
    if (!d || !std::isfinite(*d))
      return where + ": the increase of '" + name.str() +
             "' is not a finite number";
    g.increase[name.str()] = *d;
  }
  return "";
}

inline std::string readOutputGains(llvm::StringRef path, OutputGains &g) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return "cannot read output-gains file '" + path.str() +
           "': " + buf.getError().message();
  return parseOutputGains((*buf)->getBuffer(), path, g);
}

} // namespace qf::calib

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_OUTPUTGAINS_H
