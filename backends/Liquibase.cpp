//===- Liquibase.cpp - a Liquibase XML changelog from the IR --------------===//
//
// One changeSet per migration, in replay order. Operations become Liquibase's
// own change types where Liquibase (open source, 4.x) has one, and <sql
// dbms="postgresql"> with the PostgreSQL backend's statement where it has
// none (check constraints, partial or concurrent indexes, `using`, NOT
// VALID). Expressions (defaults, where clauses, values) are PostgreSQL SQL.
// docs/targets/liquibase.md has the full mapping.
//
// Names reach the database exactly: every changeSet says
// objectQuotingStrategy="QUOTE_ALL_OBJECTS" (Liquibase then quotes every
// name, doubling embedded quotes), and a name Liquibase would split or trim
// (a comma in a column list, surrounding blanks) sends the operation to the
// <sql> form instead. What XML 1.0 cannot carry (most control characters)
// and what Liquibase would rewrite (`${` starts a changelog property) cannot
// be written faithfully: such a migration is a target-unsupported error, and
// emit writes nothing.
//
//===----------------------------------------------------------------------===//

#include "backends/Backend.h"
#include "backends/Postgres.h"
#include "ir/SchemaPrinter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

namespace migc::backends {

using namespace ir;

namespace {

//===-------------------------------------------------------------- XML ---===//

/// Why text cannot go into the changelog as it is, if it cannot.
std::optional<std::string> unrepresentable(llvm::StringRef S) {
  if (S.contains("${"))
    return std::string("`${` (Liquibase would expand it as a changelog "
                       "property)");
  for (size_t I = 0; I < S.size();) {
    unsigned char C = S[I];
    uint32_t CP;
    size_t Len;
    if (C < 0x80) {
      CP = C, Len = 1;
    } else if ((C & 0xE0) == 0xC0) {
      CP = C & 0x1F, Len = 2;
    } else if ((C & 0xF0) == 0xE0) {
      CP = C & 0x0F, Len = 3;
    } else if ((C & 0xF8) == 0xF0) {
      CP = C & 0x07, Len = 4;
    } else {
      return "a byte that is not UTF-8 (0x" + llvm::utohexstr(C) + ")";
    }
    if (I + Len > S.size())
      return std::string("a truncated UTF-8 sequence");
    for (size_t K = 1; K < Len; ++K) {
      unsigned char D = S[I + K];
      if ((D & 0xC0) != 0x80)
        return "a byte that is not UTF-8 (0x" + llvm::utohexstr(C) + ")";
      CP = (CP << 6) | (D & 0x3F);
    }
    bool Overlong = (Len == 2 && CP < 0x80) || (Len == 3 && CP < 0x800) ||
                    (Len == 4 && CP < 0x10000);
    bool Allowed =
        CP == 0x9 || CP == 0xA || CP == 0xD || (CP >= 0x20 && CP <= 0xD7FF) ||
        (CP >= 0xE000 && CP <= 0xFFFD) || (CP >= 0x10000 && CP <= 0x10FFFF);
    if (Overlong || !Allowed) {
      std::string U;
      llvm::raw_string_ostream(U) << llvm::format("U+%04X", CP);
      return "the character " + U + ", which XML 1.0 cannot carry";
    }
    I += Len;
  }
  return std::nullopt;
}

/// Escapes text for an attribute value (Attr) or element content (where
/// quotes need no escaping, so SQL stays readable). Line
/// breaks and tabs in attributes are written as references, or the XML
/// parser would turn them into spaces; a carriage return is one everywhere,
/// or the parser would turn it into a line feed.
std::string xmlEscape(llvm::StringRef S, bool Attr) {
  std::string Out;
  Out.reserve(S.size());
  for (char C : S) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += Attr ? "&quot;" : "\"";
      break;
    case '\'':
      Out += Attr ? "&apos;" : "'";
      break;
    case '\r':
      Out += "&#13;";
      break;
    case '\n':
      Out += Attr ? "&#10;" : "\n";
      break;
    case '\t':
      Out += Attr ? "&#9;" : "\t";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

/// An element: attributes in the order given, then text or children.
struct Elem {
  std::string Name;
  std::vector<std::pair<std::string, std::string>> Attrs;
  std::vector<Elem> Kids;
  std::optional<std::string> Text;

  explicit Elem(std::string N) : Name(std::move(N)) {}
  Elem &attr(std::string K, std::string V) {
    Attrs.emplace_back(std::move(K), std::move(V));
    return *this;
  }
  Elem &kid(Elem E) {
    Kids.push_back(std::move(E));
    return *this;
  }
  Elem &text(std::string T) {
    Text = std::move(T);
    return *this;
  }

  /// Every attribute value and text in the tree, for unrepresentable().
  void forEachString(llvm::function_ref<void(llvm::StringRef)> F) const {
    for (auto &[K, V] : Attrs)
      F(V);
    if (Text)
      F(*Text);
    for (const Elem &E : Kids)
      E.forEachString(F);
  }

  void write(llvm::raw_ostream &OS, unsigned Indent) const {
    OS.indent(Indent) << "<" << Name;
    for (auto &[K, V] : Attrs)
      OS << " " << K << "=\"" << xmlEscape(V, true) << "\"";
    if (Text) {
      OS << ">" << xmlEscape(*Text, false) << "</" << Name << ">\n";
      return;
    }
    if (Kids.empty()) {
      OS << "/>\n";
      return;
    }
    OS << ">\n";
    for (const Elem &E : Kids)
      E.write(OS, Indent + 2);
    OS.indent(Indent) << "</" << Name << ">\n";
  }
};

//===-------------------------------------------------------- changes -----===//

std::string expr(const ExprPtr &E) {
  PrintOptions O;
  O.QuoteIdentifiers = true;
  O.TypeSpelling = postgresType;
  return print(*E, O);
}

/// Whether Liquibase takes the name as it is in a comma-separated list
/// attribute (columnNames): it splits at commas and trims blanks.
bool listSafe(llvm::StringRef N) {
  return !N.empty() && !N.contains(',') && N.trim(" \t\n\r\f\v") == N;
}
bool listSafe(const std::vector<std::string> &Ns) {
  return llvm::all_of(Ns, [](const std::string &N) { return listSafe(N); });
}
/// Whether Liquibase takes a single name as it is (it trims values).
bool nameSafe(llvm::StringRef N) {
  return !N.empty() && N.trim(" \t\n\r\f\v") == N;
}

std::string joinNames(const std::vector<std::string> &Ns) {
  std::string Out;
  for (const std::string &N : Ns)
    Out += (Out.empty() ? "" : ",") + N;
  return Out;
}

const char *liquibaseAction(RefAction A) {
  switch (A) {
  case RefAction::NoAction:
    return "NO ACTION";
  case RefAction::Restrict:
    return "RESTRICT";
  case RefAction::Cascade:
    return "CASCADE";
  case RefAction::SetNull:
    return "SET NULL";
  case RefAction::SetDefault:
    return "SET DEFAULT";
  }
  return "NO ACTION";
}

/// A PostgreSQL statement as a <sql> change.
Elem sqlText(std::string Text) {
  Elem E("sql");
  E.attr("dbms", "postgresql")
      .attr("splitStatements", "false")
      .attr("stripComments", "false")
      .text(std::move(Text));
  return E;
}

/// The PostgreSQL statement of O as a <sql> change.
Elem sqlChange(const Op &O) { return sqlText(postgresStatement(O)); }

Elem sqlConstraint(llvm::StringRef Table, const Constraint &C) {
  Op O;
  O.Kind = OpKind::AddConstraint;
  O.TableName = Table.str();
  O.Constraints.push_back(C);
  return sqlChange(O);
}

/// A default as Liquibase's attribute: a number or boolean literal of the
/// column's own family natively, anything else (strings too) as PostgreSQL
/// SQL (defaultValueComputed).
void addDefault(Elem &E, const Expr &D, Type Ty) {
  // Never defaultValue: Liquibase writes a string that starts with a quote
  // as it is, taking it for SQL already quoted ('x' || 'y' would escape).
  switch (D.Kind) {
  case ExprKind::IntLit:
  case ExprKind::DecimalLit:
    if (Ty.isNumeric()) {
      E.attr("defaultValueNumeric", D.Text);
      return;
    }
    break;
  case ExprKind::BoolLit:
    if (Ty.Kind == TypeKind::Bool) {
      E.attr("defaultValueBoolean",
             llvm::StringRef(D.Text).equals_insensitive("true") ? "true"
                                                                : "false");
      return;
    }
    break;
  default:
    break;
  }
  E.attr("defaultValueComputed", expr(std::make_shared<Expr>(D)));
}

Elem columnElem(const Column &C) {
  Elem E("column");
  E.attr("name", C.Name).attr("type", postgresType(C.Ty));
  if (C.Identity)
    E.attr("autoIncrement", "true").attr("generationType", "BY DEFAULT");
  if (C.Default)
    addDefault(E, *C.Default, C.Ty);
  if (!C.Nullable)
    E.kid(Elem("constraints").attr("nullable", "false"));
  return E;
}

/// The change adding constraint C to Table.
Elem constraintChange(llvm::StringRef Table, const Constraint &C) {
  // `using index`: Liquibase 4.28 turns forIndexName into `UNIQUE (b)
  // USING INDEX i`, which PostgreSQL refuses (test/integration/liquibase.py),
  // so PostgreSQL's own statement.
  if (C.NotValid || !C.UsingIndex.empty() || !nameSafe(Table) ||
      !nameSafe(C.Name) || !listSafe(C.Columns))
    return sqlConstraint(Table, C);
  switch (C.Kind) {
  case ConstraintKind::PrimaryKey:
    return Elem("addPrimaryKey")
        .attr("tableName", Table.str())
        .attr("columnNames", joinNames(C.Columns))
        .attr("constraintName", C.Name);
  case ConstraintKind::Unique:
    return Elem("addUniqueConstraint")
        .attr("tableName", Table.str())
        .attr("columnNames", joinNames(C.Columns))
        .attr("constraintName", C.Name);
  case ConstraintKind::ForeignKey:
    if (!nameSafe(C.RefTable) || !listSafe(C.RefColumns))
      return sqlConstraint(Table, C);
    return Elem("addForeignKeyConstraint")
        .attr("baseTableName", Table.str())
        .attr("baseColumnNames", joinNames(C.Columns))
        .attr("constraintName", C.Name)
        .attr("referencedTableName", C.RefTable)
        .attr("referencedColumnNames", joinNames(C.RefColumns))
        .attr("onDelete", liquibaseAction(C.OnDelete))
        .attr("onUpdate", liquibaseAction(C.OnUpdate));
  case ConstraintKind::Check:
    // Liquibase open source has no check constraint change.
    return sqlConstraint(Table, C);
  }
  return sqlConstraint(Table, C);
}

bool columnSafe(const Table &T) {
  return nameSafe(T.Name) && llvm::all_of(T.Columns, [](const Column &C) {
           return nameSafe(C.Name);
         });
}

/// The column's type in S before the operation, if migc knows it.
std::optional<Type> columnType(const Schema &S, llvm::StringRef Table,
                               llvm::StringRef Column) {
  if (const ir::Table *T = S.findTable(Table))
    if (const ir::Column *C = T->findColumn(Column))
      return C->Ty;
  return std::nullopt;
}

/// The changes of one operation, which runs on schema S.
void opChanges(const Op &O, const Schema &S, std::vector<Elem> &Out) {
  const std::string &T = O.TableName;
  auto SafeOrNone = [](llvm::StringRef N) { return N.empty() || nameSafe(N); };
  bool Safe = SafeOrNone(T) && SafeOrNone(O.ColumnName) && SafeOrNone(O.Name);
  if (O.Kind == OpKind::CreateTable)
    Safe = columnSafe(O.NewTable);
  if (O.Kind == OpKind::AddColumn)
    Safe = nameSafe(T) && nameSafe(O.NewColumn.Name);
  if (!Safe && O.Kind != OpKind::Sql && O.Kind != OpKind::AddConstraint &&
      O.Kind != OpKind::Update && O.Kind != OpKind::Insert) {
    Out.push_back(sqlChange(O));
    return;
  }
  switch (O.Kind) {
  case OpKind::CreateTable: {
    const Table &Tb = O.NewTable;
    Elem E("createTable");
    E.attr("tableName", Tb.Name);
    for (const Column &C : Tb.Columns)
      E.kid(columnElem(C));
    Out.push_back(std::move(E));
    // Constraints are separate changes, so each keeps migc's name and the
    // key's column order (inline primaryKey="true" follows column order).
    for (const Constraint &C : Tb.Constraints)
      Out.push_back(constraintChange(Tb.Name, C));
    return;
  }
  case OpKind::DropTable:
    Out.push_back(Elem("dropTable").attr("tableName", T));
    return;
  case OpKind::RenameTable:
    Out.push_back(Elem("renameTable")
                      .attr("oldTableName", T)
                      .attr("newTableName", O.Name));
    return;
  case OpKind::AddColumn:
    Out.push_back(
        Elem("addColumn").attr("tableName", T).kid(columnElem(O.NewColumn)));
    for (const Constraint &C : O.Constraints)
      Out.push_back(constraintChange(T, C));
    return;
  case OpKind::DropColumn:
    Out.push_back(Elem("dropColumn")
                      .attr("tableName", T)
                      .attr("columnName", O.ColumnName));
    return;
  case OpKind::RenameColumn:
    Out.push_back(Elem("renameColumn")
                      .attr("tableName", T)
                      .attr("oldColumnName", O.ColumnName)
                      .attr("newColumnName", O.Name));
    return;
  case OpKind::AlterColumnType:
    // modifyDataType writes USING ("c"::type); an explicit `using` needs SQL.
    if (O.Value) {
      Out.push_back(sqlChange(O));
      return;
    }
    Out.push_back(Elem("modifyDataType")
                      .attr("tableName", T)
                      .attr("columnName", O.ColumnName)
                      .attr("newDataType", postgresType(*O.NewType)));
    return;
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::SetDefault:
  case OpKind::DropDefault: {
    const char *Name = O.Kind == OpKind::SetNotNull    ? "addNotNullConstraint"
                       : O.Kind == OpKind::DropNotNull ? "dropNotNullConstraint"
                       : O.Kind == OpKind::SetDefault  ? "addDefaultValue"
                                                       : "dropDefaultValue";
    Elem E(Name);
    E.attr("tableName", T).attr("columnName", O.ColumnName);
    std::optional<Type> Ty = columnType(S, T, O.ColumnName);
    if (Ty)
      E.attr("columnDataType", postgresType(*Ty));
    if (O.Kind == OpKind::SetDefault)
      addDefault(E, *O.Value, Ty ? *Ty : O.Value->Ty);
    Out.push_back(std::move(E));
    return;
  }
  case OpKind::CreateIndex: {
    const Index &I = O.NewIndex;
    bool KeysSafe = llvm::all_of(
        I.Keys, [](const IndexKey &K) { return nameSafe(K.Column); });
    if (O.Concurrently || I.Where || !KeysSafe || !nameSafe(I.Table) ||
        !nameSafe(I.Name)) {
      Out.push_back(sqlChange(O));
      return;
    }
    Elem E("createIndex");
    E.attr("tableName", I.Table).attr("indexName", I.Name);
    if (I.Unique)
      E.attr("unique", "true");
    for (const IndexKey &K : I.Keys) {
      Elem C("column");
      C.attr("name", K.Column);
      if (K.Desc)
        C.attr("descending", "true");
      E.kid(std::move(C));
    }
    Out.push_back(std::move(E));
    return;
  }
  case OpKind::DropIndex: {
    const Index *I = S.findIndex(O.Name);
    if (O.Concurrently || !I || !nameSafe(I->Table)) {
      Out.push_back(sqlChange(O));
      return;
    }
    Out.push_back(Elem("dropIndex")
                      .attr("tableName", I->Table)
                      .attr("indexName", O.Name));
    return;
  }
  case OpKind::AddConstraint:
    Out.push_back(constraintChange(T, O.Constraints.front()));
    return;
  case OpKind::DropConstraint: {
    const Table *Tb = S.findTable(T);
    const Constraint *C = nullptr;
    if (Tb)
      for (const Constraint &K : Tb->Constraints)
        if (K.Name == O.Name)
          C = &K;
    if (!C || C->Kind == ConstraintKind::Check) {
      Out.push_back(sqlChange(O));
      return;
    }
    if (C->Kind == ConstraintKind::ForeignKey) {
      Out.push_back(Elem("dropForeignKeyConstraint")
                        .attr("baseTableName", T)
                        .attr("constraintName", O.Name));
      return;
    }
    Out.push_back(Elem(C->Kind == ConstraintKind::PrimaryKey
                           ? "dropPrimaryKey"
                           : "dropUniqueConstraint")
                      .attr("tableName", T)
                      .attr("constraintName", O.Name));
    return;
  }
  case OpKind::ValidateConstraint:
    // Like `not valid`, which it follows: PostgreSQL's own statement.
    Out.push_back(sqlChange(O));
    return;
  case OpKind::Update: {
    // Batches commit inside a PostgreSQL DO block, which Liquibase has no
    // change for (the changeSet runs outside a transaction).
    if (O.BatchSize || !nameSafe(T) ||
        !llvm::all_of(O.Assignments,
                      [](const auto &A) { return nameSafe(A.first); })) {
      Out.push_back(sqlChange(O));
      return;
    }
    Elem E("update");
    E.attr("tableName", T);
    for (const auto &[Col, Value] : O.Assignments)
      E.kid(
          Elem("column").attr("name", Col).attr("valueComputed", expr(Value)));
    if (O.Value)
      E.kid(Elem("where").text(expr(O.Value)));
    Out.push_back(std::move(E));
    return;
  }
  case OpKind::Delete: {
    Elem E("delete");
    E.attr("tableName", T);
    if (O.Value)
      E.kid(Elem("where").text(expr(O.Value)));
    Out.push_back(std::move(E));
    return;
  }
  case OpKind::Insert: {
    // Without a column list, values go to the table's first columns.
    std::vector<std::string> Cols = O.InsertColumns;
    if (Cols.empty())
      if (const Table *Tb = S.findTable(T))
        for (const Column &C : Tb->Columns)
          Cols.push_back(C.Name);
    bool Known = llvm::all_of(
        O.Rows, [&](const auto &R) { return R.size() <= Cols.size(); });
    if (!Known || !nameSafe(T) ||
        !llvm::all_of(Cols, [](const std::string &N) { return nameSafe(N); })) {
      Out.push_back(sqlChange(O));
      return;
    }
    for (const auto &Row : O.Rows) {
      Elem E("insert");
      E.attr("tableName", T);
      for (size_t I = 0; I < Row.size(); ++I)
        E.kid(Elem("column")
                  .attr("name", Cols[I])
                  .attr("valueComputed", expr(Row[I])));
      Out.push_back(std::move(E));
    }
    return;
  }
  case OpKind::Sql: {
    // The user's SQL verbatim: one JDBC statement (the PostgreSQL driver
    // splits it itself, minding quotes and dollar quoting, which Liquibase's
    // splitter does not), comments kept (Liquibase's stripping does not know
    // string literals).
    Elem E("sql");
    if (O.Dialect == "postgres")
      E.attr("dbms", "postgresql");
    else if (O.Dialect == "mysql")
      E.attr("dbms", "mysql,mariadb");
    E.attr("splitStatements", "false").attr("stripComments", "false");
    E.text(llvm::StringRef(O.Sql).rtrim(" \t\r\n").str());
    Out.push_back(std::move(E));
    return;
  }
  }
}

/// A name for a message: printable ASCII kept, anything else as \xNN.
std::string printable(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    unsigned char U = C;
    if (U >= 0x20 && U < 0x7F && C != '$')
      Out += C;
    else
      Out += "\\x" + llvm::utohexstr(U, /*LowerCase=*/true, 2);
  }
  return Out;
}

/// M's timeouts around Changes, as the PostgreSQL script sets them: SET
/// LOCAL in the changeSet's transaction, else SET and, after the last
/// change, RESET (Liquibase keeps one connection for the whole update).
void withTimeouts(const Migration &M, bool Transaction,
                  std::vector<Elem> &Changes) {
  if (Changes.empty())
    return;
  std::vector<Elem> Before, After;
  for (auto [Name, T] : timeoutSettings(M)) {
    Before.push_back(sqlText((Transaction ? "SET LOCAL " : "SET ") +
                             Name.str() + " = " + quoteLiteral(T->Text)));
    if (!Transaction)
      After.push_back(sqlText("RESET " + Name.str()));
  }
  if (Before.empty())
    return;
  for (Elem &E : Changes)
    Before.push_back(std::move(E));
  for (Elem &E : After)
    Before.push_back(std::move(E));
  Changes = std::move(Before);
}

/// The changeSet of M, with the changes of its up and its down.
Elem changeSet(const Migration &M, std::vector<Elem> Up,
               std::optional<std::vector<Elem>> Down) {
  Elem CS("changeSet");
  CS.attr("id", M.Name)
      .attr("author", M.Author ? *M.Author : "migc")
      .attr("objectQuotingStrategy", "QUOTE_ALL_OBJECTS");
  bool NoTransaction =
      !runsInTransaction(M, M.Up) || (M.Down && !runsInTransaction(M, *M.Down));
  if (NoTransaction)
    CS.attr("runInTransaction", "false");
  withTimeouts(M, !NoTransaction, Up);
  if (Down)
    withTimeouts(M, !NoTransaction, *Down);
  if (M.Description)
    CS.kid(Elem("comment").text(*M.Description));
  for (Elem &E : Up)
    CS.kid(std::move(E));
  if (M.Down) {
    Elem R("rollback");
    for (Elem &E : *Down)
      R.kid(std::move(E));
    if (R.Kids.empty()) // an empty down: nothing to undo, said explicitly
      R.kid(Elem("empty"));
    CS.kid(std::move(R));
  }
  // Without a down (irreversible), no <rollback>: Liquibase refuses to roll
  // the changeSet back unless every change has its own inverse, and then
  // it would undo what the author declared one-way. An explicit <stop>
  // rollback forbids both.
  else {
    std::string Why =
        !M.Irreversible ? " has no down (none written, and migc cannot "
                          "synthesize one)"
        : M.Irreversible->empty() ? " is irreversible"
                                  : " is irreversible: " + *M.Irreversible;
    CS.kid(
        Elem("rollback").kid(Elem("stop").text("migration " + M.Name + Why)));
  }

  return CS;
}

/// What in the changeSet Liquibase XML cannot carry faithfully, if anything.
std::optional<std::string> unrepresentableIn(const Elem &CS) {
  std::optional<std::string> Bad;
  CS.forEachString([&](llvm::StringRef V) {
    if (!Bad)
      Bad = unrepresentable(V);
  });
  return Bad;
}

/// One changelog: each migration is written at its end, each operation from
/// the schema it runs on (a synthesized down too).
class LiquibaseBackend : public SteppedBackend<Backend> {
  bool writesScripts() const override { return false; }

