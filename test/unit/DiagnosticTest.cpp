//===- DiagnosticTest.cpp - Rules, options, the engine and consumers ------===//

#include "diag/Diagnostic.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <set>

using namespace migc;

namespace {

// ------------------------------------------------------------ rules

TEST(Rules, NameRoundTripForEveryRule) {
  ASSERT_GT(ruleCount(), 20u);
  std::set<std::string> Seen;
  for (unsigned I = 0; I < ruleCount(); ++I) {
    Rule R = Rule(I);
    llvm::StringRef Name = ruleName(R);
    SCOPED_TRACE(Name.str());
    ASSERT_FALSE(Name.empty());
    EXPECT_TRUE(Seen.insert(Name.str()).second) << "duplicate rule name";
    std::optional<Rule> Back = ruleByName(Name);
    ASSERT_TRUE(Back.has_value());
    EXPECT_EQ(unsigned(*Back), I);
    // Kebab case: lowercase words joined by single hyphens.
    // (Comparisons with a copy of npos: EXPECT_EQ binds a reference, and
    // the static LLVMSupport defines npos out of line.)
    const size_t None = llvm::StringRef::npos;
    EXPECT_EQ(Name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"),
              None);
    EXPECT_NE(Name.front(), '-');
    EXPECT_NE(Name.back(), '-');
    EXPECT_EQ(Name.find("--"), None);
    EXPECT_FALSE(ruleSummary(R).empty());
    EXPECT_NE(ruleDefaultSeverity(R), Severity::Ignored);
  }
}

TEST(Rules, ByNameIsExact) {
  EXPECT_EQ(ruleByName("unknown-table"), Rule::UnknownTable);
  EXPECT_EQ(ruleByName("opaque-sql"), Rule::OpaqueSql);
  EXPECT_FALSE(ruleByName(""));
  EXPECT_FALSE(ruleByName("Unknown-Table"));
  EXPECT_FALSE(ruleByName("unknown-table "));
  EXPECT_FALSE(ruleByName("unknown_table"));
  EXPECT_FALSE(ruleByName("no-opaque-sql"));
}

TEST(Rules, DefaultSeverities) {
  EXPECT_EQ(ruleDefaultSeverity(Rule::UnknownTable), Severity::Error);
  EXPECT_EQ(ruleDefaultSeverity(Rule::OpaqueSql), Severity::Warning);
  EXPECT_EQ(ruleDefaultSeverity(Rule::UnknownRule), Severity::Warning);
  EXPECT_EQ(ruleDefaultSeverity(Rule::UnusedSuppression), Severity::Note);
}

TEST(Rules, SeverityNames) {
  EXPECT_EQ(severityName(Severity::Ignored), "ignored");
  EXPECT_EQ(severityName(Severity::Note), "note");
  EXPECT_EQ(severityName(Severity::Warning), "warning");
  EXPECT_EQ(severityName(Severity::Error), "error");
}

TEST(Quote, ShortAndLongNames) {
  EXPECT_EQ(quote("users"), "`users`");
  EXPECT_EQ(quote(""), "``");
  std::string N64(64, 'x');
  EXPECT_EQ(quote(N64), "`" + N64 + "`");
  std::string N65(65, 'y');
  EXPECT_EQ(quote(N65), "`" + std::string(64, 'y') + "...` (65 bytes)");
  std::string Huge(1 << 20, 'z');
  EXPECT_LT(quote(Huge).size(), 100u);
}

// ------------------------------------------------------------ options

TEST(DiagnosticOptions, Defaults) {
  DiagnosticOptions O;
  for (unsigned I = 0; I < ruleCount(); ++I)
    EXPECT_EQ(O.severityOf(Rule(I)), ruleDefaultSeverity(Rule(I)))
        << ruleName(Rule(I)).str();
  EXPECT_EQ(O.ErrorLimit, 100u);
}

struct FlagCase {
  std::vector<const char *> Flags;
  Rule R;
  Severity Expected;
};

TEST(DiagnosticOptions, FlagsSetSeverities) {
  const FlagCase Cases[] = {
      {{"no-opaque-sql"}, Rule::OpaqueSql, Severity::Ignored},
      {{"no-opaque-sql"}, Rule::UnknownRule, Severity::Warning},
      {{"error"}, Rule::OpaqueSql, Severity::Error},
      {{"error"}, Rule::UnknownRule, Severity::Error},
      {{"error"}, Rule::UnusedSuppression, Severity::Note},
      {{"error"}, Rule::UnknownTable, Severity::Error},
      {{"error=opaque-sql"}, Rule::OpaqueSql, Severity::Error},
      {{"error=opaque-sql"}, Rule::UnknownRule, Severity::Warning},
      {{"no-unused-suppression"}, Rule::UnusedSuppression, Severity::Ignored},
      // -Werror=<rule> raises a note (the advice rules); -Werror and
      // -W<rule> do not.
      {{"error=unused-suppression"}, Rule::UnusedSuppression, Severity::Error},
      {{"error=unused-suppression", "no-error=unused-suppression"},
       Rule::UnusedSuppression,
       Severity::Note},
      // A positive flag keeps the default severity.
      {{"opaque-sql"}, Rule::OpaqueSql, Severity::Warning},
      {{"unused-suppression"}, Rule::UnusedSuppression, Severity::Note},
      {{"unknown-table"}, Rule::UnknownTable, Severity::Error},
      // The last flag for a rule wins.
      {{"no-opaque-sql", "opaque-sql"}, Rule::OpaqueSql, Severity::Warning},
      {{"opaque-sql", "no-opaque-sql"}, Rule::OpaqueSql, Severity::Ignored},
      // -Werror does not bring back a disabled warning.
      {{"no-opaque-sql", "error"}, Rule::OpaqueSql, Severity::Ignored},
      {{"error", "no-opaque-sql"}, Rule::OpaqueSql, Severity::Ignored},
      {{"error=opaque-sql", "no-opaque-sql"},
       Rule::OpaqueSql,
       Severity::Ignored},
      {{"no-opaque-sql", "opaque-sql", "error"},
       Rule::OpaqueSql,
       Severity::Error},
  };
  for (const FlagCase &C : Cases) {
    DiagnosticOptions O;
    std::string Label;
    for (const char *F : C.Flags) {
      Label += std::string(" -W") + F;
      EXPECT_EQ(O.applyFlag(F).value_or("<accepted>"), "<accepted>") << F;
    }
    EXPECT_EQ(O.severityOf(C.R), C.Expected)
        << Label << " for " << ruleName(C.R).str();
  }
}

TEST(DiagnosticOptions, BadFlagsAreRejected) {
  struct {
    const char *Flag;
    const char *Error;
  } Cases[] = {
      {"bogus", "unknown rule `bogus` in a -W flag"},
      {"no-bogus", "unknown rule `bogus` in a -W flag"},
      {"error=bogus", "unknown rule `bogus` in a -W flag"},
      {"", "unknown rule `` in a -W flag"},
      {"no-unknown-table",
       "rule `unknown-table` reports errors and cannot be disabled"},
      {"no-syntax-error",
       "rule `syntax-error` reports errors and cannot be disabled"},
  };
  for (const auto &C : Cases) {
    DiagnosticOptions O;
    EXPECT_EQ(O.applyFlag(C.Flag).value_or("<accepted>"), C.Error) << C.Flag;
    // A rejected flag changes nothing.
    for (unsigned I = 0; I < ruleCount(); ++I)
      EXPECT_EQ(O.severityOf(Rule(I)), ruleDefaultSeverity(Rule(I)));
  }
}

// ------------------------------------------------------------ the engine

class Capture : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &D) override { Seen.push_back(D); }
  void finish() override { ++Finished; }
  std::vector<Diagnostic> Seen;
  unsigned Finished = 0;
};

