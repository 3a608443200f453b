//===- Targets.h - The databases a project's migrations run on -*- C++ -*-===//
//
// `[check] targets` in migc.toml (spec section 10): the rules about how a
// migration runs (locks, rewrites, online DDL, size limits) speak of the
// servers the project targets, at the versions it names. What an expression
// means does not depend on them: that is PostgreSQL's semantics everywhere
// (spec section 6).
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_TARGETS_H
#define MIGC_PASSES_TARGETS_H

#include <string>

namespace migc::passes {

struct Targets {
  bool Postgres = true;
  /// The MySQL family: MySQL, or MariaDB when MariaDb is set.
  bool MySql = false;
  bool MariaDb = false;
  /// PostgreSQL's major version (12 and later).
  unsigned PostgresVersion = 15;
  /// "8.0" (MySQL) or "10.11" (MariaDB), as written in migc.toml.
  std::string MySqlVersion = "8.0";
};

} // namespace migc::passes

#endif
