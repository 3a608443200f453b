//===- SqlText.h - Pieces of SQL text the SQL backends share ---*- C++ -*-===//
//
// What PostgreSQL and MySQL write alike, given each dialect's quoting.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_SQLTEXT_H
#define MIGC_BACKENDS_SQLTEXT_H

#include "ir/Schema.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace migc::backends {

/// A `-- ` comment line: no newline or control character may end it early
/// and let the rest run as SQL.
std::string sqlComment(llvm::StringRef Text);

/// `a, b, c`, each name quoted by Quote.
std::string joinQuoted(const std::vector<std::string> &Names,
                       llvm::function_ref<std::string(llvm::StringRef)> Quote);

/// An insert's ` (cols) VALUES (..), (..)` part (its column list only when
/// the operation names columns), each value printed by Expr.
std::string
insertValues(const ir::Op &Insert,
             llvm::function_ref<std::string(llvm::StringRef)> Quote,
             llvm::function_ref<std::string(const ir::ExprPtr &)> Expr);

} // namespace migc::backends

#endif
