//===- NonAtomicMigration.cpp - Several statements outside a transaction --===//
//
// Spec sections 5 and 8.6 (issue 12): a migration runs on PostgreSQL as one
// transaction unless it says `transaction none;` or an operation cannot run
// in one (an index built or dropped concurrently); ir::runsInTransaction
// decides, for the backends and the passes alike. Outside a transaction,
// each statement commits on its own: when the third of five fails, the first
// two stay applied, the migration tool records the migration as failed (or
// not at all), and running it again fails on what is already there.
//
// One diagnostic per migration (its `up`, then its written `down`), when a
// block of two or more statements runs outside a transaction, at what takes
// the transaction away. PostgreSQL targets only: MySQL commits each DDL
// statement anyway, and its script says so. test/integration/postgres.py
// (`timeouts`) checks that the statements before a failing one stay.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

class NonAtomicMigrationPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    Reported = !Ctx.Targets.Postgres;
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    const std::vector<ir::Op> &Ops = ir::blockOps(M.IR, B);
    if (Reported || Synthesized || Ops.size() < 2 ||
        ir::runsInTransaction(M.IR, Ops))
      return;
    Reported = true;
    std::string Block = B == ir::BlockKind::Up ? "`up`" : "`down`";
    std::string Count = std::to_string(Ops.size());
    if (M.IR.NoTransaction) {
      M.Diags
          .emplace_back(Rule::NonAtomicMigration, M.IR.NoTransactionRange,
                        "`transaction none;` runs the " + Count +
                            " statements of migration " + quote(M.IR.Name) +
                            "'s " + Block +
                            " outside a transaction: if one fails, those "
                            "before it stay applied")
          .note(M.IR.NameRange,
                "give each statement that must run outside a transaction a "
                "migration of its own, and leave the rest in migrations "
                "that run in one");
      return;
    }
    const ir::Op &Why = *llvm::find_if(Ops, ir::forbidsTransaction);
    M.Diags
        .emplace_back(Rule::NonAtomicMigration, Why.Range,
                      "`" + ir::printOpInline(Why) +
                          "` cannot run in a transaction, so none of the " +
                          Count + " statements of migration " +
                          quote(M.IR.Name) + "'s " + Block +
                          " does: if one fails, those before it stay "
                          "applied")
        .note(Why.Range, "give it a migration of its own (`transaction "
                         "none;` says so), and leave the other statements "
                         "in one that runs in a transaction");
  }

private:
  /// One diagnostic per migration, or none to give.
  bool Reported = false;
};

} // namespace

std::unique_ptr<Pass> createNonAtomicMigrationPass(PassContext &Ctx) {
  return std::make_unique<NonAtomicMigrationPass>(Ctx);
}

} // namespace migc::passes
