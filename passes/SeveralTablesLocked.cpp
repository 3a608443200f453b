//===- SeveralTablesLocked.cpp - Strong locks on several tables at once ---===//
//
// Spec section 8.6 (issue 12): PostgreSQL holds every lock a transaction
// takes until it commits. A migration that takes a SHARE or stronger lock
// (every write waits) on one existing table and then another on a second
// table holds the first while it waits in the second's queue: traffic on
// the first table queues for as long as the second takes, and two such
// migrations (or a migration and an application transaction) that lock the
// tables in the other order deadlock. test/integration/postgres.py checks in
// pg_locks that the first table's lock is still held while the second
// statement runs.
//
// One diagnostic per migration, at the first statement that locks a second
// table, naming every table and its strongest lock. A block that runs
// outside a transaction (it builds or drops an index concurrently, see
// backends/Postgres.cpp) releases each lock at its statement's end and is
// not reported; nor are tables the migration created (passes/NewObjects.h).
//
//===----------------------------------------------------------------------===//

#include "passes/Locks.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include <optional>

namespace migc::passes {

namespace {

struct Held {
  std::string Table;
  LockMode Mode;
  /// The statement that first locked it.
  llvm::SMRange First;
};

class SeveralTablesLockedPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    NewObjectsPass::beginMigration(M, S);
    Reported = false;
    startBlock();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Locks.clear();
    if (!O.Synthesized)
      Locks = postgresLocks(O.IR, Before);
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's; an operation that
    // failed changed nothing, and one with an error is not what will run.
    if (O.Synthesized || !Applied)
      return;
    const ir::Op &Op = O.IR;
    if (!hasErrorIn(O)) {
      // Only tables an earlier statement locked are held while this one
      // waits: a foreign key locks both its tables at once.
      bool Earlier = !HeldLocks.empty();
      for (const TableLock &L : Locks)
        if (blocksWrites(L.Mode) && !New.isNewTable(L.Table))
          hold(L, Op.Range, Earlier);
    }
    New.record(Op);
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (!Synthesized && Ctx.Targets.Postgres && !Reported && Second &&
        ir::runsInTransaction(M.IR, ir::blockOps(M.IR, B))) {
      report(M);
      Reported = true;
    }
    startBlock();
  }

private:
  void startBlock() {
    HeldLocks.clear();
    Second.reset();
    SecondAt = llvm::SMRange();
  }

  void hold(const TableLock &L, llvm::SMRange At, bool Earlier) {
    for (Held &H : HeldLocks)
      if (H.Table == L.Table) {
        H.Mode = std::max(H.Mode, L.Mode);
        return;
      }
    HeldLocks.push_back({L.Table, L.Mode, At});
    if (Earlier && !Second) {
      Second = HeldLocks.size() - 1;
      SecondAt = At;
    }
  }

  void report(const ir::MigrationStep &M) {
    std::string Tables;
    for (size_t I = 0; I < HeldLocks.size(); ++I) {
      const char *Sep = I == 0                      ? ""
                        : I + 1 == HeldLocks.size() ? " and "
                                                    : ", ";
      Tables += Sep + quote(HeldLocks[I].Table) + " (" +
                lockName(HeldLocks[I].Mode) + ")";
    }
    const Held &First = HeldLocks.front();
    const Held &Next = HeldLocks[*Second];
    M.Diags
        .emplace_back(
            Rule::SeveralTablesLocked, SecondAt,
            "migration " + quote(M.IR.Name) + " locks " + Tables +
                " in one transaction: it holds the " + lockName(First.Mode) +
                " lock on " + quote(First.Table) + " until it commits while " +
                "it waits here for " + quote(Next.Table) + ", so writes to " +
                quote(First.Table) +
                " queue behind it, and a transaction that locks them in the "
                "other order deadlocks with it")
        .note(First.First, quote(First.Table) + " is locked here (" +
                               lockName(First.Mode) + ") until the commit")
        .note(SecondAt, "lock one table per migration: move the statements "
                        "on " +
                            quote(Next.Table) +
                            " to a migration of their own, `migration " +
                            M.IR.Name + "_" + Next.Table + " { requires " +
                            M.IR.Name + "; up { ... } }`");
  }

  /// The operation being walked's locks (from the schema before it).
  std::vector<TableLock> Locks;
  /// The existing tables the current block holds a write-blocking lock on,
  /// in the order it took them.
  std::vector<Held> HeldLocks;
  /// The first table a later statement locked, and that statement.
  std::optional<size_t> Second;
  llvm::SMRange SecondAt;
  /// One diagnostic per migration: `up` first, then its written `down`.
  bool Reported = false;
};
} // namespace

std::unique_ptr<Pass> createSeveralTablesLockedPass(PassContext &Ctx) {
  return std::make_unique<SeveralTablesLockedPass>(Ctx);
}

} // namespace migc::passes
