//===- Lower.cpp - AST operations to IR against the current schema --------===//

#include "ir/Inverse.h"
#include "ir/Names.h"
#include "ir/Replay.h"
#include "ir/Touches.h"
#include "ir/TypeCheck.h"

#include <set>

namespace migc::ir {

namespace {

class Lowerer {
public:
  Lowerer(const Schema &S, DiagList &Diags) : S(S), Diags(Diags) {}

  Op lower(const ast::Op &A);

private:
  Type type(const ast::TypeName &T) {
    TypeOrError R = typeFromSpelling(T.Keyword, T.Params);
    if (R.Ty)
      return *R.Ty;
    Diags.emplace_back(Rule::InvalidType, T.Range, R.Error);
    return Type::of(TypeKind::Error);
  }

  ExprPtr defaultValue(const ast::Expr &E, Type ColTy) {
    ExprPtr D = typeCheck(E, {"", {}, false, "a default"}, Diags);
    expectAssignable(*D, ColTy, "the default", Diags);
    return D;
  }

  Column column(const ast::ColumnDef &C);
  Constraint constraint(const ast::TableConstraint &C,
                        llvm::StringRef TableName,
                        const CowVector<Column> &Columns,
                        const Table *SelfReference);
  void nameConstraints(CowVector<Constraint> &Cs, llvm::StringRef Table);
  Constraint keyUsingIndex(const ast::TableConstraint &C);
  void createTable(const ast::Op &A, Op &O);
  void addColumn(const ast::Op &A, Op &O);
  void alterType(const ast::Op &A, Op &O, const Table &T, const Column &C);
  void createIndex(const ast::Op &A, Op &O);
  void update(const ast::Op &A, Op &O, const Table &T);
  void insert(const ast::Op &A, Op &O, const Table &T);

  /// PostgreSQL cuts longer names to 63 bytes: two names that differ only
  /// after that would silently become one.
  void checkName(llvm::StringRef Name, llvm::SMRange At) {
    if (Name.size() <= 63 || Name.size() > 1024)
      return; // past 1024 the frontend has said so already
    Diags.emplace_back(Rule::IdentifierTooLong, At,
                       "name " + quote(Name.take_front(63)) + "... is " +
                           std::to_string(Name.size()) +
                           " bytes long; PostgreSQL cuts names to 63 bytes, "
                           "so two long names could silently become the same");
  }

  ColumnScope scope(const Table &T, llvm::StringRef What) {
    return {T.Name, T.Columns, true, What};
  }