/// A SourceMgr with two small buffers and locations inside them.
class EngineTest : public ::testing::Test {
protected:
  void SetUp() override {
    Buf1 = SM.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(
            "migration a {\n  up {\n    sql 'x';\n    sql 'y';\n  }\n}\n",
            "one.mig"),
        llvm::SMLoc());
    Buf2 = SM.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy("migration b {\n}\n", "two.mig"),
        llvm::SMLoc());
  }

  /// The location Offset bytes into buffer B.
  llvm::SMLoc at(unsigned B, size_t Offset) {
    return llvm::SMLoc::getFromPointer(SM.getMemoryBuffer(B)->getBufferStart() +
                                       Offset);
  }
  llvm::SMRange range(unsigned B, size_t From, size_t To) {
    return llvm::SMRange(at(B, From), at(B, To));
  }
  Diagnostic diag(Rule R, llvm::SMLoc L, std::string Msg = "message") {
    return Diagnostic(R, llvm::SMRange(L, L), std::move(Msg));
  }

  llvm::SourceMgr SM;
  unsigned Buf1 = 0, Buf2 = 0;
  Capture C;
};

TEST_F(EngineTest, SeveritiesFollowTheOptions) {
  DiagnosticOptions O;
  ASSERT_FALSE(O.applyFlag("error=opaque-sql"));
  ASSERT_FALSE(O.applyFlag("no-unknown-rule"));
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  E.report(diag(Rule::OpaqueSql, at(Buf1, 0)));
  E.report(diag(Rule::UnknownRule, at(Buf1, 0)));
  E.report(diag(Rule::UnusedSuppression, at(Buf1, 0)));
  E.report(diag(Rule::UnknownTable, at(Buf1, 0)));
  ASSERT_EQ(C.Seen.size(), 3u);
  EXPECT_EQ(C.Seen[0].TheRule, Rule::OpaqueSql);
  EXPECT_EQ(C.Seen[0].Sev, Severity::Error);
  EXPECT_EQ(C.Seen[1].TheRule, Rule::UnusedSuppression);
  EXPECT_EQ(C.Seen[1].Sev, Severity::Note);
  EXPECT_EQ(C.Seen[2].Sev, Severity::Error);
  EXPECT_EQ(E.errorCount(), 2u);
  EXPECT_EQ(E.warningCount(), 0u);
}

