//===- Facts.cpp - A row as terms, its table's facts, and slices ---------===//

#include "smt/ProverImpl.h"

namespace migc::smt {

using namespace ir;

// ------------------------------------------------------------------ slices

Table slice(const Table &T, llvm::StringSet<> Seed, ColumnUses &Uses) {
  std::vector<const Constraint *> Checks;
  for (const Constraint &K : T.Constraints)
    if (K.Kind == ConstraintKind::Check && K.Check)
      Checks.push_back(&K);
  std::vector<bool> Taken(Checks.size());
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (size_t I = 0; I < Checks.size(); ++I) {
      if (Taken[I])
        continue;
      const std::vector<std::string> &Cols = Uses.of(Checks[I]->Check);
      // A check on no column (a constant) concerns every question.
      bool Linked = Cols.empty();
      for (const std::string &C : Cols)
        Linked |= Seed.count(C) != 0;
      if (!Linked)
        continue;
      Taken[I] = Changed = true;
      for (const std::string &C : Cols)
        Seed.insert(C);
    }
  }
  Table Out;
  Out.Name = T.Name;
  for (const Column &C : T.Columns)
    if (Seed.count(C.Name))
      Out.Columns.push_back(C);
  for (size_t I = 0; I < Checks.size(); ++I)
    if (Taken[I])
      Out.Constraints.push_back(*Checks[I]);
  return Out;
}

std::vector<Table> parts(const Table &T, ColumnUses &Uses) {
  std::vector<Table> Out;
  llvm::StringSet<> Taken;
  for (const Constraint &K : T.Constraints) {
    if (K.Kind != ConstraintKind::Check || !K.Check || Taken.count(K.Name))
      continue;
    llvm::StringSet<> Seed;
    for (const std::string &C : Uses.of(K.Check))
      Seed.insert(C);
    Table Part = slice(T, std::move(Seed), Uses);
    for (const Constraint &In : Part.Constraints)
      Taken.insert(In.Name);
    Out.push_back(std::move(Part));
  }
  return Out;
}

bool isLiteral(const Expr &E) {
  switch (E.Kind) {
  case ast::ExprKind::IntLit:
  case ast::ExprKind::DecimalLit:
  case ast::ExprKind::StringLit:
  case ast::ExprKind::BoolLit:
  case ast::ExprKind::NullLit:
    return true;
  default:
    return false;
  }
}

bool hasChecks(const Table &T) {
  return llvm::any_of(T.Constraints, [](const Constraint &K) {
    return K.Kind == ConstraintKind::Check;
  });
}

llvm::StringSet<> columnsOf(const Expr &E) {
  llvm::StringSet<> Out;
  forEachColumn(E, [&](const Expr &C) { Out.insert(C.Column); });
  return Out;
}

// ------------------------------------------------------------ rows as terms

Source Prover::Impl::anyRow(const Table &Tb, bool NullVars, bool Positional) {
  Source S{{}, {}, {}, {}, {}, ctx().bool_val(true), nullptr, {}};
  for (const Column &C : Tb.Columns) {
    Sort K = sortOf(C.Ty);
    if (K == Sort::Any)
      K = Sort::Int;
    std::string Id =
        Positional ? std::to_string(Tb.Columns.indexOf(C)) : C.Name;
    z3::expr V = ctx().constant(("c!" + Id).c_str(), T.sort(K));
    z3::expr N = C.Nullable || NullVars ? ctx().bool_const(("n!" + Id).c_str())
                                        : ctx().bool_val(false);
    S.Cols.push_back({C.Name, Val{V, N, K}});
  }
  S.Original = S.Cols;
  for (const Column &C : Tb.Columns)
    S.OriginalTypes.push_back(C.Ty);
  return S;
}