  const Schema &S;
  DiagList &Diags;
  /// Names taken by earlier constraints of the same operation.
  std::set<std::string, std::less<>> TakenConstraints, TakenRelations;
};

Column Lowerer::column(const ast::ColumnDef &C) {
  Column Col;
  Col.Name = C.ColName.Text;
  checkName(Col.Name, C.ColName.Range);
  Col.Range = C.Range;
  Col.Ty = type(C.Type);
  Col.Nullable = !C.NotNull;
  if (C.Default)
    Col.Default = defaultValue(*C.Default, Col.Ty);
  if (C.Identity) {
    Col.Identity = true;
    Col.Nullable = false;
    if (!Col.Ty.isInteger() && !Col.Ty.isError())
      Diags.emplace_back(Rule::TypeMismatch, *C.Identity,
                         "`identity` needs an integer column, but " +
                             quote(Col.Name) + " is " + Col.Ty.str());
    if (C.Default)
      Diags.emplace_back(Rule::TypeMismatch, *C.Identity,
                         "column " + quote(Col.Name) +
                             " has both a default and `identity`; keep one");
  }
  if (C.NotNull && C.ExplicitNull)
    Diags.emplace_back(Rule::MalformedMigration, *C.ExplicitNull,
                       "column " + quote(Col.Name) +
                           " is declared both `null` and `not null`");
  for (const ast::TableConstraint &TC : C.Constraints)
    if (TC.Kind == ConstraintKind::PrimaryKey)
      Col.Nullable = false;
  return Col;
}

Constraint Lowerer::constraint(const ast::TableConstraint &C,
                               llvm::StringRef TableName,
                               const CowVector<Column> &Columns,
                               const Table *SelfReference) {
  Constraint K;
  K.Kind = C.Kind;
  K.Range = C.Range;
  K.RefTableRange = C.RefTable.Range;
  K.NotValid = C.NotValid;
  K.OnDelete = C.OnDelete;
  K.OnUpdate = C.OnUpdate;
  if (C.ConstraintName) {
    K.Name = C.ConstraintName->Text;
    K.NameRange = C.ConstraintName->Range;
    K.NameGiven = true;
    checkName(K.Name, C.ConstraintName->Range);
  }
  for (const ast::Name &N : C.Columns)
    K.Columns.push_back(N.Text);
  if (C.Check) {
    K.Check = typeCheck(*C.Check, {TableName, Columns, true, "a check"}, Diags);
    expectBool(*K.Check, "a check", Diags);
  }
  if (C.Kind != ConstraintKind::ForeignKey)
    return K;
  K.RefTable = C.RefTable.Text;
  for (const ast::Name &N : C.RefColumns)
    K.RefColumns.push_back(N.Text);
  if (!K.RefColumns.empty())
    return K;
  // `references t` means t's primary key. A table being created resolves
  // its own references once all its constraints are known.
  if (K.RefTable == TableName && SelfReference)
    return K;
  const Table *Target = S.findTable(K.RefTable);
  if (!Target)
    return K;
  if (const Constraint *PK = Target->primaryKey())
    K.RefColumns = PK->Columns;
  else
    Diags.emplace_back(Rule::FkTargetNotUnique, C.RefTable.Range,
                       "table " + quote(K.RefTable) +
                           " has no primary key, so `references " + K.RefTable +
                           "` needs the columns it refers to");
  return K;
}

/// `add constraint [n] on t unique using index i`: the key takes the
/// index's columns (the replay checks that it can) and, unnamed, its name,
/// as PostgreSQL does.
Constraint Lowerer::keyUsingIndex(const ast::TableConstraint &C) {
  Constraint K;
  K.Kind = C.Kind;
  K.Range = C.Range;
  K.NotValid = C.NotValid;
  K.UsingIndex = C.UsingIndex->Text;
  K.UsingIndexRange = C.UsingIndex->Range;
  if (C.ConstraintName) {
    K.Name = C.ConstraintName->Text;
    K.NameRange = C.ConstraintName->Range;
    K.NameGiven = true;
    checkName(K.Name, C.ConstraintName->Range);
  } else {
    K.Name = K.UsingIndex;
  }
  if (const Index *I = S.findIndex(K.UsingIndex))
    for (const IndexKey &Key : I->Keys)
      K.Columns.push_back(Key.Column);
  return K;
}

void Lowerer::nameConstraints(CowVector<Constraint> &Cs,
                              llvm::StringRef Table) {
  for (const Constraint &C : Cs)
    if (C.NameGiven) {
      TakenConstraints.insert(C.Name);
      if (C.hasIndex())
        TakenRelations.insert(C.Name);
    }
  for (size_t I = 0; I < Cs.size(); ++I) {
    if (Cs[I].NameGiven)
      continue;
    Constraint &C = Cs[I];
    auto ConstraintUsed = [&](llvm::StringRef N) {
      return TakenConstraints.count(N) || S.constraintNameUsed(N);
    };
    auto RelationUsed = [&](llvm::StringRef N) {
      return ConstraintUsed(N) || TakenRelations.count(N) ||
             S.relationUsing(N) || N == Table;
    };
    switch (C.Kind) {
    case ConstraintKind::PrimaryKey:
      C.Name = chooseName(Table, "", "pkey", RelationUsed);
      break;
    case ConstraintKind::Unique:
      C.Name = chooseName(Table, joinColumns(C.Columns), "key", RelationUsed);
      break;
    case ConstraintKind::ForeignKey:
      C.Name =
          chooseName(Table, joinColumns(C.Columns), "fkey", ConstraintUsed);
      break;
    case ConstraintKind::Check: {
      // PostgreSQL names a check after its column only when it uses exactly
      // one column.
      std::set<std::string> Used;
      forEachColumn(*C.Check, [&](const Expr &E) { Used.insert(E.Column); });
      C.Name = chooseName(Table, Used.size() == 1 ? *Used.begin() : "", "check",
                          ConstraintUsed);
      break;
    }
    }
    TakenConstraints.insert(C.Name);
    if (C.hasIndex())
      TakenRelations.insert(C.Name);
  }
}

void Lowerer::createTable(const ast::Op &A, Op &O) {
  Table &T = O.NewTable;
  T.Name = A.Table.Text;
  checkName(T.Name, A.Table.Range);
  T.Range = A.Range;
  for (const ast::ColumnDef &C : A.Columns)
    T.Columns.push_back(column(C));
  for (const ast::ColumnDef &C : A.Columns)
    for (const ast::TableConstraint &TC : C.Constraints)
      T.Constraints.push_back(constraint(TC, T.Name, T.Columns, &T));
  for (const ast::TableConstraint &TC : A.Constraints)
    T.Constraints.push_back(constraint(TC, T.Name, T.Columns, &T));
  // A copy: writing an element may move its neighbours (ir/CowVector.h).
  std::optional<std::vector<std::string>> PK;
  if (const Constraint *Key = T.primaryKey())
    PK = Key->Columns;
  for (size_t I = 0; I < T.Constraints.size(); ++I)
    if (const Constraint &Ro = T.Constraints[I];
        Ro.Kind == ConstraintKind::ForeignKey && Ro.RefTable == T.Name &&
        Ro.RefColumns.empty()) {
      Constraint &K = T.Constraints[I];
      if (PK)
        K.RefColumns = *PK;
      else
        Diags.emplace_back(Rule::FkTargetNotUnique, K.RefTableRange,
                           "table " + quote(T.Name) +
                               " has no primary key, so `references " + T.Name +
                               "` needs the columns it refers to");
    }
  // Primary key columns are not null, however they were declared.
  for (size_t I = 0; I < T.Constraints.size(); ++I)
    if (T.Constraints[I].Kind == ConstraintKind::PrimaryKey)
      for (const std::string &Col : T.Constraints[I].Columns)
        if (Column *C = T.findColumn(Col))
          C->Nullable = false;
  nameConstraints(T.Constraints, T.Name);
}

void Lowerer::addColumn(const ast::Op &A, Op &O) {
  const ast::ColumnDef &Def = A.Columns.front();
  O.NewColumn = column(Def);
  const Table *T = S.findTable(O.TableName);
  CowVector<Column> Scope = T ? T->Columns : CowVector<Column>();
  Scope.push_back(O.NewColumn);
  for (const ast::TableConstraint &TC : Def.Constraints)
    O.Constraints.push_back(constraint(TC, O.TableName, Scope, nullptr));
  nameConstraints(O.Constraints, O.TableName);
}

void Lowerer::alterType(const ast::Op &A, Op &O, const Table &T,
                        const Column &C) {
  Type To = *O.NewType;
  if (A.Value) {
    O.Value = typeCheck(*A.Value, scope(T, "`using`"), Diags);
    if (!isCastable(O.Value->Ty, To))
      Diags.emplace_back(Rule::TypeMismatch, A.Value->Range,
                         "`using` gives " + O.Value->Ty.str() +
                             ", which cannot be converted to " + To.str());
    return;
  }
  if (isAssignable(C.Ty, To) || To.isString() || To.isError())
    return;
  Diags.emplace_back(Rule::TypeMismatch, A.Type.Range,
                     "changing " + quote(T.Name + "." + C.Name) + " from " +
                         C.Ty.str() + " to " + To.str() +
                         " needs `using (...)`: there is no automatic "
                         "conversion between them");
}

void Lowerer::createIndex(const ast::Op &A, Op &O) {
  Index &I = O.NewIndex;
  I.Table = O.TableName;
  I.Unique = A.Unique;
  I.Range = A.Range;
  std::vector<std::string> Cols;
  for (const ast::IndexColumn &K : A.IndexColumns) {
    I.Keys.push_back({K.Col.Text, K.Desc, K.Col.Range});
    Cols.push_back(K.Col.Text);
  }
  I.NameGiven = !A.NewName.Text.empty();
  checkName(A.NewName.Text, A.NewName.Range);
  I.Name = I.NameGiven ? A.NewName.Text
                       : chooseName(I.Table, joinColumns(Cols), "idx",
                                    [&](llvm::StringRef N) {
                                      return S.relationUsing(N).has_value();
                                    });
  const Table *T = S.findTable(I.Table);
  if (A.Value && T) {
    I.Where = typeCheck(*A.Value, scope(*T, "an index predicate"), Diags);
    expectBool(*I.Where, "an index predicate", Diags);
    // PostgreSQL refuses a predicate whose value may change: functions in
    // index predicate must be marked IMMUTABLE.
    if (const Expr *V = mutableCall(*I.Where))
      Diags.emplace_back(Rule::TypeMismatch, V->Range,
                         "an index predicate cannot use `" + print(*V) +
                             "`: its value changes, and PostgreSQL accepts "
                             "only immutable functions there");
  }
}

void Lowerer::update(const ast::Op &A, Op &O, const Table &T) {
  for (const ast::Assignment &As : A.Assignments) {
    ExprPtr V = typeCheck(*As.Value, scope(T, "a value"), Diags);
    if (const Column *C = T.findColumn(As.Col.Text))
      expectAssignable(*V, C->Ty, "the value", Diags);
    O.Assignments.push_back({As.Col.Text, V});
    O.AssignmentRanges.push_back(As.Col.Range);
  }
  O.BatchSize = A.BatchSize;
  O.BatchRange = A.BatchRange;
  if (A.Value) {
    O.Value = typeCheck(*A.Value, scope(T, "a condition"), Diags);
    expectBool(*O.Value, "a `where` condition", Diags);
  }
}

void Lowerer::insert(const ast::Op &A, Op &O, const Table &T) {
  for (const ast::Name &N : A.InsertColumns) {
    O.InsertColumns.push_back(N.Text);
    O.InsertColumnRanges.push_back(N.Range);
  }
  std::vector<const Column *> Targets;
  if (A.InsertColumns.empty()) {
    for (const Column &C : T.Columns)
      Targets.push_back(&C);
  } else {
    for (const ast::Name &N : A.InsertColumns)
      Targets.push_back(T.findColumn(N.Text));
  }
  for (const std::vector<ast::ExprPtr> &Row : A.Rows) {
    std::vector<ExprPtr> Values;
    for (const ast::ExprPtr &V : Row)
      Values.push_back(
          typeCheck(*V, {T.Name, {}, false, "an inserted value"}, Diags));
    if (Values.size() != Targets.size()) {
      auto Count = [](size_t N, const char *Word) {
        return std::to_string(N) + " " + Word + (N == 1 ? "" : "s");
      };
      Diags.emplace_back(Rule::ValueCountMismatch, Row.front()->Range,
                         "this row has " + Count(Values.size(), "value") +
                             " for " + Count(Targets.size(), "column"));
    } else {
      for (size_t I = 0; I < Values.size(); ++I)
        if (Targets[I])
          expectAssignable(*Values[I], Targets[I]->Ty, "the value", Diags);
    }
    O.Rows.push_back(std::move(Values));
  }
}

Op Lowerer::lower(const ast::Op &A) {
  Op O;
  O.Kind = A.Kind;
  O.Range = A.Range;
  O.TableName = A.Table.Text;
  O.TableRange = A.Table.Range;
  O.ColumnName = A.Column.Text;
  O.ColumnRange = A.Column.Range;
  O.Name = A.NewName.Text;
  O.NameRange = A.NewName.Range;
  O.Concurrently = A.Concurrently;
  const Table *T = S.findTable(O.TableName);
  const Column *C = T ? T->findColumn(O.ColumnName) : nullptr;
  if (A.Kind == OpKind::RenameTable || A.Kind == OpKind::RenameColumn)
    checkName(O.Name, O.NameRange);
  switch (A.Kind) {
  case OpKind::CreateTable:
    createTable(A, O);
    break;
  case OpKind::AddColumn:
    addColumn(A, O);
    break;
  case OpKind::AlterColumnType:
    O.NewType = type(A.Type);
    if (T && C)
      alterType(A, O, *T, *C);
    break;
  case OpKind::SetDefault:
    O.Value = defaultValue(*A.Value, C ? C->Ty : Type::of(TypeKind::Error));
    break;
  case OpKind::CreateIndex:
    createIndex(A, O);
    break;
  case OpKind::AddConstraint:
    if (T && A.Constraints.front().UsingIndex) {
      O.Constraints.push_back(keyUsingIndex(A.Constraints.front()));
    } else if (T) {
      O.Constraints.push_back(
          constraint(A.Constraints.front(), T->Name, T->Columns, nullptr));
      nameConstraints(O.Constraints, T->Name);
    } else {
      O.Constraints.push_back(Constraint());
    }
    break;
  case OpKind::Update:
    if (T)
      update(A, O, *T);
    break;
  case OpKind::Delete:
    if (T && A.Value) {
      O.Value = typeCheck(*A.Value, scope(*T, "a condition"), Diags);
      expectBool(*O.Value, "a `where` condition", Diags);
    }
    break;
  case OpKind::Insert:
    if (T)
      insert(A, O, *T);
    break;
  case OpKind::Sql:
    O.Sql = A.Sql;
    O.SqlDown = A.SqlDown;
    if (A.Dialect) {
      O.Dialect = A.Dialect->Text;
      if (O.Dialect != "postgres" && O.Dialect != "mysql")
        Diags.emplace_back(Rule::SyntaxError, A.Dialect->Range,
                           "unknown dialect " + quote(O.Dialect) +
                               "; write `postgres` or `mysql`");
    }
    break;
  case OpKind::DropTable:
  case OpKind::RenameTable:
  case OpKind::DropColumn:
  case OpKind::RenameColumn:
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::DropDefault:
  case OpKind::DropIndex:
  case OpKind::DropConstraint:
  case OpKind::ValidateConstraint:
    break;
  }
  return O;
}

} // namespace

Op lowerOp(const ast::Op &O, const Schema &S, DiagList &Diags) {
  return Lowerer(S, Diags).lower(O);
}

Migration lowerHeader(const ast::Migration &M) {
  Migration IR;
  IR.Name = M.MigName.Text;
  IR.NameRange = M.MigName.Range;
  IR.Range = M.Range;
  for (const ast::Name &R : M.Requires) {
    IR.Requires.push_back(R.Text);
    IR.RequiresRanges.push_back(R.Range);
  }
  IR.Author = M.Author;
  IR.Description = M.Description;
  IR.Irreversible = M.Irreversible;
  IR.LockTimeout = M.LockTimeout;
  IR.StatementTimeout = M.StatementTimeout;
  if (M.NoTransaction) {
    IR.NoTransaction = true;
    IR.NoTransactionRange = *M.NoTransaction;
  }
  return IR;
}

} // namespace migc::ir
