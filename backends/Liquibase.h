//===- Liquibase.h - a Liquibase XML changelog from the IR ----*- C++ -*-===//
//
// Spec section 9. One changelog (Liquibase 4.x XSD) with one changeSet per
// migration, id = migration name, author from the migration, native change
// types wherever Liquibase has one, and a <rollback> from the down.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_LIQUIBASE_H
#define MIGC_BACKENDS_LIQUIBASE_H

#include "ir/Schema.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::backends {

/// The whole changelog for Ms, which are in replay order.
void emitLiquibaseChangelog(const std::vector<const ir::Migration *> &Ms,
                            llvm::raw_ostream &OS);

} // namespace migc::backends

#endif