std::vector<z3::expr> Prover::Impl::tableFacts(const Table &Tb, const Source &S,
                                               const Constraint *Except,
                                               NamedLits *Named,
                                               bool ExistingRows) {
  std::vector<z3::expr> Facts;
  Encoder E = encoder(S);
  for (const Column &C : Tb.Columns)
    if (const Val *V = S.find(C.Name)) {
      z3::expr Domain = E.domain(*V, C.Ty);
      if (Named && !Domain.is_true()) {
        // A type can be what rules a row out (`check (n > 40000)` on a
        // smallint): it is named in cores too.
        z3::expr L = assumption(Named->size());
        Named->push_back({L, Blame::columnType(Tb.Name, C.Name, C.Ty.str())});
        Facts.push_back(z3::implies(L, Domain));
      } else {
        Facts.push_back(Domain);
      }
      if (!C.Nullable) {
        if (Named) {
          z3::expr L = assumption(Named->size());
          Named->push_back({L, Blame::notNull(Tb.Name, C.Name)});
          Facts.push_back(z3::implies(L, !V->Null));
        } else {
          Facts.push_back(!V->Null);
        }
      }
    }
  for (const Constraint &K : Tb.Constraints) {
    if (K.Kind != ConstraintKind::Check || (K.NotValid && ExistingRows) ||
        &K == Except || (Except && K.Name == Except->Name))
      continue;
    Val B = E.encode(*K.Check);
    z3::expr Pass = E.passes(B) && !E.error();
    if (Named) {
      z3::expr L = assumption(Named->size());
      Named->push_back({L, Blame::check(Tb.Name, K.Name)});
      Facts.push_back(z3::implies(L, Pass));
    } else {
      Facts.push_back(Pass);
    }
  }
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  return Facts;
}

z3::expr Prover::Impl::assumption(size_t I) {
  return ctx().bool_const(("a!" + std::to_string(I)).c_str());
}

Encoder Prover::Impl::encoder(const Source &S) {
  return Encoder(T, [&S](llvm::StringRef N) -> std::optional<Val> {
    if (const Val *V = S.find(N))
      return *V;
    return std::nullopt;
  });
}

Source Prover::Impl::insertedRow(const Table &Tb, const Op &O, unsigned R,
                                 std::vector<z3::expr> &Errors) {
  Source S{O.Range, {}, {}, {}, {}, ctx().bool_val(true), nullptr, {}};
  Encoder E(T,
            [](llvm::StringRef) -> std::optional<Val> { return std::nullopt; });
  for (const Column &C : Tb.Columns) {
    const ExprPtr *Given = O.given(R, Tb.Columns, Tb.Columns.indexOf(C));
    Val V = Given ? E.store(E.encode(**Given, C.Ty), C.Ty) : defaultValue(E, C);
    S.Cols.push_back({C.Name, V});
    S.OriginalTypes.push_back(C.Ty);
  }
  S.Original = S.Cols;
  S.Facts = E.Side;
  Errors = E.Errors;
  S.Row = O.rowRange(R);
  return S;
}

Val Prover::Impl::defaultValue(Encoder &E, const Column &C) {
  Sort K = sortOf(C.Ty) == Sort::Any ? Sort::Int : sortOf(C.Ty);
  if (C.Identity)
    return {T.fresh(K, "identity"), ctx().bool_val(false), K};
  if (C.Default)
    return E.store(E.encode(*C.Default, C.Ty), C.Ty);
  return {T.zero(K), ctx().bool_val(true), K};
}

// ----------------------------------------------------------- rows as shown

Example Prover::Impl::describe(const Source &S, const z3::model &M,
                               const z3::expr &Cone) {
  std::set<unsigned> Consts;
  constantsIn(Cone, Consts);
  Example Ex;
  for (size_t I = 0; I < S.Original.size(); ++I) {
    const auto &[Name, V] = S.Original[I];
    auto In = [&](const z3::expr &E) {
      return E.is_const() && E.decl().decl_kind() == Z3_OP_UNINTERPRETED &&
             Consts.count(Z3_get_ast_id(ctx(), E));
    };
    if (!S.Origin.isValid() && !In(V.V) && !In(V.Null))
      continue;
    Ex.Values.push_back({Name, show(V, S.OriginalTypes[I], M)});
  }
  return Ex;
}

llvm::StringSet<> Prover::Impl::columnSet(const Table &T) {
  llvm::StringSet<> Out;
  for (const Column &C : T.Columns)
    Out.insert(C.Name);
  return Out;
}

void Prover::Impl::constantsIn(const z3::expr &E, std::set<unsigned> &Out) {
  walkTerms({E}, [&](const z3::expr &X) {
    if (X.is_const())
      Out.insert(Z3_get_ast_id(ctx(), X));
    return false;
  });
}

std::string Prover::Impl::show(const Val &V, Type Ty, const z3::model &M,
                               bool Computed) {
  if (M.eval(V.Null, true).is_true())
    return "NULL";
  if (V.S == Sort::Any)
    return "NULL";
  return showValue(T, V.V, Ty, M, &Applied, Computed);
}

} // namespace migc::smt
