//===- InputNesting.h - Bracket nesting limit of qf-opt's input -*- C++ -*-===//
//
// MLIR's parser descends recursively into nested attributes, types and
// regions, so text such as `[[[[...` thousands deep exhausts the stack
// (a segmentation fault in upstream code, stock mlir-opt included). qf-opt
// checks the nesting of its input before parsing and rejects text deeper
// than any real IR with an error naming the place (docs/reliability.md,
// "Resource limits"). The fuzz harnesses skip what this check rejects.
//
//===----------------------------------------------------------------------===//
#ifndef QF_TOOLS_QF_OPT_INPUTNESTING_H
#define QF_TOOLS_QF_OPT_INPUTNESTING_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>

namespace qf {

/// The deepest bracket nesting qf-opt parses. Real IR nests a few dozen
/// levels; the parser's recursion stays well inside an 8 MiB stack here
/// (about 8000 levels overflowed it, under AddressSanitizer far fewer).
constexpr unsigned kMaxInputNesting = 1000;

/// The byte offset in `text` where bracket nesting first exceeds
/// `maxDepth`, if it does. Counts `(`, `[`, `{` and `<` against `)`, `]`,
/// `}` and `>`, outside string literals and `//` comments; `->`, `>=` and
/// `<=` are not brackets. Unbalanced closers never make the depth negative.
inline std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                                  unsigned maxDepth) {
  unsigned depth = 0;
  size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    char next = i + 1 < n ? text[i + 1] : '\0';
    if (c == '"') { // a string literal; backslash escapes the next byte
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && next == '/') { // a comment, to the end of the line
      while (i < n && text[i] != '\n')
        ++i;
      continue;
    }
    bool open = c == '(' || c == '[' || c == '{' || (c == '<' && next != '=');
    bool close = c == ')' || c == ']' || c == '}' ||
                 (c == '>' && next != '=' && !(i > 0 && text[i - 1] == '-'));
    if (open && ++depth > maxDepth)
      return i;
    if (close && depth > 0)
      --depth;
  }
  return std::nullopt;
}

} // namespace qf

#endif // QF_TOOLS_QF_OPT_INPUTNESTING_H
