//===- MySQLKeys.h - Index keys as the MySQL backend writes them -*- C++
//-*-===//
//
// The key parts the MySQL backend writes for a primary key, a unique key, an
// index and the index behind a foreign key (with the prefix lengths it gives
// long text columns), and whether MariaDB 10.11 / MySQL 8 accept them under
// InnoDB's 3,072-byte key limit. The backend prints these parts; the
// mysql-key-too-long rule (passes/MySqlKeyTooLong.cpp) reads the verdict, so
// the rule speaks of the very key the script holds. test/integration/
// mariadb.py (part `keylength`) checks the verdicts on MariaDB 10.11.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_MYSQLKEYS_H
#define MIGC_BACKENDS_MYSQLKEYS_H

#include "ir/Schema.h"

#include <optional>
#include <string>
#include <vector>

namespace migc::backends {

/// InnoDB's largest index key, in bytes (DYNAMIC row format, 16 KB pages),
/// and its largest key part.
inline constexpr unsigned MySqlMaxKeyBytes = 3072;

/// The bytes a whole value of T takes in an InnoDB key: its row bytes
/// without a VARCHAR's length bytes (4 a character in utf8mb4); 0 for
/// LONGTEXT, LONGBLOB and JSON, which a key can hold only as a prefix.
unsigned mysqlKeyBytes(ir::Type T);

struct MySqlKeyPart {
  std::string Column;
  ir::Type Ty;
  /// The prefix length written, `col(N)`: characters (bytes for LONGBLOB);
  /// 0 for the whole column.
  unsigned Prefix = 0;
  bool Desc = false;

  /// The bytes the part takes in the key; 0 for a whole LONGTEXT, LONGBLOB
  /// or JSON, which the server refuses without a prefix.
  unsigned bytes() const;
  bool unbounded() const;
};

/// The key parts of one key, as written.
struct MySqlKey {
  std::vector<MySqlKeyPart> Parts;
  /// The key, counted with the emitter's bounds, is over the limit or has
  /// an unbounded column: the backend prefixes (non-unique) or says so.
  bool TooLong = false;
  /// Characters kept of each long column of a non-unique key (0: none cut).
  unsigned Prefix = 0;

  unsigned bytes() const;
};

/// The key the backend writes on Cols of T (Desc: per column). A non-unique
/// key gets prefixes on its long columns; a unique or primary one none.
MySqlKey mysqlKey(const ir::Table &T, const std::vector<std::string> &Cols,
                  const std::vector<bool> &Desc, bool Unique);

/// The key on Cols of T with every column whole: what a foreign key needs
/// (InnoDB cannot check a foreign key through a prefix).
MySqlKey mysqlWholeKey(const ir::Table &T,
                       const std::vector<std::string> &Cols);

enum class MySqlKeyKind { Primary, Unique, Index, ForeignKey };

/// Why the server refuses a key.
struct MySqlKeyRefusal {
  /// The total bytes over MySqlMaxKeyBytes (error 1071 "Specified key was
  /// too long"), or 0 when Unbounded says the reason.
  unsigned Bytes = 0;
  /// A whole LONGTEXT, LONGBLOB or JSON column (error 1170 "BLOB/TEXT
  /// column used in key specification without a key length"; errno 150 for
  /// a foreign key).
  const MySqlKeyPart *Unbounded = nullptr;
  /// The key part that takes the most bytes.
  const MySqlKeyPart *Widest = nullptr;
};

/// Whether the server refuses K as a key of Kind. MariaDB (10.4 and later)
/// enforces a unique key over the limit through a hash; MySQL refuses it as
/// it refuses a primary key. A non-unique index of one part over the limit
/// is cut to a prefix, with a note, by both.
std::optional<MySqlKeyRefusal> mysqlKeyRefused(const MySqlKey &K,
                                               MySqlKeyKind Kind, bool MariaDb);

/// Whether the backend writes the type change O as MODIFY COLUMN (keys and
/// indexes stay as they are); otherwise it goes through a new column and
/// writes the keys on the column again.
bool mysqlModifiesInPlace(const ir::Op &O);

} // namespace migc::backends

#endif
