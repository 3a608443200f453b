//===- BuildAST.h - Parse tree to AST (private to frontend/) --*- C++ -*-===//
#ifndef MIGC_FRONTEND_BUILDAST_H
#define MIGC_FRONTEND_BUILDAST_H

#include "MigParser.h"
#include "diag/Diagnostic.h"
#include "frontend/AST.h"

namespace migc::frontend {

using migcgen::MigParser;

/// State shared by the builders of one file.
struct BuildContext {
  const char *BufferStart;
  DiagList &Diags;
  /// Set when the parser reported errors: subtrees holding error nodes are
  /// skipped instead of producing half-built operations.
  bool HadSyntaxErrors = false;

  llvm::SMLoc loc(const antlr4::Token *T) const;
  llvm::SMRange range(const antlr4::Token *T) const;
  llvm::SMRange range(antlr4::ParserRuleContext *C) const;
  llvm::StringRef text(const antlr4::Token *T) const;
  bool broken(antlr4::tree::ParseTree *T) const;
};

ast::File buildFile(MigParser::FileContext *Tree, BuildContext &Ctx);

ast::Name buildName(MigParser::IdentifierContext *C, BuildContext &Ctx);
ast::TypeName buildType(MigParser::TypeNameContext *C, BuildContext &Ctx);
ast::ExprPtr buildExpr(MigParser::ExprContext *C, BuildContext &Ctx);
ast::ExprPtr buildValueExpr(MigParser::ValueExprContext *C, BuildContext &Ctx);
std::optional<ast::Op> buildStatement(MigParser::StatementContext *C,
                                      BuildContext &Ctx);

/// The text of a quoted literal: quotes removed, doubled quotes undone.
std::string unquote(llvm::StringRef Quoted, char Q);

} // namespace migc::frontend

#endif
