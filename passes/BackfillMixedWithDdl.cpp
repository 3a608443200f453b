//===- BackfillMixedWithDdl.cpp - A backfill under a DDL lock -------------===//
//
// Spec section 8.6 (issue 12): an `update` of the existing rows of a table
// in the same transaction as DDL on that table. PostgreSQL keeps the rows
// the update wrote locked until the transaction commits, and the DDL's lock
// too: ACCESS EXCLUSIVE for most of `alter table` (no reads, no writes),
// SHARE for `create index`, SHARE ROW EXCLUSIVE for a foreign key (no
// writes). When the DDL comes first the whole backfill runs under its lock;
// when it comes after, the rows stay locked while the DDL waits for its lock
// and holds it. test/integration/postgres.py checks what is held from a
// second session while such a transaction is open.
//
// The block is judged at its end, when it is known whether it runs in one
// transaction: a block that builds or drops an index concurrently, or
// updates in batches, is emitted without BEGIN/COMMIT, each statement (and
// each batch) committing on its own. A table the
// migration created has no rows to backfill and no traffic (NewObjects.h);
// DDL that lets reads and writes go on (`validate constraint`, concurrent
// index builds) does not count, nor `drop table` (the rows go with it).
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include <map>

namespace migc::passes {

namespace {

/// A PostgreSQL lock a DDL statement takes on its table, strongest last.
enum class Lock { None, Share, ShareRowExclusive, AccessExclusive };

const char *lockName(Lock L) {
  switch (L) {
  case Lock::Share:
    return "SHARE";
  case Lock::ShareRowExclusive:
    return "SHARE ROW EXCLUSIVE";
  default:
    return "ACCESS EXCLUSIVE";
  }
}

/// What waits behind L, in the words of the other lock rules.
const char *blocked(Lock L) {
  return L == Lock::AccessExclusive ? "reads and writes" : "writes";
}

/// The lock Op takes on its own table, or None when it lets reads and
/// writes go on or is not DDL on an existing table.
Lock lockOf(const ir::Op &Op) {
  switch (Op.Kind) {
  case ir::OpKind::AddColumn:
  case ir::OpKind::DropColumn:
  case ir::OpKind::RenameColumn:
  case ir::OpKind::RenameTable:
  case ir::OpKind::AlterColumnType:
  case ir::OpKind::SetNotNull:
  case ir::OpKind::DropNotNull:
  case ir::OpKind::SetDefault:
  case ir::OpKind::DropDefault:
  case ir::OpKind::DropConstraint:
    return Lock::AccessExclusive;
  case ir::OpKind::CreateIndex:
    return Op.Concurrently ? Lock::None : Lock::Share;
  case ir::OpKind::DropIndex:
    return Op.Concurrently ? Lock::None : Lock::AccessExclusive;
  case ir::OpKind::AddConstraint:
    return Op.Constraints.front().Kind == ir::ConstraintKind::ForeignKey
               ? Lock::ShareRowExclusive
               : Lock::AccessExclusive;
  default:
    return Lock::None;
  }
}

class BackfillMixedWithDdlPass : public NewObjectsPass {
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
    // A synthesized down is migc's, not the author's; an operation that
    // failed was reported by the replay and changed nothing.
    if (O.Synthesized || !Applied)
      return;
    const ir::Op &Op = O.IR;
    std::string T = Op.Kind == ir::OpKind::CreateIndex ? Op.NewIndex.Table
                    : Op.Kind == ir::OpKind::DropIndex ? DroppedFrom
                                                       : Op.TableName;
    if (!T.empty() && !New.isNewTable(T)) {
      Seen &S = Tables[idOf(T)];
      if (Op.Kind == ir::OpKind::Update)
        S.Updates.push_back(
            {Op.Range, ir::printOpInline(Op), O.Index, T, Op.Value != nullptr});
      else if (Lock L = lockOf(Op); L != Lock::None)
        S.Ddls.push_back({ir::printOpInline(Op), L, O.Index});
    }
    if (Op.Kind == ir::OpKind::RenameTable)
      rename(Op.TableName, Op.Name);
    else if (Op.Kind == ir::OpKind::DropTable)
      Ids.erase(Op.TableName);
    New.record(Op);
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (!Synthesized && Ctx.Targets.Postgres &&
        ir::runsInTransaction(M.IR, ir::blockOps(M.IR, B)))
      for (const auto &[Id, S] : Tables)
        report(M, S);
    Tables.clear();
    Ids.clear();
  }

private:
  struct Update {
    llvm::SMRange Range;
    std::string Text;
    size_t Index;
    std::string Table; // its name when it ran
    bool HasWhere;     // so its batched form can end
  };
  struct Ddl {
    std::string Text;
    Lock L;
    size_t Index;
  };
  struct Seen {
    std::vector<Update> Updates;
    std::vector<Ddl> Ddls;
  };