TEST_F(EngineTest, CountsWarningsAndErrors) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  E.report(diag(Rule::OpaqueSql, at(Buf1, 0)));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 1)));
  E.report(diag(Rule::UnknownColumn, at(Buf1, 2)));
  E.report(diag(Rule::UnusedSuppression, at(Buf1, 3)));
  EXPECT_EQ(E.warningCount(), 2u);
  EXPECT_EQ(E.errorCount(), 1u);
  EXPECT_EQ(C.Seen.size(), 4u);
}

TEST_F(EngineTest, ReportingAListEmptiesIt) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  DiagList L;
  L.emplace_back(Rule::OpaqueSql, llvm::SMRange(at(Buf1, 0), at(Buf1, 0)), "a");
  L.emplace_back(Rule::UnknownTable, llvm::SMRange(at(Buf1, 1), at(Buf1, 1)),
                 "b");
  E.report(std::move(L));
  EXPECT_TRUE(L.empty());
  ASSERT_EQ(C.Seen.size(), 2u);
  EXPECT_EQ(C.Seen[0].Message, "a");
  EXPECT_EQ(C.Seen[1].Message, "b");
}

TEST_F(EngineTest, SuppressionScopes) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  // The suppression covers bytes 20..40 of the first buffer.
  Suppression S;
  S.Comment = range(Buf1, 10, 12);
  S.Scope = range(Buf1, 20, 40);
  S.Rules = {Rule::OpaqueSql, Rule::UnknownTable};
  E.addSuppression(S);

  struct {
    Rule R;
    size_t Offset;
    bool Shown;
    const char *Why;
  } Cases[] = {
      {Rule::OpaqueSql, 20, false, "listed warning at the scope's start"},
      {Rule::OpaqueSql, 30, false, "listed warning inside"},
      {Rule::OpaqueSql, 40, false, "listed warning at the scope's end"},
      {Rule::OpaqueSql, 19, true, "listed warning before the scope"},
      {Rule::OpaqueSql, 41, true, "listed warning after the scope"},
      {Rule::UnknownTable, 30, true, "an error rule is never silenced"},
      {Rule::UnknownRule, 30, true, "a rule the suppression does not list"},
  };
  for (const auto &Case : Cases) {
    size_t Before = C.Seen.size();
    E.report(diag(Case.R, at(Buf1, Case.Offset), Case.Why));
    EXPECT_EQ(C.Seen.size() - Before, Case.Shown ? 1u : 0u) << Case.Why;
  }
  // Used, so nothing more at finish.
  size_t Before = C.Seen.size();
  E.finish();
  EXPECT_EQ(C.Seen.size(), Before);
  EXPECT_EQ(C.Finished, 1u);
}

TEST_F(EngineTest, SuppressionStillSilencesAWarningPromotedByWerror) {
  DiagnosticOptions O;
  ASSERT_FALSE(O.applyFlag("error"));
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  E.addSuppression(
      {range(Buf1, 0, 1), range(Buf1, 20, 40), {Rule::OpaqueSql}, false});
  E.report(diag(Rule::OpaqueSql, at(Buf1, 25)));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 45)));
  ASSERT_EQ(C.Seen.size(), 1u);
  EXPECT_EQ(C.Seen[0].Sev, Severity::Error);
  EXPECT_EQ(E.errorCount(), 1u);
}

