//===- MySQLTypes.h - How .mig types are stored on MySQL ------*- C++ -*-===//
//
// The MySQL backend's type mapping (docs/targets/mysql.md), shared with the
// rules that speak of MySQL's limits (passes/MySqlRowTooLarge.cpp), so that
// what a rule counts is what the backend writes.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_MYSQLTYPES_H
#define MIGC_BACKENDS_MYSQLTYPES_H

#include "ir/Type.h"

#include <string>

namespace migc::backends {

/// The MySQL column type the backend writes for T (`VARCHAR(50)`,
/// `LONGTEXT`, ...).
std::string mysqlType(ir::Type T);

/// The most bytes a value of T takes toward MySQL's and MariaDB's row size
/// limit, in the backend's utf8mb4 tables: a character counts 4 bytes, a
/// VARCHAR adds 1 or 2 length bytes, and LONGTEXT, LONGBLOB and JSON count
/// only the 12 bytes of their pointer (their data is stored off the row).
/// test/integration/mariadb.py checks these counts on MariaDB 10.11.
unsigned mysqlRowBytes(ir::Type T);

/// Whether the backend writes T as LONGTEXT, LONGBLOB or JSON, stored off
/// the row (and indexable only through a prefix).
bool mysqlStoredOffRow(ir::Type T);

/// MySQL's and MariaDB's limit on the bytes of a row, over every column and
/// the bitmap of nullable columns (BLOB and TEXT data excepted).
inline constexpr unsigned MySqlMaxRowBytes = 65535;

} // namespace migc::backends

#endif
