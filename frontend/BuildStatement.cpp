//===- BuildStatement.cpp - Operations of `up` and `down` -----------------===//

#include "frontend/BuildAST.h"

#include "antlr4-runtime.h"

namespace migc::frontend {

namespace {

using P = MigParser;

std::vector<ast::Name> names(P::IdentListContext *L, BuildContext &Ctx) {
  std::vector<ast::Name> Out;
  if (L)
    for (P::IdentifierContext *I : L->identifier())
      Out.push_back(buildName(I, Ctx));
  return Out;
}

ast::RefAction refAction(P::ReferentialActionContext *C) {
  if (C->CASCADE())
    return ast::RefAction::Cascade;
  if (C->RESTRICT())
    return ast::RefAction::Restrict;
  if (C->NULL_KW())
    return ast::RefAction::SetNull;
  if (C->DEFAULT())
    return ast::RefAction::SetDefault;
  return ast::RefAction::NoAction;
}

void fkActions(const std::vector<P::FkActionContext *> &Actions,
               ast::TableConstraint &TC) {
  for (P::FkActionContext *A : Actions) {
    ast::RefAction R = refAction(A->referentialAction());
    if (A->event->getType() == P::DELETE)
      TC.OnDelete = R;
    else
      TC.OnUpdate = R;
  }
}

ast::TableConstraint tableConstraint(P::TableConstraintBodyContext *B,
                                     BuildContext &Ctx) {
  ast::TableConstraint TC;
  TC.Range = Ctx.range(B);
  if (auto *PK = dynamic_cast<P::PrimaryKeyBodyContext *>(B)) {
    TC.Kind = ast::ConstraintKind::PrimaryKey;
    TC.Columns = names(PK->identList(), Ctx);
  } else if (auto *U = dynamic_cast<P::UniqueBodyContext *>(B)) {
    TC.Kind = ast::ConstraintKind::Unique;
    TC.Columns = names(U->identList(), Ctx);
  } else if (auto *C = dynamic_cast<P::CheckBodyContext *>(B)) {
    TC.Kind = ast::ConstraintKind::Check;
    TC.Check = buildExpr(C->expr(), Ctx);
  } else if (auto *F = dynamic_cast<P::ForeignKeyBodyContext *>(B)) {
    TC.Kind = ast::ConstraintKind::ForeignKey;
    TC.Columns = names(F->identList(0), Ctx);
    TC.RefTable = buildName(F->identifier(), Ctx);
    if (F->identList().size() > 1)
      TC.RefColumns = names(F->identList(1), Ctx);
    fkActions(F->fkAction(), TC);
  }
  return TC;
}

/// Applies one column constraint to the column definition.
void columnConstraint(P::ColumnConstraintContext *CC, ast::ColumnDef &Col,
                      BuildContext &Ctx) {
  P::ColumnConstraintBodyContext *B = CC->columnConstraintBody();
  llvm::SMRange R = Ctx.range(CC);
  ast::TableConstraint TC;
  TC.Range = R;
  if (CC->identifier())
    TC.ConstraintName = buildName(CC->identifier(), Ctx);
  TC.Columns.push_back(Col.ColName);
  if (dynamic_cast<P::NotNullConstraintContext *>(B)) {
    Col.NotNull = true;
    return;
  }
  if (dynamic_cast<P::NullConstraintContext *>(B)) {
    Col.ExplicitNull = R;
    return;
  }
  if (auto *D = dynamic_cast<P::DefaultConstraintContext *>(B)) {
    Col.Default = buildValueExpr(D->valueExpr(), Ctx);
    return;
  }
  if (dynamic_cast<P::IdentityConstraintContext *>(B)) {
    Col.Identity = R;
    return;
  }
  if (dynamic_cast<P::PrimaryKeyConstraintContext *>(B)) {
    TC.Kind = ast::ConstraintKind::PrimaryKey;
  } else if (dynamic_cast<P::UniqueConstraintContext *>(B)) {
    TC.Kind = ast::ConstraintKind::Unique;
  } else if (auto *C = dynamic_cast<P::CheckConstraintContext *>(B)) {
    TC.Kind = ast::ConstraintKind::Check;
    TC.Columns.clear();
    TC.Check = buildExpr(C->expr(), Ctx);
  } else if (auto *F = dynamic_cast<P::ReferencesConstraintContext *>(B)) {
    TC.Kind = ast::ConstraintKind::ForeignKey;
    TC.RefTable = buildName(F->identifier(0), Ctx);
    if (F->identifier().size() > 1)
      TC.RefColumns.push_back(buildName(F->identifier(1), Ctx));
    fkActions(F->fkAction(), TC);
  }
  Col.Constraints.push_back(std::move(TC));
}

ast::ColumnDef columnDef(P::IdentifierContext *Name, P::TypeNameContext *Type,
                         const std::vector<P::ColumnConstraintContext *> &Cons,
                         llvm::SMRange R, BuildContext &Ctx) {
  ast::ColumnDef Col;
  Col.ColName = buildName(Name, Ctx);
  Col.Type = buildType(Type, Ctx);
  Col.Range = R;
  for (P::ColumnConstraintContext *CC : Cons)
    columnConstraint(CC, Col, Ctx);
  return Col;
}

void columnRef(P::ColumnRefContext *C, ast::Op &O, BuildContext &Ctx) {
  O.Table = buildName(C->table, Ctx);
  O.Column = buildName(C->column, Ctx);
}

void createTable(P::CreateTableContext *C, ast::Op &O, BuildContext &Ctx) {
  O.Kind = ast::OpKind::CreateTable;
  O.Table = buildName(C->identifier(), Ctx);
  for (P::TableElementContext *E : C->tableElement()) {
    if (auto *Col = dynamic_cast<P::ColumnElementContext *>(E)) {
      O.Columns.push_back(columnDef(Col->identifier(), Col->typeName(),
                                    Col->columnConstraint(), Ctx.range(E),
                                    Ctx));
      continue;
    }
    auto *TCC =
        static_cast<P::ConstraintElementContext *>(E)->tableConstraint();
    ast::TableConstraint TC = tableConstraint(TCC->tableConstraintBody(), Ctx);
    TC.Range = Ctx.range(TCC);
    if (TCC->identifier())
      TC.ConstraintName = buildName(TCC->identifier(), Ctx);
    O.Constraints.push_back(std::move(TC));
  }
}

void alterColumn(P::AlterColumnContext *C, ast::Op &O, BuildContext &Ctx) {
  columnRef(C->columnRef(), O, Ctx);
  P::AlterActionContext *A = C->alterAction();
  if (auto *T = dynamic_cast<P::AlterTypeContext *>(A)) {
    O.Kind = ast::OpKind::AlterColumnType;
    O.Type = buildType(T->typeName(), Ctx);
    if (T->expr())
      O.Value = buildExpr(T->expr(), Ctx);
  } else if (dynamic_cast<P::SetNotNullContext *>(A)) {
    O.Kind = ast::OpKind::SetNotNull;
  } else if (dynamic_cast<P::DropNotNullContext *>(A)) {
    O.Kind = ast::OpKind::DropNotNull;
  } else if (auto *D = dynamic_cast<P::SetDefaultContext *>(A)) {
    O.Kind = ast::OpKind::SetDefault;
    O.Value = buildValueExpr(D->valueExpr(), Ctx);
  } else {
    O.Kind = ast::OpKind::DropDefault;
  }
}

void createIndex(P::CreateIndexContext *C, ast::Op &O, BuildContext &Ctx) {
  O.Kind = ast::OpKind::CreateIndex;
  O.Unique = C->UNIQUE() != nullptr;
  O.Concurrently = C->CONCURRENTLY() != nullptr;
  std::vector<P::IdentifierContext *> Ids = C->identifier();
  if (Ids.size() == 2)
    O.NewName = buildName(Ids[0], Ctx);
  O.Table = buildName(Ids.back(), Ctx);
  for (P::IndexColumnContext *IC : C->indexColumn())
    O.IndexColumns.push_back(
        {buildName(IC->identifier(), Ctx), IC->DESC() != nullptr});
  if (C->expr())
    O.Value = buildExpr(C->expr(), Ctx);
}

void insert(P::InsertStmtContext *C, ast::Op &O, BuildContext &Ctx) {
  O.Kind = ast::OpKind::Insert;
  std::vector<P::IdentifierContext *> Ids = C->identifier();
  O.Table = buildName(Ids[0], Ctx);
  for (size_t I = 1; I < Ids.size(); ++I)
    O.InsertColumns.push_back(buildName(Ids[I], Ctx));
  for (P::ValuesRowContext *Row : C->valuesRow()) {
    std::vector<ast::ExprPtr> Values;
    for (P::ExprContext *E : Row->expr())
      Values.push_back(buildExpr(E, Ctx));
    O.Rows.push_back(std::move(Values));
  }
}

/// The largest batch: PostgreSQL's `integer` (and far past any batch that
/// commits soon enough to be one).
constexpr uint64_t MaxBatchSize = 2147483647;

void batches(P::BatchesContext *C, ast::Op &O, BuildContext &Ctx) {
  llvm::SMRange At = Ctx.range(C->size);
  if (C->sign)
    At.Start = Ctx.range(C->sign).Start;
  O.BatchRange = At;
  uint64_t N = 0;
  bool TooLarge = Ctx.text(C->size).getAsInteger(10, N) || N > MaxBatchSize;
  bool Negative = C->sign && C->sign->getType() == P::MINUS;
  if (!TooLarge && !Negative && N >= 1) {
    O.BatchSize = uint32_t(N);
    return;
  }
  Ctx.Diags.emplace_back(Rule::SyntaxError, At,
                         "a batch size is a number of rows from 1 to " +
                             std::to_string(MaxBatchSize) + ", not `" +
                             (Negative ? "-" : "") + Ctx.text(C->size).str() +
                             "`");
}

void sql(P::SqlStmtContext *C, ast::Op &O, BuildContext &Ctx) {
  O.Kind = ast::OpKind::Sql;
  std::vector<antlr4::tree::TerminalNode *> S = C->STRING();
  O.Sql = unquote(Ctx.text(S[0]->getSymbol()), '\'');
  if (S.size() > 1)
    O.SqlDown = unquote(Ctx.text(S[1]->getSymbol()), '\'');
  if (C->identifier())
    O.Dialect = buildName(C->identifier(), Ctx);
}

} // namespace

std::optional<ast::Op> buildStatement(P::StatementContext *S,
                                      BuildContext &Ctx) {
  ast::Op O;
  O.Range = Ctx.range(S);
  if (auto *C = dynamic_cast<P::CreateTableContext *>(S)) {
    createTable(C, O, Ctx);
  } else if (auto *C = dynamic_cast<P::DropTableContext *>(S)) {
    O.Kind = ast::OpKind::DropTable;
    O.Table = buildName(C->identifier(), Ctx);
  } else if (auto *C = dynamic_cast<P::RenameTableContext *>(S)) {
    O.Kind = ast::OpKind::RenameTable;
    O.Table = buildName(C->identifier(0), Ctx);
    O.NewName = buildName(C->identifier(1), Ctx);
  } else if (auto *C = dynamic_cast<P::AddColumnContext *>(S)) {
    O.Kind = ast::OpKind::AddColumn;
    columnRef(C->columnRef(), O, Ctx);
    O.Columns.push_back(columnDef(C->columnRef()->column, C->typeName(),
                                  C->columnConstraint(), O.Range, Ctx));
  } else if (auto *C = dynamic_cast<P::DropColumnContext *>(S)) {
    O.Kind = ast::OpKind::DropColumn;
    columnRef(C->columnRef(), O, Ctx);
  } else if (auto *C = dynamic_cast<P::RenameColumnContext *>(S)) {
    O.Kind = ast::OpKind::RenameColumn;
    columnRef(C->columnRef(), O, Ctx);
    O.NewName = buildName(C->identifier(), Ctx);
  } else if (auto *C = dynamic_cast<P::AlterColumnContext *>(S)) {
    alterColumn(C, O, Ctx);
  } else if (auto *C = dynamic_cast<P::CreateIndexContext *>(S)) {
    createIndex(C, O, Ctx);
  } else if (auto *C = dynamic_cast<P::DropIndexContext *>(S)) {
    O.Kind = ast::OpKind::DropIndex;
    O.Concurrently = C->CONCURRENTLY() != nullptr;
    O.NewName = buildName(C->identifier(), Ctx);
  } else if (auto *C = dynamic_cast<P::AddConstraintContext *>(S)) {
    O.Kind = ast::OpKind::AddConstraint;
    std::vector<P::IdentifierContext *> Ids = C->identifier();
    O.Table = buildName(Ids.back(), Ctx);
    ast::TableConstraint TC;
    if (P::KeyUsingIndexContext *K = C->keyUsingIndex()) {
      TC.Range = Ctx.range(K);
      TC.Kind = K->UNIQUE() ? ast::ConstraintKind::Unique
                            : ast::ConstraintKind::PrimaryKey;
      TC.UsingIndex = buildName(K->identifier(), Ctx);
    } else {
      TC = tableConstraint(C->tableConstraintBody(), Ctx);
    }
    if (Ids.size() == 2)
      TC.ConstraintName = buildName(Ids[0], Ctx);
    TC.NotValid = C->VALID() != nullptr;
    O.Constraints.push_back(std::move(TC));
  } else if (auto *C = dynamic_cast<P::DropConstraintContext *>(S)) {
    O.Kind = ast::OpKind::DropConstraint;
    O.NewName = buildName(C->identifier(0), Ctx);
    O.Table = buildName(C->identifier(1), Ctx);
  } else if (auto *C = dynamic_cast<P::ValidateConstraintContext *>(S)) {
    O.Kind = ast::OpKind::ValidateConstraint;
    O.NewName = buildName(C->identifier(0), Ctx);
    O.Table = buildName(C->identifier(1), Ctx);
  } else if (auto *C = dynamic_cast<P::UpdateStmtContext *>(S)) {
    O.Kind = ast::OpKind::Update;
    O.Table = buildName(C->identifier(), Ctx);
    for (P::AssignmentContext *A : C->assignment())
      O.Assignments.push_back(
          {buildName(A->identifier(), Ctx), buildExpr(A->expr(), Ctx)});
    if (C->expr())
      O.Value = buildExpr(C->expr(), Ctx);
    if (C->batches())
      batches(C->batches(), O, Ctx);
  } else if (auto *C = dynamic_cast<P::DeleteStmtContext *>(S)) {
    O.Kind = ast::OpKind::Delete;
    O.Table = buildName(C->identifier(), Ctx);
    if (C->expr())
      O.Value = buildExpr(C->expr(), Ctx);
  } else if (auto *C = dynamic_cast<P::InsertStmtContext *>(S)) {
    insert(C, O, Ctx);
  } else if (auto *C = dynamic_cast<P::SqlStmtContext *>(S)) {
    sql(C, O, Ctx);
  } else if (dynamic_cast<P::AlterTableHabitContext *>(S)) {
    Ctx.Diags.emplace_back(
        Rule::SyntaxError, Ctx.range(S->getStart()),
        "`alter table` is SQL, not .mig; write the change itself, e.g. "
        "`add column users.email text;` or `alter column users.age set not "
        "null;`");
    return std::nullopt;
  } else {
    return std::nullopt;
  }
  return O;
}

} // namespace migc::frontend
