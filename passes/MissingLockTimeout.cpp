//===- MissingLockTimeout.cpp - Strong locks awaited without a timeout ----===//
//
// Spec sections 5 and 8.6 (issue 12): a DDL statement queues for its lock
// behind every transaction that holds a conflicting one, and PostgreSQL
// makes every later request that conflicts with the queued one wait behind
// it. Without `lock_timeout`, an ALTER TABLE that waits behind one long
// transaction stops all traffic to its table for as long as that
// transaction lasts. With one, the statement gives up after the timeout and
// traffic goes on; the migration is run again later.
//
// One diagnostic per migration (its `up`, then its written `down`), at the
// first statement that queues for a write-blocking lock (Locks.h,
// postgresDdlLock) on a table that existed before the migration, when the
// migration has no lock timeout: neither its own `lock_timeout` clause nor
// `[check] lock-timeout` in migc.toml. `lock_timeout '0';` is a timeout
// turned off on purpose, and is not reported. PostgreSQL targets only:
// test/integration/postgres.py (`timeouts`) checks the lock each statement
// waits for, that a read queues behind it, and that the emitted
// `SET LOCAL lock_timeout` makes it give up.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/Locks.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

class MissingLockTimeoutPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    NewObjectsPass::beginMigration(M, S);
    Reported = !Ctx.Targets.Postgres || M.IR.LockTimeout.has_value();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Lock.reset();
    if (!Reported && !O.Synthesized)
      Lock = postgresDdlLock(O.IR, Before);
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's; an operation that failed changed
    // nothing, and one with an error is not what will run.
    if (O.Synthesized || !Applied)
      return;
    if (Lock && blocksWrites(Lock->Mode) && !New.isNewTable(Lock->Table) &&
        !hasErrorIn(O))
      report(O, *Lock);
    New.record(O.IR);
  }

private:
  void report(const ir::OpStep &O, const TableLock &L) {
    Reported = true;
    bool Reads = L.Mode == LockMode::AccessExclusive;
    O.M.Diags
        .emplace_back(Rule::MissingLockTimeout, O.IR.Range,
                      "`" + ir::printOpInline(O.IR) + "` queues for " +
                          (Reads ? "an " : "a ") + lockName(L.Mode) +
                          " lock on " + quote(L.Table) +
                          " with no lock timeout: while it waits behind a "
                          "long transaction, every " +
                          (Reads ? "read and write" : "write") + " of " +
                          quote(L.Table) + " waits behind it")
        .note(O.M.IR.NameRange,
              "give migration " + quote(O.M.IR.Name) +
                  " `lock_timeout '2s';` (or the project `lock-timeout = "
                  "\"2s\"` under [check] in migc.toml), and run it again "
                  "when it times out");
  }

  /// The lock the operation being walked queues for (from the schema
  /// before it), when there is one to report.
  std::optional<TableLock> Lock;
  /// One diagnostic per migration, or none to give.
  bool Reported = false;
};

} // namespace

std::unique_ptr<Pass> createMissingLockTimeoutPass(PassContext &Ctx) {
  return std::make_unique<MissingLockTimeoutPass>(Ctx);
}

} // namespace migc::passes
