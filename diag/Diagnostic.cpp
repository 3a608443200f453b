//===- Diagnostic.cpp - The rule registry and the diagnostic engine -------===//

#include "diag/Diagnostic.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

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

std::string quote(llvm::StringRef Name) {
  constexpr size_t Max = 64;
  if (Name.size() <= Max)
    return "`" + Name.str() + "`";
  return "`" + Name.take_front(Max).str() + "...` (" +
         std::to_string(Name.size()) + " bytes)";
}

std::optional<std::string> DiagnosticOptions::applyFlag(llvm::StringRef Flag) {
  if (Flag == "error") {
    AllWarningsAreErrors = true;
    return std::nullopt;
  }
  bool Disable = Flag.consume_front("no-");
  bool MakeError = !Disable && Flag.consume_front("error=");
  std::optional<Rule> R = ruleByName(Flag);
  if (!R)
    return "unknown rule " + quote(Flag) + " in a -W flag";
  if (Disable && ruleDefaultSeverity(*R) == Severity::Error)
    return "rule " + quote(Flag) + " reports errors and cannot be disabled";
  if (MakeError) {
    ErrorRules.insert(unsigned(*R));
    return std::nullopt;
  }
  Severity S = Disable ? Severity::Ignored
               : ruleDefaultSeverity(*R) == Severity::Ignored
                   ? Severity::Warning
                   : ruleDefaultSeverity(*R);
  Overrides.push_back({*R, S});
  return std::nullopt;
}

Severity DiagnosticOptions::severityOf(Rule R) const {
  Severity S = ruleDefaultSeverity(R);
  for (const auto &[Rl, Sev] : Overrides)
    if (Rl == R)
      S = Sev;
  if (S == Severity::Warning &&
      (AllWarningsAreErrors || ErrorRules.contains(unsigned(R))))
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

bool DiagnosticEngine::isSuppressed(const Diagnostic &D) {
  // Error rules are never silenced: the history would not replay. (A warning
  // made an error by -Werror stays suppressible.)
  if (ruleDefaultSeverity(D.TheRule) == Severity::Error)
    return false;
  for (Suppression &S : Suppressions) {
    if (!contains(S.Scope, D.Range.Start))
      continue;
    for (Rule R : S.Rules)
      if (R == D.TheRule) {
        S.Used = true;
        return true;
      }
  }
  return false;
}

bool DiagnosticEngine::isShown(const Diagnostic &D) const {
  if (ShownBuffers.empty())
    return true;
  unsigned Buf = SM.FindBufferContainingLoc(D.Range.Start);
  return ShownBuffers.contains(Buf);
}

void DiagnosticEngine::report(Diagnostic D) {
  D.Sev = Opts.severityOf(D.TheRule);
  if (D.Sev == Severity::Ignored || isSuppressed(D) || !isShown(D))
    return;
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
    if (S.Used)
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
                 << " more errors not shown (the limit is "
                 << Opts.ErrorLimit << "; see --error-limit)\n";
  }
  if (Consumer)
    Consumer->finish();
}

PresumedLoc presumedLoc(const llvm::SourceMgr &SM, llvm::SMLoc L) {
  PresumedLoc P;
  if (!L.isValid())
    return P;
  unsigned Buf = SM.FindBufferContainingLoc(L);
  if (!Buf)
    return P;
  P.File = SM.getMemoryBuffer(Buf)->getBufferIdentifier();
  auto [Line, Col] = SM.getLineAndColumn(L, Buf);
  P.Line = Line;
  P.Column = Col;
  return P;
}

} // namespace migc
