//===- MySQLKeys.cpp - Index keys as the MySQL backend writes them --------===//
//
// backends/MySQLKeys.h. The byte counts were read off MariaDB 10.11: a key
// counts each part's bytes (4 a character in utf8mb4, a VARCHAR without its
// length bytes, a nullable column nothing more) against 3,072.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQLKeys.h"
#include "backends/MySQLTypes.h"

#include <algorithm>

namespace migc::backends {

using namespace ir;

namespace {

/// The bounds the emitter's prefixes were computed with: the key's bytes
/// but for DECIMAL (32), a VARCHAR's two length bytes and TIMESTAMP (6).
/// Kept as they are: they decide the prefixes of every emitted script.
unsigned prefixBound(Type T) {
  if (mysqlStoredOffRow(T))
    return 0;
  switch (T.Kind) {
  case TypeKind::Decimal:
    return 32;
  case TypeKind::Varchar:
    return 4 * T.Length + 2;
  case TypeKind::Timestamptz:
    return 6;
  default:
    return mysqlRowBytes(T);
  }
}

Type columnType(const Table &T, const std::string &Name) {
  const Column *C = T.findColumn(Name);
  return C ? C->Ty : Type::of(TypeKind::Text);
}

} // namespace

unsigned mysqlKeyBytes(Type T) {
  if (mysqlStoredOffRow(T))
    return 0;
  if (T.Kind == TypeKind::Varchar)
    return 4 * T.Length;
  return mysqlRowBytes(T);
}

unsigned MySqlKeyPart::bytes() const {
  if (!Prefix)
    return mysqlKeyBytes(Ty);
  return Ty.Kind == TypeKind::Bytes ? Prefix : 4 * Prefix;
}

bool MySqlKeyPart::unbounded() const {
  return !Prefix && mysqlStoredOffRow(Ty);
}

unsigned MySqlKey::bytes() const {
  unsigned N = 0;
  for (const MySqlKeyPart &P : Parts)
    N += P.bytes();
  return N;
}

MySqlKey mysqlKey(const Table &T, const std::vector<std::string> &Cols,
                  const std::vector<bool> &Desc, bool Unique) {
  MySqlKey K;
  unsigned Fixed = 0, Long = 0;
  for (size_t I = 0; I < Cols.size(); ++I) {
    MySqlKeyPart P{Cols[I], columnType(T, Cols[I]), 0,
                   I < Desc.size() && Desc[I]};
    unsigned B = prefixBound(P.Ty);
    Fixed += B;
    Long += B == 0;
    K.Parts.push_back(std::move(P));
  }
  K.TooLong = Long || Fixed > MySqlMaxKeyBytes;
  if (!K.TooLong || Unique)
    return K;
  // Columns at most 255 characters long keep their whole value; the others
  // share what is left of the key.
  unsigned Short = 0, NLong = 0;
  for (const MySqlKeyPart &P : K.Parts) {
    unsigned B = prefixBound(P.Ty);
    if (B && B <= 4 * 255 + 2)
      Short += B;
    else
      ++NLong;
  }
  long Left = long(MySqlMaxKeyBytes) - long(Short);
  long Each = NLong ? Left / long(4 * NLong) - 1 : 0;
  K.Prefix = NLong ? unsigned(std::clamp(Each, 1L, 768L)) : 0;
  if (!K.Prefix)
    return K;
  for (MySqlKeyPart &P : K.Parts) {
    unsigned B = prefixBound(P.Ty);
    bool Cut =
        (B == 0 || B > 4 * 255 + 2) &&
        (P.Ty.Kind != TypeKind::Varchar || B == 0 || P.Ty.Length > K.Prefix);
    if (Cut)
      P.Prefix = K.Prefix;
  }
  return K;
}

MySqlKey mysqlWholeKey(const Table &T, const std::vector<std::string> &Cols) {
  MySqlKey K;
  for (const std::string &C : Cols)
    K.Parts.push_back(MySqlKeyPart{C, columnType(T, C), 0, false});
  return K;
}

std::optional<MySqlKeyRefusal>
mysqlKeyRefused(const MySqlKey &K, MySqlKeyKind Kind, bool MariaDb) {
  // MariaDB keeps a long unique key as a hash of its columns.
  if (Kind == MySqlKeyKind::Unique && MariaDb)
    return std::nullopt;
  MySqlKeyRefusal R;
  for (const MySqlKeyPart &P : K.Parts) {
    if (P.unbounded() && !R.Unbounded)
      R.Unbounded = &P;
    if (!R.Widest || P.bytes() > R.Widest->bytes())
      R.Widest = &P;
  }
  if (R.Unbounded)
    return R;
  unsigned Bytes = K.bytes();
  if (Bytes <= MySqlMaxKeyBytes)
    return std::nullopt;
  // An index of one part is cut to a prefix of 3,072 bytes, with a note.
  if (Kind == MySqlKeyKind::Index && K.Parts.size() == 1)
    return std::nullopt;
  R.Bytes = Bytes;
  return R;
}

bool mysqlModifiesInPlace(const Op &O) {
  const Expr *U = O.Value.get();
  return !U || (U->Kind == ExprKind::Column && U->Column == O.ColumnName) ||
         (U->Kind == ExprKind::Cast && U->Args[0]->Kind == ExprKind::Column &&
          U->Args[0]->Column == O.ColumnName);
}

} // namespace migc::backends
