//===- Pass.h - What every analysis pass is and sees -----------*- C++ -*-===//
//
// A pass is declared once in passes/Passes.def (its name, shape, and the
// rules it may report) and defined in one file of passes/. It is a listener
// of the one walk over the history (ir/Walk.h): it reports into the
// migration's diagnostics, never prints, and never applies an operation.
// Passes share what they find through the PassContext.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_PASS_H
#define MIGC_PASSES_PASS_H

#include "ir/Order.h"
#include "ir/Touches.h"
#include "ir/Walk.h"
#include "passes/DependencyGraph.h"
#include "passes/Targets.h"
#include "smt/Prover.h"

#include <memory>

namespace migc::passes {

enum class PassId : unsigned {
#define MIGC_PASS(Id, Name, Shape, Runs, Summary, ...) Id,
#include "passes/Passes.def"
};

/// Threads that run deferred work (the proofs). Fixed rather than one per
/// core: each thread's solver keeps what it learned between queries, so
/// which migrations share a thread can change a counterexample's values,
/// and the output must not depend on the machine.
inline constexpr unsigned DeferredThreads = 2;

enum class PassShape { Stage, PerOp, PerMigration, PerProject };
enum class PassRuns { Inline, Deferred };

/// One line of Passes.def (a stage or a pass).
struct PassInfo {
  llvm::StringRef Name;
  PassShape Shape;
  PassRuns Runs;
  llvm::StringRef Summary;
  std::vector<Rule> Rules;
};

/// Every stage and pass, in the order of Passes.def.
llvm::ArrayRef<PassInfo> passRegistry();

/// Settings and shared findings of one compilation.
struct PassContext {
  PassContext(const std::vector<ir::Migration> &Migrations,
              const ir::MigrationOrder &Order)
      : Migrations(Migrations), Order(Order) {}

  const std::vector<ir::Migration> &Migrations;
  const ir::MigrationOrder &Order;
  /// Prove the constraint obligations (off with --no-proofs).
  bool Prove = true;
  smt::Options Smt;
  /// Free each proof thread's solver when the proofs end (the language
  /// server compiles again and again).
  bool FreeSolvers = false;
  /// The whole history is walked (not `schema --at`): the project passes
  /// run.
  bool WholeProject = true;
  /// The databases the project targets (`[check] targets`): a rule about
  /// how PostgreSQL runs a statement is silent for a project without it.
  passes::Targets Targets;

  /// What each migration's `up` reads and writes, by migration index
  /// (filled by the touches pass).
  std::vector<std::vector<ir::Touch>> Touches;
  /// The same for the written `down` of the migration being walked.
  std::vector<ir::Touch> DownTouches;
  /// Heads and unordered conflicts (the dependency-graph pass).
  GraphFacts Graph;
  /// The solver's counts of every proof thread (the constraint proofs).
  smt::Stats SmtStats;
};

/// Work a deferred pass took from the walk for one migration, run later on
/// one of the proof threads.
class DeferredWork {
public:
  virtual ~DeferredWork();
  /// Thread is the proof thread running it (0 .. ProofThreads-1): state a
  /// pass keeps per thread is indexed by it.
  virtual void run(unsigned Thread, DiagList &Out) = 0;
};

class Pass : public ir::WalkListener {
public:
  explicit Pass(PassContext &Ctx) : Ctx(Ctx) {}
  /// Deferred passes: the work for migration M, taken at its end (after
  /// every inline pass has reported on it), or null.
  virtual std::unique_ptr<DeferredWork> defer(const ir::MigrationStep &M) {
    return nullptr;
  }
  /// Deferred passes: a proof thread is done (frees what it kept).
  virtual void endThread(unsigned Thread) {}
  /// After the walk (and the deferred work): PerProject passes run here.
  virtual void finishProject(DiagList &Out) {}

protected:
  PassContext &Ctx;
};

/// Whether the migration has an error inside O's source (its lowering
/// found one: an unknown function in a check, a duplicate name): O is not
/// what will run, so lints do not report on it.
inline bool hasErrorIn(const ir::OpStep &O) {
  const char *Start = O.IR.Range.Start.getPointer();
  const char *End = O.IR.Range.End.getPointer();
  if (!Start || !End)
    return false;
  return llvm::any_of(O.M.Diags, [&](const Diagnostic &D) {
    const char *At = D.Range.Start.getPointer();
    return D.Sev == Severity::Error && At && Start <= At && At <= End;
  });
}

/// The factories, one per pass, each defined in its own file.
#define MIGC_PASS(Id, Name, Shape, Runs, Summary, ...)                         \
  std::unique_ptr<Pass> create##Id##Pass(PassContext &Ctx);
#include "passes/Passes.def"

} // namespace migc::passes

#endif
