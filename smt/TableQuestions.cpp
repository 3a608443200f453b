//===- TableQuestions.cpp - Questions about a table's constraints --------===//

#include "smt/ProverImpl.h"

namespace migc::smt {

using namespace ir;

Answer Prover::satisfiable(const Table &Whole,
                           const std::vector<std::string> *Focus) {
  llvm::StringSet<> Seed;
  if (Focus)
    for (const std::string &C : *Focus)
      Seed.insert(C);
  const Table T = Focus ? P->slice(Whole, Seed) : Whole;
  // Without checks every column's domain has a value: nothing to ask.
  if (!hasChecks(T))
    return {};
  // Parts that share no column are independent questions: smaller, and
  // often asked before about another table.
  Answer Out;
  for (const Table &Part : parts(T, P->Uses)) {
    Source S = P->anyRow(Part, /*NullVars=*/true, /*Positional=*/true);
    NamedLits Named;
    std::vector<z3::expr> Facts = P->tableFacts(Part, S, nullptr, &Named);
    // Usually one row has a value in every column: then the part is
    // satisfiable and each of its columns can hold a value, in one query.
    std::vector<z3::expr> All = Facts;
    for (auto &[Name, V] : S.Cols)
      All.push_back(!V.Null);
    for (auto &[L, Name] : Named)
      All.push_back(L);
    Answer A = P->possible(All, {});
    if (A.holds()) {
      for (auto &[Name, V] : S.Cols)
        Out.NonNull.push_back(Name);
      continue;
    }
    A = P->possible(Facts, Named, [&](const z3::model &M, Answer &A) {
      // The witness row answers canHoldValue for its non-NULL columns.
      for (auto &[Name, V] : S.Cols)
        if (M.eval(V.Null, true).is_false())
          A.NonNull.push_back(Name);
    });
    if (!A.holds())
      return A;
    Out.NonNull.insert(Out.NonNull.end(), A.NonNull.begin(), A.NonNull.end());
  }
  // Columns no check uses can hold any value of their type.
  for (const Column &C : T.Columns)
    if (!llvm::is_contained(Out.NonNull, C.Name))
      if (llvm::none_of(T.Constraints, [&](const Constraint &K) {
            return K.Kind == ConstraintKind::Check && K.Check &&
                   llvm::is_contained(P->Uses.of(K.Check), C.Name);
          }))
        Out.NonNull.push_back(C.Name);
  return Out;
}

Answer Prover::canHoldValue(const Table &Whole, llvm::StringRef C) {
  llvm::StringSet<> Seed;
  Seed.insert(C);
  const Table T = P->slice(Whole, Seed);
  if (T.Constraints.empty())
    return {}; // no check: any value will do
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  if (const Val *V = S.find(C))
    Facts.push_back(!V->Null);
  return P->possible(Facts, Named);
}

Answer Prover::implied(const Table &Whole, const Expr &Check) {
  const Table T = P->slice(Whole, columnsOf(Check));
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  Encoder E = P->encoder(S);
  Val B = E.encode(Check);
  Facts.push_back(!E.passes(B) || E.error());
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  // Implied when no row passes the others and fails Check.
  Answer A = P->solve(
      Facts, Named, [&](const z3::model &, Answer &) {},
      /*SatIsBad=*/false);
  return A;
}

Answer Prover::defaultAllowed(const Table &Whole, const Column &C) {
  llvm::StringSet<> Seed;
  Seed.insert(C.Name);
  const Table T = P->slice(Whole, Seed);
  // A literal fits (the type checker saw to it), and with no check there
  // is nothing else to satisfy.
  if (!hasChecks(T) && C.Default && isLiteral(*C.Default))
    return {};
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  Encoder E = P->encoder(S);
  Val D = P->defaultValue(E, C);
  for (auto &[Name, V] : S.Cols)
    if (Name == C.Name)
      V = D;
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  Facts.push_back(!E.error());
  Answer Out = P->possible(Facts, Named);
  if (Out.fails() && Out.Core.empty())
    Out.Violated = Blame::columnType(T.Name, C.Name, C.Ty.str());
  return Out;
}

Answer Prover::insertedRowOk(const Table &T, const Op &Insert, unsigned R) {
  // Literal values into a table without checks: only NULL into a not-null
  // column can fail, and that needs no solver.
  if (!hasChecks(T) && llvm::all_of(Insert.Rows[R], [](const ExprPtr &V) {
        return isLiteral(*V);
      })) {
    Answer Out;
    Out.Origin = Insert.Range;
    for (size_t I = 0; I < T.Columns.size(); ++I) {
      const Column &C = T.Columns[I];
      const ExprPtr *Given = Insert.given(R, T.Columns, I);
      bool Null = Given ? (*Given)->Kind == ast::ExprKind::NullLit
                        : !C.Default && !C.Identity;
      if (!C.Nullable && Null) {
        Out.V = Verdict::Fails;
        Out.Core.push_back(Blame::notNull(T.Name, C.Name));
        return Out;
      }
    }
    if (llvm::all_of(T.Columns, [](const Column &C) {
          return !C.Default || isLiteral(*C.Default);
        }))
      return Out;
  }
  std::vector<z3::expr> Errors;
  Source S = P->insertedRow(T, Insert, R, Errors);
  NamedLits Named;
  std::vector<z3::expr> Facts = S.Facts;
  for (z3::expr &F : P->tableFacts(T, S, nullptr, &Named))
    Facts.push_back(F);
  z3::expr_vector Err(P->ctx());
  for (z3::expr &E : Errors)
    Err.push_back(E);
  Facts.push_back(!z3::mk_or(Err));
  Answer Out = P->possible(Facts, Named);
  // Every constraint the row breaks, not just the first core: ask again
  // without the constraints named so far until the rest can hold. They
  // are listed in the table's order.
  std::vector<Blame> Order;
  for (auto &[L, Name] : Named)
    Order.push_back(Name);
  for (Answer More = Out; More.fails() && !More.Core.empty();) {
    llvm::erase_if(Named, [&](const auto &N) {
      return llvm::is_contained(More.Core, N.second);
    });
    More = P->possible(Facts, Named);
    if (More.fails())
      Out.Core.insert(Out.Core.end(), More.Core.begin(), More.Core.end());
  }
  llvm::sort(Out.Core, [&](const Blame &A, const Blame &B) {
    return llvm::find(Order, A) < llvm::find(Order, B);
  });
  if (!Out.unknown())
    Out.Origin = Insert.Range;
  return Out;
}

Answer Prover::insertedRowUnique(const Schema &S, const Op &Insert,
                                 unsigned R) {
  const Table *Tb = S.findTable(Insert.TableName);
  if (!Tb)
    return {};
  // The keys: the primary key, unique constraints, and unique indexes
  // without `where` (a partial one binds only the rows it covers).
  std::vector<std::pair<Blame, std::vector<std::string>>> Keys;
  for (const Constraint &K : Tb->Constraints)
    if (K.hasIndex())
      Keys.push_back({Blame::key(K.Kind == ConstraintKind::PrimaryKey
                                     ? Blame::Kind::PrimaryKey
                                     : Blame::Kind::UniqueConstraint,
                                 Tb->Name, K.Name),
                      K.Columns});
  for (const Index *I : S.indexesOn(Tb->Name))
    if (I->Unique && !I->Where) {
      std::vector<std::string> Cols;
      for (const IndexKey &K : I->Keys)
        Cols.push_back(K.Column);
      Keys.push_back(
          {Blame::key(Blame::Kind::UniqueIndex, Tb->Name, I->Name), Cols});
    }
  if (Keys.empty())
    return {};
  if (P->RowsOf != &Insert) {
    P->RowsOf = &Insert;
    P->InsertRows.clear();
  }
  while (P->InsertRows.size() <= R) {
    std::vector<z3::expr> Errors;
    Source Row =
        P->insertedRow(*Tb, Insert, unsigned(P->InsertRows.size()), Errors);
    P->InsertRows.emplace_back(std::move(Row), std::move(Errors));
  }
  const auto &[New, Errors] = P->InsertRows[R];
  // The rows inserted before it in this migration: earlier rows of the
  // same insert, and what earlier inserts left (after updates and deletes).
  std::vector<const Source *> Others;
  for (unsigned Q = 0; Q < R; ++Q)
    Others.push_back(&P->InsertRows[Q].first);
  if (auto It = P->Rows.find(Insert.TableName); It != P->Rows.end())
    for (const Source &Src : It->second)
      if (Src.Origin.isValid())
        Others.push_back(&Src);
  for (const auto &[What, Cols] : Keys) {
    for (const Source *O : Others) {
      const Source &Other = *O;
      z3::expr_vector Same(P->ctx());
      bool Known = Other.Alive.is_true(), Differ = false, Missing = false;
      for (const std::string &C : Cols) {
        const Val *A = New.find(C), *B = Other.find(C);
        if (!A || !B || A->S != B->S) {
          Missing = true;
          break;
        }
        // NULLs never collide; literals are decided here.
        if (A->Null.is_true() || B->Null.is_true())
          Differ = true;
        else if (A->Null.is_false() && B->Null.is_false() &&
                 A->V.is_numeral() && B->V.is_numeral())
          Differ |= !z3::eq(A->V, B->V);
        else
          Known = false;
        Same.push_back(!A->Null && !B->Null && A->V == B->V);
      }
      if (Missing || Differ)
        continue;
      Answer A;
      if (!Known) {
        // Only a collision in every run is certain: ask whether the two
        // rows can avoid it.
        std::vector<z3::expr> Facts = Other.Facts;
        Facts.insert(Facts.end(), New.Facts.begin(), New.Facts.end());
        z3::expr_vector Err(P->ctx());
        for (const z3::expr &E : Errors)
          Err.push_back(E);
        Facts.push_back(!z3::mk_or(Err));
        Facts.push_back(!(Other.Alive && z3::mk_and(Same)));
        A = P->possible(Facts, {});
        if (!A.fails())
          continue; // they can differ (or Z3 could not tell)
      }
      A.V = Verdict::Fails;
      A.Violated = What;
      A.Key = Cols;
      A.Origin = Other.Row;
      return A;
    }
  }
  return {};
}

} // namespace migc::smt
