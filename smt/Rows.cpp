//===- Rows.cpp - The rows of a migration, followed op by op --------------===//

#include "smt/ProverImpl.h"

namespace migc::smt {

using namespace ir;

std::vector<Source> &Prover::Impl::rowsOf(llvm::StringRef Table,
                                          const Schema &S) {
  auto It = Rows.find(Table);
  if (It != Rows.end())
    return It->second;
  std::vector<Source> &R = Rows[Table];
  if (const ir::Table *Tb = S.findTable(Table)) {
    Source Any = anyRow(*Tb);
    Any.Initial = std::make_shared<const ir::Table>(*Tb);
    R.push_back(std::move(Any));
  }
  return R;
}

std::vector<z3::expr>
Prover::Impl::initialFacts(const Source &S, const llvm::StringSet<> &Seed) {
  if (!S.Initial)
    return {};
  llvm::StringSet<> Reach;
  std::set<unsigned> Consts;
  for (const auto &[Name, V] : S.Cols)
    if (Seed.count(Name)) {
      constantsIn(V.V, Consts);
      constantsIn(V.Null, Consts);
    }
  constantsIn(S.Alive, Consts);
  for (const auto &[Name, V] : S.Original)
    for (const z3::expr *X : {&V.V, &V.Null})
      if (X->is_const() && X->decl().decl_kind() == Z3_OP_UNINTERPRETED &&
          Consts.count(Z3_get_ast_id(ctx(), *X)))
        Reach.insert(Name);
  Source Was = S;
  Was.Cols = S.Original;
  return tableFacts(slice(*S.Initial, Reach), Was, nullptr, nullptr,
                    /*ExistingRows=*/true);
}

Answer Prover::Impl::forEachRow(
    std::vector<Source> &Rows, const Table *Whole,
    const llvm::StringSet<> &Seed,
    llvm::function_ref<z3::expr(Source &, Encoder &, std::vector<z3::expr> &)>
        Bad,
    llvm::function_ref<void(Source &, const z3::model &, Answer &)> More) {
  Answer Result;
  std::optional<Table> Slice;
  if (Whole)
    Slice = this->slice(*Whole, Seed);
  const Table *Now = Slice ? &*Slice : nullptr;
  for (Source &S : Rows) {
    std::vector<z3::expr> Facts = S.Facts;
    Facts.push_back(S.Alive);
    for (z3::expr &F : initialFacts(S, Slice ? columnSet(*Slice) : Seed))
      Facts.push_back(F);
    if (Now)
      for (z3::expr &F : tableFacts(*Now, S, nullptr, nullptr,
                                    /*ExistingRows=*/true))
        Facts.push_back(F);
    Encoder E = encoder(S);
    z3::expr B = Bad(S, E, Facts);
    for (z3::expr &F : E.Side)
      Facts.push_back(F);
    Facts.push_back(B);
    Answer A = solve(Facts, {}, [&](const z3::model &M, Answer &A) {
      A.Row = describe(S, M, B);
      if (More)
        More(S, M, A);
    });
    if (A.fails()) {
      A.Origin = S.Origin;
      return A;
    }
    if (A.unknown())
      Result = A;
  }
  return Result;
}

// --------------------------------------------------------- migration rows

void Prover::beginMigration() {
  P->Rows.clear();
  P->RowsOf = nullptr;
  P->InsertRows.clear();
}

bool Prover::mayHaveRows(llvm::StringRef Table) const {
  auto It = P->Rows.find(Table);
  return It == P->Rows.end() || !It->second.empty();
}

void Prover::apply(const Op &O, const Schema &S) {
  Impl &I = *P;
  switch (O.Kind) {
  case OpKind::CreateTable:
    I.Rows[O.NewTable.Name].clear();
    return;
  case OpKind::DropTable:
    I.Rows.erase(O.TableName);
    return;
  case OpKind::RenameTable: {
    std::vector<Source> R = std::move(I.rowsOf(O.TableName, S));
    I.Rows.erase(O.TableName);
    I.Rows[O.Name] = std::move(R);
    return;
  }
  case OpKind::Sql:
    // Opaque: from here every table holds any rows its constraints allow.
    I.Rows.clear();
    return;
  case OpKind::AddColumn:
  case OpKind::DropColumn:
  case OpKind::RenameColumn:
  case OpKind::AlterColumnType:
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::SetDefault:
  case OpKind::DropDefault:
  case OpKind::CreateIndex:
  case OpKind::DropIndex:
  case OpKind::AddConstraint:
  case OpKind::DropConstraint:
  case OpKind::ValidateConstraint:
  case OpKind::Update:
  case OpKind::Delete:
  case OpKind::Insert:
    break; // the table's rows, below
  }
  std::vector<Source> &Rows = I.rowsOf(O.TableName, S);
  const Table *Tb = S.findTable(O.TableName);
  for (Source &Src : Rows) {
    Encoder E = I.encoder(Src);
    switch (O.Kind) {
    case OpKind::AddColumn:
      Src.Cols.push_back({O.NewColumn.Name, I.defaultValue(E, O.NewColumn)});
      break;
    case OpKind::DropColumn:
      llvm::erase_if(Src.Cols,
                     [&](auto &C) { return C.first == O.ColumnName; });
      break;
    case OpKind::RenameColumn:
      for (auto &C : Src.Cols)
        if (C.first == O.ColumnName)
          C.first = O.Name;
      break;
    case OpKind::AlterColumnType:
      if (Val *V = Src.find(O.ColumnName)) {
        Val New = O.Value ? E.encode(*O.Value, *O.NewType) : *V;
        *V = E.store(New, *O.NewType);
      }
      break;
    case OpKind::SetNotNull:
      if (Val *V = Src.find(O.ColumnName))
        Src.Facts.push_back(z3::implies(Src.Alive, !V->Null));
      break;
    case OpKind::AddConstraint: {
      const Constraint &K = O.Constraints.front();
      if (K.Kind == ConstraintKind::Check && !K.NotValid) {
        Val B = E.encode(*K.Check);
        Src.Facts.push_back(z3::implies(Src.Alive, E.passes(B) && !E.error()));
      }
      break;
    }
    case OpKind::ValidateConstraint: {
      // Validated: every row that is still there passes it.
      const Constraint *K = Tb ? Tb->findConstraint(O.Name) : nullptr;
      if (K && K->Kind == ConstraintKind::Check) {
        Val B = E.encode(*K->Check);
        Src.Facts.push_back(z3::implies(Src.Alive, E.passes(B) && !E.error()));
      }
      break;
    }
    case OpKind::Update: {
      z3::expr Where =
          O.Value ? E.isTrue(E.encode(*O.Value)) : I.ctx().bool_val(true);
      std::vector<std::pair<std::string, Val>> New;
      for (auto &[Col, X] : O.Assignments) {
        const Column *C = Tb ? Tb->findColumn(Col) : nullptr;
        Type Ty = C ? C->Ty : X->Ty;
        New.push_back({Col, E.store(E.encode(*X, Ty), Ty)});
      }
      // Only successful runs matter: rows where it fails stop the migration.
      if (!E.error().is_false())
        Src.Facts.push_back(!(Src.Alive && Where && E.error()));
      for (auto &[Col, V] : New)
        if (Val *Old = Src.find(Col)) {
          Val X = E.as(V, Old->S);
          *Old = Val{z3::ite(Where, X.V, Old->V),
                     z3::ite(Where, X.Null, Old->Null), Old->S};
        }
      // The database rejects an update that breaks a check or not null:
      // rows of a successful run satisfy them afterwards.
      if (Tb) {
        llvm::StringSet<> Assigned;
        for (auto &[Col, X] : O.Assignments)
          Assigned.insert(Col);
        for (z3::expr &F : I.tableFacts(I.slice(*Tb, Assigned), Src, nullptr,
                                        nullptr, /*ExistingRows=*/true))
          Src.Facts.push_back(z3::implies(Src.Alive, F));
      }
      break;
    }
    case OpKind::Delete:
      Src.Alive = Src.Alive && !(O.Value ? E.isTrue(E.encode(*O.Value))
                                         : I.ctx().bool_val(true));
      break;
    case OpKind::DropNotNull:
    case OpKind::SetDefault:
    case OpKind::DropDefault:
    case OpKind::CreateIndex:
    case OpKind::DropIndex:
    case OpKind::DropConstraint:
      break; // the rows keep their values
    case OpKind::Insert:
      break; // adds rows, below
    case OpKind::CreateTable:
    case OpKind::DropTable:
    case OpKind::RenameTable:
    case OpKind::Sql:
      break; // returned above
    }
    for (z3::expr &F : E.Side)
      Src.Facts.push_back(F);
    if ((O.Kind == OpKind::AddColumn || O.Kind == OpKind::AlterColumnType) &&
        !E.error().is_false())
      Src.Facts.push_back(!(Src.Alive && E.error()));
  }
  if (O.Kind == OpKind::Insert && Tb) {
    for (unsigned R = 0; R < O.Rows.size(); ++R) {
      if (Rows.size() >= MaxInsertedRows) {
        Source Any = I.anyRow(*Tb);
        Any.Initial = std::make_shared<const ir::Table>(*Tb);
        Rows.push_back(std::move(Any));
        break;
      }
      std::vector<z3::expr> Errors;
      Source Src = I.insertedRow(*Tb, O, R, Errors);
      for (z3::expr &E : Errors)
        Src.Facts.push_back(!E);
      Rows.push_back(std::move(Src));
    }
  }
}

} // namespace migc::smt
