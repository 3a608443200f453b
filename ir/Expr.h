//===- Expr.h - Typed expressions -----------------------------*- C++ -*-===//
//
// The IR form of spec section 6. Built structurally from the AST, then typed
// against the columns in scope (TypeCheck.h). Once typed, an expression is
// immutable and shared (the schema keeps checks and defaults as ExprPtr);
// rewriting (a column rename) builds new nodes only where something changes.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_EXPR_H
#define MIGC_IR_EXPR_H

#include "diag/Diagnostic.h"
#include "frontend/AST.h"
#include "ir/Type.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <string>
#include <vector>

namespace migc::ir {

using ast::ExprKind;
using ast::OpCode;

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  ExprKind Kind;
  OpCode Op = OpCode::None;
  bool Negated = false;
  bool HasElse = false;
  Type Ty = Type::of(TypeKind::Error);
  Type CastType;      // Cast
  std::string Text;   // literal text (unescaped), function name
  std::string Column; // Column
  llvm::SMRange Range;
  std::vector<ExprPtr> Args;
};

/// The untyped IR form of a syntax tree (types are filled by typeCheck).
/// Invalid cast types are reported to Diags.
std::shared_ptr<Expr> fromAst(const ast::Expr &E, DiagList *Diags = nullptr);

struct PrintOptions {
  /// Quote every column name (SQL output); .mig output quotes only names
  /// that need it.
  bool QuoteIdentifiers = false;
  /// How a cast's target type is spelled (a backend's type name).
  std::string (*TypeSpelling)(Type) = nullptr;
};

/// The expression in .mig syntax (or a target's, through Opts) with minimal
/// parentheses.
std::string print(const Expr &E, const PrintOptions &Opts = {});

/// Whether a name can be written without quotes in .mig (not a keyword).
bool isPlainName(llvm::StringRef N);

/// Calls F for every column reference.
void forEachColumn(const Expr &E, llvm::function_ref<void(const Expr &)> F);
bool usesColumn(const Expr &E, llvm::StringRef Column);

/// The expression with column From renamed to To (shares unchanged nodes).
ExprPtr renameColumn(const ExprPtr &E, llvm::StringRef From,
                     llvm::StringRef To);

/// Whether the expression contains a call whose value changes between calls
/// or rows (now(), current_date, and the volatile functions below).
bool isVolatile(const Expr &E);

/// Whether Name is a function PostgreSQL marks VOLATILE: random(),
/// gen_random_uuid(), clock_timestamp(). Each call, so each row, gets a value
/// of its own; now() and current_date are STABLE (one value per transaction).
bool isVolatileFunction(llvm::StringRef Name);
/// The first call of a volatile function in E, or null.
const Expr *volatileCall(const Expr &E);
/// The first call in E whose value is not fixed by its arguments (now(),
/// current_date, a volatile function), or null: PostgreSQL refuses them in
/// an index predicate, MySQL and MariaDB in a check.
const Expr *mutableCall(const Expr &E);

} // namespace migc::ir

#endif
