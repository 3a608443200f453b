//===- Compilation.h - The pipeline from files to replayed schema -*- C++
//-*-===//
//
// One Compilation runs the stages of `migc check` over a project: read the
// files, parse them (on every core), order the migrations, and walk the
// history once (ir/Walk.h) with every registered pass listening. It keeps the
// stage order and nothing else: what is checked lives in passes/.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PROJECT_COMPILATION_H
#define MIGC_PROJECT_COMPILATION_H

#include "diag/Diagnostic.h"
#include "frontend/AST.h"
#include "ir/Order.h"
#include "ir/Schema.h"
#include "ir/Touches.h"
#include "passes/DependencyGraph.h"
#include "project/PassManager.h"
#include "project/Project.h"
#include "smt/Prover.h"

namespace migc {

struct CompileOptions {
  /// Replay only this migration and those it requires (`schema --at`).
  std::optional<std::string> At;
  /// Threads for parsing; 0 = one per core.
  unsigned Jobs = 0;
  /// Prove the constraint obligations with Z3 (passes/ConstraintProofs.h).
  bool Prove = true;
  smt::Options Smt;
  /// Free each proof thread's solver when the proofs end. A command exits
  /// without freeing (see main.cpp); a long-lived server (`migc lsp`)
  /// compiles again and again and must not keep every Z3 context.
  bool FreeSolvers = false;
  /// `[check] targets`: the servers the operational rules speak of.
  passes::Targets Targets;
  /// `[check] lock-timeout` and `statement-timeout`: the timeouts of a
  /// migration without its own clause.
  std::optional<ast::Timeout> LockTimeout, StatementTimeout;
  /// `[history] applied`: this migration and those it requires are applied
  /// in production. Unless ShowApplied (`--all`), their diagnostics are
  /// hidden and counted (DiagnosticEngine::hideAppliedHistory).
  std::optional<std::string> Applied;
  bool ShowApplied = false;
};

class Compilation {
public:
  Compilation();
  ~Compilation();

  llvm::SourceMgr SM;
  std::vector<ast::File> Files;
  /// Every migration of the project, in file order; Order indexes into it.
  std::vector<const ast::Migration *> Syntax;
  std::vector<ir::Migration> Migrations;
  ir::MigrationOrder Order;
  ir::Schema Final;
  /// What each migration's `up` reads and writes (by migration index).
  std::vector<std::vector<ir::Touch>> Touches;
  /// Heads and unordered conflicts (not computed with --at).
  passes::GraphFacts Graph;
  /// Set when a file could not be read (exit status 2).
  bool InputError = false;
  /// The migrations applied in production (by migration index; empty
  /// without `[history] applied`), and how many they are.
  std::vector<bool> Applied;
  unsigned AppliedCount = 0;
  /// Set when `[history] applied` names no migration (run returns false).
  bool AppliedUnknown = false;
  /// Statistics (`--stats`): files that needed full LL prediction after
  /// SLL, and seconds spent in each stage.
  unsigned FullLLFiles = 0;
  double LoadSeconds = 0, ParseSeconds = 0, OrderSeconds = 0, ReplaySeconds = 0,
         GraphSeconds = 0;
  /// Seconds in the constraint proofs (part of the replay), and the
  /// solver's counts.
  double ProveSeconds = 0;
  /// The solver counts of every proof thread together.
  smt::Stats SmtStats;
  static constexpr unsigned ProofThreads = PassManager::DeferredThreads;
  static constexpr unsigned StackBytes = PassManager::StackBytes;

  /// Reads the project's files into SM; buffers of Focus files are shown.
  /// A file whose absolute path is in Docs is read from there instead.
  void load(const Project &P, DiagnosticEngine &Diags,
            const Overlay *Docs = nullptr);
  /// Parses, orders and walks the history, running every registered pass
  /// (passes/Passes.def); Listeners (a backend, the language server's
  /// index) are called by the same walk. Returns false if --at names no
  /// migration, or `[history] applied` none (AppliedUnknown).
  bool run(DiagnosticEngine &Diags, const CompileOptions &Opts,
           llvm::ArrayRef<ir::WalkListener *> Listeners = {});

private:
  /// Applied from `[history] applied`; false if it names no migration.
  bool markApplied(DiagnosticEngine &Diags, const CompileOptions &Opts);
};

} // namespace migc

#endif
