//===- MySQL.h - MySQL / MariaDB DDL from the IR --------------*- C++ -*-===//
//
// Spec sections 4, 5 and 9. Identifiers in backticks, literals escaped for
// both sql_mode settings (no backslash escapes are relied on), expressions
// translated so MySQL computes PostgreSQL's value (`DIV`, `CONCAT`).
// MySQL DDL is not transactional: the script header says so, and
// statements are ordered so that a failure leaves the least damage.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_MYSQL_H
#define MIGC_BACKENDS_MYSQL_H

#include "ir/Schema.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::backends {

/// A migration's script for MySQL 8 / MariaDB 10.11: a header, then its
/// operations. Direction is "up" or "down". Before is the schema the
/// operations run on: MySQL needs what the IR operation does not say (the
/// whole column for MODIFY COLUMN, the table of an index, the kind of a
/// constraint to drop), so the emitter replays Ops on a copy of it.
void emitMySQLScript(const ir::Schema &Before, const ir::Migration &M,
                     const std::vector<ir::Op> &Ops, llvm::StringRef Direction,
                     llvm::raw_ostream &OS);

} // namespace migc::backends

#endif