// drop-loses-data and lossy-down are the one user; any two rules do here.
TEST_F(EngineTest, AFallbackStandsInWhenTheRuleIsOff) {
  auto WithFallback = [&](size_t Offset) {
    Diagnostic D = diag(Rule::OpaqueSql, at(Buf1, Offset), "broad");
    D.Fallback = std::make_shared<Diagnostic>(
        diag(Rule::MultipleHeads, at(Buf1, Offset), "narrow"));
    return D;
  };
  {
    // The rule on: only its diagnostic, whatever the fallback's rule says.
    DiagnosticOptions O;
    ASSERT_FALSE(O.applyFlag("no-multiple-heads"));
    DiagnosticEngine E(SM, O);
    E.setConsumer(&C);
    E.report(WithFallback(0));
    ASSERT_EQ(C.Seen.size(), 1u);
    EXPECT_EQ(C.Seen[0].TheRule, Rule::OpaqueSql);
    EXPECT_FALSE(C.Seen[0].Fallback == nullptr);
  }
  C.Seen.clear();
  {
    // The rule off: the fallback, under its own rule and options.
    DiagnosticOptions O;
    ASSERT_FALSE(O.applyFlag("no-opaque-sql"));
    ASSERT_FALSE(O.applyFlag("error=multiple-heads"));
    DiagnosticEngine E(SM, O);
    E.setConsumer(&C);
    E.report(WithFallback(0));
    ASSERT_EQ(C.Seen.size(), 1u);
    EXPECT_EQ(C.Seen[0].TheRule, Rule::MultipleHeads);
    EXPECT_EQ(C.Seen[0].Message, "narrow");
    EXPECT_EQ(C.Seen[0].Sev, Severity::Error);
  }
  C.Seen.clear();
  {
    // Both off: nothing.
    DiagnosticOptions O;
    ASSERT_FALSE(O.applyFlag("no-opaque-sql"));
    ASSERT_FALSE(O.applyFlag("no-multiple-heads"));
    DiagnosticEngine E(SM, O);
    E.setConsumer(&C);
    E.report(WithFallback(0));
    EXPECT_TRUE(C.Seen.empty());
  }
  {
    // A suppression that names the fallback's rule silences the diagnostic,
    // and is used; one that names neither rule does not.
    DiagnosticEngine E(SM);
    E.setConsumer(&C);
    E.addSuppression(
        {range(Buf1, 1, 2), range(Buf1, 20, 30), {Rule::MultipleHeads}, false});
    E.addSuppression(
        {range(Buf1, 3, 4), range(Buf1, 31, 40), {Rule::UnknownRule}, false});
    E.report(WithFallback(25));
    E.report(WithFallback(35));
    ASSERT_EQ(C.Seen.size(), 1u);
    EXPECT_EQ(C.Seen[0].Range.Start, at(Buf1, 35));
    E.finish();
    ASSERT_EQ(C.Seen.size(), 2u);
    EXPECT_EQ(C.Seen[1].TheRule, Rule::UnusedSuppression);
    EXPECT_EQ(C.Seen[1].Range.Start, at(Buf1, 3));
  }
  C.Seen.clear();
  {
    // The rule off: a suppression of it silences the fallback too.
    DiagnosticOptions O;
    ASSERT_FALSE(O.applyFlag("no-opaque-sql"));
    DiagnosticEngine E(SM, O);
    E.setConsumer(&C);
    E.addSuppression(
        {range(Buf1, 1, 2), range(Buf1, 20, 30), {Rule::OpaqueSql}, false});
    E.report(WithFallback(25));
    E.report(WithFallback(35));
    ASSERT_EQ(C.Seen.size(), 1u);
    EXPECT_EQ(C.Seen[0].TheRule, Rule::MultipleHeads);
    EXPECT_EQ(C.Seen[0].Range.Start, at(Buf1, 35));
  }
}

TEST_F(EngineTest, UnusedSuppressionsAreNotesAtFinish) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  // One that silences something, one that silences nothing, and one that
  // only names an error rule (which it cannot silence).
  E.addSuppression(
      {range(Buf1, 1, 2), range(Buf1, 20, 30), {Rule::OpaqueSql}, false});
  E.addSuppression(
      {range(Buf1, 3, 5), range(Buf1, 31, 40), {Rule::OpaqueSql}, false});
  E.addSuppression(
      {range(Buf1, 6, 8), range(Buf1, 20, 40), {Rule::UnknownTable}, false});
  E.report(diag(Rule::OpaqueSql, at(Buf1, 25)));
  E.report(diag(Rule::UnknownTable, at(Buf1, 35)));
  ASSERT_EQ(C.Seen.size(), 1u);
  E.finish();
  ASSERT_EQ(C.Seen.size(), 3u);
  for (size_t I : {1, 2}) {
    EXPECT_EQ(C.Seen[I].TheRule, Rule::UnusedSuppression);
    EXPECT_EQ(C.Seen[I].Sev, Severity::Note);
  }
  EXPECT_EQ(C.Seen[1].Message, "this suppression silences nothing; remove it");
  EXPECT_EQ(C.Seen[2].Message,
            "this suppression silences nothing: `unknown-table` reports "
            "errors, which cannot be suppressed");
  EXPECT_EQ(C.Seen[1].Range.Start, at(Buf1, 3));
  EXPECT_EQ(C.Seen[1].Range.End, at(Buf1, 5));
  EXPECT_EQ(C.Seen[2].Range.Start, at(Buf1, 6));
  // Notes count as neither errors nor warnings.
  EXPECT_EQ(E.errorCount(), 1u);
  EXPECT_EQ(E.warningCount(), 0u);
}

TEST_F(EngineTest, UnusedSuppressionNotesObeyOptions) {
  DiagnosticOptions O;
  ASSERT_FALSE(O.applyFlag("no-unused-suppression"));
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  E.addSuppression(
      {range(Buf1, 3, 5), range(Buf1, 31, 40), {Rule::OpaqueSql}, false});
  E.finish();
  EXPECT_TRUE(C.Seen.empty());
  EXPECT_EQ(C.Finished, 1u);
}

