//===- MySQLOnlineDDL.cpp - How MariaDB runs each emitted ALTER -----------===//
//
// Each verdict below was observed on MariaDB 10.11 with a table holding
// rows, by running the backend's ALTER TABLE with ALGORITHM=INSTANT, NOCOPY,
// INPLACE (LOCK=NONE) and COPY (LOCK=SHARED); test/integration/mariadb.py
// (part `onlineddl`) repeats that for every case of
// test/lit/rules/mysql-blocking-alter.mig's kinds. COPY never allows
// LOCK=NONE: the copy blocks writes (LOCK=SHARED) until it ends.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQLOnlineDDL.h"
#include "backends/MySQLTypes.h"
#include "diag/Diagnostic.h"
#include "ir/Expr.h"

namespace migc::backends {

using namespace ir;

namespace {

OnlineDDL online(OnlineAlgorithm A) {
  return OnlineDDL{A, OnlineLock::None, ""};
}

OnlineDDL copy(std::string What) {
  return OnlineDDL{OnlineAlgorithm::Copy, OnlineLock::Shared, std::move(What)};
}

/// MODIFY COLUMN: only a wider VARCHAR (or the same MySQL type) is
/// instant; every other change converts each row into a copy.
std::optional<OnlineDDL> typeChange(const Op &O, const Schema &Before) {
  const Table *T = Before.findTable(O.TableName);
  const Column *C = T ? T->findColumn(O.ColumnName) : nullptr;
  if (!C || !O.NewType)
    return std::nullopt;
  const Expr *U = O.Value.get();
  bool Plain =
      !U || (U->Kind == ExprKind::Column && U->Column == C->Name) ||
      (U->Kind == ExprKind::Cast && U->Args[0]->Kind == ExprKind::Column &&
       U->Args[0]->Column == C->Name);
  if (!Plain)
    return std::nullopt;
  Type From = C->Ty, To = *O.NewType;
  if (mysqlType(From) == mysqlType(To))
    return online(OnlineAlgorithm::Instant);
  // A wider VARCHAR keeps its rows as they are unless their length bytes
  // could change: InnoDB stores a length under 128 bytes in one byte, and
  // a longer one in two once the column may exceed 255 bytes.
  if (From.Kind == TypeKind::Varchar && To.Kind == TypeKind::Varchar &&
      From.Length && To.Length && To.Length >= From.Length) {
    unsigned OldBytes = 4 * From.Length, NewBytes = 4 * To.Length;
    if (OldBytes <= 127 || NewBytes <= 255 || OldBytes > 255)
      return online(OnlineAlgorithm::Instant);
  }
  return copy("changing " + quote(O.TableName + "." + O.ColumnName) + " from " +
              mysqlType(From) + " to " + mysqlType(To));
}

std::optional<OnlineDDL> addConstraint(const Constraint &K,
                                       llvm::StringRef Table) {
  switch (K.Kind) {
  case ConstraintKind::Check:
    return copy("adding check " + quote(K.Name) + " to " + quote(Table));
  case ConstraintKind::ForeignKey:
    return copy("adding foreign key " + quote(K.Name) + " to " + quote(Table));
  case ConstraintKind::Unique:
    // `using index`: the backend renames the unique index, if anything.
    return online(K.UsingIndex.empty() ? OnlineAlgorithm::NoCopy
                                       : OnlineAlgorithm::Instant);
  case ConstraintKind::PrimaryKey:
    return online(OnlineAlgorithm::Inplace);
  }
  return std::nullopt;
}

std::optional<OnlineDDL> addColumn(const Op &O) {
  // The backend writes ALGORITHM=COPY itself for a volatile default, so
  // that each existing row gets its own value.
  if (O.NewColumn.Default && volatileCall(*O.NewColumn.Default))
    return copy("adding " + quote(O.TableName + "." + O.NewColumn.Name) +
                " with a volatile default");
  OnlineDDL Best = online(OnlineAlgorithm::Instant);
  for (const Constraint &K : O.Constraints) {
    std::optional<OnlineDDL> D = addConstraint(K, O.TableName);
    if (D && D->Algorithm == OnlineAlgorithm::Copy)
      return copy(
          "adding " + quote(O.TableName + "." + O.NewColumn.Name) +
          " with its " +
          (K.Kind == ConstraintKind::Check ? "check " : "foreign key ") +
          quote(K.Name));
    // An added column with a unique key is built in place.
    if (D && D->Algorithm > Best.Algorithm)
      Best = OnlineDDL{OnlineAlgorithm::Inplace, OnlineLock::None, ""};
  }
  return Best;
}

std::optional<OnlineDDL> dropConstraint(const Op &O, const Schema &Before) {
  const Table *T = Before.findTable(O.TableName);
  if (!T)
    return std::nullopt;
  for (const Constraint &K : T->Constraints)
    if (K.Name == O.Name) {
      if (K.Kind == ConstraintKind::PrimaryKey)
        return copy("dropping the primary key of " + quote(O.TableName));
      return online(K.Kind == ConstraintKind::Unique
                        ? OnlineAlgorithm::NoCopy
                        : OnlineAlgorithm::Instant);
    }
  return std::nullopt;
}

} // namespace

std::optional<OnlineDDL> mariadbOnlineDDL(const Op &O, const Schema &Before) {
  switch (O.Kind) {
  case OpKind::AddColumn:
    return addColumn(O);
  case OpKind::DropColumn:
  case OpKind::RenameColumn:
  case OpKind::RenameTable:
  case OpKind::SetDefault:
  case OpKind::DropDefault:
    return online(OnlineAlgorithm::Instant);
  case OpKind::AlterColumnType:
    return typeChange(O, Before);
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
    // Rebuilt in place, writes allowed (NOT NULL is checked as it goes).
    return online(OnlineAlgorithm::Inplace);
  case OpKind::CreateIndex:
  case OpKind::DropIndex:
    return online(OnlineAlgorithm::NoCopy);
  case OpKind::AddConstraint:
    if (O.Constraints.empty())
      return std::nullopt;
    return addConstraint(O.Constraints.front(), O.TableName);
  case OpKind::DropConstraint:
    return dropConstraint(O, Before);
  default:
    return std::nullopt;
  }
}

const char *spell(OnlineAlgorithm A) {
  switch (A) {
  case OnlineAlgorithm::Instant:
    return "INSTANT";
  case OnlineAlgorithm::NoCopy:
    return "NOCOPY";
  case OnlineAlgorithm::Inplace:
    return "INPLACE";
  case OnlineAlgorithm::Copy:
    return "COPY";
  }
  return "";
}

const char *spell(OnlineLock L) {
  return L == OnlineLock::None ? "NONE" : "SHARED";
}

bool mariadbOnlineDDLKnown(const std::string &Version) {
  unsigned Major = 0, Minor = 0;
  if (std::sscanf(Version.c_str(), "%u.%u", &Major, &Minor) < 1)
    return false;
  return Major > 10 || (Major == 10 && Minor >= 11);
}

} // namespace migc::backends
