//===- TypeTest.cpp - Types, conversions and literal domains --------------===//

#include "ir/Type.h"

#include "gtest/gtest.h"

#include <climits>

using namespace migc::ir;

namespace {

using K = TypeKind;

Type T(TypeKind Kind, uint32_t Len = 0, uint16_t Scale = 0) {
  return Type::of(Kind, Len, Scale);
}

// ------------------------------------------------------------ spellings

struct SpellingCase {
  const char *Keyword;
  std::vector<long long> Params;
  Type Expected;
  const char *Str;
};

class SpellingTest : public ::testing::TestWithParam<SpellingCase> {};

TEST_P(SpellingTest, Resolves) {
  const SpellingCase &C = GetParam();
  TypeOrError R = typeFromSpelling(C.Keyword, C.Params);
  ASSERT_TRUE(R.Ty.has_value()) << C.Keyword << ": " << R.Error;
  EXPECT_EQ(*R.Ty, C.Expected) << C.Keyword << " gave " << R.Ty->str();
  EXPECT_EQ(R.Ty->str(), C.Str);
  EXPECT_TRUE(R.Error.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Keywords, SpellingTest,
    ::testing::Values(
        SpellingCase{"smallint", {}, T(K::SmallInt), "smallint"},
        SpellingCase{"int", {}, T(K::Int), "int"},
        SpellingCase{"integer", {}, T(K::Int), "int"},
        SpellingCase{"bigint", {}, T(K::BigInt), "bigint"},
        SpellingCase{"decimal", {10, 2}, T(K::Decimal, 10, 2), "decimal(10,2)"},
        SpellingCase{"numeric", {10, 2}, T(K::Decimal, 10, 2), "decimal(10,2)"},
        SpellingCase{"decimal", {5}, T(K::Decimal, 5, 0), "decimal(5,0)"},
        SpellingCase{"decimal",
                     {1000, 1000},
                     T(K::Decimal, 1000, 1000),
                     "decimal(1000,1000)"},
        SpellingCase{"decimal", {1, 0}, T(K::Decimal, 1, 0), "decimal(1,0)"},
        SpellingCase{"real", {}, T(K::Real), "real"},
        SpellingCase{"double", {}, T(K::Double), "double"},
        SpellingCase{"bool", {}, T(K::Bool), "bool"},
        SpellingCase{"boolean", {}, T(K::Bool), "bool"},
        SpellingCase{"text", {}, T(K::Text), "text"},
        SpellingCase{"varchar", {50}, T(K::Varchar, 50), "varchar(50)"},
        SpellingCase{"varchar", {1}, T(K::Varchar, 1), "varchar(1)"},
        SpellingCase{"varchar",
                     {10485760},
                     T(K::Varchar, 10485760),
                     "varchar(10485760)"},
        SpellingCase{"char", {3}, T(K::Char, 3), "char(3)"},
        SpellingCase{"char", {}, T(K::Char, 1), "char(1)"},
        SpellingCase{"bytes", {}, T(K::Bytes), "bytes"},
        SpellingCase{"date", {}, T(K::Date), "date"},
        SpellingCase{"time", {}, T(K::Time), "time"},
        SpellingCase{"timestamp", {}, T(K::Timestamp), "timestamp"},
        SpellingCase{"timestamptz", {}, T(K::Timestamptz), "timestamptz"},
        SpellingCase{"uuid", {}, T(K::Uuid), "uuid"},
        SpellingCase{"json", {}, T(K::Json), "json"}));

struct BadSpellingCase {
  const char *Keyword;
  std::vector<long long> Params;
  const char *Error;
};

class BadSpellingTest : public ::testing::TestWithParam<BadSpellingCase> {};

TEST_P(BadSpellingTest, IsRejectedWithAMessage) {
  const BadSpellingCase &C = GetParam();
  TypeOrError R = typeFromSpelling(C.Keyword, C.Params);
  EXPECT_FALSE(R.Ty.has_value()) << C.Keyword << " gave " << R.Ty->str();
  EXPECT_EQ(R.Error, C.Error);
}

INSTANTIATE_TEST_SUITE_P(
    Parameters, BadSpellingTest,
    ::testing::Values(
        BadSpellingCase{
            "varchar", {0}, "`varchar` length must be between 1 and 10485760"},
        BadSpellingCase{"varchar",
                        {10485761},
                        "`varchar` length must be between 1 and 10485760"},
        // BuildAST turns a parameter too large for long long into -1.
        BadSpellingCase{
            "varchar", {-1}, "`varchar` length must be between 1 and 10485760"},
        BadSpellingCase{
            "char", {0}, "`char` length must be between 1 and 10485760"},
        BadSpellingCase{
            "varchar", {1, 2}, "`varchar` takes one parameter, its length"},
        BadSpellingCase{
            "char", {1, 2}, "`char` takes one parameter, its length"},
        BadSpellingCase{
            "decimal",
            {3, 5},
            "`decimal` scale must be between 0 and the precision 3"},
        BadSpellingCase{
            "numeric",
            {3, -1},
            "`numeric` scale must be between 0 and the precision 3"},
        BadSpellingCase{"decimal",
                        {1001},
                        "`decimal` precision must be between 1 and 1000"},
        BadSpellingCase{
            "decimal", {0}, "`decimal` precision must be between 1 and 1000"},
        BadSpellingCase{"int", {4}, "`int` takes no parameters"},
        BadSpellingCase{"integer", {4}, "`integer` takes no parameters"},
        BadSpellingCase{"bigint", {8, 0}, "`bigint` takes no parameters"},
        BadSpellingCase{"text", {10}, "`text` takes no parameters"},
        BadSpellingCase{
            "timestamptz", {3}, "`timestamptz` takes no parameters"},
        BadSpellingCase{"json", {1}, "`json` takes no parameters"},
        BadSpellingCase{"string", {}, "unknown type `string`"},
        BadSpellingCase{"INT", {}, "unknown type `INT`"}));

TEST(TypeStr, ParametersAndExpressionOnlyKinds) {
  EXPECT_EQ(T(K::Varchar).str(), "varchar");
  EXPECT_EQ(T(K::Decimal).str(), "decimal");
  EXPECT_EQ(T(K::Decimal, 7, 3).str(), "decimal(7,3)");
  EXPECT_EQ(T(K::Null).str(), "null");
  EXPECT_EQ(T(K::Unknown).str(), "string literal");
  EXPECT_EQ(T(K::Error).str(), "<error>");
  EXPECT_EQ(Type().str(), "<error>");
}

TEST(TypeStr, RoundTripsThroughTypeFromSpelling) {
  const Type Types[] = {
      T(K::SmallInt),       T(K::Int),       T(K::BigInt),
      T(K::Decimal, 12, 4), T(K::Real),      T(K::Double),
      T(K::Bool),           T(K::Text),      T(K::Varchar, 255),
      T(K::Char, 2),        T(K::Bytes),     T(K::Date),
      T(K::Time),           T(K::Timestamp), T(K::Timestamptz),
      T(K::Uuid),           T(K::Json)};
  for (Type Ty : Types) {
    std::string S = Ty.str();
    std::string Keyword = S.substr(0, S.find('('));
    std::vector<long long> Params;
    if (size_t Open = S.find('('); Open != std::string::npos) {
      std::string Inner = S.substr(Open + 1, S.size() - Open - 2);
      size_t Comma = Inner.find(',');
      Params.push_back(std::stoll(Inner.substr(0, Comma)));
      if (Comma != std::string::npos)
        Params.push_back(std::stoll(Inner.substr(Comma + 1)));
    }
    TypeOrError R = typeFromSpelling(Keyword, Params);
    ASSERT_TRUE(R.Ty) << S << ": " << R.Error;
    EXPECT_EQ(*R.Ty, Ty) << S;
  }
}

// ------------------------------------------------------------ families

TEST(TypeFamily, Predicates) {
  struct {
    Type Ty;
    TypeFamily Family;
    bool Integer, Flexible;
  } Cases[] = {
      {T(K::SmallInt), TypeFamily::Numeric, true, false},
      {T(K::Int), TypeFamily::Numeric, true, false},
      {T(K::BigInt), TypeFamily::Numeric, true, false},
      {T(K::Decimal, 5, 2), TypeFamily::Numeric, false, false},
      {T(K::Real), TypeFamily::Numeric, false, false},
      {T(K::Double), TypeFamily::Numeric, false, false},
      {T(K::Bool), TypeFamily::Bool, false, false},
      {T(K::Text), TypeFamily::String, false, false},
      {T(K::Varchar, 3), TypeFamily::String, false, false},
      {T(K::Char, 3), TypeFamily::String, false, false},
      {T(K::Bytes), TypeFamily::Bytes, false, false},
      {T(K::Date), TypeFamily::DateTime, false, false},
      {T(K::Time), TypeFamily::DateTime, false, false},
      {T(K::Timestamp), TypeFamily::DateTime, false, false},
      {T(K::Timestamptz), TypeFamily::DateTime, false, false},
      {T(K::Uuid), TypeFamily::Uuid, false, false},
      {T(K::Json), TypeFamily::Json, false, false},
      {T(K::Null), TypeFamily::Null, false, true},
      {T(K::Unknown), TypeFamily::Unknown, false, true},
      {T(K::Error), TypeFamily::Error, false, true},
  };
  for (const auto &C : Cases) {
    SCOPED_TRACE(C.Ty.str());
    EXPECT_EQ(C.Ty.family(), C.Family);
    EXPECT_EQ(C.Ty.isInteger(), C.Integer);
    EXPECT_EQ(C.Ty.isFlexible(), C.Flexible);
    EXPECT_EQ(C.Ty.isNumeric(), C.Family == TypeFamily::Numeric);
    EXPECT_EQ(C.Ty.isString(), C.Family == TypeFamily::String);
    EXPECT_EQ(C.Ty.isError(), C.Ty.Kind == K::Error);
  }
}

TEST(TypeRange, IntegerKinds) {
  EXPECT_EQ(T(K::SmallInt).minInt(), -32768);
  EXPECT_EQ(T(K::SmallInt).maxInt(), 32767);
  EXPECT_EQ(T(K::Int).minInt(), -2147483648LL);
  EXPECT_EQ(T(K::Int).maxInt(), 2147483647LL);
  EXPECT_EQ(T(K::BigInt).minInt(), LLONG_MIN);
  EXPECT_EQ(T(K::BigInt).maxInt(), LLONG_MAX);
}

// ------------------------------------------------------------ conversions

struct PairCase {
  Type A, B;
  bool Expected;
};

std::string describe(const PairCase &C) {
  return C.A.str() + " / " + C.B.str();
}

TEST(TypeConversion, IsAssignable) {
  const PairCase Cases[] = {
      {T(K::Int), T(K::SmallInt), true}, // the domain is checked elsewhere
      {T(K::SmallInt), T(K::BigInt), true},
      {T(K::BigInt), T(K::Decimal, 10, 2), true},
      {T(K::Double), T(K::Int), true},
      {T(K::Text), T(K::Varchar, 3), true},
      {T(K::Char, 2), T(K::Text), true},
      {T(K::Date), T(K::Timestamp), true},
      {T(K::Timestamptz), T(K::Date), true},
      {T(K::Time), T(K::Time), true},
      {T(K::Time), T(K::Timestamp), false},
      {T(K::Timestamp), T(K::Time), false},
      {T(K::Text), T(K::Int), false},
      {T(K::Int), T(K::Text), false},
      {T(K::Bool), T(K::Int), false},
      {T(K::Int), T(K::Bool), false},
      {T(K::Uuid), T(K::Text), false},
      {T(K::Json), T(K::Text), false},
      {T(K::Bytes), T(K::Text), false},
      {T(K::Uuid), T(K::Uuid), true},
      {T(K::Null), T(K::Int), true},
      {T(K::Null), T(K::Json), true},
      {T(K::Unknown), T(K::Date), true},
      {T(K::Unknown), T(K::Uuid), true},
      {T(K::Error), T(K::Bool), true},
      {T(K::Text), T(K::Error), true},
  };
  for (const PairCase &C : Cases)
    EXPECT_EQ(isAssignable(C.A, C.B), C.Expected) << describe(C);
}

TEST(TypeConversion, IsComparable) {
  const PairCase Cases[] = {
      {T(K::Int), T(K::Decimal, 5, 2), true},
      {T(K::SmallInt), T(K::Double), true},
      {T(K::Text), T(K::Varchar, 3), true},
      {T(K::Char, 1), T(K::Text), true},
      {T(K::Date), T(K::Timestamptz), true},
      {T(K::Timestamp), T(K::Timestamptz), true},
      {T(K::Time), T(K::Time), true},
      {T(K::Time), T(K::Date), false},
      {T(K::Date), T(K::Time), false},
      {T(K::Uuid), T(K::Text), false},
      {T(K::Bool), T(K::Int), false},
      {T(K::Int), T(K::Text), false},
      {T(K::Json), T(K::Json), true},
      {T(K::Bytes), T(K::Bytes), true},
      {T(K::Bool), T(K::Bool), true},
      {T(K::Null), T(K::Uuid), true},
      {T(K::Int), T(K::Null), true},
      {T(K::Unknown), T(K::Date), true},
      {T(K::Error), T(K::Text), true},
  };
  for (const PairCase &C : Cases) {
    EXPECT_EQ(isComparable(C.A, C.B), C.Expected) << describe(C);
    EXPECT_EQ(isComparable(C.B, C.A), C.Expected) << "reversed " << describe(C);
  }
}

TEST(TypeConversion, IsCastable) {
  const PairCase Cases[] = {
      {T(K::Text), T(K::Int), true},
      {T(K::Int), T(K::Text), true},
      {T(K::Text), T(K::Uuid), true},
      {T(K::Uuid), T(K::Varchar, 36), true},
      {T(K::Json), T(K::Text), true},
      {T(K::Text), T(K::Date), true},
      {T(K::Bool), T(K::Int), true},
      {T(K::Int), T(K::Bool), true},
      {T(K::Decimal, 5, 2), T(K::Bool), false},
      {T(K::Bool), T(K::Double), false},
      {T(K::Double), T(K::SmallInt), true},
      {T(K::Timestamptz), T(K::Date), true},
      {T(K::Date), T(K::Int), false},
      {T(K::Int), T(K::Date), false},
      {T(K::Uuid), T(K::Bytes), false},
      {T(K::Bytes), T(K::Uuid), false},
      {T(K::Uuid), T(K::Json), false},
      {T(K::Null), T(K::Json), true},
      {T(K::Unknown), T(K::Int), true},
      {T(K::Error), T(K::Date), true},
      {T(K::Date), T(K::Error), true},
  };
  for (const PairCase &C : Cases)
    EXPECT_EQ(isCastable(C.A, C.B), C.Expected) << describe(C);
}

struct CommonCase {
  Type A, B;
  std::optional<Type> Expected;
};

TEST(TypeConversion, CommonType) {
  const CommonCase Cases[] = {
      {T(K::Int), T(K::Int), T(K::Int)},
      {T(K::SmallInt), T(K::Int), T(K::Int)},
      {T(K::Int), T(K::BigInt), T(K::BigInt)},
      {T(K::BigInt), T(K::Decimal, 5, 2), T(K::Decimal)},
      {T(K::Decimal, 5, 2), T(K::Decimal, 5, 2), T(K::Decimal, 5, 2)},
      {T(K::Decimal, 5, 2), T(K::Decimal, 7, 1), T(K::Decimal)},
      {T(K::Decimal, 5, 2), T(K::Real), T(K::Real)},
      {T(K::Int), T(K::Real), T(K::Real)},
      {T(K::Real), T(K::Double), T(K::Double)},
      {T(K::Varchar, 3), T(K::Varchar, 5), T(K::Text)},
      {T(K::Char, 2), T(K::Text), T(K::Text)},
      {T(K::Date), T(K::Timestamp), T(K::Timestamp)},
      {T(K::Timestamp), T(K::Timestamptz), T(K::Timestamptz)},
      {T(K::Date), T(K::Timestamptz), T(K::Timestamptz)},
      {T(K::Date), T(K::Date), T(K::Date)},
      {T(K::Time), T(K::Date), std::nullopt},
      {T(K::Int), T(K::Text), std::nullopt},
      {T(K::Bool), T(K::Int), std::nullopt},
      {T(K::Uuid), T(K::Text), std::nullopt},
      {T(K::Bool), T(K::Bool), T(K::Bool)},
      {T(K::Uuid), T(K::Uuid), T(K::Uuid)},
      {T(K::Json), T(K::Json), T(K::Json)},
      {T(K::Null), T(K::Int), T(K::Int)},
      {T(K::Unknown), T(K::Date), T(K::Date)},
      {T(K::Null), T(K::Unknown), T(K::Unknown)},
      {T(K::Null), T(K::Null), T(K::Null)},
      {T(K::Error), T(K::Text), T(K::Error)},
  };
  for (const CommonCase &C : Cases) {
    for (bool Swap : {false, true}) {
      Type A = Swap ? C.B : C.A, B = Swap ? C.A : C.B;
      std::optional<Type> R = commonType(A, B);
      std::string Label = A.str() + " / " + B.str();
      ASSERT_EQ(R.has_value(), C.Expected.has_value()) << Label;
      if (R) {
        EXPECT_EQ(*R, *C.Expected) << Label << " gave " << R->str();
      }
    }
  }
}

// ------------------------------------------------------------ literal domains

struct FitCase {
  const char *Text;
  bool IsString;
  Type Ty;
  /// Empty: the literal fits. Otherwise the exact reason.
  const char *Error;
};

std::ostream &operator<<(std::ostream &OS, const FitCase &C) {
  return OS << (C.IsString ? "'" : "") << C.Text << (C.IsString ? "'" : "")
            << " as " << C.Ty.str();
}

class LiteralFitsTest : public ::testing::TestWithParam<FitCase> {};

TEST_P(LiteralFitsTest, Domain) {
  const FitCase &C = GetParam();
  std::optional<std::string> R = literalFits(C.Text, C.IsString, C.Ty);
  if (!*C.Error) {
    EXPECT_FALSE(R.has_value()) << *R;
  } else {
    EXPECT_EQ(R.value_or("<fits>"), C.Error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Integers, LiteralFitsTest,
    ::testing::Values(
        FitCase{"-32768", false, T(K::SmallInt), ""},
        FitCase{"32767", false, T(K::SmallInt), ""},
        FitCase{"0", false, T(K::SmallInt), ""},
        FitCase{"32768", false, T(K::SmallInt),
                "32768 is outside smallint's range -32768..32767"},
        FitCase{"-32769", false, T(K::SmallInt),
                "-32769 is outside smallint's range -32768..32767"},
        // PostgreSQL rounds a fraction to the nearest integer on assignment.
        FitCase{"32767.4", false, T(K::SmallInt), ""},
        FitCase{"32767.5", false, T(K::SmallInt),
                "32767.5 is outside smallint's range -32768..32767"},
        FitCase{"-32768.5", false, T(K::SmallInt),
                "-32768.5 is outside smallint's range -32768..32767"},
        FitCase{"2147483647", false, T(K::Int), ""},
        FitCase{"-2147483648", false, T(K::Int), ""},
        FitCase{"2147483648", false, T(K::Int),
                "2147483648 is outside int's range -2147483648..2147483647"},
        FitCase{"-2147483649", false, T(K::Int),
                "-2147483649 is outside int's range -2147483648..2147483647"},
        FitCase{"9223372036854775807", false, T(K::BigInt), ""},
        FitCase{"-9223372036854775808", false, T(K::BigInt), ""},
        FitCase{"9223372036854775808", false, T(K::BigInt),
                "9223372036854775808 is outside bigint's range "
                "-9223372036854775808..9223372036854775807"},
        FitCase{"-9223372036854775809", false, T(K::BigInt),
                "-9223372036854775809 is outside bigint's range "
                "-9223372036854775808..9223372036854775807"},
        FitCase{"000000000000000000000000042", false, T(K::SmallInt), ""},
        FitCase{"123456789012345678901234567890123", false, T(K::BigInt),
                "123456789012345678901234567890... is outside bigint's range "
                "-9223372036854775808..9223372036854775807"},
        // A string given to an integer column is read as a number.
        FitCase{" 42 ", true, T(K::SmallInt), ""},
        FitCase{"40000", true, T(K::SmallInt),
                "40000 is outside smallint's range -32768..32767"},
        FitCase{"abc", true, T(K::Int), "'abc' is not a number"},
        FitCase{"", true, T(K::Int), "'' is not a number"}));

INSTANTIATE_TEST_SUITE_P(
    Decimals, LiteralFitsTest,
    ::testing::Values(
        FitCase{"999.99", false, T(K::Decimal, 5, 2), ""},
        FitCase{"-999.99", false, T(K::Decimal, 5, 2), ""},
        FitCase{"0.5", false, T(K::Decimal, 5, 2), ""},
        FitCase{"1000", false, T(K::Decimal, 5, 2),
                "1000 has 4 digits before the point; decimal(5,2) allows 3"},
        FitCase{"-1000.5", false, T(K::Decimal, 5, 2),
                "-1000.5 has 4 digits before the point; decimal(5,2) allows 3"},
        FitCase{"0001.5", false, T(K::Decimal, 2, 1), ""},
        FitCase{"10", false, T(K::Decimal, 2, 1),
                "10 has 2 digits before the point; decimal(2,1) allows 1"},
        FitCase{"1", false, T(K::Decimal, 3, 3),
                "1 has 1 digits before the point; decimal(3,3) allows 0"},
        FitCase{"0.123", false, T(K::Decimal, 3, 3), ""},
        FitCase{"123456789012345678901234567890", false, T(K::Decimal), ""},
        FitCase{"1e5", true, T(K::Decimal, 5, 2), "'1e5' is not a number"},
        FitCase{"12.5", true, T(K::Decimal, 5, 2), ""},
        FitCase{"3.14", false, T(K::Double), ""},
        FitCase{"x", true, T(K::Real), "'x' is not a valid real"}));

INSTANTIATE_TEST_SUITE_P(
    Strings, LiteralFitsTest,
    ::testing::Values(
        FitCase{"abc", true, T(K::Varchar, 3), ""},
        FitCase{"h\xc3\xa9\xc3\xa9", true, T(K::Varchar, 3), ""}, // 'héé'
        FitCase{"abcd", true, T(K::Varchar, 3),
                "'abcd' is 4 characters long; varchar(3) holds at most 3"},
        FitCase{"h\xc3\xa9\xc3\xa9\xc3\xa9", true, T(K::Varchar, 3),
                "'h\xc3\xa9\xc3\xa9\xc3\xa9' is 4 characters long; "
                "varchar(3) holds at most 3"},
        FitCase{"\xf0\x9f\x98\x80", true, T(K::Varchar, 1), ""}, // one emoji
        FitCase{"", true, T(K::Varchar, 1), ""},
        FitCase{"anything at all, however long it is", true, T(K::Varchar), ""},
        FitCase{"anything at all, however long it is", true, T(K::Text), ""},
        FitCase{"ab", true, T(K::Char, 3), ""},
        FitCase{"abc", true, T(K::Char, 3), ""},
        FitCase{"abcd", true, T(K::Char, 3),
                "'abcd' is 4 characters long; char(3) holds at most 3"},
        FitCase{"xy", true, T(K::Char, 1),
                "'xy' is 2 characters long; char(1) holds at most 1"},
        FitCase{"0123456789012345678901234567890123456789", true,
                T(K::Varchar, 5),
                "'012345678901234567890123456789...' is 40 characters long; "
                "varchar(5) holds at most 5"}));

INSTANTIATE_TEST_SUITE_P(
    DatesAndTimes, LiteralFitsTest,
    ::testing::Values(
        FitCase{"2024-02-29", true, T(K::Date), ""},
        FitCase{"2024-12-31", true, T(K::Date), ""},
        FitCase{"0001-01-01", true, T(K::Date), ""},
        FitCase{"2024-13-01", true, T(K::Date),
                "'2024-13-01' is not a valid date (YYYY-MM-DD)"},
        FitCase{"2024-00-10", true, T(K::Date),
                "'2024-00-10' is not a valid date (YYYY-MM-DD)"},
        FitCase{"2024-01-32", true, T(K::Date),
                "'2024-01-32' is not a valid date (YYYY-MM-DD)"},
        FitCase{"2024-1-1", true, T(K::Date),
                "'2024-1-1' is not a valid date (YYYY-MM-DD)"},
        FitCase{"yesterday-ish", true, T(K::Date),
                "'yesterday-ish' is not a valid date (YYYY-MM-DD)"},
        FitCase{"12:30", true, T(K::Time), ""},
        FitCase{"12:30:45", true, T(K::Time), ""},
        FitCase{"23:59:59.999999", true, T(K::Time), ""},
        FitCase{"00:00:00", true, T(K::Time), ""},
        FitCase{"12:60", true, T(K::Time),
                "'12:60' is not a valid time (HH:MM[:SS])"},
        FitCase{"25:00", true, T(K::Time),
                "'25:00' is not a valid time (HH:MM[:SS])"},
        FitCase{"12:30:45.", true, T(K::Time),
                "'12:30:45.' is not a valid time (HH:MM[:SS])"},
        FitCase{"noon", true, T(K::Time),
                "'noon' is not a valid time (HH:MM[:SS])"},
        FitCase{"2024-01-15", true, T(K::Timestamp), ""},
        FitCase{"2024-01-15 10:20:30", true, T(K::Timestamp), ""},
        FitCase{"2024-01-15T10:20:30.5", true, T(K::Timestamp), ""},
        FitCase{"2024-01-15 25:20", true, T(K::Timestamp),
                "'2024-01-15 25:20' is not a valid timestamp"},
        FitCase{"2024-01-15x", true, T(K::Timestamp),
                "'2024-01-15x' is not a valid timestamp"},
        FitCase{"2024-01-15 10:20:30+02", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15 10:20:30-05:30", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15T10:20:30Z", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15 10:20:30 UTC", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15 10:20:30+0530", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15 10:20:30", true, T(K::Timestamptz), ""},
        FitCase{"2024-01-15 10:20:30+99", true, T(K::Timestamptz),
                "'2024-01-15 10:20:30+99' is not a valid timestamptz"},
        FitCase{"2024-13-15 10:20:30Z", true, T(K::Timestamptz),
                "'2024-13-15 10:20:30Z' is not a valid timestamptz"}));

INSTANTIATE_TEST_SUITE_P(
    Others, LiteralFitsTest,
    ::testing::Values(
        FitCase{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", true, T(K::Uuid), ""},
        FitCase{"A0EEBC999C0B4EF8BB6D6BB9BD380A11", true, T(K::Uuid), ""},
        FitCase{"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", true, T(K::Uuid), ""},
        FitCase{"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", true, T(K::Uuid),
                "'{a0eebc99-9c0b-4ef8-bb6d-6bb9b...' is not a valid uuid"},
        FitCase{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", true, T(K::Uuid),
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd...' is not a valid uuid"},
        FitCase{"g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", true, T(K::Uuid),
                "'g0eebc99-9c0b-4ef8-bb6d-6bb9bd...' is not a valid uuid"},
        FitCase{"not-a-uuid", true, T(K::Uuid),
                "'not-a-uuid' is not a valid uuid"},
        FitCase{"{\"a\": [1, 2, null]}", true, T(K::Json), ""},
        FitCase{"[]", true, T(K::Json), ""},
        FitCase{"42", true, T(K::Json), ""},
        FitCase{"\"text\"", true, T(K::Json), ""},
        FitCase{"{\"a\": }", true, T(K::Json),
                "'{\"a\": }' is not a valid json document"},
        FitCase{"{a: 1}", true, T(K::Json),
                "'{a: 1}' is not a valid json document"},
        FitCase{"", true, T(K::Json), "'' is not a valid json document"},
        FitCase{"yes", true, T(K::Bool), ""},
        FitCase{"off", true, T(K::Bool), ""},
        FitCase{"TRUE", true, T(K::Bool), ""},
        FitCase{" f ", true, T(K::Bool), ""},
        FitCase{"1", true, T(K::Bool), ""}, FitCase{"0", true, T(K::Bool), ""},
        FitCase{"maybe", true, T(K::Bool), "'maybe' is not a valid boolean"},
        FitCase{"2", true, T(K::Bool), "'2' is not a valid boolean"},
        // Bytes and flexible types take any literal.
        FitCase{"\\xdeadbeef", true, T(K::Bytes), ""},
        FitCase{"anything", true, T(K::Unknown), ""},
        FitCase{"99999999999", false, T(K::Error), ""},
        FitCase{"99999999999", false, T(K::Null), ""},
        // Number literals are only checked against numeric types.
        FitCase{"42", false, T(K::Date), ""},
        FitCase{"42", false, T(K::Text), ""}));

} // namespace