TEST_F(EngineTest, ErrorLimit) {
  DiagnosticOptions O;
  O.ErrorLimit = 2;
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  for (int I = 0; I < 5; ++I)
    E.report(
        diag(Rule::UnknownTable, at(Buf1, I), "error " + std::to_string(I)));
  // Warnings still pass once the error limit is reached.
  E.report(diag(Rule::OpaqueSql, at(Buf1, 9)));
  ASSERT_EQ(C.Seen.size(), 3u);
  EXPECT_EQ(C.Seen[0].Message, "error 0");
  EXPECT_EQ(C.Seen[1].Message, "error 1");
  EXPECT_EQ(C.Seen[2].TheRule, Rule::OpaqueSql);
  EXPECT_EQ(E.errorCount(), 5u);
  EXPECT_EQ(E.warningCount(), 1u);
  ::testing::internal::CaptureStderr();
  E.finish();
  std::string Err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(Err.find("3 more errors not shown (the limit is 2"),
            std::string::npos)
      << Err;
}

TEST_F(EngineTest, ErrorLimitZeroMeansNoLimit) {
  DiagnosticOptions O;
  O.ErrorLimit = 0;
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  for (int I = 0; I < 250; ++I)
    E.report(diag(Rule::UnknownTable, at(Buf1, 0)));
  EXPECT_EQ(C.Seen.size(), 250u);
  EXPECT_EQ(E.errorCount(), 250u);
}

TEST_F(EngineTest, PromotedWarningsCountTowardsTheLimit) {
  DiagnosticOptions O;
  O.ErrorLimit = 1;
  ASSERT_FALSE(O.applyFlag("error"));
  DiagnosticEngine E(SM, O);
  E.setConsumer(&C);
  E.report(diag(Rule::OpaqueSql, at(Buf1, 0)));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 1)));
  EXPECT_EQ(C.Seen.size(), 1u);
  EXPECT_EQ(E.errorCount(), 2u);
  ::testing::internal::CaptureStderr();
  E.finish();
  ::testing::internal::GetCapturedStderr();
}

TEST_F(EngineTest, RestrictToBuffers) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  E.restrictToBuffers({Buf2});
  E.report(diag(Rule::UnknownTable, at(Buf1, 0), "in one"));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 0), "in one"));
  E.report(diag(Rule::UnknownTable, at(Buf2, 0), "in two"));
  ASSERT_EQ(C.Seen.size(), 1u);
  EXPECT_EQ(C.Seen[0].Message, "in two");
  // What is not shown is not counted.
  EXPECT_EQ(E.errorCount(), 1u);
  EXPECT_EQ(E.warningCount(), 0u);
  // An empty list shows every buffer again.
  E.restrictToBuffers({});
  E.report(diag(Rule::UnknownTable, at(Buf1, 0), "in one again"));
  EXPECT_EQ(C.Seen.size(), 2u);
}

TEST_F(EngineTest, AppliedHistoryIsCountedNotShown) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  // Buffer one's migration (offsets 0 to 50) is applied; buffer two's not.
  E.hideAppliedHistory({range(Buf1, 0, 50)});
  E.report(diag(Rule::UnknownTable, at(Buf1, 10), "applied error"));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 20), "applied warning"));
  // How a migration ran: dropped, not even counted.
  E.report(diag(Rule::IndexWithoutConcurrently, at(Buf1, 20), "lock"));
  // A history that cannot be read: shown and counted as an error.
  E.report(diag(Rule::UnknownMigration, at(Buf1, 5), "unreadable"));
  E.report(diag(Rule::UnknownTable, at(Buf2, 0), "new"));
  // Past the applied range, in the same buffer.
  E.report(diag(Rule::OpaqueSql, at(Buf1, 52), "after"));
  ASSERT_EQ(C.Seen.size(), 3u);
  EXPECT_EQ(C.Seen[0].Message, "unreadable");
  EXPECT_EQ(C.Seen[1].Message, "new");
  EXPECT_EQ(C.Seen[2].Message, "after");
  EXPECT_EQ(E.appliedHiddenCount(), 2u);
  EXPECT_EQ(E.errorCount(), 2u);
  EXPECT_EQ(E.hiddenErrorCount(), 0u);
}

TEST_F(EngineTest, AppliedHistoryOutsideTheFocusIsNotCounted) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  E.restrictToBuffers({Buf2});
  E.hideAppliedHistory({range(Buf1, 0, 50), range(Buf2, 0, 14)});
  E.report(diag(Rule::UnknownTable, at(Buf1, 10)));
  E.report(diag(Rule::UnknownTable, at(Buf2, 2)));
  EXPECT_TRUE(C.Seen.empty());
  EXPECT_EQ(E.appliedHiddenCount(), 1u);
  // Errors in the applied history never stop emit or schema.
  EXPECT_EQ(E.hiddenErrorCount(), 0u);
}

