//===- Type.cpp - Types, conversions and literal domains ------------------===//

#include "ir/Type.h"

#include "ir/Literal.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/JSON.h"

#include <cstdlib>
#include <vector>

namespace migc::ir {

TypeFamily Type::family() const {
  switch (Kind) {
  case TypeKind::SmallInt:
  case TypeKind::Int:
  case TypeKind::BigInt:
  case TypeKind::Decimal:
  case TypeKind::Real:
  case TypeKind::Double:
    return TypeFamily::Numeric;
  case TypeKind::Text:
  case TypeKind::Varchar:
  case TypeKind::Char:
    return TypeFamily::String;
  case TypeKind::Bool:
    return TypeFamily::Bool;
  case TypeKind::Bytes:
    return TypeFamily::Bytes;
  case TypeKind::Date:
  case TypeKind::Time:
  case TypeKind::Timestamp:
  case TypeKind::Timestamptz:
    return TypeFamily::DateTime;
  case TypeKind::Uuid:
    return TypeFamily::Uuid;
  case TypeKind::Json:
    return TypeFamily::Json;
  case TypeKind::Null:
    return TypeFamily::Null;
  case TypeKind::Unknown:
    return TypeFamily::Unknown;
  case TypeKind::Error:
    return TypeFamily::Error;
  }
  return TypeFamily::Error;
}

std::string Type::str() const {
  switch (Kind) {
  case TypeKind::SmallInt:
    return "smallint";
  case TypeKind::Int:
    return "int";
  case TypeKind::BigInt:
    return "bigint";
  case TypeKind::Decimal:
    if (!Length)
      return "decimal";
    return "decimal(" + std::to_string(Length) + "," + std::to_string(Scale) +
           ")";
  case TypeKind::Real:
    return "real";
  case TypeKind::Double:
    return "double";
  case TypeKind::Bool:
    return "bool";
  case TypeKind::Text:
    return "text";
  case TypeKind::Varchar:
    return Length ? "varchar(" + std::to_string(Length) + ")" : "varchar";
  case TypeKind::Char:
    return "char(" + std::to_string(Length) + ")";
  case TypeKind::Bytes:
    return "bytes";
  case TypeKind::Date:
    return "date";
  case TypeKind::Time:
    return "time";
  case TypeKind::Timestamp:
    return "timestamp";
  case TypeKind::Timestamptz:
    return "timestamptz";
  case TypeKind::Uuid:
    return "uuid";
  case TypeKind::Json:
    return "json";
  case TypeKind::Null:
    return "null";
  case TypeKind::Unknown:
    return "string literal";
  case TypeKind::Error:
    return "<error>";
  }
  return "<error>";
}

int64_t Type::minInt() const {
  switch (Kind) {
  case TypeKind::SmallInt:
    return INT16_MIN;
  case TypeKind::Int:
    return INT32_MIN;
  default:
    return INT64_MIN;
  }
}

int64_t Type::maxInt() const {
  switch (Kind) {
  case TypeKind::SmallInt:
    return INT16_MAX;
  case TypeKind::Int:
    return INT32_MAX;
  default:
    return INT64_MAX;
  }
}

TypeOrError typeFromSpelling(llvm::StringRef Keyword,
                             const std::vector<long long> &Params) {
  using K = TypeKind;
  std::optional<K> Kind =
      llvm::StringSwitch<std::optional<K>>(Keyword)
          .Case("smallint", K::SmallInt)
          .Cases("int", "integer", K::Int)
          .Case("bigint", K::BigInt)
          .Cases("decimal", "numeric", K::Decimal)
          .Case("real", K::Real)
          .Cases("double", "float", K::Double) // PostgreSQL: float = float8
          .Cases("bool", "boolean", K::Bool)
          .Case("text", K::Text)
          .Case("varchar", K::Varchar)
          .Case("char", K::Char)
          .Case("bytes", K::Bytes)
          .Case("date", K::Date)
          .Case("time", K::Time)
          .Case("timestamp", K::Timestamp)
          .Case("timestamptz", K::Timestamptz)
          .Case("uuid", K::Uuid)
          .Case("json", K::Json)
          .Default(std::nullopt);
  if (!Kind)
    return {std::nullopt, "unknown type `" + Keyword.str() + "`"};
  auto Bad = [&](std::string Why) -> TypeOrError {
    return {std::nullopt, "`" + Keyword.str() + "` " + Why};
  };
  if (*Kind == K::Varchar || *Kind == K::Char) {
    if (Params.size() > 1)
      return Bad("takes one parameter, its length");
    if (Params.empty())
      return {Type::of(*Kind, *Kind == K::Char ? 1 : 0), ""};
    if (Params[0] < 1 || Params[0] > 10485760)
      return Bad("length must be between 1 and 10485760");
    return {Type::of(*Kind, uint32_t(Params[0])), ""};
  }
  if (*Kind == K::Decimal) {
    if (Params.empty())
      return {Type::of(K::Decimal), ""};
    long long P = Params[0], S = Params.size() > 1 ? Params[1] : 0;
    if (P < 1 || P > 1000)
      return Bad("precision must be between 1 and 1000");
    if (S < 0 || S > P)
      return Bad("scale must be between 0 and the precision " +
                 std::to_string(P));
    return {Type::of(K::Decimal, uint32_t(P), uint16_t(S)), ""};
  }
  if (!Params.empty())
    return Bad("takes no parameters");
  return {Type::of(*Kind), ""};
}

namespace {

int numericRank(TypeKind K) {
  switch (K) {
  case TypeKind::SmallInt:
    return 0;
  case TypeKind::Int:
    return 1;
  case TypeKind::BigInt:
    return 2;
  case TypeKind::Decimal:
    return 3;
  case TypeKind::Real:
    return 4;
  default:
    return 5;
  }
}

bool dateTimeCompatible(Type A, Type B) {
  bool ATime = A.Kind == TypeKind::Time, BTime = B.Kind == TypeKind::Time;
  return ATime == BTime;
}

bool sameFamily(Type A, Type B) {
  if (A.family() != B.family())
    return false;
  return A.family() != TypeFamily::DateTime || dateTimeCompatible(A, B);
}

} // namespace

bool isAssignable(Type From, Type To) {
  if (From.isFlexible() || To.isError())
    return true;
  return sameFamily(From, To);
}

bool isComparable(Type A, Type B) {
  if (A.isFlexible() || B.isFlexible())
    return true;
  return sameFamily(A, B);
}

bool isCastable(Type From, Type To) {
  if (From.isFlexible() || To.isError() || sameFamily(From, To))
    return true;
  TypeFamily F = From.family(), T = To.family();
  if (F == TypeFamily::String || T == TypeFamily::String)
    return true;
  if ((F == TypeFamily::Bool && To.Kind == TypeKind::Int) ||
      (T == TypeFamily::Bool && From.Kind == TypeKind::Int))
    return true;
  // Casting a timestamp to time takes its time of day.
  if (F == TypeFamily::DateTime && To.Kind == TypeKind::Time &&
      From.Kind != TypeKind::Date)
    return true;
  return false;
}

std::optional<Type> commonType(Type A, Type B) {
  if (A.isError() || B.isError())
    return Type::of(TypeKind::Error);
  if (A.Kind == TypeKind::Null || A.Kind == TypeKind::Unknown)
    return B.Kind == TypeKind::Null ? A : B;
  if (B.Kind == TypeKind::Null || B.Kind == TypeKind::Unknown)
    return A;
  if (!sameFamily(A, B))
    return std::nullopt;
  if (A == B)
    return A;
  if (A.isNumeric()) {
    Type W = numericRank(A.Kind) >= numericRank(B.Kind) ? A : B;
    if (W.Kind == TypeKind::Decimal)
      W = Type::of(TypeKind::Decimal);
    return W;
  }
  if (A.isString())
    return Type::of(TypeKind::Text);
  if (A.family() == TypeFamily::DateTime)
    return Type::of(A.Kind == TypeKind::Timestamptz ||
                            B.Kind == TypeKind::Timestamptz
                        ? TypeKind::Timestamptz
                        : TypeKind::Timestamp);
  return A;
}

// ------------------------------------------------------------ literal domains

namespace {

/// Text as a number written without an exponent (the only form these
/// checks accept).
std::optional<NumberText> plainNumber(llvm::StringRef Text) {
  std::optional<NumberText> N = parseNumber(Text);
  if (!N || N->HasExponent)
    return std::nullopt;
  return N;
}

std::optional<std::string> integerFits(llvm::StringRef Text, Type T) {
  std::optional<NumberText> N = plainNumber(Text);
  if (!N)
    return "'" + Text.str() + "' is not a number";
  llvm::StringRef Int = N->Int, Frac = N->Frac;
  auto OutOfRange = [&] {
    std::string Shown =
        Text.size() > 30 ? Text.take_front(30).str() + "..." : Text.str();
    return Shown + " is outside " + T.str() + "'s range " +
           std::to_string(T.minInt()) + ".." + std::to_string(T.maxInt());
  };
  if (Int.size() > 19)
    return OutOfRange();
  llvm::APInt V(128, Int.empty() ? "0" : Int, 10);
  // PostgreSQL rounds a fraction when it assigns to an integer column.
  if (!Frac.empty() && Frac[0] >= '5')
    V += 1;
  if (N->Negative)
    V.negate();
  if (V.slt(llvm::APInt(128, T.minInt(), true)) ||
      V.sgt(llvm::APInt(128, T.maxInt(), true)))
    return OutOfRange();
  return std::nullopt;
}

std::optional<std::string> decimalFits(llvm::StringRef Text, Type T) {
  std::optional<NumberText> N = plainNumber(Text);
  if (!N)
    return "'" + Text.str() + "' is not a number";
  llvm::StringRef Int = N->Int, Frac = N->Frac;
  if (T.Kind != TypeKind::Decimal || !T.Length)
    return std::nullopt;
  size_t Allowed = T.Length - T.Scale;
  // Rounding to the scale may carry into the integer part: 999.995 in
  // decimal(5,2) is 1000.00.
  size_t IntDigits = Int.size();
  if (Frac.size() > T.Scale && Frac[T.Scale] >= '5' &&
      Frac.take_front(T.Scale).find_first_not_of('9') ==
          llvm::StringRef::npos &&
      Int.find_first_not_of('9') == llvm::StringRef::npos)
    IntDigits = Int.size() + 1;
  if (IntDigits > Allowed)
    return Text.str() + " has " + std::to_string(IntDigits) +
           " digits before the point" +
           (IntDigits != Int.size() ? " once rounded" : "") + "; " + T.str() +
           " allows " + std::to_string(Allowed);
  return std::nullopt;
}

bool digitsAt(llvm::StringRef S, size_t Pos, size_t N, unsigned Lo,
              unsigned Hi) {
  if (S.size() < Pos + N)
    return false;
  unsigned V = 0;
  if (S.substr(Pos, N).getAsInteger(10, V))
    return false;
  return V >= Lo && V <= Hi;
}

bool isDate(llvm::StringRef S) {
  if (S.size() != 10 || S[4] != '-' || S[7] != '-' ||
      !digitsAt(S, 0, 4, 1, 9999) || !digitsAt(S, 5, 2, 1, 12))
    return false;
  unsigned Y = 0, M = 0;
  S.substr(0, 4).getAsInteger(10, Y);
  S.substr(5, 2).getAsInteger(10, M);
  bool Leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  static const unsigned Days[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return digitsAt(S, 8, 2, 1, Days[M - 1] + (M == 2 && Leap));
}

/// PostgreSQL's special values of dates and timestamps.
bool isSpecialDate(llvm::StringRef S) {
  std::string L = S.trim().lower();
  return L == "infinity" || L == "-infinity" || L == "epoch" || L == "now" ||
         L == "today" || L == "tomorrow" || L == "yesterday";
}

bool isTime(llvm::StringRef S) {
  if (S.size() < 5 || S[2] != ':' || !digitsAt(S, 0, 2, 0, 24) ||
      !digitsAt(S, 3, 2, 0, 59))
    return false;
  // 24:00:00 is the only time in hour 24.
  bool Hour24 = S.startswith("24");
  if (Hour24 && !digitsAt(S, 3, 2, 0, 0))
    return false;
  S = S.drop_front(5);
  if (S.empty())
    return true;
  if (S[0] != ':' || !digitsAt(S, 1, 2, 0, Hour24 ? 0 : 60))
    return false;
  S = S.drop_front(3);
  if (S.consume_front("."))
    return !S.empty() && S.size() <= 6 &&
           S.find_first_not_of(Hour24 ? "0" : "0123456789") ==
               llvm::StringRef::npos;
  return S.empty();
}

bool isZone(llvm::StringRef S) {
  S = S.trim();
  if (S == "Z" || S == "UTC" || S.empty())
    return true;
  if (S[0] != '+' && S[0] != '-')
    return false;
  S = S.drop_front();
  return (S.size() == 2 && digitsAt(S, 0, 2, 0, 14)) ||
         (S.size() == 5 && S[2] == ':' && digitsAt(S, 0, 2, 0, 14) &&
          digitsAt(S, 3, 2, 0, 59)) ||
         (S.size() == 4 && digitsAt(S, 0, 4, 0, 1459));
}

bool isTimestamp(llvm::StringRef S, bool WithZone) {
  S = S.trim();
  if (S.size() < 10 || !isDate(S.take_front(10)))
    return false;
  S = S.drop_front(10);
  if (S.empty())
    return true;
  if (S[0] != ' ' && S[0] != 'T')
    return false;
  S = S.drop_front();
  size_t End = S.find_first_of("+-Z ");
  if (End == llvm::StringRef::npos)
    return isTime(S);
  return WithZone && isTime(S.take_front(End)) && isZone(S.drop_front(End));
}

bool isUuid(llvm::StringRef S) {
  S = S.trim();
  if (S.consume_front("{") && !S.consume_back("}"))
    return false;
  unsigned Hex = 0;
  for (char C : S) {
    if (C == '-')
      continue;
    if (!llvm::isHexDigit(C))
      return false;
    ++Hex;
  }
  return Hex == 32;
}

bool isBoolText(llvm::StringRef S) {
  std::string L = S.trim().lower();
  static const llvm::StringRef Words[] = {"t", "true",  "y", "yes", "on",  "1",
                                          "f", "false", "n", "no",  "off", "0"};
  return llvm::is_contained(Words, llvm::StringRef(L));
}

std::optional<std::string> stringFits(llvm::StringRef Text, Type T) {
  std::string Lit =
      "'" +
      (Text.size() > 30 ? Text.take_front(30).str() + "..." : Text.str()) + "'";
  auto Not = [&](llvm::StringRef What) {
    return Lit + " is not a valid " + What.str();
  };
  switch (T.family()) {
  case TypeFamily::String:
    // PostgreSQL cuts excess trailing spaces instead of failing.
    if (T.Length && T.Kind != TypeKind::Text &&
        charCount(Text.rtrim(' ')) > T.Length)
      return Lit + " is " + std::to_string(charCount(Text)) +
             " characters long; " + T.str() + " holds at most " +
             std::to_string(T.Length);
    return std::nullopt;
  case TypeFamily::Numeric:
    if (T.isInteger())
      return Text.contains('.') ? std::optional(Not(T.str()))
                                : integerFits(Text, T);
    if (T.Kind == TypeKind::Real || T.Kind == TypeKind::Double) {
      std::string L = Text.trim().lower();
      if (L == "nan" || L == "infinity" || L == "-infinity" || L == "inf" ||
          L == "-inf")
        return std::nullopt;
      char *End = nullptr;
      std::strtod(L.c_str(), &End);
      return !L.empty() && End && *End == '\0' ? std::nullopt
                                               : std::optional(Not(T.str()));
    }
    if (Text.trim().equals_insensitive("nan"))
      return std::nullopt;
    return decimalFits(Text, T);
  case TypeFamily::Bool:
    return isBoolText(Text) ? std::nullopt : std::optional(Not("boolean"));
  case TypeFamily::DateTime:
    if (T.Kind != TypeKind::Time && isSpecialDate(Text))
      return std::nullopt;
    if (T.Kind == TypeKind::Date)
      return isDate(Text.trim()) ? std::nullopt
                                 : std::optional(Not("date (YYYY-MM-DD)"));
    if (T.Kind == TypeKind::Time)
      return isTime(Text.trim()) ? std::nullopt
                                 : std::optional(Not("time (HH:MM[:SS])"));
    return isTimestamp(Text, /*WithZone=*/true) ? std::nullopt
                                                : std::optional(Not(T.str()));
  case TypeFamily::Uuid:
    return isUuid(Text) ? std::nullopt : std::optional(Not("uuid"));
  case TypeFamily::Json:
    if (auto V = llvm::json::parse(Text))
      return std::nullopt;
    else
      llvm::consumeError(V.takeError());
    return Not("json document");
  default:
    return std::nullopt;
  }
}

} // namespace

std::optional<std::string> literalFits(llvm::StringRef Text, bool IsString,
                                       Type T) {
  if (T.isFlexible())
    return std::nullopt;
  if (IsString)
    return stringFits(Text, T);
  if (!T.isNumeric())
    return std::nullopt;
  return T.isInteger() ? integerFits(Text, T) : decimalFits(Text, T);
}

} // namespace migc::ir
