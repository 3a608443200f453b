//===- Consumers.cpp - Text, JSON and SARIF renderings of diagnostics -----===//

#include "diag/Diagnostic.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace migc {

namespace {

llvm::SourceMgr::DiagKind kindOf(Severity S) {
  switch (S) {
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  default:
    return llvm::SourceMgr::DK_Note;
  }
}

/// llvm::SourceMgr::GetMessage for a location in SM and at most one range,
/// with the buffer found by findBuffer (GetMessage scans every buffer).
llvm::SMDiagnostic sourceMessage(const llvm::SourceMgr &SM, llvm::SMRange R,
                                 llvm::SourceMgr::DiagKind Kind,
                                 const std::string &Msg) {
  unsigned Buf = findBuffer(SM, R.Start);
  if (!Buf)
    return SM.GetMessage(R.Start, Kind, Msg);
  const llvm::MemoryBuffer *MB = SM.getMemoryBuffer(Buf);
  const char *Loc = R.Start.getPointer();
  const char *LineStart = Loc, *LineEnd = Loc;
  while (LineStart != MB->getBufferStart() && LineStart[-1] != '\n' &&
         LineStart[-1] != '\r')
    --LineStart;
  while (LineEnd != MB->getBufferEnd() && *LineEnd != '\n' && *LineEnd != '\r')
    ++LineEnd;
  // The part of the range on the location's line, in columns.
  std::vector<std::pair<unsigned, unsigned>> Ranges;
  if (R.isValid() && R.Start != R.End && R.Start.getPointer() <= LineEnd &&
      R.End.getPointer() >= LineStart)
    Ranges.emplace_back(
        unsigned(std::max(R.Start.getPointer(), LineStart) - LineStart),
        unsigned(std::min(R.End.getPointer(), LineEnd) - LineStart));
  auto [Line, Col] = SM.getLineAndColumn(R.Start, Buf);
  return llvm::SMDiagnostic(
      SM, R.Start, MB->getBufferIdentifier(), int(Line), int(Col) - 1, Kind,
      Msg, llvm::StringRef(LineStart, LineEnd - LineStart), Ranges);
}

/// Builds the SMDiagnostic for one message, showing at most a window of a
/// very long source line so that a hostile line cannot flood the terminal.
llvm::SMDiagnostic makeMessage(const llvm::SourceMgr &SM, llvm::SMRange R,
                               Severity S, const std::string &Msg) {
  llvm::SMDiagnostic D = sourceMessage(SM, R, kindOf(S), Msg);
  constexpr int Window = 120;
  llvm::StringRef Line = D.getLineContents();
  // Control characters in the source line would drive the terminal; each
  // becomes one `?`, so the caret stays under the right column.
  bool Control = llvm::any_of(Line, [](char C) {
    unsigned char U = static_cast<unsigned char>(C);
    return (U < 0x20 && C != '\t') || U == 0x7f;
  });
  if (Control) {
    std::string Clean = Line.str();
    for (char &C : Clean) {
      unsigned char U = static_cast<unsigned char>(C);
      if ((U < 0x20 && C != '\t') || U == 0x7f)
        C = '?';
    }
    std::vector<std::pair<unsigned, unsigned>> Ranges(D.getRanges().begin(),
                                                      D.getRanges().end());
    D = llvm::SMDiagnostic(SM, D.getLoc(), D.getFilename(), D.getLineNo(),
                           D.getColumnNo(), D.getKind(), D.getMessage(), Clean,
                           Ranges);
    Line = D.getLineContents();
  }
  if (Line.size() <= size_t(Window * 2) || D.getColumnNo() < 0)
    return D;
  int Col = D.getColumnNo();
  int Begin = Col > Window / 2 ? Col - Window / 2 : 0;
  std::string Shown = Line.substr(Begin, Window).str();
  std::vector<std::pair<unsigned, unsigned>> Ranges;
  for (auto [B, E] : D.getRanges()) {
    int NB = std::max<int>(int(B) - Begin, 0);
    int NE = std::min<int>(int(E) - Begin, int(Shown.size()));
    if (NB < NE)
      Ranges.push_back({unsigned(NB), unsigned(NE)});
  }
  return llvm::SMDiagnostic(SM, D.getLoc(), D.getFilename(), D.getLineNo(),
                            Col - Begin, D.getKind(), D.getMessage(), Shown,
                            Ranges);
}

class TextConsumer : public DiagnosticConsumer {
public:
  TextConsumer(const llvm::SourceMgr &SM, llvm::raw_ostream &OS, bool Colors)
      : SM(SM), OS(OS), Colors(Colors) {}

  void handle(const Diagnostic &D) override {
    std::string Msg = D.Message + " [" + ruleName(D.TheRule).str() + "]";
    print(D.Range, D.Sev, Msg);
    for (const DiagNote &N : D.Notes)
      print(N.Range, Severity::Note, N.Message);
  }

private:
  void print(llvm::SMRange R, Severity S, const std::string &Msg) {
    if (!R.Start.isValid()) {
      OS << "migc: " << severityName(S) << ": " << Msg << "\n";
      return;
    }
    llvm::SMDiagnostic D = makeMessage(SM, R, S, Msg);
    std::string Text;
    llvm::raw_string_ostream Out(Text);
    if (Colors)
      Out.enable_colors(true);
    D.print(nullptr, Out, Colors);
    // A long line is shown as a window around the column; the header must
    // still give the column in the file.
    unsigned Real = presumedLoc(SM, R.Start).Column;
    std::string Shown = ":" + std::to_string(D.getLineNo()) + ":" +
                        std::to_string(D.getColumnNo() + 1) + ":";
    if (unsigned(D.getColumnNo() + 1) != Real) {
      size_t At = Text.find(Shown);
      if (At != std::string::npos)
        Text.replace(At, Shown.size(),
                     ":" + std::to_string(D.getLineNo()) + ":" +
                         std::to_string(Real) + ":");
    }
    OS << Text;
  }