TEST_F(EngineTest, ShowEverywhereEscapesTheFocus) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  E.restrictToBuffers({Buf2});
  E.showEverywhere({Rule::UnknownMigration});
  E.report(diag(Rule::UnknownMigration, at(Buf1, 0), "requirement"));
  E.report(diag(Rule::UnknownTable, at(Buf1, 0), "cascade"));
  ASSERT_EQ(C.Seen.size(), 1u);
  EXPECT_EQ(C.Seen[0].Message, "requirement");
}

TEST_F(EngineTest, UnusedSuppressionInAHiddenBufferIsNotReported) {
  DiagnosticEngine E(SM);
  E.setConsumer(&C);
  E.restrictToBuffers({Buf2});
  E.addSuppression(
      {range(Buf1, 3, 5), range(Buf1, 31, 40), {Rule::OpaqueSql}, false});
  E.addSuppression(
      {range(Buf2, 0, 2), range(Buf2, 3, 8), {Rule::OpaqueSql}, false});
  E.finish();
  ASSERT_EQ(C.Seen.size(), 1u);
  EXPECT_EQ(C.Seen[0].Range.Start, at(Buf2, 0));
}

TEST_F(EngineTest, NoConsumerStillCounts) {
  DiagnosticEngine E(SM);
  E.report(diag(Rule::UnknownTable, at(Buf1, 0)));
  E.report(diag(Rule::OpaqueSql, at(Buf1, 0)));
  E.finish();
  EXPECT_EQ(E.errorCount(), 1u);
  EXPECT_EQ(E.warningCount(), 1u);
}

TEST_F(EngineTest, PresumedLoc) {
  // "migration a {\n  up {\n    sql 'x';" : offset 25 is the `s` of sql.
  PresumedLoc P = presumedLoc(SM, at(Buf1, 25));
  EXPECT_EQ(P.File, "one.mig");
  EXPECT_EQ(P.Line, 3u);
  EXPECT_EQ(P.Column, 5u);
  P = presumedLoc(SM, at(Buf2, 0));
  EXPECT_EQ(P.File, "two.mig");
  EXPECT_EQ(P.Line, 1u);
  EXPECT_EQ(P.Column, 1u);
  P = presumedLoc(SM, llvm::SMLoc());
  EXPECT_EQ(P.File, "");
  EXPECT_EQ(P.Line, 0u);
}

// ------------------------------------------------------------ consumers

/// A JSON field as a plain value (-1 / "<missing>" when absent).
int64_t num(const llvm::json::Object *O, llvm::StringRef Key) {
  llvm::Optional<int64_t> V = O->getInteger(Key);
  return V ? *V : -1;
}
std::string str(const llvm::json::Object *O, llvm::StringRef Key) {
  llvm::Optional<llvm::StringRef> V = O->getString(Key);
  return V ? V->str() : "<missing>";
}

TEST_F(EngineTest, JsonConsumerOutputParsesBack) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  std::unique_ptr<DiagnosticConsumer> J = makeJsonConsumer(SM, OS);
  DiagnosticEngine E(SM);
  E.setConsumer(J.get());
  Diagnostic D(Rule::UnknownTable, range(Buf1, 25, 28),
               "table `usres` does not exist at this point; did you mean "
               "`users`? \"quoted\"\n\ttab");
  D.note(range(Buf2, 14, 15), "it was created here");
  E.report(std::move(D));
  E.report(Diagnostic(Rule::OpaqueSql, range(Buf1, 38, 38), "second"));
  E.report(Diagnostic(Rule::IoError, llvm::SMRange(), "cannot read 'x'"));
  E.finish();
  OS.flush();

  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError()) << "\n" << Out;
  const llvm::json::Array *All = V->getAsArray();
  ASSERT_TRUE(All);
  ASSERT_EQ(All->size(), 3u);

  const llvm::json::Object *First = (*All)[0].getAsObject();
  ASSERT_TRUE(First);
  EXPECT_EQ(str(First, "file"), "one.mig");
  EXPECT_EQ(num(First, "line"), 3);
  EXPECT_EQ(num(First, "column"), 5);
  EXPECT_EQ(num(First, "endLine"), 3);
  EXPECT_EQ(num(First, "endColumn"), 8);
  EXPECT_EQ(str(First, "severity"), "error");
  EXPECT_EQ(str(First, "rule"), "unknown-table");
  EXPECT_EQ(str(First, "message"),
            "table `usres` does not exist at this point; did "
            "you mean `users`? \"quoted\"\n\ttab");
  const llvm::json::Array *Notes = First->getArray("notes");
  ASSERT_TRUE(Notes);
  ASSERT_EQ(Notes->size(), 1u);
  const llvm::json::Object *Note = (*Notes)[0].getAsObject();
  ASSERT_TRUE(Note);
  EXPECT_EQ(str(Note, "file"), "two.mig");
  EXPECT_EQ(num(Note, "line"), 2);
  EXPECT_EQ(num(Note, "column"), 1);
  EXPECT_EQ(str(Note, "message"), "it was created here");

  const llvm::json::Object *Second = (*All)[1].getAsObject();
  ASSERT_TRUE(Second);
  EXPECT_EQ(str(Second, "severity"), "warning");
  EXPECT_EQ(str(Second, "rule"), "opaque-sql");
  EXPECT_EQ(num(Second, "line"), 4);
  ASSERT_TRUE(Second->getArray("notes"));
  EXPECT_TRUE(Second->getArray("notes")->empty());

  // Without a location: the position fields are null.
  const llvm::json::Object *Third = (*All)[2].getAsObject();
  ASSERT_TRUE(Third);
  ASSERT_TRUE(Third->get("file"));
  EXPECT_EQ(Third->get("file")->kind(), llvm::json::Value::Null);
  ASSERT_TRUE(Third->get("line"));
  EXPECT_EQ(Third->get("line")->kind(), llvm::json::Value::Null);
  EXPECT_EQ(str(Third, "rule"), "io-error");
}

