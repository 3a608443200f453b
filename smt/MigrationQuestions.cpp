//===- MigrationQuestions.cpp - Questions about a migration's rows -------===//

#include "smt/ProverImpl.h"

namespace migc::smt {

using namespace ir;

Answer Prover::rowsFit(const Schema &S, const Op &O) {
  const Table *Tb = S.findTable(O.TableName);
  const Column *C = Tb ? Tb->findColumn(O.ColumnName) : nullptr;
  if (!C)
    return {};
  std::vector<Source> &Rows = P->rowsOf(O.TableName, S);
  Type To = *O.NewType;
  llvm::StringSet<> Seed = O.Value ? columnsOf(*O.Value) : llvm::StringSet<>();
  Seed.insert(O.ColumnName);
  return P->forEachRow(
      Rows, Tb, Seed,
      [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
        const Val *V = Src.find(O.ColumnName);
        Val New = O.Value ? E.encode(*O.Value, To) : *V;
        z3::expr Bad = !E.fits(New, To) || E.error();
        return Bad;
      },
      [&](Source &Src, const z3::model &M, Answer &A) {
        A.Violated = Blame::columnType(O.TableName, O.ColumnName, To.str());
        if (O.Value) {
          Encoder E = P->encoder(Src);
          Val New = E.encode(*O.Value, To);
          A.After.Values.push_back({O.ColumnName, P->show(New, To, M)});
        }
      });
}

Answer Prover::rowsPass(const Schema &S, llvm::StringRef Table,
                        const Constraint &Check) {
  const ir::Table *Tb = S.findTable(Table);
  if (!Tb || Check.Kind != ConstraintKind::Check)
    return {};
  std::vector<Source> &Rows = P->rowsOf(Table, S);
  return P->forEachRow(Rows, Tb, columnsOf(*Check.Check),
                       [&](Source &, Encoder &E, std::vector<z3::expr> &) {
                         Val B = E.encode(*Check.Check);
                         return !E.passes(B) || E.error();
                       });
}

Answer Prover::rowsNotNull(const Schema &S, llvm::StringRef Table,
                           llvm::StringRef C) {
  const ir::Table *Tb = S.findTable(Table);
  if (!Tb)
    return {};
  std::vector<Source> &Rows = P->rowsOf(Table, S);
  llvm::StringSet<> Seed;
  Seed.insert(C);
  return P->forEachRow(Rows, Tb, Seed,
                       [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
                         const Val *V = Src.find(C);
                         return V ? V->Null : P->ctx().bool_val(false);
                       });
}

Answer Prover::newColumnHolds(const Table &Before, const Op &O) {
  auto It = P->Rows.find(O.TableName);
  if (It == P->Rows.end())
    return {};
  const Column &Col = O.NewColumn;
  bool Checks = llvm::any_of(O.Constraints, [](const Constraint &K) {
    return K.Kind == ConstraintKind::Check && !K.NotValid;
  });
  // Nothing to hold: no check, and NULL is allowed or a literal default
  // (or an identity) fills every row.
  if (!Checks && (Col.Nullable || Col.Identity ||
                  (Col.Default && isLiteral(*Col.Default) &&
                   Col.Default->Kind != ast::ExprKind::NullLit)))
    return {};
  llvm::StringSet<> Seed;
  for (const Constraint &K : O.Constraints)
    if (K.Kind == ConstraintKind::Check)
      for (const auto &C : columnsOf(*K.Check))
        Seed.insert(C.getKey());
  return P->forEachRow(It->second, &Before, Seed,
                       [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
                         z3::expr_vector Bad(P->ctx());
                         const Val *V = Src.find(Col.Name);
                         if (V && !Col.Nullable)
                           Bad.push_back(V->Null);
                         for (const Constraint &K : O.Constraints)
                           if (K.Kind == ConstraintKind::Check && !K.NotValid)
                             Bad.push_back(!E.passes(E.encode(*K.Check)));
                         Bad.push_back(E.error());
                         return z3::mk_or(Bad);
                       });
}

Answer Prover::updateKeeps(const Schema &S, const Op &O) {
  const Table *Tb = S.findTable(O.TableName);
  if (!Tb)
    return {};
  // Literals into columns no check mentions: only NULL into a not-null
  // column could fail.
  bool Simple = llvm::all_of(O.Assignments, [&](const auto &A) {
    const Column *C = Tb->findColumn(A.first);
    if (!C || !isLiteral(*A.second) ||
        (!C->Nullable && A.second->Kind == ast::ExprKind::NullLit))
      return false;
    for (const Constraint &K : Tb->Constraints)
      if (K.Kind == ConstraintKind::Check &&
          llvm::is_contained(P->Uses.of(K.Check), A.first))
        return false;
    return true;
  });
  if (Simple)
    return {};
  std::vector<Source> &Rows = P->rowsOf(O.TableName, S);
  // The row after the update, per source, for the model's description.
  std::vector<std::pair<std::string, Val>> AfterCols;
  std::vector<std::pair<Blame, z3::expr>> Parts;
  // Only checks on an assigned column can change their verdict.
  llvm::StringSet<> Assigned, Seed;
  for (auto &[Col, X] : O.Assignments) {
    Assigned.insert(Col);
    Seed.insert(Col);
    for (const auto &C : columnsOf(*X))
      Seed.insert(C.getKey());
  }
  if (O.Value)
    for (const auto &C : columnsOf(*O.Value))
      Seed.insert(C.getKey());
  std::optional<z3::expr> WhereNow;
  return P->forEachRow(
      Rows, Tb, Seed,
      [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
        Parts.clear();
        z3::expr Where =
            O.Value ? E.isTrue(E.encode(*O.Value)) : P->ctx().bool_val(true);
        WhereNow = Where;
        Source After = Src;
        for (auto &[Col, X] : O.Assignments) {
          const Column *C = Tb->findColumn(Col);
          if (!C)
            continue;
          Val New = E.encode(*X, C->Ty);
          Parts.push_back({Blame::columnType(Tb->Name, Col, C->Ty.str()),
                           !E.fits(New, C->Ty)});
          if (Val *Slot = After.find(Col))
            *Slot = E.as(New, Slot->S);
        }
        Parts.push_back({Blame::error(Tb->Name), E.error()});
        Encoder AE = P->encoder(After);
        for (const Column &C : Tb->Columns)
          if (!C.Nullable && Assigned.count(C.Name))
            if (const Val *V = After.find(C.Name))
              Parts.push_back({Blame::notNull(Tb->Name, C.Name), V->Null});
        for (const Constraint &K : Tb->Constraints)
          if (K.Kind == ConstraintKind::Check &&
              llvm::any_of(columnsOf(*K.Check), [&](const auto &C) {
                return Assigned.count(C.getKey());
              })) {
            Val B = AE.encode(*K.Check);
            Parts.push_back(
                {Blame::check(Tb->Name, K.Name), !AE.passes(B) || AE.error()});
          }
        for (z3::expr &F : AE.Side)
          E.Side.push_back(F);
        AfterCols = After.Cols;
        z3::expr_vector Any(P->ctx());
        for (auto &[Name, B] : Parts)
          Any.push_back(B);
        return Where && z3::mk_or(Any);
      },
      [&](Source &Src, const z3::model &M, Answer &A) {
        for (auto &[Name, B] : Parts)
          if (M.eval(B, true).is_true()) {
            A.Violated = Name;
            A.Row = P->describe(Src, M, *WhereNow && B);
            break;
          }
        // A failed computation has no new value to show.
        if (A.Violated && A.Violated->is(Blame::Kind::Error))
          return;
        for (auto &[Col, X] : O.Assignments)
          for (size_t I = 0; I < AfterCols.size(); ++I)
            if (AfterCols[I].first == Col) {
              const Column *C = Tb->findColumn(Col);
              A.After.Values.push_back(
                  {Col, P->show(AfterCols[I].second, C ? C->Ty : Type(), M,
                                /*Computed=*/true)});
            }
      });
}

Answer Prover::batchEnds(const Table &Whole, const Op &O) {
  if (!O.Value)
    return {};
  llvm::StringSet<> Seed = columnsOf(*O.Value);
  for (auto &[Col, X] : O.Assignments) {
    Seed.insert(Col);
    for (const auto &C : columnsOf(*X))
      Seed.insert(C.getKey());
  }
  const Table T = P->slice(Whole, Seed);
  Source Row = P->anyRow(T, /*NullVars=*/false, /*Positional=*/true);
  std::vector<z3::expr> Facts = P->tableFacts(T, Row);
  Encoder E = P->encoder(Row);
  z3::expr Selected = E.isTrue(E.encode(*O.Value));
  Source After = Row;
  // A new value that does not fit fails the update: no batch loops then.
  z3::expr_vector Fits(P->ctx());
  for (auto &[Col, X] : O.Assignments) {
    const Column *C = T.findColumn(Col);
    Val *Slot = After.find(Col);
    if (!C || !Slot)
      continue;
    Val New = E.encode(*X, C->Ty);
    Fits.push_back(E.fits(New, C->Ty));
    *Slot = E.as(New, Slot->S);
  }
  Encoder AE = P->encoder(After);
  z3::expr Again = AE.isTrue(AE.encode(*O.Value));
  Facts.push_back(Selected && z3::mk_and(Fits) && !E.error() && Again &&
                  !AE.error());
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  for (z3::expr &F : AE.Side)
    Facts.push_back(F);
  return P->solve(Facts, {}, [&](const z3::model &M, Answer &A) {
    A.Row = P->describe(Row, M, Selected && Again);
    for (auto &[Col, X] : O.Assignments)
      if (const Val *V = After.find(Col)) {
        const Column *C = T.findColumn(Col);
        A.After.Values.push_back(
            {Col, P->show(*V, C ? C->Ty : Type(), M, /*Computed=*/true)});
      }
  });
}

Answer Prover::restores(llvm::StringRef Table,
                        const std::vector<std::string> &Columns) {
  auto It = P->Rows.find(Table);
  if (It == P->Rows.end() || It->second.empty() ||
      It->second[0].Origin.isValid())
    return {};
  Source &Src = It->second[0];
  std::vector<z3::expr> Facts = Src.Facts;
  Facts.push_back(Src.Alive);
  llvm::StringSet<> Seed;
  for (const std::string &C : Columns)
    Seed.insert(C);
  for (z3::expr &F : P->initialFacts(Src, Seed))
    Facts.push_back(F);
  z3::expr_vector Differs(P->ctx());
  for (const std::string &Col : Columns) {
    const Val *Now = Src.find(Col);
    const Val *Was = nullptr;
    for (auto &[Name, V] : Src.Original)
      if (Name == Col)
        Was = &V;
    if (!Now || !Was || Now->S != Was->S)
      continue;
    Differs.push_back(Now->Null != Was->Null ||
                      (!Was->Null && Now->V != Was->V));
  }
  if (Differs.empty())
    return {};
  Facts.push_back(z3::mk_or(Differs));
  return P->solve(Facts, {}, [&](const z3::model &M, Answer &A) {
    A.Row = P->describe(Src, M, z3::mk_or(Differs));
    for (const std::string &Col : Columns)
      if (const Val *Now = Src.find(Col))
        for (size_t I = 0; I < Src.Original.size(); ++I)
          if (Src.Original[I].first == Col)
            A.After.Values.push_back({Col, P->show(*Now, Src.OriginalTypes[I],
                                                   M, /*Computed=*/true)});
  });
}

} // namespace migc::smt