  const llvm::SourceMgr &SM;
  llvm::raw_ostream &OS;
  bool Colors;
};

llvm::json::Object locationJson(const llvm::SourceMgr &SM, llvm::SMRange R) {
  if (!R.Start.isValid())
    return llvm::json::Object{{"file", nullptr},
                              {"line", nullptr},
                              {"column", nullptr},
                              {"endLine", nullptr},
                              {"endColumn", nullptr}};
  PresumedLoc B = presumedLoc(SM, R.Start);
  PresumedLoc E = presumedLoc(SM, R.End.isValid() ? R.End : R.Start);
  return llvm::json::Object{{"file", B.File.str()},
                            {"line", B.Line},
                            {"column", B.Column},
                            {"endLine", E.Line},
                            {"endColumn", E.Column}};
}

class JsonConsumer : public DiagnosticConsumer {
public:
  JsonConsumer(const llvm::SourceMgr &SM, llvm::raw_ostream &OS)
      : SM(SM), OS(OS) {}

  void handle(const Diagnostic &D) override {
    llvm::json::Object O = locationJson(SM, D.Range);
    O["severity"] = severityName(D.Sev).str();
    O["rule"] = ruleName(D.TheRule).str();
    O["message"] = D.Message;
    llvm::json::Array Notes;
    for (const DiagNote &N : D.Notes) {
      llvm::json::Object NO = locationJson(SM, N.Range);
      NO["message"] = N.Message;
      Notes.push_back(std::move(NO));
    }
    O["notes"] = std::move(Notes);
    All.push_back(std::move(O));
  }

  void finish() override {
    OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(All))) << "\n";
  }

private:
  const llvm::SourceMgr &SM;
  llvm::raw_ostream &OS;
  llvm::json::Array All;
};

llvm::json::Object sarifLocation(const llvm::SourceMgr &SM, llvm::SMRange R) {
  PresumedLoc B = presumedLoc(SM, R.Start);
  PresumedLoc E = presumedLoc(SM, R.End.isValid() ? R.End : R.Start);
  return llvm::json::Object{
      {"physicalLocation",
       llvm::json::Object{
           {"artifactLocation", llvm::json::Object{{"uri", B.File.str()}}},
           {"region", llvm::json::Object{{"startLine", B.Line},
                                         {"startColumn", B.Column},
                                         {"endLine", E.Line},
                                         {"endColumn", E.Column}}}}}};
}

class SarifConsumer : public DiagnosticConsumer {
public:
  SarifConsumer(const llvm::SourceMgr &SM, llvm::raw_ostream &OS)
      : SM(SM), OS(OS) {}

  void handle(const Diagnostic &D) override {
    llvm::json::Array Related;
    for (const DiagNote &N : D.Notes) {
      if (!N.Range.Start.isValid())
        continue;
      llvm::json::Object L = sarifLocation(SM, N.Range);
      L["message"] = llvm::json::Object{{"text", N.Message}};
      Related.push_back(std::move(L));
    }
    llvm::json::Object R{{"ruleId", ruleName(D.TheRule).str()},
                         {"level", severityName(D.Sev).str()},
                         {"message", llvm::json::Object{{"text", D.Message}}}};
    // SARIF lines start at 1: a diagnostic without a place has no location.
    if (D.Range.Start.isValid())
      R["locations"] = llvm::json::Array{sarifLocation(SM, D.Range)};
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(R));
  }

  void finish() override {
    llvm::json::Array RuleList;
    for (unsigned I = 0; I < ruleCount(); ++I) {
      Rule Rl = Rule(I);
      RuleList.push_back(llvm::json::Object{
          {"id", ruleName(Rl).str()},
          {"shortDescription",
           llvm::json::Object{{"text", ruleSummary(Rl).str()}}},
          {"helpUri", "docs/rules/" + ruleName(Rl).str() + ".md"}});
    }
    llvm::json::Object Log{
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         llvm::json::Array{llvm::json::Object{
             {"tool",
              llvm::json::Object{
                  {"driver",
                   llvm::json::Object{{"name", "migc"},
                                      {"rules", std::move(RuleList)}}}}},
             {"results", std::move(Results)}}}}};
    OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Log))) << "\n";
  }

private:
  const llvm::SourceMgr &SM;
  llvm::raw_ostream &OS;
  llvm::json::Array Results;
};

} // namespace

std::unique_ptr<DiagnosticConsumer> makeTextConsumer(const llvm::SourceMgr &SM,
                                                     llvm::raw_ostream &OS,
                                                     bool Colors) {
  return std::make_unique<TextConsumer>(SM, OS, Colors);
}

std::unique_ptr<DiagnosticConsumer> makeJsonConsumer(const llvm::SourceMgr &SM,
                                                     llvm::raw_ostream &OS) {
  return std::make_unique<JsonConsumer>(SM, OS);
}

std::unique_ptr<DiagnosticConsumer> makeSarifConsumer(const llvm::SourceMgr &SM,
                                                      llvm::raw_ostream &OS) {
  return std::make_unique<SarifConsumer>(SM, OS);
}

} // namespace migc