  /// Each update of a table that also gets DDL, naming its strongest lock.
  void report(const ir::MigrationStep &M, const Seen &S) {
    const Ddl *Strongest = nullptr;
    for (const Ddl &D : S.Ddls)
      if (!Strongest || D.L > Strongest->L)
        Strongest = &D;
    if (!Strongest)
      return;
    for (const Update &U : S.Updates) {
      // The statement of that lock the backfill runs under (the nearest
      // before it), or else the first after it.
      const Ddl *Named = nullptr;
      for (const Ddl &D : S.Ddls)
        if (D.L == Strongest->L && (D.Index < U.Index || !Named))
          Named = &D;
      bool Under = Named->Index < U.Index;
      // In source order among the block's other findings, which were
      // reported as the walk went.
      auto At = llvm::find_if(M.Diags, [&](const Diagnostic &D) {
        return D.Range.Start.getPointer() > U.Range.Start.getPointer();
      });
      M.Diags
          .emplace(
              At, Rule::BackfillMixedWithDdl, U.Range,
              "updating existing rows of " + quote(U.Table) +
                  " in the same transaction as `" + Named->Text +
                  "` keeps the rows it updates locked, and the table locked "
                  "against " +
                  blocked(Named->L) + " (" + lockName(Named->L) +
                  " lock), until the migration commits" +
                  (Under ? ": the whole backfill runs under that lock" : ""))
          ->note(U.Range, safeForm(U));
    }
  }

  /// The note: the backfill in a migration of its own, or in batches
  /// (which run outside a transaction, each batch committing on its own)
  /// when it has a `where` its batches can end on.
  static std::string safeForm(const Update &U) {
    std::string Own = "run `" + U.Text +
                      "` in a migration of its own, after the DDL, so that it "
                      "holds only its rows' locks";
    if (!U.HasWhere)
      return Own;
    return Own + ", or write `" + U.Text +
           " in batches of 10000`: the migration then runs outside a "
           "transaction, each batch committing on its own";
  }

  unsigned idOf(llvm::StringRef T) {
    auto [It, Inserted] = Ids.try_emplace(T.str(), NextId);
    if (Inserted)
      ++NextId;
    return It->second;
  }

  void rename(const std::string &From, const std::string &To) {
    auto It = Ids.find(From);
    if (It == Ids.end())
      return;
    unsigned Id = It->second;
    Ids.erase(It);
    Ids[To] = Id;
  }

  /// What each table (by identity) got in the block being walked.
  std::map<unsigned, Seen> Tables;
  /// Current name -> identity, following renames.
  std::map<std::string, unsigned> Ids;
  unsigned NextId = 0;
  /// The table of the index the current `drop index` drops.
  std::string DroppedFrom;
};
} // namespace

std::unique_ptr<Pass> createBackfillMixedWithDdlPass(PassContext &Ctx) {
  return std::make_unique<BackfillMixedWithDdlPass>(Ctx);
}

} // namespace migc::passes
