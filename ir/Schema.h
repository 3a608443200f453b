//===- Schema.h - The schema model and IR operations ----------*- C++ -*-===//
//
// A Schema is the state of the database at one point of the history: tables
// with their columns and constraints, and indexes (whose names, like those of
// tables and of the indexes behind primary keys and unique constraints, share
// PostgreSQL's one relation namespace). Objects are plain values, so a
// snapshot is a copy, and they are the payload of the IR operations too.
//
// Snapshots are cheap: tables and indexes live in copy-on-write maps.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_SCHEMA_H
#define MIGC_IR_SCHEMA_H

#include "ir/CowMap.h"
#include "ir/CowVector.h"
#include "ir/Expr.h"

#include <map>
#include <optional>

namespace migc::ir {

using ast::ConstraintKind;
using ast::OpKind;
using ast::RefAction;

struct Column {
  std::string Name;
  Type Ty;
  bool Nullable = true;
  ExprPtr Default;
  bool Identity = false;
  llvm::SMRange Range;
};

struct Constraint {
  std::string Name;
  ConstraintKind Kind = ConstraintKind::Check;
  std::vector<std::string> Columns; // primary key, unique, foreign key
  ExprPtr Check;
  std::string RefTable;
  std::vector<std::string> RefColumns;
  RefAction OnDelete = RefAction::NoAction;
  RefAction OnUpdate = RefAction::NoAction;
  bool NotValid = false;
  /// True when the name was written, false when migc chose PostgreSQL's.
  bool NameGiven = false;
  /// `add constraint ... using index`: the existing unique index that
  /// becomes the key (Columns are its columns). Only on the operation: the
  /// replay clears it in the schema, where the key is like any other.
  std::string UsingIndex;
  llvm::SMRange Range, NameRange, RefTableRange, UsingIndexRange;

  bool hasIndex() const {
    return Kind == ConstraintKind::PrimaryKey || Kind == ConstraintKind::Unique;
  }
};

struct IndexKey {
  std::string Column;
  bool Desc = false;
  llvm::SMRange Range;
};

struct Index {
  std::string Name;
  std::string Table;
  std::vector<IndexKey> Keys;
  bool Unique = false;
  ExprPtr Where;
  bool NameGiven = true;
  llvm::SMRange Range;
};

struct Table {
  std::string Name;
  /// Shared with the table's snapshots until edited (ir/CowVector.h).
  CowVector<Column> Columns;
  CowVector<Constraint> Constraints;
  llvm::SMRange Range;

  Column *findColumn(llvm::StringRef N);
  const Column *findColumn(llvm::StringRef N) const;
  Constraint *findConstraint(llvm::StringRef N);
  const Constraint *findConstraint(llvm::StringRef N) const;
  const Constraint *primaryKey() const;
  std::vector<llvm::StringRef> columnNames() const;
};

class Schema {
public:
  /// Set by an opaque `sql` operation: from there on migc cannot know the
  /// schema for sure.
  std::optional<llvm::SMRange> OpaqueSince;

  const Table *findTable(llvm::StringRef N) const;
  /// The table, writable; copies it first if a snapshot shares it. Pointers
  /// from findTable may be stale after this.
  Table *editTable(llvm::StringRef N);
  /// Adds T with its constraints; false if the name is taken.
  bool addTable(Table T);
  /// Removes a table with its indexes and constraints.
  void removeTable(llvm::StringRef N);
  /// Renames a table; indexes and foreign keys follow it.
  void renameTable(llvm::StringRef From, llvm::StringRef To);
  /// Every table, sorted by name.
  std::vector<const Table *> tables() const;
  std::vector<llvm::StringRef> tableNames() const;
  size_t tableCount() const { return Tables.size(); }

  const Index *findIndex(llvm::StringRef N) const;
  Index *editIndex(llvm::StringRef N);
  bool addIndex(Index I);
  void removeIndex(llvm::StringRef N);
  /// Every index, or those of one table, sorted by name.
  std::vector<const Index *> indexes() const;
  std::vector<const Index *> indexesOn(llvm::StringRef Table) const;

  /// Adds or removes a constraint of T (a table from editTable), keeping the
  /// name spaces up to date.
  void addConstraint(Table &T, Constraint C);
  void removeConstraint(Table &T, size_t Index);

  /// Calls F(name, here, there) for each table or index that may differ
  /// from Other (null where absent); storage two snapshots share is skipped.
  void forEachTableChange(
      const Schema &Other,
      llvm::function_ref<void(llvm::StringRef, const Table *, const Table *)> F)
      const;
  void forEachIndexChange(
      const Schema &Other,
      llvm::function_ref<void(llvm::StringRef, const Index *, const Index *)> F)
      const;

  /// What holds a name in the relation namespace (a table, an index, or the
  /// index of a primary key / unique constraint), for a message and a note.
  struct RelationHolder {
    std::string What; // "table `users`", "index `users_idx` on `users`"
    llvm::SMRange Where;
    bool IsTable = false, IsKey = false;
  };
  std::optional<RelationHolder> relationUsing(llvm::StringRef N) const;
  /// Whether any table has a constraint of that name (PostgreSQL avoids all
  /// of them when it chooses a name).
  bool constraintNameUsed(llvm::StringRef N) const;

