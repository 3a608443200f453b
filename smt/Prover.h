//===- Prover.h - Questions about rows, answered by Z3 --------*- C++ -*-===//
//
// Spec sections 6 and 8.5. The solver layer: smt/ owns every z3:: type and
// nothing outside it includes Z3. What it offers is phrased in the IR's
// terms: the rows a table can hold at a point of a migration, and questions
// about them (can a row satisfy these constraints, does every row fit this
// type, does this update keep every check). docs/smt.md describes the
// encoding: each column's value domain, a NULL flag per nullable column, and
// SQL's three-valued logic.
//
// Every query has a timeout; an unknown answer is reported as such, never
// taken as a proof. Answers are cached on the query's hash-consed terms;
// a question's own rows name their variables by place, so the same question
// about other columns of another table is asked once.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_SMT_PROVER_H
#define MIGC_SMT_PROVER_H

#include "ir/Schema.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace migc::smt {

struct Options {
  /// Per query, in milliseconds.
  unsigned TimeoutMs = 2000;
  /// When set, every query is written there as SMT-LIB (`--dump-smt`).
  std::string DumpDir;
  /// The file names there: `<DumpName>-NNNNN.smt2`. Provers that share a
  /// directory need names of their own.
  std::string DumpName = "query";
};

struct Stats {
  /// Retries: queries that needed more than the quick resource limit.
  unsigned Queries = 0, CacheHits = 0, Unknown = 0, Retries = 0;
  /// Time inside Z3's check, in seconds.
  double Seconds = 0;
  void add(const Stats &O) {
    Queries += O.Queries;
    CacheHits += O.CacheHits;
    Unknown += O.Unknown;
    Retries += O.Retries;
    Seconds += O.Seconds;
  }
};

enum class Verdict { Holds, Fails, Unknown };

/// Column values in .mig syntax, in the table's column order.
struct Example {
  std::vector<std::pair<std::string, std::string>> Values;
  bool empty() const { return Values.empty(); }
  /// `age = 32768, name = 'x'`
  std::string str() const;
};

/// One thing an answer blames: a constraint or a column's type that a row
/// violates, or one of the constraints behind an unsatisfiable or implied
/// answer. The names are those of the question asked (a cached answer is
/// rebuilt in them); the wording is the caller's.
struct Blame {
  enum class Kind {
    Check,            ///< check Constraint
    NotNull,          ///< not null on Column
    ColumnType,       ///< the type of Column, spelled Type (`smallint`)
    PrimaryKey,       ///< primary key Constraint
    UniqueConstraint, ///< unique constraint Constraint
    UniqueIndex,      ///< unique index Constraint (the index's name)
    /// An error (a division by zero or an overflow) while computing an
    /// update's new values.
    Error,
  };
  Kind K = Kind::Check;
  std::string Table, Column, Constraint;
  std::string Type;

  static Blame check(llvm::StringRef Table, llvm::StringRef Name) {
    return {Kind::Check, Table.str(), "", Name.str(), ""};
  }
  static Blame notNull(llvm::StringRef Table, llvm::StringRef Column) {
    return {Kind::NotNull, Table.str(), Column.str(), "", ""};
  }
  static Blame columnType(llvm::StringRef Table, llvm::StringRef Column,
                          llvm::StringRef Type) {
    return {Kind::ColumnType, Table.str(), Column.str(), "", Type.str()};
  }
  /// PrimaryKey, UniqueConstraint or UniqueIndex.
  static Blame key(Kind K, llvm::StringRef Table, llvm::StringRef Name) {
    return {K, Table.str(), "", Name.str(), ""};
  }
  static Blame error(llvm::StringRef Table) {
    return {Kind::Error, Table.str(), "", "", ""};
  }
  bool is(Kind Of) const { return K == Of; }
  bool operator==(const Blame &O) const = default;
};

struct Answer {
  Verdict V = Verdict::Holds;
  /// Fails: a row as it is before the migration (or the inserted row).
  Example Row;
  /// Fails, for updates and inverse checks: the values the row ends with.
  Example After;
  /// Fails, for an inserted row: the insert it came from.
  llvm::SMRange Origin;
  /// Fails, for rowsFit, updateKeeps, defaultAllowed (when no constraint
  /// is to blame) and insertedRowUnique: what the row violates.
  std::optional<Blame> Violated;
  /// The constraints (and column types) behind an unsatisfiable or implied
  /// answer, or those an inserted row violates.
  std::vector<Blame> Core;
  /// Unknown: Z3's reason (`timeout`, `incomplete`).
  std::string Reason;
  /// satisfiable: the columns the witness row has a value in (so they can
  /// hold one).
  std::vector<std::string> NonNull;
  /// insertedRowUnique: the columns of the key two rows share.
  std::vector<std::string> Key;

