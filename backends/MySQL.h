//===- MySQL.h - MySQL / MariaDB DDL from the IR --------------*- C++ -*-===//
//
// What `migc check` asks of the MySQL backend (the backend itself is
// registered in backends/Backends.def).
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_MYSQL_H
#define MIGC_BACKENDS_MYSQL_H

#include "diag/Diagnostic.h"
#include "ir/Schema.h"

namespace migc::backends {

/// What the MySQL script of O (Before and After: the schema around it) does
/// otherwise than PostgreSQL would, as mysql-unsupported diagnostics: the
/// same decisions that write its `-- warning:` and `-- note:` lines.
DiagList mysqlUnsupported(const ir::Op &O, const ir::Schema &Before,
                          const ir::Schema &After);

} // namespace migc::backends

#endif