  /// Foreign keys (in any table, this one too) that reference Table, sorted
  /// by table.
  std::vector<std::pair<const Table *, const Constraint *>>
  referencesTo(llvm::StringRef Table) const;

private:
  void registerConstraint(const Table &T, const Constraint &C);
  void unregisterConstraint(const Table &T, const Constraint &C);

  CowMap<std::shared_ptr<Table>> Tables;
  CowMap<Index> Indexes;
  /// Primary key and unique constraint names (their indexes) -> table.
  CowMap<std::string> KeyIndexes;
  /// Constraint name -> how many constraints carry it.
  CowMap<unsigned> ConstraintNames;
  /// Table -> the tables whose foreign keys reference it (once per key).
  CowMap<std::vector<std::string>> ReferencedBy;
  /// Table -> the names of its indexes.
  CowMap<std::vector<std::string>> IndexesByTable;

  static void addTo(CowMap<std::vector<std::string>> &M, llvm::StringRef K,
                    llvm::StringRef V);
  static void removeFrom(CowMap<std::vector<std::string>> &M, llvm::StringRef K,
                         llvm::StringRef V);
};

/// One operation of the IR: an ast::Op with types resolved, expressions
/// typed and every name chosen. Which fields are used depends on Kind (see
/// ir/Ops.def).
struct Op {
  OpKind Kind = OpKind::Sql;
  llvm::SMRange Range;
  std::string TableName, ColumnName, Name;
  llvm::SMRange TableRange, ColumnRange, NameRange;
  Table NewTable;                    // create table
  Column NewColumn;                  // add column
  CowVector<Constraint> Constraints; // add column (inline), add constraint
  std::optional<Type> NewType;       // alter column type
  ExprPtr Value;                     // using, set default, where
  Index NewIndex;                    // create index
  bool Concurrently = false;
  std::vector<std::pair<std::string, ExprPtr>> Assignments; // update
  std::vector<llvm::SMRange> AssignmentRanges;
  /// update `in batches of N`: each batch of N rows commits on its own.
  /// The rows end as an unbatched update leaves them.
  std::optional<uint32_t> BatchSize;
  llvm::SMRange BatchRange;
  std::vector<std::string> InsertColumns; // insert (all columns if empty)
  std::vector<llvm::SMRange> InsertColumnRanges;
  std::vector<std::vector<ExprPtr>> Rows;
  std::string Sql;
  std::optional<std::string> SqlDown;
  std::string Dialect;

  /// insert: where row R's values are written (the whole insert if it has
  /// none).
  llvm::SMRange rowRange(unsigned R) const;
  /// insert: the value row R gives column I of the table's Columns, or
  /// null when the insert leaves that column out.
  const ExprPtr *given(unsigned R, const CowVector<Column> &Columns,
                       size_t I) const;
};

struct Migration {
  std::string Name;
  llvm::SMRange NameRange, Range;
  std::vector<std::string> Requires;
  std::vector<llvm::SMRange> RequiresRanges;
  std::optional<std::string> Author, Description, Irreversible;
  /// `lock_timeout` and `statement_timeout`: the migration's clause, else the
  /// project's default (`[check] lock-timeout`), whose Range is empty.
  std::optional<ast::Timeout> LockTimeout, StatementTimeout;
  /// `transaction none;`, written at NoTransactionRange.
  bool NoTransaction = false;
  llvm::SMRange NoTransactionRange;
  std::vector<Op> Up;
  /// Written, or synthesized by migc (DownSynthesized) when omitted and
  /// every operation of `up` has an inverse.
  std::optional<std::vector<Op>> Down;
  bool DownSynthesized = false;
  /// In the applied history (`[history] applied`): the databases already
  /// ran it as written, so a backend writes it despite errors migc finds.
  bool Applied = false;
};

/// M's timeouts as PostgreSQL settings ("lock_timeout", its clause), for
/// the backends that emit them.
std::vector<std::pair<llvm::StringRef, const ast::Timeout *>>
timeoutSettings(const Migration &M);

/// Whether PostgreSQL refuses to run O inside a transaction block (an index
/// built or dropped concurrently), or O commits as it goes (an update in
/// batches).
bool forbidsTransaction(const Op &O);
/// Whether Block, the up or the down of M, runs as one transaction on
/// PostgreSQL: not with `transaction none;`, nor when an operation forbids
/// it. Every backend and every pass asks this one question.
bool runsInTransaction(const Migration &M, const std::vector<Op> &Block);

/// What `drop column` takes with it, as PostgreSQL does (tested in
/// test/integration/postgres.py, part dropcolumn): every index of the table
/// whose keys or predicate use the column, and every constraint of the
/// table that uses it (keys, checks, the table's own foreign keys), by
/// name, in schema order. ReferencedBy names the foreign keys, of any
/// table, that reference the column: PostgreSQL refuses the drop while one
/// does.
struct ColumnDependents {
  std::vector<std::string> Indexes, Constraints;
  std::vector<std::pair<std::string, std::string>> ReferencedBy; // table, key
  bool empty() const { return Indexes.empty() && Constraints.empty(); }
};
ColumnDependents columnDependents(const Schema &S, const Table &T,
                                  llvm::StringRef Column);

llvm::StringRef opName(OpKind K);
llvm::StringRef constraintKindName(ConstraintKind K);
llvm::StringRef refActionName(RefAction A);

} // namespace migc::ir

#endif
