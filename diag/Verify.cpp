//===- Verify.cpp - clang -verify style checking of diagnostics -----------===//
//
// A test writes `-- expected-warning {{text}}` on the line a diagnostic is
// reported at, or `-- expected-error@+1 {{text}}` (relative) or
// `expected-note@7 {{text}}` (absolute line). Every diagnostic and note must
// be expected and every expectation met; the text is a substring match.
//
//===----------------------------------------------------------------------===//

#include "diag/Diagnostic.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace migc {

namespace {
struct Expected {
  unsigned Buffer;
  unsigned Line;
  Severity Sev;
  std::string Text;
  bool Met = false;
};

std::optional<Severity> parseSeverity(llvm::StringRef &S) {
  for (Severity Sev : {Severity::Error, Severity::Warning, Severity::Note}) {
    if (S.consume_front(severityName(Sev)))
      return Sev;
  }
  return std::nullopt;
}

/// Collects the expectations of one buffer.
void scanBuffer(const llvm::SourceMgr &SM, unsigned Buf,
                std::vector<Expected> &Out, llvm::raw_ostream &Errs, bool &Ok) {
  llvm::StringRef Text = SM.getMemoryBuffer(Buf)->getBuffer();
  unsigned Line = 1;
  while (!Text.empty()) {
    auto [Cur, Rest] = Text.split('\n');
    Text = Rest;
    size_t Pos = 0;
    while ((Pos = Cur.find("expected-", Pos)) != llvm::StringRef::npos) {
      llvm::StringRef S = Cur.drop_front(Pos + 9);
      Pos += 9;
      std::optional<Severity> Sev = parseSeverity(S);
      if (!Sev)
        continue;
      int Target = int(Line);
      if (S.consume_front("@")) {
        bool Relative = S.startswith("+") || S.startswith("-");
        int Sign = S.consume_front("-") ? -1 : 1;
        S.consume_front("+");
        unsigned N = 0;
        if (S.consumeInteger(10, N)) {
          Errs << "verify: bad line offset at line " << Line << "\n";
          Ok = false;
          continue;
        }
        Target = Relative ? int(Line) + Sign * int(N) : int(N);
      }
      S = S.ltrim();
      size_t Close = S.find("}}");
      if (!S.consume_front("{{") || Close == llvm::StringRef::npos) {
        Errs << "verify: expected {{text}} at line " << Line << "\n";
        Ok = false;
        continue;
      }
      Out.push_back(
          {Buf, unsigned(Target), *Sev, S.take_front(Close - 2).str()});
    }
    ++Line;
  }
}
} // namespace

void VerifyConsumer::handle(const Diagnostic &D) {
  // The rule is part of what a test can match: {{does not exist
  // [unknown-table]}}.
  Diags.push_back({D.Range.Start, D.Sev,
                   D.Message + " [" + ruleName(D.TheRule).str() + "]"});
  for (const DiagNote &N : D.Notes)
    Diags.push_back({N.Range.Start, Severity::Note, N.Message});
}

void VerifyConsumer::finish() {
  std::vector<Expected> Exp;
  for (unsigned Buf = 1; Buf <= SM.getNumBuffers(); ++Buf)
    scanBuffer(SM, Buf, Exp, OS, Ok);
  for (const Seen &D : Diags) {
    PresumedLoc P = presumedLoc(SM, D.Loc);
    unsigned Buf = D.Loc.isValid() ? SM.FindBufferContainingLoc(D.Loc) : 0;
    bool Found = false;
    for (Expected &E : Exp) {
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
  for (const Expected &E : Exp) {
    if (E.Met)
      continue;
    Ok = false;
    OS << "verify: expected " << severityName(E.Sev) << " not seen at "
       << SM.getMemoryBuffer(E.Buffer)->getBufferIdentifier() << ":" << E.Line
       << ": " << E.Text << "\n";
  }
  if (Ok)
    OS << "verify: " << Diags.size() << " diagnostics matched\n";
}

} // namespace migc