  void writeMigration(const ir::MigrationStep &M, const std::vector<Step> &Up,
                      const std::vector<Step> *Down) override {
    auto Changes = [](const std::vector<Step> &Ops) {
      std::vector<Elem> Out;
      for (const Step &St : Ops)
        opChanges(*St.IR, St.Before, Out);
      return Out;
    };
    std::optional<std::vector<Elem>> Rollback;
    if (Down)
      Rollback = Changes(*Down);
    Elem CS = changeSet(M.IR, Changes(Up), std::move(Rollback));
    if (std::optional<std::string> Bad = unrepresentableIn(CS)) {
      M.Diags
          .emplace_back(Rule::TargetUnsupported, M.IR.NameRange,
                        "migration " + quote(printable(M.IR.Name)) +
                            " cannot be written as Liquibase XML: it "
                            "contains " +
                            *Bad)
          .note(M.IR.NameRange,
                "emit it with --target=postgres, or remove what Liquibase "
                "cannot carry");
      return;
    }
    llvm::raw_string_ostream OS(Changelog);
    OS << "\n";
    CS.write(OS, 2);
  }

  std::string document() const override {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!-- Generated by migc. Each changeSet is one migration; its\n"
           "     <rollback> is the migration's down. Expressions and <sql>\n"
           "     changes are PostgreSQL SQL. -->\n"
           "<databaseChangeLog\n"
           "    xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
           "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
           "    "
           "xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog "
           "http://www.liquibase.org/xml/ns/dbchangelog/"
           "dbchangelog-4.20.xsd\">\n" +
           Changelog + "</databaseChangeLog>\n";
  }

  std::string Changelog;
};

} // namespace

std::unique_ptr<Backend> createLiquibaseBackend() {
  return std::make_unique<LiquibaseBackend>();
}

} // namespace migc::backends
