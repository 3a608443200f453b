//===- SmtTest.cpp - The Z3 encoding against hand-worked truth tables -----===//
//
// Each test writes an expression over the columns of one table, gives the
// columns values (or NULL), and compares what the encoding evaluates to with
// SQL's answer worked out by hand (PostgreSQL's, where they differ from
// other databases).
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "ir/Literal.h"
#include "ir/Replay.h"
#include "ir/Walk.h"
#include "smt/Prover.h"

#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

using namespace migc;
using namespace migc::ir;

namespace {

using Row = std::vector<std::pair<std::string, std::string>>;

/// A table t whose check `e` is the expression under test.
class Expression {
public:
  explicit Expression(const std::string &E) {
    std::string Text =
        "migration m {\n  up {\n    create table t (a bool, b bool, x int, "
        "y int, z smallint, s text, v varchar(5), d decimal(6,2), "
        "constraint e check (" +
        E + "));\n  }\n}\n";
    unsigned Buf = SM.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(Text, "t.mig"), llvm::SMLoc());
    Parsed = std::make_unique<ParseOutput>(parseBuffer(SM, Buf));
    EXPECT_TRUE(Parsed->Diags.empty()) << E;
    DiagList Diags;
    for (const ast::Migration &M : Parsed->File.Migrations)
      replayBlock(M.Up, S, Diags);
    EXPECT_TRUE(Diags.empty())
        << E << ": " << (Diags.empty() ? "" : Diags[0].Message);
  }

  /// The expression's value on one row ("true", "false", "null", a
  /// number, or "error").
  std::string on(const Row &Values) {
    const Table *T = S.findTable("t");
    if (!T)
      return "no table";
    for (const Constraint &C : T->Constraints)
      if (C.Name == "e")
        return P.evaluate(*T, *C.Check, Values);
    return "no check";
  }

  const Table &table() { return *S.findTable("t"); }
  smt::Prover P;

private:
  llvm::SourceMgr SM;
  std::unique_ptr<ParseOutput> Parsed;
  Schema S;
};

const char *const Values3[] = {"true", "false", "null"};

// ---------------------------------------------------------------- logic

TEST(ThreeValuedLogic, And) {
  // Kleene: false wins, then NULL, then true.
  const char *Want[3][3] = {{"true", "false", "null"},
                            {"false", "false", "false"},
                            {"null", "false", "null"}};
  Expression E("a and b");
  for (int I = 0; I < 3; ++I)
    for (int J = 0; J < 3; ++J)
      EXPECT_EQ(E.on({{"a", Values3[I]}, {"b", Values3[J]}}), Want[I][J])
          << Values3[I] << " and " << Values3[J];
}

TEST(ThreeValuedLogic, Or) {
  const char *Want[3][3] = {{"true", "true", "true"},
                            {"true", "false", "null"},
                            {"true", "null", "null"}};
  Expression E("a or b");
  for (int I = 0; I < 3; ++I)
    for (int J = 0; J < 3; ++J)
      EXPECT_EQ(E.on({{"a", Values3[I]}, {"b", Values3[J]}}), Want[I][J])
          << Values3[I] << " or " << Values3[J];
}

TEST(ThreeValuedLogic, Not) {
  Expression E("not a");
  EXPECT_EQ(E.on({{"a", "true"}}), "false");
  EXPECT_EQ(E.on({{"a", "false"}}), "true");
  EXPECT_EQ(E.on({{"a", "null"}}), "null");
}

TEST(ThreeValuedLogic, ComparisonsWithNull) {
  Expression Eq("x = 1");
  EXPECT_EQ(Eq.on({{"x", "1"}}), "true");
  EXPECT_EQ(Eq.on({{"x", "2"}}), "false");
  EXPECT_EQ(Eq.on({{"x", "null"}}), "null");
  Expression Ne("x <> y");
  EXPECT_EQ(Ne.on({{"x", "null"}, {"y", "null"}}), "null");
  EXPECT_EQ(Ne.on({{"x", "3"}, {"y", "4"}}), "true");
}