TEST_F(EngineTest, JsonConsumerWritesAnEmptyArray) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  std::unique_ptr<DiagnosticConsumer> J = makeJsonConsumer(SM, OS);
  DiagnosticEngine E(SM);
  E.setConsumer(J.get());
  E.finish();
  OS.flush();
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  ASSERT_TRUE(V->getAsArray());
  EXPECT_TRUE(V->getAsArray()->empty());
}

TEST_F(EngineTest, SarifConsumerListsEveryRule) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  std::unique_ptr<DiagnosticConsumer> S = makeSarifConsumer(SM, OS);
  DiagnosticEngine E(SM);
  E.setConsumer(S.get());
  Diagnostic D(Rule::UnknownTable, range(Buf1, 25, 28), "boom");
  D.note(range(Buf2, 0, 1), "see here");
  E.report(std::move(D));
  E.finish();
  OS.flush();
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Out);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  const llvm::json::Object *Log = V->getAsObject();
  ASSERT_TRUE(Log);
  EXPECT_EQ(str(Log, "version"), "2.1.0");
  const llvm::json::Array *Runs = Log->getArray("runs");
  ASSERT_TRUE(Runs && Runs->size() == 1);
  const llvm::json::Object *Run = (*Runs)[0].getAsObject();
  const llvm::json::Array *Rules =
      Run->getObject("tool")->getObject("driver")->getArray("rules");
  ASSERT_TRUE(Rules);
  EXPECT_EQ(Rules->size(), ruleCount());
  const llvm::json::Array *Results = Run->getArray("results");
  ASSERT_TRUE(Results && Results->size() == 1);
  const llvm::json::Object *R = (*Results)[0].getAsObject();
  EXPECT_EQ(str(R, "ruleId"), "unknown-table");
  EXPECT_EQ(str(R, "level"), "error");
  const llvm::json::Object *Region = (*R->getArray("locations"))[0]
                                         .getAsObject()
                                         ->getObject("physicalLocation")
                                         ->getObject("region");
  EXPECT_EQ(num(Region, "startLine"), 3);
  EXPECT_EQ(num(Region, "startColumn"), 5);
  ASSERT_TRUE(R->getArray("relatedLocations"));
  EXPECT_EQ(R->getArray("relatedLocations")->size(), 1u);
}

TEST_F(EngineTest, TextConsumerFormat) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  std::unique_ptr<DiagnosticConsumer> T = makeTextConsumer(SM, OS, false);
  DiagnosticEngine E(SM);
  E.setConsumer(T.get());
  Diagnostic D(Rule::UnknownTable, range(Buf1, 25, 28), "boom");
  D.note(range(Buf2, 0, 1), "see here");
  E.report(std::move(D));
  E.report(Diagnostic(Rule::IoError, llvm::SMRange(), "cannot read"));
  E.finish();
  OS.flush();
  EXPECT_NE(Out.find("one.mig:3:5: error: boom [unknown-table]\n"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("    sql 'x';\n    ^~~\n"), std::string::npos) << Out;
  EXPECT_NE(Out.find("two.mig:1:1: note: see here\n"), std::string::npos)
      << Out;
  EXPECT_NE(Out.find("migc: error: cannot read [io-error]\n"),
            std::string::npos)
      << Out;
}

// ------------------------------------------------------------ -verify

