//===- main.cpp - migc: the command line --------------------------------===//
//
// Wires the subcommands; each lives in its own file and returns an exit
// status from Driver.h.
//
//===----------------------------------------------------------------------===//

#include "tools/migc/Driver.h"

#include "project/Compilation.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

using namespace migc::driver;

int main(int argc, char **argv) {
  llvm::InitLLVM X(argc, argv);
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &OS) { OS << "migc " MIGC_VERSION "\n"; });
  hideLibraryOptions();
  if (!llvm::cl::ParseCommandLineOptions(
          argc, argv,
          "migc: static verification of database schema migrations\n",
          &llvm::errs()))
    return BadUsage;
  // Like clang's -disable-free: the process ends here, so the operating
  // system frees the project's memory far faster than destructors would.
  auto Exit = [](int Status) {
    llvm::outs().flush();
    llvm::errs().flush();
    std::_Exit(Status);
  };
  // The command runs on a thread with a stack of known size, not the
  // main thread's `ulimit -s` (see Compilation::StackBytes).
  int (*Run)() = CheckCommand    ? runCheck
                 : SchemaCommand ? runSchema
                 : GraphCommand  ? runGraph
                 : EmitCommand   ? runEmit
                 : LspCommand    ? runLsp
                                 : nullptr;
  if (Run) {
    int Status = BadUsage;
    llvm::thread(llvm::Optional<unsigned>(migc::Compilation::StackBytes), [&] {
      Status = Run();
    }).join();
    Exit(Status);
  }
  llvm::errs() << "migc: say what to do: `migc check [PATH...]`, "
                  "`migc schema [--at MIGRATION] [PATH]`, `migc graph "
                  "[PATH]`, `migc emit --target=postgres [PATH]` or "
                  "`migc lsp` (see --help)\n";
  return BadUsage;
}