TEST(ThreeValuedLogic, IsNull) {
  Expression E("x is null");
  EXPECT_EQ(E.on({{"x", "null"}}), "true");
  EXPECT_EQ(E.on({{"x", "0"}}), "false");
  Expression N("a is not null");
  EXPECT_EQ(N.on({{"a", "null"}}), "false");
  EXPECT_EQ(N.on({{"a", "false"}}), "true");
}

TEST(ThreeValuedLogic, InWithNulls) {
  // x in (1, y): true if some item equals x, NULL if none does but one
  // comparison is NULL, false otherwise.
  Expression In("x in (1, y)");
  EXPECT_EQ(In.on({{"x", "1"}, {"y", "null"}}), "true");
  EXPECT_EQ(In.on({{"x", "2"}, {"y", "null"}}), "null");
  EXPECT_EQ(In.on({{"x", "2"}, {"y", "3"}}), "false");
  EXPECT_EQ(In.on({{"x", "null"}, {"y", "3"}}), "null");
  Expression NotIn("x not in (1, y)");
  EXPECT_EQ(NotIn.on({{"x", "2"}, {"y", "null"}}), "null");
  EXPECT_EQ(NotIn.on({{"x", "2"}, {"y", "3"}}), "true");
  EXPECT_EQ(NotIn.on({{"x", "1"}, {"y", "null"}}), "false");
}

TEST(ThreeValuedLogic, LongIntegerInListIsARange) {
  std::string List = "0";
  for (int I = 1; I < 100; ++I)
    List += ", " + std::to_string(I);
  Expression In("x in (" + List + ")");
  EXPECT_EQ(In.on({{"x", "57"}}), "true");
  EXPECT_EQ(In.on({{"x", "100"}}), "false");
  EXPECT_EQ(In.on({{"x", "null"}}), "null");
}

TEST(ThreeValuedLogic, Between) {
  Expression E("x between 1 and y");
  EXPECT_EQ(E.on({{"x", "1"}, {"y", "5"}}), "true");
  EXPECT_EQ(E.on({{"x", "6"}, {"y", "5"}}), "false");
  EXPECT_EQ(E.on({{"x", "0"}, {"y", "null"}}), "false"); // 0 >= 1 is false
  EXPECT_EQ(E.on({{"x", "3"}, {"y", "null"}}), "null");
}

TEST(ThreeValuedLogic, CaseWithoutElseIsNull) {
  Expression E("case when x > 0 then true end");
  EXPECT_EQ(E.on({{"x", "1"}}), "true");
  EXPECT_EQ(E.on({{"x", "0"}}), "null");
  // A NULL condition is not taken.
  EXPECT_EQ(E.on({{"x", "null"}}), "null");
  Expression F("case when a then false else true end");
  EXPECT_EQ(F.on({{"a", "null"}}), "true");
}

TEST(ThreeValuedLogic, Functions) {
  Expression Co("coalesce(x, y, 7) = 7");
  EXPECT_EQ(Co.on({{"x", "null"}, {"y", "null"}}), "true");
  EXPECT_EQ(Co.on({{"x", "null"}, {"y", "3"}}), "false");
  Expression Nu("nullif(x, 3) is null");
  EXPECT_EQ(Nu.on({{"x", "3"}}), "true");
  EXPECT_EQ(Nu.on({{"x", "4"}}), "false");
  // PostgreSQL's greatest and least skip NULL arguments.
  Expression G("greatest(x, y, 2) = 2");
  EXPECT_EQ(G.on({{"x", "null"}, {"y", "null"}}), "true");
  EXPECT_EQ(G.on({{"x", "5"}, {"y", "null"}}), "false");
  Expression L("least(x, y) is null");
  EXPECT_EQ(L.on({{"x", "null"}, {"y", "null"}}), "true");
  EXPECT_EQ(L.on({{"x", "null"}, {"y", "1"}}), "false");
}

