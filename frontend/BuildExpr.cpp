//===- BuildExpr.cpp - Expressions ----------------------------------------===//
//
// Recursion here is bounded: the pre-scan refuses files nested deeper than
// MaxNestingDepth before the parser runs.
//
//===----------------------------------------------------------------------===//

#include "frontend/BuildAST.h"

#include "antlr4-runtime.h"

#include "llvm/ADT/StringSwitch.h"

namespace migc::frontend {

namespace {

using P = MigParser;

ast::ExprPtr node(ast::ExprKind K, antlr4::ParserRuleContext *C,
                  BuildContext &Ctx) {
  auto E = std::make_unique<ast::Expr>();
  E->Kind = K;
  E->Range = Ctx.range(C);
  return E;
}

ast::ExprPtr binary(ast::OpCode Op, ast::ExprPtr L, ast::ExprPtr R,
                    antlr4::ParserRuleContext *C, BuildContext &Ctx) {
  ast::ExprPtr E = node(ast::ExprKind::Binary, C, Ctx);
  E->Op = Op;
  E->Args.push_back(std::move(L));
  E->Args.push_back(std::move(R));
  return E;
}

ast::OpCode compareOp(P::CmpOpContext *C, BuildContext &Ctx) {
  llvm::StringRef T = Ctx.text(C->getStart());
  if (T == "==") {
    Ctx.Diags.emplace_back(Rule::SyntaxError, Ctx.range(C->getStart()),
                           "`==` is not an operator of .mig (nor of SQL); "
                           "write `=` to compare");
    return ast::OpCode::Eq;
  }
  return llvm::StringSwitch<ast::OpCode>(T)
      .Case("=", ast::OpCode::Eq)
      .Cases("<>", "!=", ast::OpCode::Ne)
      .Case("<", ast::OpCode::Lt)
      .Case("<=", ast::OpCode::Le)
      .Case(">", ast::OpCode::Gt)
      .Default(ast::OpCode::Ge);
}

ast::ExprPtr buildPrimary(P::PrimaryContext *C, BuildContext &Ctx);

ast::ExprPtr buildPredicate(P::PredicateContext *C, BuildContext &Ctx) {
  if (auto *V = dynamic_cast<P::ValuePredicateContext *>(C))
    return buildValueExpr(V->valueExpr(), Ctx);
  if (auto *Cmp = dynamic_cast<P::ComparePredicateContext *>(C))
    return binary(compareOp(Cmp->cmpOp(), Ctx),
                  buildValueExpr(Cmp->valueExpr(0), Ctx),
                  buildValueExpr(Cmp->valueExpr(1), Ctx), C, Ctx);
  if (auto *N = dynamic_cast<P::IsNullPredicateContext *>(C)) {
    ast::ExprPtr E = node(ast::ExprKind::IsNull, C, Ctx);
    E->Negated = N->NOT() != nullptr;
    E->Args.push_back(buildValueExpr(N->valueExpr(), Ctx));
    return E;
  }
  if (auto *In = dynamic_cast<P::InPredicateContext *>(C)) {
    ast::ExprPtr E = node(ast::ExprKind::In, C, Ctx);
    E->Negated = In->NOT() != nullptr;
    E->Args.push_back(buildValueExpr(In->valueExpr(), Ctx));
    for (P::ExprContext *X : In->expr())
      E->Args.push_back(buildExpr(X, Ctx));
    return E;
  }
  if (auto *B = dynamic_cast<P::BetweenPredicateContext *>(C)) {
    ast::ExprPtr E = node(ast::ExprKind::Between, C, Ctx);
    E->Negated = B->NOT() != nullptr;
    for (P::ValueExprContext *X : B->valueExpr())
      E->Args.push_back(buildValueExpr(X, Ctx));
    return E;
  }
  auto *L = static_cast<P::LikePredicateContext *>(C);
  ast::ExprPtr E = node(ast::ExprKind::Like, C, Ctx);
  E->Negated = L->NOT() != nullptr;
  E->Args.push_back(buildValueExpr(L->valueExpr(0), Ctx));
  E->Args.push_back(buildValueExpr(L->valueExpr(1), Ctx));
  return E;
}

ast::ExprPtr buildBool(P::BoolExprContext *C, BuildContext &Ctx) {
  if (auto *Pr = dynamic_cast<P::PredicateExprContext *>(C))
    return buildPredicate(Pr->predicate(), Ctx);
  if (auto *N = dynamic_cast<P::NotExprContext *>(C)) {
    ast::ExprPtr E = node(ast::ExprKind::Unary, C, Ctx);
    E->Op = ast::OpCode::Not;
    E->Args.push_back(buildBool(N->boolExpr(), Ctx));
    return E;
  }
  if (auto *A = dynamic_cast<P::AndExprContext *>(C))
    return binary(ast::OpCode::And, buildBool(A->boolExpr(0), Ctx),
                  buildBool(A->boolExpr(1), Ctx), C, Ctx);
  auto *O = static_cast<P::OrExprContext *>(C);
  return binary(ast::OpCode::Or, buildBool(O->boolExpr(0), Ctx),
                buildBool(O->boolExpr(1), Ctx), C, Ctx);
}

ast::ExprPtr literal(ast::ExprKind K, antlr4::ParserRuleContext *C,
                     std::string Text, BuildContext &Ctx) {
  ast::ExprPtr E = node(K, C, Ctx);
  E->Text = std::move(Text);
  return E;
}

ast::ExprPtr buildPrimary(P::PrimaryContext *C, BuildContext &Ctx) {
  using K = ast::ExprKind;
  if (auto *I = dynamic_cast<P::IntLiteralContext *>(C))
    return literal(K::IntLit, C, Ctx.text(I->getStart()).str(), Ctx);
  if (auto *D = dynamic_cast<P::DecimalLiteralContext *>(C))
    return literal(K::DecimalLit, C, Ctx.text(D->getStart()).str(), Ctx);
  if (auto *S = dynamic_cast<P::StringLiteralContext *>(C))
    return literal(K::StringLit, C, unquote(Ctx.text(S->getStart()), '\''),
                   Ctx);
  if (auto *B = dynamic_cast<P::BoolLiteralContext *>(C))
    return literal(K::BoolLit, C, B->TRUE_KW() ? "true" : "false", Ctx);
  if (dynamic_cast<P::NullLiteralContext *>(C))
    return node(K::NullLit, C, Ctx);
  if (dynamic_cast<P::CurrentDateExprContext *>(C))
    return node(K::CurrentDate, C, Ctx);
  if (auto *Pa = dynamic_cast<P::ParenExprContext *>(C)) {
    ast::ExprPtr E = buildExpr(Pa->expr(), Ctx);
    E->Range = Ctx.range(C);
    return E;
  }
  if (auto *Col = dynamic_cast<P::ColumnExprContext *>(C)) {
    ast::ExprPtr E = node(K::Column, C, Ctx);
    std::vector<P::IdentifierContext *> Ids = Col->identifier();
    if (Ids.size() == 2)
      E->Table = buildName(Ids[0], Ctx);
    E->Column = buildName(Ids.back(), Ctx);
    return E;
  }
  if (auto *Call = dynamic_cast<P::CallExprContext *>(C)) {
    ast::ExprPtr E = node(K::Call, C, Ctx);
    E->Column = buildName(Call->identifier(), Ctx);
    E->Text = llvm::StringRef(E->Column.Text).lower();
    for (P::ExprContext *A : Call->expr())
      E->Args.push_back(buildExpr(A, Ctx));
    return E;
  }
  if (auto *Cast = dynamic_cast<P::CastExprContext *>(C)) {
    ast::ExprPtr E = node(K::Cast, C, Ctx);
    E->Args.push_back(buildExpr(Cast->expr(), Ctx));
    E->CastType = buildType(Cast->typeName(), Ctx);
    return E;
  }
  auto *Case = static_cast<P::CaseExprContext *>(C);
  ast::ExprPtr E = node(K::Case, C, Ctx);
  for (P::CaseWhenContext *W : Case->caseWhen()) {
    E->Args.push_back(buildExpr(W->expr(0), Ctx));
    E->Args.push_back(buildExpr(W->expr(1), Ctx));
  }
  if (Case->expr()) {
    E->HasElse = true;
    E->Args.push_back(buildExpr(Case->expr(), Ctx));
  }
  return E;
}

} // namespace

ast::ExprPtr buildValueExpr(P::ValueExprContext *C, BuildContext &Ctx) {
  if (auto *Pr = dynamic_cast<P::PrimaryExprContext *>(C))
    return buildPrimary(Pr->primary(), Ctx);
  if (auto *S = dynamic_cast<P::SignExprContext *>(C)) {
    ast::ExprPtr Operand = buildValueExpr(S->valueExpr(), Ctx);
    bool Neg = S->op->getType() == P::MINUS;
    // Fold `-7` into a literal: it is how numbers are written.
    if (Operand->Kind == ast::ExprKind::IntLit ||
        Operand->Kind == ast::ExprKind::DecimalLit) {
      if (Neg)
        Operand->Text = Operand->Text[0] == '-' ? Operand->Text.substr(1)
                                                : "-" + Operand->Text;
      Operand->Range = Ctx.range(C);
      return Operand;
    }
    ast::ExprPtr E = node(ast::ExprKind::Unary, C, Ctx);
    E->Op = Neg ? ast::OpCode::Neg : ast::OpCode::Plus;
    E->Args.push_back(std::move(Operand));
    return E;
  }
  if (auto *M = dynamic_cast<P::MulExprContext *>(C)) {
    size_t T = M->op->getType();
    ast::OpCode Op = T == P::STAR    ? ast::OpCode::Mul
                     : T == P::SLASH ? ast::OpCode::Div
                                     : ast::OpCode::Mod;
    return binary(Op, buildValueExpr(M->valueExpr(0), Ctx),
                  buildValueExpr(M->valueExpr(1), Ctx), C, Ctx);
  }
  if (auto *A = dynamic_cast<P::AddExprContext *>(C))
    return binary(A->op->getType() == P::PLUS ? ast::OpCode::Add
                                              : ast::OpCode::Sub,
                  buildValueExpr(A->valueExpr(0), Ctx),
                  buildValueExpr(A->valueExpr(1), Ctx), C, Ctx);
  auto *Cat = static_cast<P::ConcatExprContext *>(C);
  return binary(ast::OpCode::Concat, buildValueExpr(Cat->valueExpr(0), Ctx),
                buildValueExpr(Cat->valueExpr(1), Ctx), C, Ctx);
}

ast::ExprPtr buildExpr(P::ExprContext *C, BuildContext &Ctx) {
  return buildBool(C->boolExpr(), Ctx);
}

} // namespace migc::frontend
