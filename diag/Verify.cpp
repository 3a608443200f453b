//===- Verify.cpp - clang -verify style checking of diagnostics -----------===//
//
// A test writes `-- expected-warning {{text}}` on the line a diagnostic is
// reported at, or `-- expected-error@+1 {{text}}` (relative) or
// `expected-note@7 {{text}}` (absolute line). Every diagnostic and note must
// be expected and every expectation met; the text is a substring match.
// `-- expected-none@+1 {{rule-name}}` (same line forms) says the rule must
// not fire on that line, at any severity, even where another expectation
// expects it: a test of where a rule stays silent. It looks at the line a
// diagnostic is reported at, not at the lines of its notes.
//
//===----------------------------------------------------------------------===//

#include "diag/Diagnostic.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace migc {

namespace {
/// An `expected-<severity>` comment: a diagnostic that must be reported.
struct Expected {
  unsigned Buffer;
  unsigned Line;
  Severity Sev;
  std::string Text;
  bool Met = false;
};

/// An `expected-none` comment: a rule that must not fire on a line.
struct Forbidden {
  unsigned Buffer;
  unsigned Line;
  Rule TheRule;
};

struct Expectations {
  std::vector<Expected> Diags;
  std::vector<Forbidden> None;
};

std::optional<Severity> parseSeverity(llvm::StringRef &S) {
  for (Severity Sev : {Severity::Error, Severity::Warning, Severity::Note}) {
    if (S.consume_front(severityName(Sev)))
      return Sev;
  }
  return std::nullopt;
}

/// Reads the optional `@+N`, `@-N` or `@N` after an expectation's kind into
/// the line it is about. Returns false for a malformed offset.
bool parseTarget(llvm::StringRef &S, unsigned Line, unsigned &Target) {
  Target = Line;
  if (!S.consume_front("@"))
    return true;
  bool Relative = S.startswith("+") || S.startswith("-");
  int Sign = S.consume_front("-") ? -1 : 1;
  S.consume_front("+");
  unsigned N = 0;
  if (S.consumeInteger(10, N))
    return false;
  Target = Relative ? unsigned(int(Line) + Sign * int(N)) : N;
  return true;
}

/// Reads ` {{text}}` and returns the text.
std::optional<llvm::StringRef> parseBraces(llvm::StringRef S) {
  S = S.ltrim();
  size_t Close = S.find("}}");
  if (!S.consume_front("{{") || Close == llvm::StringRef::npos)
    return std::nullopt;
  return S.take_front(Close - 2);
}

/// Reads one expectation, S being the text after `expected-`. Returns an
/// error message for a malformed one; text that is no expectation is skipped.
std::optional<std::string> parseOne(llvm::StringRef S, unsigned Buf,
                                    unsigned Line, Expectations &Out) {
  bool None = S.consume_front("none");
  std::optional<Severity> Sev;
  if (!None && !(Sev = parseSeverity(S)))
    return std::nullopt;
  unsigned Target = 0;
  if (!parseTarget(S, Line, Target))
    return std::string("bad line offset");
  std::optional<llvm::StringRef> Text = parseBraces(S);
  if (!Text)
    return std::string("expected {{text}}");
  if (!None) {
    Out.Diags.push_back({Buf, Target, *Sev, Text->str()});
    return std::nullopt;
  }
  std::optional<Rule> R = ruleByName(Text->trim());
  if (!R)
    return "unknown rule `" + Text->trim().str() + "` in expected-none";
  Out.None.push_back({Buf, Target, *R});
  return std::nullopt;
}

/// Collects the expectations of one buffer.
void scanBuffer(const llvm::SourceMgr &SM, unsigned Buf, Expectations &Out,
                llvm::raw_ostream &Errs, bool &Ok) {
  const llvm::MemoryBuffer *MB = SM.getMemoryBuffer(Buf);
  llvm::StringRef Text = MB->getBuffer();
  unsigned Line = 1;
  while (!Text.empty()) {
    auto [Cur, Rest] = Text.split('\n');
    Text = Rest;
    size_t Pos = 0;
    while ((Pos = Cur.find("expected-", Pos)) != llvm::StringRef::npos) {
      Pos += 9;
      if (std::optional<std::string> Err =
              parseOne(Cur.drop_front(Pos), Buf, Line, Out)) {
        Errs << "verify: " << *Err << " at " << MB->getBufferIdentifier() << ":"
             << Line << "\n";
        Ok = false;
      }
    }
    ++Line;
  }
}
} // namespace

void VerifyConsumer::handle(const Diagnostic &D) {
  // The rule is part of what a test can match: {{does not exist
  // [unknown-table]}}.
  Diags.push_back({D.Range.Start, D.Sev,
                   D.Message + " [" + ruleName(D.TheRule).str() + "]",
                   D.TheRule});
  for (const DiagNote &N : D.Notes)
    Diags.push_back({N.Range.Start, Severity::Note, N.Message, std::nullopt});
}

void VerifyConsumer::finish() {
  Expectations Exp;
  for (unsigned Buf = 1; Buf <= SM.getNumBuffers(); ++Buf)
    scanBuffer(SM, Buf, Exp, OS, Ok);
  for (const Seen &D : Diags) {
    PresumedLoc P = presumedLoc(SM, D.Loc);
    unsigned Buf = D.Loc.isValid() ? findBuffer(SM, D.Loc) : 0;
    for (const Forbidden &F : Exp.None) {
      if (!D.TheRule || *D.TheRule != F.TheRule || F.Buffer != Buf ||
          F.Line != P.Line)
        continue;
      Ok = false;
      OS << "verify: rule [" << ruleName(F.TheRule) << "] fired at " << P.File
         << ":" << P.Line
         << ", where expected-none says it must not: " << severityName(D.Sev)
         << ": " << D.Message << "\n";
      break;
    }
    bool Found = false;
    for (Expected &E : Exp.Diags) {
      if (E.Met || E.Buffer != Buf || E.Line != P.Line || E.Sev != D.Sev ||
          llvm::StringRef(D.Message).find(E.Text) == llvm::StringRef::npos)
        continue;
      E.Met = Found = true;
      break;
    }
    if (!Found) {
      Ok = false;
      OS << "verify: unexpected " << severityName(D.Sev) << " at " << P.File
         << ":" << P.Line << ":" << P.Column << ": " << D.Message << "\n";
    }
  }
  for (const Expected &E : Exp.Diags) {
    if (E.Met)
      continue;
    Ok = false;
    OS << "verify: expected " << severityName(E.Sev) << " not seen at "
       << SM.getMemoryBuffer(E.Buffer)->getBufferIdentifier() << ":" << E.Line
       << ": " << E.Text << "\n";
  }
  if (!Ok)
    return;
  OS << "verify: " << Diags.size() << " diagnostics matched";
  if (!Exp.None.empty())
    OS << ", " << Exp.None.size() << " expected-none held";
  OS << "\n";
}

} // namespace migc
