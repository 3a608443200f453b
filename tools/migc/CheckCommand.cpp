//===- CheckCommand.cpp - migc check
//---------------------------------------===//

#include "tools/migc/Driver.h"

#include "ir/OpPrinter.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

static cl::list<std::string> Paths(cl::Positional, cl::sub(CheckCommand),
                                   cl::desc("[PATH...]"));
static cl::opt<DiagFormat>
    Format("format", cl::sub(CheckCommand), cl::init(DiagFormat::Text),
           cl::desc("How to print diagnostics"),
           cl::values(clEnumValN(DiagFormat::Text, "text", "clang-style text"),
                      clEnumValN(DiagFormat::Json, "json", "one JSON array"),
                      clEnumValN(DiagFormat::Sarif, "sarif", "SARIF 2.1.0")));
enum class Dump { None, Down };
static cl::opt<Dump> DumpWhat(
    "dump", cl::sub(CheckCommand), cl::init(Dump::None),
    cl::desc("Print an intermediate result to stdout"),
    cl::values(clEnumValN(Dump::Down, "down",
                          "the down migc synthesizes for each migration "
                          "without one, in .mig syntax")));
static cl::opt<std::string> ChangedSince(
    "changed-since", cl::sub(CheckCommand), cl::value_desc("git ref"),
    cl::desc("Report only on the files added or changed since the ref (all "
             "migrations are still replayed)"));
static cl::opt<bool>
    Verify("verify", cl::sub(CheckCommand),
           cl::desc("Compare diagnostics with `expected-<severity> {{text}}` "
                    "comments in the sources (for tests)"));

/// Each synthesized down as a block to paste into the migration.
static void printSynthesizedDowns(const Compilation &C, llvm::raw_ostream &OS) {
  for (unsigned I : C.Order.Order) {
    const ir::Migration &M = C.Migrations[I];
    if (!M.DownSynthesized)
      continue;
    PresumedLoc P = presumedLoc(C.SM, M.NameRange.Start);
    OS << "-- " << P.File << ":" << P.Line << ": migration " << M.Name << "\n"
       << "down {\n";
    for (const ir::Op &O : *M.Down) {
      std::string Text = ir::printOp(O);
      for (llvm::StringRef Line : llvm::split(Text, '\n'))
        OS << "  " << Line << "\n";
    }
    OS << "}\n";
  }
}

int runCheck() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  DiagFormat F = Verify ? DiagFormat::Verify : DiagFormat(Format);
  if (ChangedSince.getNumOccurrences())
    S.ChangedSince = ChangedSince;
  if (std::optional<int> Status = startSession(S, Paths, F, {}))
    return *Status;
  int Status = S.finish();
  if (DumpWhat == Dump::Down)
    printSynthesizedDowns(S.C, llvm::outs());
  return Status;
}

} // namespace migc::driver
