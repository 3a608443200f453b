//===- Touches.cpp - What each operation reads and writes -----------------===//

#include "ir/Touches.h"

namespace migc::ir {

namespace {

class Collector {
public:
  Collector(const Op &O, const Schema &S, std::vector<Touch> &Out)
      : O(O), S(S), Out(Out) {}

  void add(const std::string &Key, bool Write) {
    Out.push_back({Key, Write, O.Range});
  }
  void table(llvm::StringRef T, bool Write) { add("table:" + T.str(), Write); }
  void column(llvm::StringRef T, llvm::StringRef C, bool Write) {
    add("column:" + T.str() + "." + C.str(), Write);
  }
  void rows(llvm::StringRef T, bool Write) { add("rows:" + T.str(), Write); }
  void columnsOf(llvm::StringRef T, const ExprPtr &E) {
    if (E)
      forEachColumn(*E, [&](const Expr &C) { column(T, C.Column, false); });
  }

  /// A new constraint: it is written, and it reads what it refers to.
  void constraint(llvm::StringRef T, const Constraint &C) {
    add("constraint:" + T.str() + "." + C.Name, true);
    for (const std::string &Col : C.Columns)
      column(T, Col, false);
    columnsOf(T, C.Check);
    if (C.Kind == ConstraintKind::ForeignKey) {
      table(C.RefTable, false);
      for (const std::string &Col : C.RefColumns)
        column(C.RefTable, Col, false);
    }
  }

  void run();

private:
  const Op &O;
  const Schema &S;
  std::vector<Touch> &Out;
};

void Collector::run() {
  llvm::StringRef T = O.TableName;
  switch (O.Kind) {
  case OpKind::CreateTable:
    table(O.NewTable.Name, true);
    for (const Constraint &C : O.NewTable.Constraints)
      if (C.Kind == ConstraintKind::ForeignKey &&
          C.RefTable != O.NewTable.Name) {
        table(C.RefTable, false);
        for (const std::string &Col : C.RefColumns)
          column(C.RefTable, Col, false);
      }
    return;
  case OpKind::DropTable:
  case OpKind::RenameTable:
    table(T, true);
    if (O.Kind == OpKind::RenameTable)
      table(O.Name, true);
    return;
  case OpKind::AddColumn:
    table(T, false);
    column(T, O.NewColumn.Name, true);
    for (const Constraint &C : O.Constraints)
      constraint(T, C);
    return;
  case OpKind::DropColumn:
  case OpKind::RenameColumn:
  case OpKind::AlterColumnType:
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::SetDefault:
  case OpKind::DropDefault:
    table(T, false);
    column(T, O.ColumnName, true);
    if (O.Kind == OpKind::RenameColumn)
      column(T, O.Name, true);
    // A type change or not null is checked against the rows.
    if (O.Kind == OpKind::AlterColumnType || O.Kind == OpKind::SetNotNull)
      rows(T, false);
    columnsOf(T, O.Value);
    return;
  case OpKind::CreateIndex:
    table(T, false);
    add("index:" + O.NewIndex.Name, true);
    for (const IndexKey &K : O.NewIndex.Keys)
      column(T, K.Column, false);
    columnsOf(T, O.NewIndex.Where);
    return;
  case OpKind::DropIndex:
    add("index:" + O.Name, true);
    // The index's columns: dropping one of them first would fail.
    if (const Index *I = S.findIndex(O.Name)) {
      table(I->Table, false);
      for (const IndexKey &K : I->Keys)
        column(I->Table, K.Column, false);
      columnsOf(I->Table, I->Where);
    }
    return;
  case OpKind::AddConstraint:
    table(T, false);
    constraint(T, O.Constraints.front());
    rows(T, false); // the rows must satisfy it
    // `using index` takes the index over: it no longer stands alone.
    if (!O.Constraints.front().UsingIndex.empty())
      add("index:" + O.Constraints.front().UsingIndex, true);
    return;
  case OpKind::DropConstraint:
    table(T, false);
    add("constraint:" + T.str() + "." + O.Name, true);
    if (const Table *Tab = S.findTable(T))
      for (const Constraint &C : Tab->Constraints)
        if (C.Name == O.Name) {
          for (const std::string &Col : C.Columns)
            column(T, Col, false);
          columnsOf(T, C.Check);
        }
    return;
  case OpKind::ValidateConstraint:
    // It changes the constraint (now valid), and reads what it checks: the
    // rows, the columns, and for a foreign key the referenced table.
    table(T, false);
    add("constraint:" + T.str() + "." + O.Name, true);
    rows(T, false);
    if (const Table *Tab = S.findTable(T))
      if (const Constraint *C = Tab->findConstraint(O.Name)) {
        for (const std::string &Col : C->Columns)
          column(T, Col, false);
        columnsOf(T, C->Check);
        if (C->Kind == ConstraintKind::ForeignKey) {
          table(C->RefTable, false);
          rows(C->RefTable, false);
          for (const std::string &Col : C->RefColumns)
            column(C->RefTable, Col, false);
        }
      }
    return;
  case OpKind::Update:
    table(T, false);
    rows(T, false);
    for (const auto &[Col, Value] : O.Assignments) {
      column(T, Col, true);
      columnsOf(T, Value);
    }
    columnsOf(T, O.Value);
    return;
  case OpKind::Delete:
  case OpKind::Insert:
    table(T, false);
    rows(T, true);
    columnsOf(T, O.Value);
    // An insert reads every column: those it leaves out take their default
    // (or null, if allowed).
    if (O.Kind == OpKind::Insert)
      if (const Table *Tab = S.findTable(T))
        for (const Column &C : Tab->Columns)
          column(T, C.Name, false);
    return;
  case OpKind::Sql:
    // Opaque: it may touch anything; opaque-sql already says so.
    return;
  }
}

} // namespace

void collectTouches(const Op &O, const Schema &Before,
                    std::vector<Touch> &Out) {
  Collector(O, Before, Out).run();
}

std::string describeTouchKey(llvm::StringRef Key) {
  auto [Kind, Name] = Key.split(':');
  if (Kind == "rows")
    return "the rows of table " + quote(Name);
  return Kind.str() + " " + quote(Name);
}

} // namespace migc::ir
