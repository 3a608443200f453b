//===- AST.h - The syntax tree of .mig files ------------------*- C++ -*-===//
//
// Pure syntax: names as written, types as spelled, expressions untyped. Every
// node carries the source range it came from. The IR (ir/) is built from this
// against the schema replayed so far.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_FRONTEND_AST_H
#define MIGC_FRONTEND_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace migc::ast {

struct Name {
  std::string Text;
  llvm::SMRange Range;
};

/// A type as spelled: the canonical lowercase keyword and its parameters.
struct TypeName {
  std::string Keyword;
  std::vector<long long> Params;
  llvm::SMRange Range;
};

enum class ExprKind {
  IntLit,
  DecimalLit,
  StringLit,
  BoolLit,
  NullLit,
  Column,      // Table (optional) . Column
  Call,        // Text = function name, Args
  CurrentDate, //
  Unary,       // Op in {Neg, Plus, Not}, Args[0]
  Binary,      // Op, Args[0], Args[1]
  IsNull,      // Negated, Args[0]
  In,          // Negated, Args[0] in (Args[1..])
  Between,     // Negated, Args[0] between Args[1] and Args[2]
  Like,        // Negated, Args[0] like Args[1]
  Case,        // Args = when0, then0, when1, then1, ..., [else]; HasElse
  Cast,        // Args[0], CastType
};

enum class OpCode {
  None,
  Neg,
  Plus,
  Not,
  Mul,
  Div,
  Mod,
  Add,
  Sub,
  Concat,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  And,
  Or,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind Kind;
  llvm::SMRange Range;
  OpCode Op = OpCode::None;
  bool Negated = false;
  bool HasElse = false;
  std::string Text; // literal value (unescaped), or function name
  Name Table;       // optional qualifier of a column
  Name Column;
  std::vector<ExprPtr> Args;
  TypeName CastType;
};

enum class RefAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

enum class ConstraintKind { PrimaryKey, Unique, Check, ForeignKey };

struct TableConstraint {
  std::optional<Name> ConstraintName;
  ConstraintKind Kind;
  std::vector<Name> Columns;
  ExprPtr Check;
  Name RefTable;
  std::vector<Name> RefColumns;
  RefAction OnDelete = RefAction::NoAction;
  RefAction OnUpdate = RefAction::NoAction;
  bool NotValid = false;
  /// `primary key using index i` / `unique using index i` (add constraint
  /// only): the index that becomes the key; Columns is then empty.
  std::optional<Name> UsingIndex;
  llvm::SMRange Range;
};

struct ColumnDef {
  Name ColName;
  TypeName Type;
  bool NotNull = false;
  std::optional<llvm::SMRange> ExplicitNull; // `null` written
  std::optional<llvm::SMRange> Identity;
  ExprPtr Default;
  /// Column-level primary key, unique, check and references, with
  /// Columns = {this column}.
  std::vector<TableConstraint> Constraints;
  llvm::SMRange Range;
};

struct IndexColumn {
  Name Col;
  bool Desc = false;
};

struct Assignment {
  Name Col;
  ExprPtr Value;
};

#define MIGC_OP(Id, Text) Id,
enum class OpKind {
#include "ir/Ops.def"
};

/// One operation inside `up` or `down`. Which fields are set depends on Kind
/// (see the comments in ir/Ops.def).
struct Op {
  OpKind Kind;
  llvm::SMRange Range;
  Name Table;                     // the table operated on
  Name Column;                    // the column operated on
  Name NewName;                   // rename targets; index and constraint names
  std::vector<ColumnDef> Columns; // create table, add column
  std::vector<TableConstraint> Constraints; // create table, add constraint
  TypeName Type;                            // alter column type
  ExprPtr Value; // set default, using, where of update/delete/index
  bool Unique = false, Concurrently = false;
  std::vector<IndexColumn> IndexColumns;
  std::vector<Assignment> Assignments;
  /// update `in batches of N`: N (1 or more), and where it is written.
  std::optional<uint32_t> BatchSize;
  llvm::SMRange BatchRange;
  std::vector<Name> InsertColumns;
  std::vector<std::vector<ExprPtr>> Rows;
  std::string Sql;
  std::optional<std::string> SqlDown;
  std::optional<Name> Dialect;
};

/// A timeout clause (`lock_timeout '2s';`): the text written and its
/// milliseconds.
struct Timeout {
  std::string Text;
  uint64_t Ms = 0;
  llvm::SMRange Range;
};

/// The milliseconds of a timeout as PostgreSQL spells one: digits and a unit
/// (ms, s, min, h or d; milliseconds without one). None when Text is not
/// such a duration, or is beyond PostgreSQL's limit (2147483647 ms).
std::optional<uint64_t> parseTimeout(llvm::StringRef Text);

struct Migration {
  Name MigName;
  llvm::SMRange Range;
  std::vector<Name> Requires;
  std::optional<std::string> Author, Description;
  std::optional<std::string> Irreversible;
  llvm::SMRange IrreversibleRange;
  std::optional<Timeout> LockTimeout, StatementTimeout;
  /// `transaction none;`: where it is written, when it is.
  std::optional<llvm::SMRange> NoTransaction;
  bool HasUp = false;
  std::vector<Op> Up;
  std::optional<std::vector<Op>> Down;
  llvm::SMRange DownRange;
};

struct File {
  unsigned Buffer = 0;
  std::vector<Migration> Migrations;
};

} // namespace migc::ast

#endif
