//===- Diagnostic.cpp - The rule registry and the diagnostic engine -------===//

#include "diag/Diagnostic.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace migc {

namespace {
struct RuleInfo {
  const char *Name;
  Severity Sev;
  const char *Summary;
};
const RuleInfo Rules[] = {
#define MIGC_RULE(Id, Name, Sev, Summary) {Name, Severity::Sev, Summary},
#include "diag/Rules.def"
};
} // namespace

unsigned ruleCount() { return std::size(Rules); }
llvm::StringRef ruleName(Rule R) { return Rules[unsigned(R)].Name; }
llvm::StringRef ruleSummary(Rule R) { return Rules[unsigned(R)].Summary; }
Severity ruleDefaultSeverity(Rule R) { return Rules[unsigned(R)].Sev; }

std::optional<Rule> ruleByName(llvm::StringRef Name) {
  for (unsigned I = 0; I < ruleCount(); ++I)
    if (Name == Rules[I].Name)
      return Rule(I);
  return std::nullopt;
}

bool isOperationalRule(Rule R) {
  switch (R) {
  case Rule::IndexWithoutConcurrently:
  case Rule::TypeChangeLocksTable:
  case Rule::VolatileDefaultRewritesTable:
  case Rule::KeyLocksTable:
  case Rule::MySqlBlockingAlter:
  case Rule::ConstraintWithoutNotValid:
  case Rule::SetNotNullScan:
  case Rule::MissingLockTimeout:
  case Rule::NonAtomicMigration:
  case Rule::SeveralTablesLocked:
  case Rule::RenameBreaksApplication:
  case Rule::BackfillMixedWithDdl:
    return true;
  default:
    return false;
  }
}

bool isUnreadableHistoryRule(Rule R) {
  switch (R) {
  case Rule::IoError:
  case Rule::InvalidEncoding:
  case Rule::SyntaxError:
  case Rule::NestingTooDeep:
  case Rule::MalformedMigration:
  case Rule::DuplicateMigration:
  case Rule::UnknownMigration:
  case Rule::DependencyCycle:
    return true;
  default:
    return false;
  }
}

