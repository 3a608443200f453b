//===- PassManager.h - Runs the registered passes from the walk -*- C++ -*-===//
//
// The pass manager creates every pass of passes/Passes.def, in its order,
// and hands them to the walk as listeners. Deferred passes give it work at
// the end of each migration; it runs that work on a fixed number of proof
// threads (task K on thread K % DeferredThreads, so the answers do not
// depend on the machine) beside the walk, and reports it after the walk in
// replay order.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PROJECT_PASSMANAGER_H
#define MIGC_PROJECT_PASSMANAGER_H

#include "passes/Pass.h"

namespace migc {

class DiagnosticEngine;

class PassManager : public ir::WalkListener {
public:
  static constexpr unsigned DeferredThreads = passes::DeferredThreads;
  /// The stack of every thread migc starts (main.cpp runs the command on
  /// one too): the stages walk expressions recursively, and an expression
  /// at the input limits (docs/decisions.md) needs more than 2 MB in the
  /// proofs. A fixed size makes that independent of `ulimit -s`; only the
  /// pages used count as memory.
  static constexpr unsigned StackBytes = 64u << 20;

  explicit PassManager(passes::PassContext &Ctx);
  ~PassManager() override;

  /// What the walk calls: every pass in registry order, then Extra (a
  /// backend, the language server's index), then the manager itself, which
  /// takes the deferred work once everything else has seen the migration.
  std::vector<ir::WalkListener *>
  listeners(llvm::ArrayRef<ir::WalkListener *> Extra = {});

  void endMigration(const ir::MigrationStep &M, const ir::Schema &S) override;

  /// Waits for the deferred work and reports it, in replay order.
  void finishDeferred(DiagnosticEngine &Diags);
  /// Runs the project passes (after finishDeferred).
  void finishProject(DiagList &Out);

private:
  passes::PassContext &Ctx;
  std::vector<std::unique_ptr<passes::Pass>> Passes;
  struct Queue;
  std::unique_ptr<Queue> Q;
  void start();
};

} // namespace migc

#endif
