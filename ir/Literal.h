//===- Literal.h - The text of literals, taken apart ----------*- C++ -*-===//
//
// What a literal's text says, read in one place: the type checker asks
// whether a value fits a type (ir/Type.cpp), the SMT encoding needs the
// value itself (smt/Encode.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_LITERAL_H
#define MIGC_IR_LITERAL_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace migc::ir {

/// A number's text taken apart: ` -0012.50e3 ` is negative, with `12`
/// before the point, `50` after it and the exponent 3. The parts point into
/// the text.
struct NumberText {
  bool Negative = false;
  /// The digits before the point (without leading zeros) and after it;
  /// either may be empty, not both.
  llvm::StringRef Int, Frac;
  /// Whether the text has an exponent (`1e3`, `2.5E-2`), and its value.
  bool HasExponent = false;
  long Exponent = 0;

  /// The exact value as a fraction, `-12500/1` or `125/1000`: the numeral
  /// of a real for Z3. Nullopt for an exponent beyond 400 either way.
  std::optional<std::string> fraction() const;
};

/// Reads `[-|+]digits[.digits][(e|E)[-]digits]`, with white space around
/// it allowed; nullopt for any other text.
std::optional<NumberText> parseNumber(llvm::StringRef Text);

/// The number of characters (UTF-8 code points) in Text.
size_t charCount(llvm::StringRef Text);

} // namespace migc::ir

#endif
