//===- Driver.h - What the subcommands of migc share ----------*- C++ -*-===//
#ifndef MIGC_TOOLS_DRIVER_H
#define MIGC_TOOLS_DRIVER_H

#include "project/Compilation.h"

#include "llvm/Support/CommandLine.h"

#include <memory>

namespace migc::driver {

/// Exit statuses, mapped in one place (spec section 7).
enum ExitStatus : int { Success = 0, Failure = 1, BadUsage = 2 };

extern llvm::cl::SubCommand CheckCommand;
extern llvm::cl::SubCommand SchemaCommand;
extern llvm::cl::SubCommand GraphCommand;
extern llvm::cl::SubCommand EmitCommand;
extern llvm::cl::SubCommand LspCommand;

/// A compiled project with its diagnostic engine, ready for a command.
struct Session {
  Compilation C;
  std::unique_ptr<DiagnosticEngine> Engine;
  std::unique_ptr<DiagnosticConsumer> Consumer;
  VerifyConsumer *Verifier = nullptr;
  /// `check --changed-since`: report only on the files changed since this
  /// git ref.
  std::optional<std::string> ChangedSince;

  /// The exit status once diagnostics are finished.
  int finish();
  /// finish() for a command that prints what the whole project builds
  /// (schema, emit, graph): errors in files not shown fail it too.
  int finishWhole();
};

/// Verify is the clang -verify test mode (see diag/Verify.cpp).
enum class DiagFormat { Text, Json, Sarif, Verify };

/// Finds the project of Paths, sets up diagnostics (-W flags, migc.toml,
/// format) and runs the pipeline. Returns an exit status on failure.
/// Listener, when given, is called by the compilation's walk (a backend).
std::optional<int> startSession(Session &S, llvm::ArrayRef<std::string> Paths,
                                DiagFormat Format, const CompileOptions &Opts,
                                ir::WalkListener *Listener = nullptr);

/// Keeps LLVM's own options out of `migc --help`.
void hideLibraryOptions();

int runCheck();
int runSchema();
int runGraph();
int runEmit();
/// The Language Server on stdin and stdout (lsp/Server.h).
int runLsp();

} // namespace migc::driver

#endif