/// VerifyConsumer over one buffer, "v.mig", holding the expectations.
class VerifyTest : public ::testing::Test {
protected:
  void load(llvm::StringRef Source) {
    Buf = SM.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(Source, "v.mig"), llvm::SMLoc());
  }
  /// A diagnostic at the start of line Line.
  Diagnostic diagAt(Rule R, unsigned Line, std::string Msg) {
    llvm::SMLoc L = SM.FindLocForLineAndColumn(Buf, Line, 1);
    return Diagnostic(R, llvm::SMRange(L, L), std::move(Msg));
  }
  /// Hands the diagnostics to a verifier; Out gets what it prints.
  bool verify(const std::vector<Diagnostic> &Ds) {
    llvm::raw_string_ostream OS(Out);
    VerifyConsumer V(SM, OS);
    for (const Diagnostic &D : Ds)
      V.handle(D);
    V.finish();
    OS.flush();
    return V.succeeded();
  }

  llvm::SourceMgr SM;
  unsigned Buf = 0;
  std::string Out;
};

TEST_F(VerifyTest, ExpectedNoneHoldsWhereTheRuleIsSilent) {
  load("-- expected-none@+2 {{unknown-table}}\n"
       "-- expected-error@+1 {{no column [unknown-column]}}\n"
       "add column users.x int;\n"
       "drop table t; -- expected-none {{unknown-table}}\n"
       "-- expected-error@+1 {{does not exist [unknown-table]}}\n"
       "drop table u;\n");
  EXPECT_TRUE(verify({diagAt(Rule::UnknownColumn, 3, "no column"),
                      diagAt(Rule::UnknownTable, 6, "does not exist")}))
      << Out;
  EXPECT_EQ(Out, "verify: 2 diagnostics matched, 2 expected-none held\n");
}

TEST_F(VerifyTest, ExpectedNoneFailsWhereTheRuleFires) {
  load("-- expected-none@+1 {{unknown-table}}\n"
       "drop table t;\n");
  EXPECT_FALSE(verify({diagAt(Rule::UnknownTable, 2, "does not exist")}));
  EXPECT_EQ(Out, "verify: rule [unknown-table] fired at v.mig:2, where "
                 "expected-none says it must not: error: does not exist "
                 "[unknown-table]\n"
                 "verify: unexpected error at v.mig:2:1: does not exist "
                 "[unknown-table]\n");
}

TEST_F(VerifyTest, ExpectedNoneFailsEvenWhereTheDiagnosticIsExpected) {
  // At any severity: here a warning rule made an error (-Werror).
  load("-- expected-none@+2 {{opaque-sql}}\n"
       "-- expected-error@+1 {{raw [opaque-sql]}}\n"
       "sql 'x';\n");
  Diagnostic D = diagAt(Rule::OpaqueSql, 3, "raw");
  D.Sev = Severity::Error;
  EXPECT_FALSE(verify({D}));
  EXPECT_EQ(Out, "verify: rule [opaque-sql] fired at v.mig:3, where "
                 "expected-none says it must not: error: raw [opaque-sql]\n");
}

TEST_F(VerifyTest, ExpectedNoneLineForms) {
  // @-N and @N name other lines; line 3 is named by neither.
  load("sql 'x';\n"
       "-- expected-none@-1 {{opaque-sql}} expected-none@5 {{opaque-sql}}\n"
       "sql 'y'; -- expected-warning {{[opaque-sql]}}\n"
       "\n"
       "sql 'z';\n");
  EXPECT_FALSE(verify({diagAt(Rule::OpaqueSql, 1, "raw"),
                       diagAt(Rule::OpaqueSql, 3, "raw"),
                       diagAt(Rule::OpaqueSql, 5, "raw")}));
  EXPECT_NE(Out.find("[opaque-sql] fired at v.mig:1,"), std::string::npos)
      << Out;
  EXPECT_EQ(Out.find("fired at v.mig:3,"), std::string::npos) << Out;
  EXPECT_NE(Out.find("[opaque-sql] fired at v.mig:5,"), std::string::npos)
      << Out;
}

TEST_F(VerifyTest, ExpectedNoneLooksAtTheDiagnosticNotItsNotes) {
  load("create table t (id int); -- expected-note {{created here}}\n"
       "-- expected-none@-1 {{duplicate-table}}\n"
       "-- expected-error@+1 {{already exists [duplicate-table]}}\n"
       "create table t (id int);\n");
  Diagnostic D = diagAt(Rule::DuplicateTable, 4, "already exists");
  llvm::SMLoc First = SM.FindLocForLineAndColumn(Buf, 1, 1);
  D.note(llvm::SMRange(First, First), "created here");
  EXPECT_TRUE(verify({D})) << Out;
}

TEST_F(VerifyTest, ExpectedNoneNeedsAKnownRule) {
  load("-- expected-none@+1 {{unknown-tabel}}\n"
       "drop table t;\n"
       "-- expected-none@+1 {{[opaque-sql]}}\n"
       "sql 'x';\n"
       "-- expected-none@+1\n");
  EXPECT_FALSE(verify({}));
  EXPECT_EQ(Out, "verify: unknown rule `unknown-tabel` in expected-none at "
                 "v.mig:1\n"
                 "verify: unknown rule `[opaque-sql]` in expected-none at "
                 "v.mig:3\n"
                 "verify: expected {{text}} at v.mig:5\n");
}

} // namespace
