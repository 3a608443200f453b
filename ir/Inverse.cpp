//===- Inverse.cpp - The inverse of each operation ------------------------===//

#include "ir/Inverse.h"

namespace migc::ir {

namespace {

/// A new operation of kind K standing in for O (same location). It keeps
/// O's `concurrently`: only index operations have it, their inverses are
/// index operations, and the inverse of a build or drop that must not lock
/// the table must not lock it either.
Op like(const Op &O, OpKind K) {
  Op N;
  N.Kind = K;
  N.Concurrently = O.Concurrently;
  N.Range = O.Range;
  N.TableName = O.TableName;
  N.TableRange = O.TableRange;
  N.ColumnName = O.ColumnName;
  N.ColumnRange = O.ColumnRange;
  return N;
}

Op dropConstraint(const Op &O, llvm::StringRef Table, llvm::StringRef Name) {
  Op N = like(O, OpKind::DropConstraint);
  N.TableName = Table.str();
  N.Name = Name.str();
  return N;
}

Op addConstraint(const Op &O, llvm::StringRef Table, const Constraint &C) {
  Op N = like(O, OpKind::AddConstraint);
  N.TableName = Table.str();
  N.Constraints.push_back(C);
  return N;
}

Op createIndex(const Op &O, const Index &I) {
  Op N = like(O, OpKind::CreateIndex);
  N.TableName = I.Table;
  N.NewIndex = I;
  return N;
}

/// The inverse of an insert: delete the inserted rows by a one-column
/// primary key whose values are literals.
std::optional<std::vector<Op>> invertInsert(const Op &O, const Schema &S) {
  const Table *T = S.findTable(O.TableName);
  const Constraint *PK = T ? T->primaryKey() : nullptr;
  if (!PK || PK->Columns.size() != 1 || O.Rows.empty())
    return std::nullopt;
  size_t Pos = 0;
  if (O.InsertColumns.empty()) {
    while (Pos < T->Columns.size() && T->Columns[Pos].Name != PK->Columns[0])
      ++Pos;
  } else {
    auto It = llvm::find(O.InsertColumns, PK->Columns[0]);
    if (It == O.InsertColumns.end())
      return std::nullopt;
    Pos = size_t(It - O.InsertColumns.begin());
  }
  auto In = std::make_shared<Expr>();
  In->Kind = ExprKind::In;
  In->Ty = Type::of(TypeKind::Bool);
  auto Key = std::make_shared<Expr>();
  Key->Kind = ExprKind::Column;
  Key->Column = PK->Columns[0];
  In->Args.push_back(Key);
  for (const std::vector<ExprPtr> &Row : O.Rows) {
    if (Pos >= Row.size())
      return std::nullopt;
    ExprKind K = Row[Pos]->Kind;
    if (K != ExprKind::IntLit && K != ExprKind::StringLit &&
        K != ExprKind::DecimalLit)
      return std::nullopt;
    In->Args.push_back(Row[Pos]);
  }
  Op D = like(O, OpKind::Delete);
  D.Value = In;
  return std::vector<Op>{D};
}

} // namespace

std::optional<std::vector<Op>> invertOp(const Op &O, const Schema &S) {
  const Table *T = S.findTable(O.TableName);
  const Column *C = T ? T->findColumn(O.ColumnName) : nullptr;
  std::vector<Op> Out;
  switch (O.Kind) {
  case OpKind::CreateTable: {
    Op N = like(O, OpKind::DropTable);
    N.TableName = O.NewTable.Name;
    Out.push_back(N);
    return Out;
  }
  case OpKind::DropTable: {
    if (!T)
      return Out;
    Op N = like(O, OpKind::CreateTable);
    N.NewTable = *T;
    Out.push_back(N);
    for (const Index *I : S.indexesOn(T->Name))
      Out.push_back(createIndex(O, *I));
    return Out;
  }
  case OpKind::RenameTable: {
    Op N = like(O, OpKind::RenameTable);
    N.TableName = O.Name;
    N.Name = O.TableName;
    Out.push_back(N);
    return Out;
  }
  case OpKind::AddColumn: {
    for (auto It = O.Constraints.rbegin(); It != O.Constraints.rend(); ++It)
      Out.push_back(dropConstraint(O, O.TableName, It->Name));
    Op N = like(O, OpKind::DropColumn);
    N.ColumnName = O.NewColumn.Name;
    Out.push_back(N);
    return Out;
  }
  case OpKind::DropColumn: {
    if (!C)
      return Out;
    Op N = like(O, OpKind::AddColumn);
    N.NewColumn = *C;
    Out.push_back(N);
    // What the drop took with it comes back after the column.
    ColumnDependents D = columnDependents(S, *T, C->Name);
    for (const std::string &Name : D.Constraints)
      Out.push_back(addConstraint(O, T->Name, *T->findConstraint(Name)));
    for (const std::string &Name : D.Indexes)
      Out.push_back(createIndex(O, *S.findIndex(Name)));
    return Out;
  }
  case OpKind::RenameColumn: {
    Op N = like(O, OpKind::RenameColumn);
    N.ColumnName = O.Name;
    N.Name = O.ColumnName;
    Out.push_back(N);
    return Out;
  }
  case OpKind::AlterColumnType: {
    if (!C)
      return Out;
    Op N = like(O, OpKind::AlterColumnType);
    N.NewType = C->Ty;
    // Back to the old type needs an explicit conversion where PostgreSQL
    // has no automatic one.
    if (O.NewType && !isAssignable(*O.NewType, C->Ty) && !C->Ty.isString()) {
      auto Col = std::make_shared<Expr>();
      Col->Kind = ExprKind::Column;
      Col->Column = C->Name;
      Col->Ty = *O.NewType;
      auto Cast = std::make_shared<Expr>();
      Cast->Kind = ExprKind::Cast;
      Cast->CastType = C->Ty;
      Cast->Ty = C->Ty;
      Cast->Args.push_back(Col);
      N.Value = Cast;
    }
    Out.push_back(N);
    return Out;
  }
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
    if (C && C->Nullable == (O.Kind == OpKind::DropNotNull))
      return Out; // it changed nothing
    Out.push_back(like(O, O.Kind == OpKind::SetNotNull ? OpKind::DropNotNull
                                                       : OpKind::SetNotNull));
    return Out;
  case OpKind::SetDefault:
  case OpKind::DropDefault: {
    if (!C)
      return Out;
    if (C->Default) {
      Op N = like(O, OpKind::SetDefault);
      N.Value = C->Default;
      Out.push_back(N);
    } else if (O.Kind == OpKind::SetDefault) {
      Out.push_back(like(O, OpKind::DropDefault));
    }
    return Out;
  }
  case OpKind::CreateIndex: {
    Op N = like(O, OpKind::DropIndex);
    N.Name = O.NewIndex.Name;
    Out.push_back(N);
    return Out;
  }
  case OpKind::DropIndex:
    if (const Index *I = S.findIndex(O.Name))
      Out.push_back(createIndex(O, *I));
    return Out;
  case OpKind::AddConstraint: {
    const Constraint &K = O.Constraints.front();
    Out.push_back(dropConstraint(O, O.TableName, K.Name));
    // A primary key made its columns not null; those that were nullable
    // become so again.
    if (K.Kind == ConstraintKind::PrimaryKey && T)
      for (const std::string &Col : K.Columns)
        if (const Column *C = T->findColumn(Col); C && C->Nullable) {
          Op N = like(O, OpKind::DropNotNull);
          N.ColumnName = Col;
          Out.push_back(N);
        }
    // `using index`: dropping the key drops its index too (PostgreSQL
    // cannot detach one), so the index comes back by a build, under its
    // old name, in the same transaction (docs/decisions.md).
    if (!K.UsingIndex.empty())
      if (const Index *I = S.findIndex(K.UsingIndex))
        Out.push_back(createIndex(O, *I));
    return Out;
  }
  case OpKind::DropConstraint:
    if (T)
      for (const Constraint &K : T->Constraints)
        if (K.Name == O.Name)
          Out.push_back(addConstraint(O, T->Name, K));
    return Out;
  case OpKind::ValidateConstraint:
    // Nothing: PostgreSQL cannot make a constraint `not valid` again, and
    // a valid one only says that the rows were checked. The inverse check
    // accepts a constraint that `up` validated and `down` leaves valid
    // (docs/decisions.md, "validate constraint").
    return Out;
  case OpKind::Insert:
    return invertInsert(O, S);
  case OpKind::Sql:
    if (!O.SqlDown)
      return std::nullopt;
    {
      Op N = like(O, OpKind::Sql);
      N.Sql = *O.SqlDown;
      N.SqlDown = O.Sql;
      N.Dialect = O.Dialect;
      Out.push_back(N);
    }
    return Out;
  case OpKind::Update:
  case OpKind::Delete:
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace migc::ir