TEST(ThreeValuedLogic, Strings) {
  Expression Len("length(s) = 5");
  EXPECT_EQ(Len.on({{"s", "'héllo'"}}), "true");
  EXPECT_EQ(Len.on({{"s", "'hello!'"}}), "false");
  EXPECT_EQ(Len.on({{"s", "null"}}), "null");
  Expression In("s in ('a', 'b')");
  EXPECT_EQ(In.on({{"s", "'b'"}}), "true");
  EXPECT_EQ(In.on({{"s", "'c'"}}), "false");
  Expression Cat("length(s || 'xy') = 3");
  EXPECT_EQ(Cat.on({{"s", "'a'"}}), "true");
  EXPECT_EQ(Cat.on({{"s", "null"}}), "null");
  Expression Like("s like 'abc'");
  EXPECT_EQ(Like.on({{"s", "'abc'"}}), "true");
  EXPECT_EQ(Like.on({{"s", "'abd'"}}), "false");
}

// ----------------------------------------------------------- arithmetic

TEST(Arithmetic, IntegerDivisionTruncatesTowardZero) {
  Expression Div("x / y = z");
  EXPECT_EQ(Div.on({{"x", "-7"}, {"y", "2"}, {"z", "-3"}}), "true");
  EXPECT_EQ(Div.on({{"x", "7"}, {"y", "-2"}, {"z", "-3"}}), "true");
  EXPECT_EQ(Div.on({{"x", "-7"}, {"y", "-2"}, {"z", "3"}}), "true");
  Expression Mod("x % y = z");
  EXPECT_EQ(Mod.on({{"x", "-7"}, {"y", "2"}, {"z", "-1"}}), "true");
  EXPECT_EQ(Mod.on({{"x", "7"}, {"y", "-2"}, {"z", "1"}}), "true");
}

TEST(Arithmetic, ErrorsAreErrors) {
  Expression Div("x / y = 0");
  EXPECT_EQ(Div.on({{"x", "1"}, {"y", "0"}}), "error");
  // NULL divided by zero is NULL, not an error.
  EXPECT_EQ(Div.on({{"x", "null"}, {"y", "0"}}), "null");
  Expression Over("x + 1 > 0");
  EXPECT_EQ(Over.on({{"x", "2147483647"}}), "error");
  EXPECT_EQ(Over.on({{"x", "2147483646"}}), "true");
  // smallint * smallint is smallint; smallint * 2 would be int.
  Expression Small("z * z > 0");
  EXPECT_EQ(Small.on({{"z", "200"}}), "error");
  EXPECT_EQ(Small.on({{"z", "100"}}), "true");
}

TEST(Arithmetic, DecimalCastRoundsHalfAwayFromZero) {
  Expression Up("cast(d as decimal(5,1)) = 2.4");
  EXPECT_EQ(Up.on({{"d", "2.35"}}), "true");
  Expression Down("cast(d as decimal(5,1)) = -2.4");
  EXPECT_EQ(Down.on({{"d", "-2.35"}}), "true");
  Expression Fit("cast(d as decimal(2,1)) > 0");
  EXPECT_EQ(Fit.on({{"d", "9.96"}}), "error"); // rounds to 10.0
  Expression Int("cast(d as smallint) = 3");
  EXPECT_EQ(Int.on({{"d", "2.50"}}), "true");
}

TEST(Arithmetic, NumbersAreReadExactly) {
  // The numerals the encoding gives Z3 for a number's text (ir/Literal.h).
  const char *const Cases[][2] = {
      {"12.5", "125/10"}, {"-0012.50e3", "-12500/1"},
      {".5", "5/10"},     {"1e-2", "1/100"},
      {"-0", "0/1"},      {"+7", "7/1"},
      {" 3 ", "3/1"},     {"5.", "5/1"},
      {"-+5", ""},        {"1e", ""},
      {".", ""},          {"1e401", ""},
      {"1.2.3", ""},      {"", ""}};
  for (const auto &[Text, Want] : Cases) {
    std::optional<NumberText> N = parseNumber(Text);
    std::optional<std::string> F = N ? N->fraction() : std::nullopt;
    EXPECT_EQ(F.value_or(""), Want) << "'" << Text << "'";
  }
}

