//===- NewObjects.h - What the migration being walked created --*- C++ -*-===//
//
// Lock, rewrite, compatibility and data-loss rules exempt what the migration
// itself created (spec section 8.6): a new table has no traffic to block and
// no rows to lose, and a column added in the same migration holds no data an
// older version of the application wrote. Constraints are followed too: a
// constraint the migration added still holds the lock it took.
//
// Objects are followed by identity, not by name: a renamed new table stays
// new, a renamed old one stays old, and a table dropped and created again is
// new; looking the name up in the schema the migration started from would
// get all three wrong. The record carries over from `up` into its written
// `down` (docs/decisions.md, "Operational safety").
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_NEWOBJECTS_H
#define MIGC_PASSES_NEWOBJECTS_H

#include "ir/Schema.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace migc::passes {

class NewObjects {
public:
  /// Forgets everything: call at the start of each migration.
  void clear() {
    Tables.clear();
    Columns.clear();
    Constraints.clear();
  }

  /// Follows Op, an operation that was applied.
  void record(const ir::Op &Op) {
    // Not a switch: only these operations create, rename or drop a table or
    // a column; a new operation should not have to name this class.
    if (Op.Kind == ir::OpKind::CreateTable) {
      Tables.insert(Op.NewTable.Name);
      Columns.erase(Op.NewTable.Name);
      Constraints.erase(Op.NewTable.Name);
    } else if (Op.Kind == ir::OpKind::RenameTable) {
      if (Tables.erase(Op.TableName))
        Tables.insert(Op.Name);
      move(Columns, Op.TableName, Op.Name);
      move(Constraints, Op.TableName, Op.Name);
    } else if (Op.Kind == ir::OpKind::DropTable) {
      Tables.erase(Op.TableName);
      Columns.erase(Op.TableName);
      Constraints.erase(Op.TableName);
    } else if (Op.Kind == ir::OpKind::AddColumn) {
      if (!Tables.contains(Op.TableName)) {
        Columns[Op.TableName].insert(Op.NewColumn.Name);
        for (const ir::Constraint &C : Op.Constraints)
          Constraints[Op.TableName].insert(C.Name);
      }
    } else if (Op.Kind == ir::OpKind::AddConstraint) {
      if (!Tables.contains(Op.TableName))
        Constraints[Op.TableName].insert(Op.Constraints.front().Name);
    } else if (Op.Kind == ir::OpKind::DropConstraint) {
      auto It = Constraints.find(Op.TableName);
      if (It != Constraints.end())
        It->second.erase(Op.Name);
    } else if (Op.Kind == ir::OpKind::RenameColumn) {
      auto It = Columns.find(Op.TableName);
      if (It != Columns.end() && It->second.erase(Op.ColumnName))
        It->second.insert(Op.Name);
    } else if (Op.Kind == ir::OpKind::DropColumn) {
      auto It = Columns.find(Op.TableName);
      if (It != Columns.end())
        It->second.erase(Op.ColumnName);
    }
  }

  /// Whether constraint K of table T was added by this migration, or
  /// belongs to a table it created.
  bool isNewConstraint(llvm::StringRef T, llvm::StringRef K) const {
    if (isNewTable(T))
      return true;
    auto It = Constraints.find(T);
    return It != Constraints.end() && It->second.contains(K);
  }

  /// Whether table T (by its current name) was created by this migration.
  bool isNewTable(llvm::StringRef T) const { return Tables.contains(T); }
  /// Whether column C of table T was added by this migration, or belongs to
  /// a table it created.
  bool isNewColumn(llvm::StringRef T, llvm::StringRef C) const {
    if (isNewTable(T))
      return true;
    auto It = Columns.find(T);
    return It != Columns.end() && It->second.contains(C);
  }

private:
  static void move(llvm::StringMap<llvm::StringSet<>> &M, llvm::StringRef From,
                   llvm::StringRef To) {
    auto It = M.find(From);
    if (It == M.end())
      return;
    llvm::StringSet<> Moved = std::move(It->second);
    M.erase(It);
    M[To] = std::move(Moved);
  }

  /// Tables this migration created that still exist, by current name.
  llvm::StringSet<> Tables;
  /// Columns it added to older tables, by the tables' current names.
  llvm::StringMap<llvm::StringSet<>> Columns;
  /// Constraints it added to older tables, the same way.
  llvm::StringMap<llvm::StringSet<>> Constraints;
};

/// A pass whose rules exempt what the migration created: New starts empty
/// at each migration, and the pass records into it the operations it has
/// looked at (after judging each one).
class NewObjectsPass : public Pass {
public:
  using Pass::Pass;
  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    New.clear();
  }

protected:
  NewObjects New;
};

} // namespace migc::passes

#endif
