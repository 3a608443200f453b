//===- CheckCommand.cpp - migc check ---------------------------------------===//

#include "tools/migc/Driver.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

static cl::list<std::string> Paths(cl::Positional, cl::sub(CheckCommand),
                                   cl::desc("[PATH...]"));
static cl::opt<DiagFormat> Format(
    "format", cl::sub(CheckCommand), cl::init(DiagFormat::Text),
    cl::desc("How to print diagnostics"),
    cl::values(clEnumValN(DiagFormat::Text, "text", "clang-style text"),
               clEnumValN(DiagFormat::Json, "json", "one JSON array"),
               clEnumValN(DiagFormat::Sarif, "sarif", "SARIF 2.1.0")));
static cl::opt<bool> Verify(
    "verify", cl::sub(CheckCommand),
    cl::desc("Compare diagnostics with `expected-<severity> {{text}}` "
             "comments in the sources (for tests)"));

int runCheck() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  DiagFormat F = Verify ? DiagFormat::Verify : DiagFormat(Format);
  if (std::optional<int> Status = startSession(S, Paths, F, {}))
    return *Status;
  return S.finish();
}

} // namespace migc::driver
