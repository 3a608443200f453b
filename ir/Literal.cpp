//===- Literal.cpp - The text of literals, taken apart --------------------===//

#include "ir/Literal.h"

namespace migc::ir {

std::optional<NumberText> parseNumber(llvm::StringRef Text) {
  Text = Text.trim();
  NumberText N;
  N.Negative = Text.consume_front("-");
  if (!N.Negative)
    Text.consume_front("+");
  size_t E = Text.find_first_of("eE");
  if (E != llvm::StringRef::npos) {
    if (Text.substr(E + 1).getAsInteger(10, N.Exponent))
      return std::nullopt;
    N.HasExponent = true;
    Text = Text.take_front(E);
  }
  auto [Int, Frac] = Text.split('.');
  auto Digits = [](llvm::StringRef S) {
    return S.find_first_not_of("0123456789") == llvm::StringRef::npos;
  };
  if (Text.empty() || Text == "." || !Digits(Int) || !Digits(Frac))
    return std::nullopt;
  N.Int = Int.ltrim('0');
  N.Frac = Frac;
  return N;
}

std::optional<std::string> NumberText::fraction() const {
  if (Exponent > 400 || Exponent < -400)
    return std::nullopt;
  std::string Num = Int.str() + Frac.str(), Den = "1";
  long Scale = long(Frac.size()) - Exponent;
  if (Scale > 0)
    Den += std::string(size_t(Scale), '0');
  else
    Num += std::string(size_t(-Scale), '0');
  size_t NZ = Num.find_first_not_of('0');
  Num = NZ == std::string::npos ? "0" : Num.substr(NZ);
  return (Negative && Num != "0" ? "-" : "") + Num + "/" + Den;
}

size_t charCount(llvm::StringRef Text) {
  size_t N = 0;
  for (unsigned char C : Text)
    N += (C & 0xC0) != 0x80;
  return N;
}

} // namespace migc::ir
