//===- OpPrinter.cpp - IR operations in .mig syntax -----------------------===//
//
// What `migc check --dump=down` shows, and what the round-trip tests parse
// back: the output is .mig that migc accepts, with every name chosen.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "ir/SchemaPrinter.h"

namespace migc::ir {

std::string printName(llvm::StringRef N) {
  return isPlainName(N) ? N.str() : quoteIdent(N);
}

namespace {

std::string names(const std::vector<std::string> &Ns) {
  std::string Out;
  for (const std::string &N : Ns)
    Out += (Out.empty() ? "" : ", ") + printName(N);
  return Out;
}

std::string action(const char *Event, RefAction A) {
  if (A == RefAction::NoAction)
    return "";
  return std::string(" on ") + Event + " " + refActionName(A).str();
}

std::string columnDef(const Column &C) {
  std::string S = printName(C.Name) + " " + C.Ty.str();
  if (!C.Nullable && !C.Identity)
    S += " not null";
  if (C.Identity)
    S += " identity";
  if (C.Default)
    S += " default " + print(*C.Default);
  return S;
}

std::string qualified(llvm::StringRef T, llvm::StringRef C) {
  return printName(T) + "." + printName(C);
}

std::string indexKeys(const Index &I) {
  std::string Out;
  for (const IndexKey &K : I.Keys)
    Out += (Out.empty() ? "" : ", ") + printName(K.Column) +
           (K.Desc ? " desc" : "");
  return Out;
}

} // namespace

std::string printConstraintBody(const Constraint &C) {
  if (!C.UsingIndex.empty())
    return std::string(C.Kind == ConstraintKind::PrimaryKey ? "primary key"
                                                            : "unique") +
           " using index " + printName(C.UsingIndex);
  switch (C.Kind) {
  case ConstraintKind::PrimaryKey:
    return "primary key (" + names(C.Columns) + ")";
  case ConstraintKind::Unique:
    return "unique (" + names(C.Columns) + ")";
  case ConstraintKind::Check:
    return "check (" + print(*C.Check) + ")";
  case ConstraintKind::ForeignKey:
    return "foreign key (" + names(C.Columns) + ") references " +
           printName(C.RefTable) + " (" + names(C.RefColumns) + ")" +
           action("delete", C.OnDelete) + action("update", C.OnUpdate);
  }
  return "";
}

std::string printCreateTable(const Table &T) {
  std::string S = "create table " + printName(T.Name) + " (";
  bool First = true;
  for (const Column &C : T.Columns) {
    S += (First ? "\n  " : ",\n  ") + columnDef(C);
    First = false;
  }
  for (const Constraint &C : T.Constraints) {
    if (C.NotValid)
      continue; // only `add constraint` can say `not valid`
    S += (First ? "\n  " : ",\n  ") + std::string("constraint ") +
         printName(C.Name) + " " + printConstraintBody(C);
    First = false;
  }
  S += "\n);";
  for (const Constraint &C : T.Constraints)
    if (C.NotValid)
      S += "\nadd constraint " + printName(C.Name) + " on " +
           printName(T.Name) + " " + printConstraintBody(C) + " not valid;";
  return S;
}

std::string printCreateIndex(const Index &I, bool Concurrently) {
  std::string S = std::string("create ") + (I.Unique ? "unique " : "") +
                  "index " + (Concurrently ? "concurrently " : "") +
                  printName(I.Name) + " on " + printName(I.Table) + " (" +
                  indexKeys(I) + ")";
  if (I.Where)
    S += " where (" + print(*I.Where) + ")";
  return S + ";";
}

std::string printOpInline(const Op &O) {
  std::string S = printOp(O);
  if (!S.empty() && S.back() == ';')
    S.pop_back();
  return S;
}

std::string printOp(const Op &O) {
  const std::string T = printName(O.TableName);
  const std::string Col = qualified(O.TableName, O.ColumnName);
  switch (O.Kind) {
  case OpKind::CreateTable:
    return printCreateTable(O.NewTable);
  case OpKind::DropTable:
    return "drop table " + T + ";";
  case OpKind::RenameTable:
    return "rename table " + T + " to " + printName(O.Name) + ";";
  case OpKind::AddColumn: {
    std::string S =
        "add column " + qualified(O.TableName, O.NewColumn.Name) + " " +
        columnDef(O.NewColumn).substr(printName(O.NewColumn.Name).size() + 1);
    for (const Constraint &C : O.Constraints)
      S += "\nadd constraint " + printName(C.Name) + " on " + T + " " +
           printConstraintBody(C) + ";";
    // The constraints follow as their own operations.
    size_t Semi = S.find('\n');
    return Semi == std::string::npos ? S + ";" : S.insert(Semi, ";");
  }
  case OpKind::DropColumn:
    return "drop column " + Col + ";";
  case OpKind::RenameColumn:
    return "rename column " + Col + " to " + printName(O.Name) + ";";
  case OpKind::AlterColumnType:
    return "alter column " + Col + " type " + O.NewType->str() +
           (O.Value ? " using (" + print(*O.Value) + ")" : "") + ";";
  case OpKind::SetNotNull:
    return "alter column " + Col + " set not null;";
  case OpKind::DropNotNull:
    return "alter column " + Col + " drop not null;";
  case OpKind::SetDefault:
    return "alter column " + Col + " set default " + print(*O.Value) + ";";
  case OpKind::DropDefault:
    return "alter column " + Col + " drop default;";
  case OpKind::CreateIndex:
    return printCreateIndex(O.NewIndex, O.Concurrently);
  case OpKind::DropIndex:
    return std::string("drop index ") +
           (O.Concurrently ? "concurrently " : "") + printName(O.Name) + ";";
  case OpKind::AddConstraint: {
    const Constraint &C = O.Constraints.front();
    return "add constraint " + printName(C.Name) + " on " + T + " " +
           printConstraintBody(C) + (C.NotValid ? " not valid" : "") + ";";
  }
  case OpKind::DropConstraint:
    return "drop constraint " + printName(O.Name) + " on " + T + ";";
  case OpKind::ValidateConstraint:
    return "validate constraint " + printName(O.Name) + " on " + T + ";";
  case OpKind::Update: {
    std::string S = "update " + T + " set ";
    for (size_t I = 0; I < O.Assignments.size(); ++I)
      S += (I ? ", " : "") + printName(O.Assignments[I].first) + " = " +
           print(*O.Assignments[I].second);
    if (O.Value)
      S += " where " + print(*O.Value);
    if (O.BatchSize)
      S += " in batches of " + std::to_string(*O.BatchSize);
    return S + ";";
  }
  case OpKind::Delete:
    return "delete from " + T + (O.Value ? " where " + print(*O.Value) : "") +
           ";";
  case OpKind::Insert: {
    std::string S = "insert into " + T;
    if (!O.InsertColumns.empty())
      S += " (" + names(O.InsertColumns) + ")";
    S += " values ";
    for (size_t R = 0; R < O.Rows.size(); ++R) {
      S += R ? ", (" : "(";
      for (size_t I = 0; I < O.Rows[R].size(); ++I)
        S += (I ? ", " : "") + print(*O.Rows[R][I]);
      S += ")";
    }
    return S + ";";
  }
  case OpKind::Sql:
    return "sql " + quoteLiteral(O.Sql) +
           (O.SqlDown ? " down " + quoteLiteral(*O.SqlDown) : "") +
           (O.Dialect.empty() ? "" : " dialect " + O.Dialect) + ";";
  }
  return "";
}

} // namespace migc::ir