// ------------------------------------------------------------- questions

TEST(Questions, ACheckAdmitsNull) {
  Expression E("x > 0 and x < 0");
  // Only NULL satisfies the check, so the table is satisfiable but x can
  // hold no value.
  EXPECT_TRUE(E.P.satisfiable(E.table()).holds());
  smt::Answer A = E.P.canHoldValue(E.table(), "x");
  EXPECT_TRUE(A.fails());
  ASSERT_EQ(A.Core.size(), 1u);
  EXPECT_EQ(A.Core[0], smt::Blame::check("t", "e"));
}

TEST(Questions, ACoreNamesAColumnType) {
  // No smallint is above 40000: the check and z's type leave z only NULL.
  Expression E("z > 40000");
  smt::Answer A = E.P.canHoldValue(E.table(), "z");
  EXPECT_TRUE(A.fails());
  ASSERT_EQ(A.Core.size(), 2u);
  EXPECT_EQ(A.Core[0], smt::Blame::columnType("t", "z", "smallint"));
  EXPECT_EQ(A.Core[1], smt::Blame::check("t", "e"));
}

TEST(Questions, ImpliedByTheType) {
  Expression E("z <= 32767");
  Table T = E.table();
  Expr Check = *T.Constraints.back().Check;
  T.Constraints.pop_back();
  EXPECT_TRUE(E.P.implied(T, Check).holds());
}

TEST(Questions, CacheAnswersRepeatedQuestions) {
  Expression E("x > 0");
  smt::Answer A = E.P.satisfiable(E.table());
  smt::Answer B = E.P.satisfiable(E.table());
  EXPECT_TRUE(A.holds());
  EXPECT_TRUE(B.holds());
  EXPECT_EQ(E.P.stats().Queries, 1u);
  EXPECT_EQ(E.P.stats().CacheHits, 1u);
}

TEST(Questions, TimeoutIsUnknownNotProof) {
  smt::Options O;
  O.TimeoutMs = 1;
  // A Fermat cubic: no positive x, y, z satisfy it, which Z3's nonlinear
  // arithmetic cannot settle (and surely not in 1 ms).
  Expression E("x * x * x + y * y * y = z * z * z and x > 0 and y > 0 and "
               "z > 0 and y is not null and z is not null");
  smt::Prover Fast(O);
  Table T = E.table();
  smt::Answer A = Fast.canHoldValue(T, "x");
  EXPECT_TRUE(A.unknown()) << "verdict " << int(A.V) << " queries "
                           << Fast.stats().Queries << " columns "
                           << T.Columns.size() << " checks "
                           << T.Constraints.size();
  EXPECT_FALSE(A.Reason.empty());
}

// Z3 4.8 can lose the timeout of the check after one that timed out (its
// timer's shared state); on these cubics a lost timeout never returns.
// migc's watchdog stops every one, and each answer is unknown.
TEST(Questions, EveryTimeoutStopsItsCheck) {
  smt::Options O;
  O.TimeoutMs = 1;
  smt::Prover Fast(O);
  for (int K = 1; K <= 3; ++K) {
    // A different constant per question, so none is a cache hit.
    Expression E("x * x * x + y * y * y = z * z * z and x > " +
                 std::to_string(K) +
                 " and y > 0 and z > 0 and y is not null and z is not null");
    smt::Answer A = Fast.canHoldValue(E.table(), "x");
    EXPECT_TRUE(A.unknown()) << "question " << K << ": verdict " << int(A.V);
  }
  EXPECT_EQ(Fast.stats().Queries, 3u);
  EXPECT_EQ(Fast.stats().Unknown, 3u);
  // The interrupts leave nothing behind: the next question is answered.
  Expression Easy("x > 0");
  EXPECT_TRUE(Fast.satisfiable(Easy.table()).holds());
}

} // namespace
