//===- MissingPrimaryKey.cpp - Tables nothing identifies a row of ---------===//
//
// Issue 12 (advice): a table without a primary key has no column set that
// names one row, so an exact duplicate cannot be told apart from its twin,
// and tools that need a row's identity (replication, ORMs, batched
// backfills) cannot work on it.
//
// The rule judges at the end of `up` the tables `up` created and those whose
// primary key it dropped, so a key added later in the same migration counts.
// A written `down` gives back what existed before; it was judged then.
//
//===----------------------------------------------------------------------===//

#include "passes/Keys.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringSet.h"

namespace migc::passes {

namespace {
class MissingPrimaryKeyPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    Pending.clear();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // Whether a `drop constraint` drops the primary key is known only
    // before it.
    DropsKey = false;
    if (O.IR.Kind != ir::OpKind::DropConstraint)
      return;
    if (const ir::Table *T = Before.findTable(O.IR.TableName))
      if (const ir::Constraint *K = T->primaryKey())
        DropsKey = K->Name == O.IR.Name;
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (O.Block != ir::BlockKind::Up || !Applied)
      return;
    const ir::Op &Op = O.IR;
    if (Op.Kind == ir::OpKind::CreateTable) {
      Pending.push_back({Op.NewTable.Name, Op.Range, false});
    } else if (Op.Kind == ir::OpKind::DropConstraint && DropsKey) {
      Pending.push_back({Op.TableName, Op.Range, true});
    } else if (Op.Kind == ir::OpKind::RenameTable) {
      for (Candidate &C : Pending)
        if (C.Table == Op.TableName)
          C.Table = Op.Name;
    } else if (Op.Kind == ir::OpKind::DropTable) {
      // A table dropped and created again is judged at its creation.
      llvm::erase_if(
          Pending, [&](const Candidate &C) { return C.Table == Op.TableName; });
    }
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (B != ir::BlockKind::Up)
      return;
    llvm::StringSet<> Reported;
    for (const Candidate &C : Pending) {
      const ir::Table *T = After.findTable(C.Table);
      if (!T || T->primaryKey() || !Reported.insert(T->Name).second)
        continue;
      report(M, After, *T, C);
    }
  }

private:
  struct Candidate {
    std::string Table;
    llvm::SMRange At;
    /// The migration dropped the key (rather than creating the table).
    bool DroppedKey;
  };

  void report(const ir::MigrationStep &M, const ir::Schema &S,
              const ir::Table &T, const Candidate &C) {
    std::string Why = C.DroppedKey ? "after this, " : "";
    Diagnostic &D = M.Diags.emplace_back(
        Rule::MissingPrimaryKey, C.At,
        Why + "table " + quote(T.Name) +
            " has no primary key: nothing identifies one of its rows, so "
            "two equal rows cannot be told apart, updated or deleted one "
            "at a time");
    // A unique key over columns that are all `not null` is one already.
    for (const KeyIndex &K : keyIndexesOf(S, T)) {
      if (!K.Unique || K.Where)
        continue;
      bool NotNull = llvm::all_of(K.Columns, [&](const ir::IndexKey &Col) {
        const ir::Column *C = T.findColumn(Col.Column);
        return C && !C->Nullable;
      });
      if (!NotNull)
        continue;
      std::vector<std::string> Cols;
      for (const ir::IndexKey &Col : K.Columns)
        Cols.push_back(Col.Column);
      D.note(K.Range.isValid() ? K.Range : C.At,
             K.what() + " " + K.columns() +
                 " is over `not null` columns: make it the primary key with "
                 "`add constraint " +
                 ir::printName(T.Name + "_pkey") + " on " +
                 ir::printName(T.Name) + " primary key " + columnList(Cols) +
                 ";`");
      return;
    }
    D.note(C.At, C.DroppedKey
                     ? "add another primary key in the same migration, for "
                       "example `add constraint " +
                           ir::printName(T.Name + "_pkey") + " on " +
                           ir::printName(T.Name) + " primary key (...);`"
                     : "give it one, for example a column `id bigint "
                       "primary key identity`");
  }

  /// Whether the current `drop constraint` drops its table's primary key.
  bool DropsKey = false;
  /// Tables to judge at the end of `up`, in order.
  std::vector<Candidate> Pending;
};
} // namespace

std::unique_ptr<Pass> createMissingPrimaryKeyPass(PassContext &Ctx) {
  return std::make_unique<MissingPrimaryKeyPass>(Ctx);
}

} // namespace migc::passes
