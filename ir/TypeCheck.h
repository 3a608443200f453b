//===- TypeCheck.h - Typing expressions against a scope -------*- C++ -*-===//
#ifndef MIGC_IR_TYPECHECK_H
#define MIGC_IR_TYPECHECK_H

#include "diag/Diagnostic.h"
#include "ir/Schema.h"

namespace migc::ir {

/// The columns an expression may use.
struct ColumnScope {
  llvm::StringRef Table;
  const CowVector<Column> &Columns;
  /// False for defaults and inserted values, which cannot read columns.
  bool ColumnsAllowed = true;
  /// What the expression is, for messages: "a default", "a check".
  llvm::StringRef What = "an expression";
};

/// Types a syntax tree. Problems are reported; the result is always usable
/// (ill-typed parts have the Error type, which silences follow-up reports).
ExprPtr typeCheck(const ast::Expr &E, const ColumnScope &S, DiagList &Diags);

/// Types an IR expression again, e.g. after a column changed type.
ExprPtr retype(const Expr &E, const ColumnScope &S, DiagList &Diags);

/// Reports unless E is boolean (where, check).
void expectBool(const Expr &E, llvm::StringRef What, DiagList &Diags);

/// Reports unless E can be stored in a column of type To, including whether
/// a literal fits To's domain. Returns false on a report.
bool expectAssignable(const Expr &E, Type To, llvm::StringRef What,
                      DiagList &Diags);

/// Whether didYouMean will still look (a few hundred per run): callers with
/// a costly list of candidates ask first.
bool suggestionsLeft();

/// "; did you mean `users`?" when a candidate is close to Name, else "".
std::string didYouMean(llvm::StringRef Name,
                       llvm::ArrayRef<llvm::StringRef> Candidates);

} // namespace migc::ir

#endif
