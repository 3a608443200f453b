//===- Prover.cpp - The Prover: construction, statistics, evaluation ------===//

#include "smt/ProverImpl.h"

namespace migc::smt {

using namespace ir;

// The Prover's state and its questions are in the files ProverImpl.h
// lists.

std::string Example::str() const {
  std::string Out;
  for (auto &[Col, V] : Values)
    Out += (Out.empty() ? "" : ", ") + Col + " = " + V;
  return Out;
}

Prover::Prover(const Options &O) : P(std::make_unique<Impl>(O)) {}
Prover::~Prover() = default;

const Stats &Prover::stats() const { return P->St; }

std::string Prover::evaluate(
    const Table &T, const Expr &E,
    const std::vector<std::pair<std::string, std::string>> &Values) {
  Source S = P->anyRow(T);
  std::vector<z3::expr> Facts;
  Encoder Lit(
      P->T, [](llvm::StringRef) -> std::optional<Val> { return std::nullopt; });
  for (auto &[Col, Text] : Values) {
    Val *V = S.find(Col);
    const Column *C = T.findColumn(Col);
    if (!V || !C)
      continue;
    if (llvm::StringRef(Text).equals_insensitive("null")) {
      Facts.push_back(V->Null);
      continue;
    }
    Facts.push_back(!V->Null);
    ir::Expr L;
    L.Kind = Text.front() == '\''                  ? ast::ExprKind::StringLit
             : (Text == "true" || Text == "false") ? ast::ExprKind::BoolLit
             : Text.find_first_of(".eE") != std::string::npos
                 ? ast::ExprKind::DecimalLit
                 : ast::ExprKind::IntLit;
    L.Text = L.Kind == ast::ExprKind::StringLit
                 ? Text.substr(1, Text.size() - 2)
                 : Text;
    L.Ty = C->Ty;
    Val X = Lit.as(Lit.encode(L, C->Ty), V->S);
    Facts.push_back(V->V == X.V);
  }
  Encoder Enc = P->encoder(S);
  Val R = Enc.encode(E);
  for (z3::expr &F : Lit.Side)
    Facts.push_back(F);
  for (z3::expr &F : Enc.Side)
    Facts.push_back(F);
  z3::solver &Sv = P->Solver;
  Sv.push();
  for (z3::expr &F : Facts)
    Sv.add(F);
  std::string Out = "unknown";
  if (Sv.check() == z3::sat) {
    z3::model M = Sv.get_model();
    if (M.eval(Enc.error(), true).is_true())
      Out = "error";
    else if (M.eval(R.Null, true).is_true())
      Out = "null";
    else if (R.S == Sort::Bool)
      Out = M.eval(R.V, true).is_true() ? "true" : "false";
    else
      Out = showValue(P->T, R.V, E.Ty, M);
  }
  Sv.pop();
  return Out;
}

} // namespace migc::smt