  bool holds() const { return V == Verdict::Holds; }
  bool fails() const { return V == Verdict::Fails; }
  bool unknown() const { return V == Verdict::Unknown; }
};

class Prover {
public:
  explicit Prover(const Options &O = {});
  ~Prover();
  Prover(const Prover &) = delete;
  Prover &operator=(const Prover &) = delete;

  const Stats &stats() const;

  // ---------------------------------------------------------------- tables
  /// (a) Can any row satisfy every constraint of T? Fails with Core = the
  /// constraints that contradict each other. With Focus, only the part of T
  /// linked to those columns is asked about (the rest was already).
  Answer satisfiable(const ir::Table &T,
                     const std::vector<std::string> *Focus = nullptr);
  /// (a) Can column C of T hold a non-NULL value? Fails when every value
  /// violates a check (Core: which).
  Answer canHoldValue(const ir::Table &T, llvm::StringRef C);
  /// (f) Do T's constraints (and column types) imply Check? Holds with Core
  /// = the constraints that imply it.
  Answer implied(const ir::Table &T, const ir::Expr &Check);
  /// (e) Can a row that takes column C's default satisfy T's constraints
  /// (and is the default computed without error)? Fails with Core.
  Answer defaultAllowed(const ir::Table &T, const ir::Column &C);
  /// (e) Does row R of an insert into T satisfy T's constraints?
  Answer insertedRowOk(const ir::Table &T, const ir::Op &Insert, unsigned R);
  /// (e) for keys: does row R of an insert certainly repeat the primary
  /// key or a unique key of a row inserted before it in this migration (in
  /// the same insert, or by an earlier one and still there)? Fails with
  /// Violated (a PrimaryKey, UniqueConstraint or UniqueIndex blame) and
  /// Origin, the other row. Rows the table had before the
  /// migration are unknown, so they are not compared; a pair Z3 cannot
  /// decide counts as different (never Unknown: only a certain collision
  /// is reported).
  Answer insertedRowUnique(const ir::Schema &S, const ir::Op &Insert,
                           unsigned R);

  // ------------------------------------------------------- rows of a migration
  /// Starts a migration: every table holds any rows its constraints allow.
  void beginMigration();
  /// Follows Op's effect on the rows; S is the schema before Op.
  void apply(const ir::Op &Op, const ir::Schema &S);
  /// (b) Does every row of the table fit Op's new type (through `using`)?
  Answer rowsFit(const ir::Schema &S, const ir::Op &AlterType);
  /// (c) Does every current row pass Check (a new constraint of Table)?
  Answer rowsPass(const ir::Schema &S, llvm::StringRef Table,
                  const ir::Constraint &Check);
  /// (c) Is column C non-NULL in every current row? With Before set, the
  /// table's constraints are those of Before (a column added by Op).
  Answer rowsNotNull(const ir::Schema &S, llvm::StringRef Table,
                     llvm::StringRef C);
  /// (c) After an `add column` (already applied): do the current rows pass
  /// the new column's checks and not null? Facts come from the table before.
  Answer newColumnHolds(const ir::Table &Before, const ir::Op &AddColumn);
  /// (d) Does Update keep every constraint and type of its table?
  Answer updateKeeps(const ir::Schema &S, const ir::Op &Update);
  /// Does a batched Update end: does it make its `where` false (or NULL)
  /// on every row it writes, so that no batch picks a row again? Asked of
  /// every row T allows, not only the migration's: the batches commit
  /// while the application writes. Fails with Row, a row the update
  /// selects again, and After, the values it gives that row.
  Answer batchEnds(const ir::Table &T, const ir::Op &Update);
  /// (g) Do the current rows of Table have, in Columns, the values they had
  /// at beginMigration (which must have been called with the table
  /// existing and untouched)?
  Answer restores(llvm::StringRef Table,
                  const std::vector<std::string> &Columns);
  /// Whether Table can hold rows now (false for one created in this
  /// migration and not inserted into).
  bool mayHaveRows(llvm::StringRef Table) const;

  // ----------------------------------------------------------------- tests
  /// The value of E (a boolean or value expression over T's columns) on
  /// one row: Values gives each column as .mig literal text or "null".
  /// Returns "true", "false", "null", a number, or "error".
  std::string
  evaluate(const ir::Table &T, const ir::Expr &E,
           const std::vector<std::pair<std::string, std::string>> &Values);

  struct Impl;

private:
  std::unique_ptr<Impl> P;
};

} // namespace migc::smt

#endif
