//===- NewObjects.h - What the migration being walked created --*- C++ -*-===//
//
// Lock, rewrite, compatibility and data-loss rules exempt what the migration
// itself created (spec section 8.6): a new table has no traffic to block and
// no rows to lose, and a column added in the same migration holds no data an
// older version of the application wrote.
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

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace migc::passes {

class NewObjects {
public:
  /// Forgets everything: call at the start of each migration.
  void clear() {
    Tables.clear();
    Columns.clear();
  }

  /// Follows Op, an operation that was applied.
  void record(const ir::Op &Op) {
    // Not a switch: only these operations create, rename or drop a table or
    // a column; a new operation should not have to name this class.
    if (Op.Kind == ir::OpKind::CreateTable) {
      Tables.insert(Op.NewTable.Name);
      Columns.erase(Op.NewTable.Name);
    } else if (Op.Kind == ir::OpKind::RenameTable) {
      if (Tables.erase(Op.TableName))
        Tables.insert(Op.Name);
      auto It = Columns.find(Op.TableName);
      if (It != Columns.end()) {
        llvm::StringSet<> Moved = std::move(It->second);
        Columns.erase(It);
        Columns[Op.Name] = std::move(Moved);
      }
    } else if (Op.Kind == ir::OpKind::DropTable) {
      Tables.erase(Op.TableName);
      Columns.erase(Op.TableName);
    } else if (Op.Kind == ir::OpKind::AddColumn) {
      if (!Tables.contains(Op.TableName))
        Columns[Op.TableName].insert(Op.NewColumn.Name);
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
  /// Tables this migration created that still exist, by current name.
  llvm::StringSet<> Tables;
  /// Columns it added to older tables, by the tables' current names.
  llvm::StringMap<llvm::StringSet<>> Columns;
};

} // namespace migc::passes

#endif
