//===- Postgres.h - PostgreSQL DDL from the IR ----------------*- C++ -*-===//
//
// Spec sections 4, 5 and 9. Every identifier is quoted and every literal
// escaped (ir/SchemaPrinter.h), so no name or string in a .mig file can
// change the meaning of the emitted SQL.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_POSTGRES_H
#define MIGC_BACKENDS_POSTGRES_H

#include "ir/Schema.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::backends {

/// The SQL of one operation (one or more statements, each ending in `;`).
std::string postgresStatement(const ir::Op &O);

/// DDL that creates the schema S from nothing (`migc schema --format=sql`).
void emitPostgresSchema(const ir::Schema &S, llvm::raw_ostream &OS);

/// A migration's script: a header, then its operations in one transaction
/// unless one of them cannot run in a transaction (`concurrently`).
void emitPostgresScript(const ir::Migration &M, const std::vector<ir::Op> &Ops,
                        llvm::StringRef Direction, llvm::raw_ostream &OS);

} // namespace migc::backends

#endif