llvm::StringRef severityName(Severity S) {
  switch (S) {
  case Severity::Ignored:
    return "ignored";
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

/// Control characters as \xNN: a name must not drive the terminal.
static std::string printable(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    unsigned char U = static_cast<unsigned char>(C);
    if (U < 0x20 || U == 0x7f) {
      char Buf[8];
      snprintf(Buf, sizeof Buf, "\\x%02x", U);
      Out += Buf;
    } else {
      Out += C;
    }
  }
  return Out;
}

std::string quote(llvm::StringRef Name) {
  constexpr size_t Max = 64;
  if (Name.size() <= Max)
    return "`" + printable(Name) + "`";
  return "`" + printable(Name.take_front(Max)) + "...` (" +
         std::to_string(Name.size()) + " bytes)";
}

std::optional<std::string> DiagnosticOptions::applyFlag(llvm::StringRef Flag) {
  if (Flag == "error" || Flag == "no-error") {
    AllWarningsAreErrors = Flag == "error";
    return std::nullopt;
  }
  FlagAction A = FlagAction::Enable;
  if (Flag.consume_front("no-error="))
    A = FlagAction::NoError;
  else if (Flag.consume_front("error="))
    A = FlagAction::MakeError;
  else if (Flag.consume_front("no-"))
    A = FlagAction::Disable;
  std::optional<Rule> R = ruleByName(Flag);
  if (!R)
    return "unknown rule " + quote(Flag) + " in a -W flag";
  if (A == FlagAction::Disable && ruleDefaultSeverity(*R) == Severity::Error)
    return "rule " + quote(Flag) + " reports errors and cannot be disabled";
  Actions.push_back({*R, A});
  return std::nullopt;
}

Severity DiagnosticOptions::severityOf(Rule R) const {
  // Flags apply in order, as clang's do: the last word on a rule wins.
  Severity S = ruleDefaultSeverity(R);
  bool MakeError = false, NoError = false;
  for (const auto &[Rl, A] : Actions) {
    if (Rl != R)
      continue;
    switch (A) {
    case FlagAction::Enable:
      if (S == Severity::Ignored)
        S = Severity::Warning;
      break;
    case FlagAction::Disable:
      S = Severity::Ignored;
      break;
    case FlagAction::MakeError:
      if (S == Severity::Ignored)
        S = Severity::Warning;
      MakeError = true;
      NoError = false;
      break;
    case FlagAction::NoError:
      NoError = true;
      MakeError = false;
      break;
    }
  }
  if (S == Severity::Warning &&
      (MakeError || (AllWarningsAreErrors && !NoError)))
    S = Severity::Error;
  // -Werror=<rule> raises an advice note too (unindexed-foreign-key); a
  // plain -Werror leaves notes alone.
  if (S == Severity::Note && MakeError)
    S = Severity::Error;
  return S;
}

DiagnosticConsumer::~DiagnosticConsumer() = default;

DiagnosticEngine::DiagnosticEngine(llvm::SourceMgr &SM, DiagnosticOptions Opts)
    : SM(SM), Opts(std::move(Opts)) {}

void DiagnosticEngine::restrictToBuffers(llvm::ArrayRef<unsigned> Buffers) {
  ShownBuffers.clear();
  ShownBuffers.insert(Buffers.begin(), Buffers.end());
}

static bool contains(llvm::SMRange Outer, llvm::SMLoc L) {
  return Outer.Start.getPointer() <= L.getPointer() &&
         L.getPointer() <= Outer.End.getPointer();
}

void DiagnosticEngine::hideAppliedHistory(std::vector<llvm::SMRange> Ranges) {
  llvm::sort(Ranges, [](llvm::SMRange A, llvm::SMRange B) {
    return A.Start.getPointer() < B.Start.getPointer();
  });
  Applied = std::move(Ranges);
}

bool DiagnosticEngine::isInAppliedHistory(const Diagnostic &D) const {
  if (Applied.empty() || !D.Range.Start.isValid())
    return false;
  const char *At = D.Range.Start.getPointer();
  auto It = std::upper_bound(
      Applied.begin(), Applied.end(), At,
      [](const char *P, llvm::SMRange R) { return P < R.Start.getPointer(); });
  return It != Applied.begin() && contains(*std::prev(It), D.Range.Start);
}

bool DiagnosticEngine::isSuppressed(const Diagnostic &D,
                                    std::optional<Rule> Also) {
  // Error rules are never silenced: the history would not replay. (A warning
  // made an error by -Werror stays suppressible.)
  if (ruleDefaultSeverity(D.TheRule) == Severity::Error)
    return false;
  // The innermost suppression that names the rule is the one that works.
  Suppression *Best = nullptr;
  auto Names = [&](const Suppression &S) {
    return llvm::is_contained(S.Rules, D.TheRule) ||
           (Also && llvm::is_contained(S.Rules, *Also));
  };
  for (Suppression &S : Suppressions) {
    if (!contains(S.Scope, D.Range.Start) || !Names(S))
      continue;
    if (!Best ||
        S.Scope.End.getPointer() - S.Scope.Start.getPointer() <
            Best->Scope.End.getPointer() - Best->Scope.Start.getPointer())
      Best = &S;
  }
  if (Best)
    Best->Used = true;
  return Best != nullptr;
}

bool DiagnosticEngine::isShown(const Diagnostic &D) const {
  if (ShownBuffers.empty() || !D.Range.Start.isValid() ||
      llvm::is_contained(Everywhere, D.TheRule))
    return true;
  unsigned Buf = findBuffer(SM, D.Range.Start);
  return ShownBuffers.contains(Buf);
}

void DiagnosticEngine::report(Diagnostic D) {
  report(std::move(D), std::nullopt);
}

void DiagnosticEngine::report(Diagnostic D, std::optional<Rule> StandsFor) {
  // A fallback and the diagnostic it stands in for are one finding: a
  // suppression of either rule silences both.
  std::optional<Rule> Also = StandsFor;
  if (D.Fallback)
    Also = D.Fallback->TheRule;
  D.Sev = Opts.severityOf(D.TheRule);
  if (D.Sev == Severity::Ignored) {
    if (D.Fallback)
      report(*D.Fallback, D.TheRule);
    return;
  }
  if (isSuppressed(D, Also))
    return;
  if (isInAppliedHistory(D) && !isUnreadableHistoryRule(D.TheRule)) {
    AppliedHidden += !isOperationalRule(D.TheRule) && isShown(D);
    return;
  }
  if (!isShown(D)) {
    HiddenErrors += D.Sev == Severity::Error;
    return;
  }
  if (D.Sev == Severity::Error && Opts.ErrorLimit &&
      Errors >= Opts.ErrorLimit) {
    ++Errors;
    ++Dropped;
    return;
  }
  if (D.Sev == Severity::Error)
    ++Errors;
  else if (D.Sev == Severity::Warning)
    ++Warnings;
  if (Consumer)
    Consumer->handle(D);
}

void DiagnosticEngine::finish() {
  for (const Suppression &S : Suppressions) {
    // A rule switched off by a flag cannot fire, so its suppressions are
    // not wrong, only idle under these flags.
    bool Disabled = !S.Rules.empty() && llvm::all_of(S.Rules, [&](Rule R) {
      return Opts.severityOf(R) == Severity::Ignored;
    });
    if (S.Used || Disabled)
      continue;
    std::string Msg = "this suppression silences nothing; remove it";
    for (Rule R : S.Rules)
      if (ruleDefaultSeverity(R) == Severity::Error) {
        Msg = "this suppression silences nothing: " + quote(ruleName(R)) +
              " reports errors, which cannot be suppressed";
        break;
      }
    report(Diagnostic(Rule::UnusedSuppression, S.Comment, Msg));
  }
  if (Dropped && Consumer) {
    // Not a rule of its own: a summary of what the limit held back.
    llvm::errs() << "migc: " << Dropped
                 << " more errors not shown (the limit is " << Opts.ErrorLimit
                 << "; see --error-limit)\n";
  }
  if (Consumer)
    Consumer->finish();
}

namespace {
/// The buffers of one SourceMgr sorted by where they start. A cache: it is
/// rebuilt when the manager, or its number of buffers, is not the one it was
/// built for, and a buffer it finds is checked to hold the location.
struct BufferStarts {
  const llvm::SourceMgr *SM = nullptr;
  unsigned Count = 0;
  const char *First = nullptr, *Last = nullptr;
  std::vector<std::pair<const char *, unsigned>> Starts;

  bool builtFor(const llvm::SourceMgr &M) const {
    unsigned N = M.getNumBuffers();
    return SM == &M && Count == N &&
           (N == 0 || (First == M.getMemoryBuffer(1)->getBufferStart() &&
                       Last == M.getMemoryBuffer(N)->getBufferStart()));
  }

  void build(const llvm::SourceMgr &M) {
    SM = &M;
    Count = M.getNumBuffers();
    Starts.clear();
    for (unsigned Id = 1; Id <= Count; ++Id)
      Starts.emplace_back(M.getMemoryBuffer(Id)->getBufferStart(), Id);
    std::sort(Starts.begin(), Starts.end());
    First = Count ? M.getMemoryBuffer(1)->getBufferStart() : nullptr;
    Last = Count ? M.getMemoryBuffer(Count)->getBufferStart() : nullptr;
  }

  unsigned find(const char *P) const {
    auto It = std::upper_bound(
        Starts.begin(), Starts.end(), P,
        [](const char *X, const std::pair<const char *, unsigned> &S) {
          return X < S.first;
        });
    if (It == Starts.begin())
      return 0;
    unsigned Id = std::prev(It)->second;
    const llvm::MemoryBuffer *B = SM->getMemoryBuffer(Id);
    return P <= B->getBufferEnd() ? Id : 0;
  }
};
} // namespace

unsigned findBuffer(const llvm::SourceMgr &SM, llvm::SMLoc L) {
  if (!L.isValid())
    return 0;
  thread_local BufferStarts Index;
  if (!Index.builtFor(SM))
    Index.build(SM);
  return Index.find(L.getPointer());
}

PresumedLoc presumedLoc(const llvm::SourceMgr &SM, llvm::SMLoc L) {
  PresumedLoc P;
  if (!L.isValid())
    return P;
  unsigned Buf = findBuffer(SM, L);
  if (!Buf)
    return P;
  P.File = SM.getMemoryBuffer(Buf)->getBufferIdentifier();
  auto [Line, Col] = SM.getLineAndColumn(L, Buf);
  P.Line = Line;
  P.Column = Col;
  return P;
}

} // namespace migc
