//===- UnindexedForeignKey.cpp - Foreign keys no index serves -------------===//
//
// Issue 12 (advice): PostgreSQL does not index the columns of a foreign key.
// Each delete of a referenced row, and each update of its key, looks the
// referencing rows up, and without an index whose leading columns are the
// key's that is a scan of the whole referencing table
// (test/integration/postgres.py counts the scans).
//
// The rule judges at the end of `up`: the foreign keys `up` added, and those
// whose last such index `up` dropped; an index created later in the same
// migration counts. A new table is not exempt: the scans come with its rows.
// A written `down` gives back what existed before; it was judged then.
//
//===----------------------------------------------------------------------===//

#include "passes/Keys.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringSet.h"

namespace migc::passes {

namespace {

/// Whether an index or key of T starts with FK's columns.
bool isServed(const ir::Schema &S, const ir::Table &T,
              const ir::Constraint &FK) {
  return llvm::any_of(keyIndexesOf(S, T), [&](const KeyIndex &K) {
    return startsWith(K, FK.Columns);
  });
}

class UnindexedForeignKeyPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    NewObjectsPass::beginMigration(M, S);
    Pending.clear();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // A drop may take the index a foreign key of its table used: the keys
    // served before it are judged again at the end.
    Served.clear();
    if (O.Block != ir::BlockKind::Up)
      return;
    const ir::Op &Op = O.IR;
    std::string Table, Dropped;
    if (Op.Kind == ir::OpKind::DropIndex) {
      if (const ir::Index *I = Before.findIndex(Op.Name))
        Table = I->Table;
      Dropped = "index " + quote(Op.Name);
    } else if (Op.Kind == ir::OpKind::DropConstraint) {
      Table = Op.TableName;
      Dropped = "constraint " + quote(Op.Name);
    } else if (Op.Kind == ir::OpKind::DropColumn) {
      Table = Op.TableName;
      Dropped = "column " + quote(Op.TableName + "." + Op.ColumnName);
    }
    if (const ir::Table *T = Table.empty() ? nullptr : Before.findTable(Table))
      for (const ir::Constraint &C : T->Constraints)
        if (C.Kind == ir::ConstraintKind::ForeignKey && isServed(Before, *T, C))
          Served.push_back({T->Name, C.Name, Op.Range, Dropped});
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (O.Block != ir::BlockKind::Up || !Applied)
      return;
    const ir::Op &Op = O.IR;
    New.record(Op);
    for (Candidate &C : Served)
      Pending.push_back(std::move(C));
    Served.clear();
    auto Add = [&](llvm::StringRef Table, const ir::Constraint &C,
                   llvm::SMRange At) {
      if (C.Kind == ir::ConstraintKind::ForeignKey)
        Pending.push_back({Table.str(), C.Name, At, ""});
    };
    if (Op.Kind == ir::OpKind::CreateTable) {
      for (const ir::Constraint &C : Op.NewTable.Constraints)
        Add(Op.NewTable.Name, C, C.Range.isValid() ? C.Range : Op.Range);
    } else if (Op.Kind == ir::OpKind::AddColumn ||
               Op.Kind == ir::OpKind::AddConstraint) {
      for (const ir::Constraint &C : Op.Constraints)
        Add(Op.TableName, C, Op.Range);
    } else if (Op.Kind == ir::OpKind::RenameTable) {
      for (Candidate &C : Pending)
        if (C.Table == Op.TableName)
          C.Table = Op.Name;
    }
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    // MySQL and MariaDB index a foreign key's columns themselves (InnoDB
    // refuses one without such an index and builds it): the advice is
    // PostgreSQL's.
    if (B != ir::BlockKind::Up || !Ctx.Targets.Postgres)
      return;
    llvm::StringSet<> Reported;
    for (const Candidate &C : Pending) {
      const ir::Table *T = After.findTable(C.Table);
      const ir::Constraint *FK = nullptr;
      if (T)
        for (const ir::Constraint &K : T->Constraints)
          if (K.Name == C.Key && K.Kind == ir::ConstraintKind::ForeignKey)
            FK = &K;
      if (!FK || isServed(After, *T, *FK) ||
          !Reported.insert(T->Name + "." + FK->Name).second)
        continue;
      report(M, *T, *FK, C);
    }
  }

private:
  struct Candidate {
    std::string Table, Key;
    llvm::SMRange At;
    /// What the drop that left the key unserved dropped ("index `i`").
    std::string Dropped;
  };

  void report(const ir::MigrationStep &M, const ir::Table &T,
              const ir::Constraint &FK, const Candidate &C) {
    std::string Cols = columnList(FK.Columns);
    std::string What = "no index of " + quote(T.Name) + " starts with " + Cols +
                       ", the columns of foreign key " + quote(FK.Name) +
                       ": each delete of a row of " + quote(FK.RefTable) +
                       ", or update of its key, scans " + quote(T.Name) +
                       " for the rows that reference it";
    if (!C.Dropped.empty())
      What = "after dropping " + C.Dropped + ", " + What;
    // The fix must not draw index-without-concurrently.
    std::string Name = T.Name;
    for (const std::string &Col : FK.Columns)
      Name += "_" + Col;
    ir::Index I;
    I.Name = (Name + "_idx").substr(0, 63);
    I.Table = T.Name;
    for (const std::string &Col : FK.Columns)
      I.Keys.push_back({Col, false, {}});
    std::string Fix = ir::printCreateIndex(I, !New.isNewTable(T.Name));
    Fix.pop_back(); // the `;`
    Diagnostic &D = M.Diags.emplace_back(Rule::UnindexedForeignKey, C.At, What);
    D.note(C.At, "index them: `" + Fix + "`");
    if (!C.Dropped.empty() && FK.Range.isValid())
      D.note(FK.Range, "foreign key " + quote(FK.Name) + " is defined here");
  }

  /// Foreign keys served before the current drop.
  std::vector<Candidate> Served;
  /// Foreign keys to judge at the end of `up`, in order.
  std::vector<Candidate> Pending;
};
} // namespace

std::unique_ptr<Pass> createUnindexedForeignKeyPass(PassContext &Ctx) {
  return std::make_unique<UnindexedForeignKeyPass>(Ctx);
}

} // namespace migc::passes
