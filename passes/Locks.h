//===- Locks.h - The table locks a PostgreSQL statement takes --*- C++ -*-===//
//
// Which tables an operation locks on PostgreSQL, and in which mode, for the
// operations the lock rules speak of (index builds and drops without
// `concurrently`, constraints, `set not null`, type changes). A rule about
// how locks add up in one transaction (several-tables-locked) reads it;
// test/integration/postgres.py checks every mode it names in pg_locks.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_LOCKS_H
#define MIGC_PASSES_LOCKS_H

#include "ir/Schema.h"

#include <optional>
#include <string>
#include <vector>

namespace migc::passes {

/// PostgreSQL's table lock modes, weakest first.
enum class LockMode {
  AccessShare,
  RowShare,
  RowExclusive,
  ShareUpdateExclusive,
  Share,
  ShareRowExclusive,
  Exclusive,
  AccessExclusive,
};

/// The mode as PostgreSQL's documentation and pg_locks name it
/// ("SHARE ROW EXCLUSIVE"; pg_locks writes "ShareRowExclusiveLock").
inline const char *lockName(LockMode M) {
  switch (M) {
  case LockMode::AccessShare:
    return "ACCESS SHARE";
  case LockMode::RowShare:
    return "ROW SHARE";
  case LockMode::RowExclusive:
    return "ROW EXCLUSIVE";
  case LockMode::ShareUpdateExclusive:
    return "SHARE UPDATE EXCLUSIVE";
  case LockMode::Share:
    return "SHARE";
  case LockMode::ShareRowExclusive:
    return "SHARE ROW EXCLUSIVE";
  case LockMode::Exclusive:
    return "EXCLUSIVE";
  case LockMode::AccessExclusive:
    return "ACCESS EXCLUSIVE";
  }
  return "";
}

/// SHARE or stronger: every write to the table waits while it is held.
inline bool blocksWrites(LockMode M) { return M >= LockMode::Share; }

struct TableLock {
  std::string Table;
  LockMode Mode;
};

/// The table locks Op takes on PostgreSQL, Before being the schema it runs
/// on. Covers the operations of the lock rules; others give nothing.
inline std::vector<TableLock> postgresLocks(const ir::Op &Op,
                                            const ir::Schema &Before) {
  std::vector<TableLock> L;
  auto constraintLocks = [&](const ir::Constraint &C) {
    if (C.Kind == ir::ConstraintKind::ForeignKey) {
      // Both tables, `not valid` or not (the scan is what `not valid`
      // skips, not the lock).
      L.push_back({Op.TableName, LockMode::ShareRowExclusive});
      if (C.RefTable != Op.TableName)
        L.push_back({C.RefTable, LockMode::ShareRowExclusive});
    } else {
      L.push_back({Op.TableName, LockMode::AccessExclusive});
    }
  };
  switch (Op.Kind) {
  case ir::OpKind::CreateIndex:
    if (!Op.Concurrently)
      L.push_back({Op.NewIndex.Table, LockMode::Share});
    break;
  case ir::OpKind::DropIndex:
    if (!Op.Concurrently)
      if (const ir::Index *I = Before.findIndex(Op.Name))
        L.push_back({I->Table, LockMode::AccessExclusive});
    break;
  case ir::OpKind::AddConstraint:
    constraintLocks(Op.Constraints.front());
    break;
  case ir::OpKind::SetNotNull:
  case ir::OpKind::AlterColumnType:
    L.push_back({Op.TableName, LockMode::AccessExclusive});
    break;
  default:
    break;
  }
  return L;
}

/// The lock DDL statement Op queues for on the table it changes, on
/// PostgreSQL: the strongest of postgresLocks where it speaks, ACCESS
/// EXCLUSIVE for every other ALTER TABLE, rename and drop. None for data
/// changes, `validate constraint` (SHARE UPDATE EXCLUSIVE: writes go on),
/// concurrent index builds and drops, and `sql`. missing-lock-timeout reads
/// it; the `timeouts` part of test/integration/postgres.py checks each mode
/// in pg_locks.
inline std::optional<TableLock> postgresDdlLock(const ir::Op &Op,
                                                const ir::Schema &Before) {
  // postgresLocks names the table the statement changes first (a foreign
  // key's referenced table comes second).
  if (std::vector<TableLock> L = postgresLocks(Op, Before); !L.empty())
    return L.front();
  switch (Op.Kind) {
  case ir::OpKind::DropTable:
  case ir::OpKind::RenameTable:
  case ir::OpKind::AddColumn:
  case ir::OpKind::DropColumn:
  case ir::OpKind::RenameColumn:
  case ir::OpKind::DropNotNull:
  case ir::OpKind::SetDefault:
  case ir::OpKind::DropDefault:
  case ir::OpKind::DropConstraint:
    return TableLock{Op.TableName, LockMode::AccessExclusive};
  default:
    return std::nullopt;
  }
}

} // namespace migc::passes

#endif
