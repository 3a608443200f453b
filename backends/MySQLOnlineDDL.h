//===- MySQLOnlineDDL.h - How MariaDB runs each emitted ALTER --*- C++ -*-===//
//
// The ALGORITHM and LOCK that MariaDB 10.11 grants each operation the MySQL
// backend emits as an ALTER TABLE, on a table that holds rows: the one
// table of these facts, used by the mysql-blocking-alter rule and checked
// statement by statement on MariaDB 10.11 by test/integration/mariadb.py
// (part `onlineddl`). MySQL 8.0 and older MariaDB versions are not modelled
// (docs/decisions.md, "MySQL and MariaDB online DDL").
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_MYSQLONLINEDDL_H
#define MIGC_BACKENDS_MYSQLONLINEDDL_H

#include "ir/Schema.h"

#include <optional>
#include <string>

namespace migc::backends {

/// From the cheapest to the dearest, as MariaDB orders them.
enum class OnlineAlgorithm { Instant, NoCopy, Inplace, Copy };
/// The weakest lock the algorithm allows.
enum class OnlineLock { None, Shared };

struct OnlineDDL {
  OnlineAlgorithm Algorithm;
  OnlineLock Lock;
  /// What MariaDB does for Copy, in a few words ("changing the type of
  /// `users.age`").
  std::string What;
};

/// How MariaDB 10.11 runs the ALTER TABLE the backend emits for Op (Before
/// is the schema it runs on), or none when Op emits no ALTER TABLE or the
/// table does not model it (a type change `using` an expression, which the
/// backend writes as several statements).
std::optional<OnlineDDL> mariadbOnlineDDL(const ir::Op &Op,
                                          const ir::Schema &Before);

/// `INSTANT`, `NOCOPY`, `INPLACE`, `COPY`; `NONE`, `SHARED`.
const char *spell(OnlineAlgorithm A);
const char *spell(OnlineLock L);

/// Whether the project's MariaDB version ("10.11", "11.4") is one the table
/// speaks for: 10.11 and later.
bool mariadbOnlineDDLKnown(const std::string &Version);

} // namespace migc::backends

#endif
