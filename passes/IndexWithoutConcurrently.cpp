//===- IndexWithoutConcurrently.cpp - Index builds that lock a table ------===//
//
// Spec section 8.6 (issue 12): on PostgreSQL, `create index` without
// `concurrently` takes a SHARE lock on its table, which blocks every insert,
// update and delete for the whole build; `drop index` without it takes an
// ACCESS EXCLUSIVE lock, which blocks reads too. Both hold the lock until the
// migration commits. test/integration/postgres.py checks these lock modes on
// a real PostgreSQL 15.
//
// Only tables that existed before the migration matter: a table the
// migration created (in `up`, or earlier in its written `down`) has no
// traffic to block yet (passes/NewObjects.h follows them).
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {
class IndexWithoutConcurrentlyPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // The table of a dropped index is known only before the drop.
    DroppedFrom.clear();
    if (O.IR.Kind == ir::OpKind::DropIndex)
      if (const ir::Index *I = Before.findIndex(O.IR.Name))
        DroppedFrom = I->Table;
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's (decisions.md); an
    // operation that failed was reported by the replay and changed nothing.
    if (O.Synthesized || !Applied || !Ctx.Targets.Postgres)
      return;
    const ir::Op &Op = O.IR;
    if (Op.Kind == ir::OpKind::CreateIndex && !Op.Concurrently &&
        !New.isNewTable(Op.NewIndex.Table))
      reportCreate(O);
    else if (Op.Kind == ir::OpKind::DropIndex && !Op.Concurrently &&
             !DroppedFrom.empty() && !New.isNewTable(DroppedFrom))
      reportDrop(O);
    New.record(Op);
  }

private:
  void reportCreate(const ir::OpStep &O) {
    const ir::Index &I = O.IR.NewIndex;
    std::string Safe = ir::printCreateIndex(I, /*Concurrently=*/true);
    Safe.pop_back(); // the `;`
    O.M.Diags
        .emplace_back(Rule::IndexWithoutConcurrently, O.IR.Range,
                      std::string("creating ") + (I.Unique ? "unique " : "") +
                          "index " + quote(I.Name) +
                          " without `concurrently` locks " + quote(I.Table) +
                          " against writes (SHARE lock) from the start of the "
                          "build until the migration commits")
        .note(O.IR.Range,
              "build it with `" + Safe + "`; " + OutsideTransaction);
  }

  void reportDrop(const ir::OpStep &O) {
    O.M.Diags
        .emplace_back(Rule::IndexWithoutConcurrently, O.IR.Range,
                      "dropping index " + quote(O.IR.Name) +
                          " without `concurrently` locks " +
                          quote(DroppedFrom) +
                          " against reads and writes (ACCESS EXCLUSIVE lock) "
                          "until the migration commits")
        .note(O.IR.Range, "drop it with `drop index concurrently " +
                              ir::printName(O.IR.Name) + "`; " +
                              OutsideTransaction);
  }

  static constexpr const char *OutsideTransaction =
      "a migration that does so runs outside a transaction";

  /// The table of the index the current `drop index` drops.
  std::string DroppedFrom;
};
} // namespace

std::unique_ptr<Pass> createIndexWithoutConcurrentlyPass(PassContext &Ctx) {
  return std::make_unique<IndexWithoutConcurrentlyPass>(Ctx);
}

} // namespace migc::passes
