//===- Keys.h - A table's indexes and keys, as lists of columns -*- C++ -*-===//
//
// The advice rules about indexes (unindexed-foreign-key, redundant-index)
// and nullable-unique-key look at what PostgreSQL builds an index for: each
// `create index`, and the index behind each primary key and unique key. This
// puts the two in one shape.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_KEYS_H
#define MIGC_PASSES_KEYS_H

#include "ir/OpPrinter.h"
#include "ir/Schema.h"

#include "llvm/ADT/STLExtras.h"

namespace migc::passes {

/// An index of a table: a `create index`, or the index of a key.
struct KeyIndex {
  std::string Name;
  /// Null for an index (not a key).
  const ir::Constraint *Key = nullptr;
  std::vector<ir::IndexKey> Columns;
  bool Unique = false;
  ir::ExprPtr Where;
  llvm::SMRange Range;

  bool isPrimaryKey() const {
    return Key && Key->Kind == ir::ConstraintKind::PrimaryKey;
  }
  /// "index `t_a_idx`", "unique index ...", "primary key ...", "unique key
  /// ...".
  std::string what() const {
    if (isPrimaryKey())
      return "primary key " + quote(Name);
    if (Key)
      return "unique key " + quote(Name);
    return std::string(Unique ? "unique index " : "index ") + quote(Name);
  }
  /// "(a, b desc)".
  std::string columns() const {
    std::string Out = "(";
    for (size_t K = 0; K < Columns.size(); ++K)
      Out += (K ? ", " : "") + ir::printName(Columns[K].Column) +
             (Columns[K].Desc ? " desc" : "");
    return Out + ")";
  }
};

inline KeyIndex keyIndexOf(const ir::Index &I) {
  return {I.Name, nullptr, I.Keys, I.Unique, I.Where, I.Range};
}

inline KeyIndex keyIndexOf(const ir::Constraint &C) {
  KeyIndex K{C.Name, &C, {}, true, nullptr, C.Range};
  for (const std::string &Col : C.Columns)
    K.Columns.push_back({Col, false, {}});
  return K;
}

/// The primary key, the unique keys, then the indexes of T (by name).
inline std::vector<KeyIndex> keyIndexesOf(const ir::Schema &S,
                                          const ir::Table &T) {
  std::vector<KeyIndex> Out;
  for (const ir::Constraint &C : T.Constraints)
    if (C.Kind == ir::ConstraintKind::PrimaryKey)
      Out.push_back(keyIndexOf(C));
  for (const ir::Constraint &C : T.Constraints)
    if (C.Kind == ir::ConstraintKind::Unique)
      Out.push_back(keyIndexOf(C));
  for (const ir::Index *I : S.indexesOn(T.Name))
    Out.push_back(keyIndexOf(*I));
  return Out;
}

/// Whether the first Columns.size() keys of K are Columns, in any order:
/// an equality lookup on them can use K. A partial index serves only
/// queries that imply its `where`, so it does not count.
inline bool startsWith(const KeyIndex &K,
                       const std::vector<std::string> &Columns) {
  if (K.Where || K.Columns.size() < Columns.size())
    return false;
  for (size_t I = 0; I < Columns.size(); ++I)
    if (!llvm::is_contained(Columns, K.Columns[I].Column))
      return false;
  return true;
}

/// "(a, b)".
inline std::string columnList(const std::vector<std::string> &Columns) {
  std::string Out = "(";
  for (size_t K = 0; K < Columns.size(); ++K)
    Out += (K ? ", " : "") + ir::printName(Columns[K]);
  return Out + ")";
}

} // namespace migc::passes

#endif
