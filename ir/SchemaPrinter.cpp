//===- SchemaPrinter.cpp - The schema as text, JSON and SQL ---------------===//

#include "ir/SchemaPrinter.h"

namespace migc::ir {

std::string quoteIdent(llvm::StringRef Name) {
  std::string Out = "\"";
  for (char C : Name) {
    Out.push_back(C);
    if (C == '"')
      Out.push_back('"');
  }
  return Out + "\"";
}

std::string quoteLiteral(llvm::StringRef Text) {
  std::string Out = "'";
  for (char C : Text) {
    Out.push_back(C);
    if (C == '\'')
      Out.push_back('\'');
  }
  return Out + "'";
}

std::string postgresType(Type T) {
  switch (T.Kind) {
  case TypeKind::Int: return "integer";
  case TypeKind::Decimal:
    return T.Length ? "numeric(" + std::to_string(T.Length) + "," +
                          std::to_string(T.Scale) + ")"
                    : "numeric";
  case TypeKind::Double: return "double precision";
  case TypeKind::Bool: return "boolean";
  case TypeKind::Bytes: return "bytea";
  case TypeKind::Json: return "jsonb";
  default: return T.str();
  }
}

namespace {

std::string columnList(const std::vector<std::string> &Cols, bool Sql) {
  std::string Out;
  for (const std::string &C : Cols)
    Out += (Out.empty() ? "" : ", ") + (Sql ? quoteIdent(C) : C);
  return Out;
}

std::string keyList(const std::vector<IndexKey> &Keys, bool Sql) {
  std::string Out;
  for (const IndexKey &K : Keys)
    Out += (Out.empty() ? "" : ", ") + (Sql ? quoteIdent(K.Column) : K.Column) +
           (K.Desc ? " desc" : "");
  return Out;
}

std::string exprText(const ExprPtr &E, bool Sql) {
  PrintOptions O;
  O.QuoteIdentifiers = Sql;
  O.TypeSpelling = Sql ? postgresType : nullptr;
  return print(*E, O);
}

/// The body of a constraint after its name, in .mig or PostgreSQL syntax.
std::string constraintBody(const Constraint &C, bool Sql) {
  switch (C.Kind) {
  case ConstraintKind::PrimaryKey:
    return "primary key (" + columnList(C.Columns, Sql) + ")";
  case ConstraintKind::Unique:
    return "unique (" + columnList(C.Columns, Sql) + ")";
  case ConstraintKind::Check:
    return "check (" + exprText(C.Check, Sql) + ")";
  case ConstraintKind::ForeignKey: {
    std::string S = "foreign key (" + columnList(C.Columns, Sql) +
                    ") references " + (Sql ? quoteIdent(C.RefTable) : C.RefTable) +
                    " (" + columnList(C.RefColumns, Sql) + ")";
    if (C.OnDelete != RefAction::NoAction)
      S += " on delete " + refActionName(C.OnDelete).str();
    if (C.OnUpdate != RefAction::NoAction)
      S += " on update " + refActionName(C.OnUpdate).str();
    return S;
  }
  }
  return "";
}

} // namespace

void printSchemaText(const Schema &S, llvm::raw_ostream &OS) {
  for (const Table *TP : S.tables()) {
    const Table &T = *TP;
    const std::string &Name = T.Name;
    OS << "table " << Name << "\n";
    for (const Column &C : T.Columns) {
      OS << "  column " << C.Name << " " << C.Ty.str();
      if (!C.Nullable)
        OS << " not null";
      if (C.Identity)
        OS << " identity";
      if (C.Default)
        OS << " default " << exprText(C.Default, false);
      OS << "\n";
    }
    for (const Constraint &C : T.Constraints)
      OS << "  constraint " << C.Name << " " << constraintBody(C, false)
         << (C.NotValid ? " not valid" : "") << "\n";
    for (const Index *I : S.indexesOn(Name)) {
      OS << "  " << (I->Unique ? "unique index " : "index ") << I->Name
         << " (" << keyList(I->Keys, false) << ")";
      if (I->Where)
        OS << " where (" << exprText(I->Where, false) << ")";
      OS << "\n";
    }
  }
}

llvm::json::Value schemaToJson(const Schema &S) {
  llvm::json::Array Tables;
  for (const Table *TP : S.tables()) {
    const Table &T = *TP;
    const std::string &Name = T.Name;
    llvm::json::Array Columns, Constraints, Indexes;
    for (const Column &C : T.Columns)
      Columns.push_back(llvm::json::Object{
          {"name", C.Name},
          {"type", C.Ty.str()},
          {"nullable", C.Nullable},
          {"default", C.Default ? llvm::json::Value(exprText(C.Default, false))
                                : llvm::json::Value(nullptr)},
          {"identity", C.Identity}});
    for (const Constraint &C : T.Constraints) {
      llvm::json::Object O{{"name", C.Name},
                           {"kind", constraintKindName(C.Kind).str()}};
      if (C.Kind == ConstraintKind::Check)
        O["expression"] = exprText(C.Check, false);
      else
        O["columns"] = llvm::json::Array(C.Columns);
      if (C.Kind == ConstraintKind::ForeignKey) {
        O["references"] = llvm::json::Object{
            {"table", C.RefTable},
            {"columns", llvm::json::Array(C.RefColumns)},
            {"on_delete", refActionName(C.OnDelete).str()},
            {"on_update", refActionName(C.OnUpdate).str()}};
      }
      Constraints.push_back(std::move(O));
    }
    for (const Index *I : S.indexesOn(Name)) {
      llvm::json::Array Cols, Desc;
      for (const IndexKey &K : I->Keys) {
        Cols.push_back(K.Column);
        Desc.push_back(K.Desc);
      }
      Indexes.push_back(llvm::json::Object{
          {"name", I->Name},
          {"columns", std::move(Cols)},
          {"descending", std::move(Desc)},
          {"unique", I->Unique},
          {"where", I->Where ? llvm::json::Value(exprText(I->Where, false))
                             : llvm::json::Value(nullptr)}});
    }
    Tables.push_back(llvm::json::Object{{"name", Name},
                                        {"columns", std::move(Columns)},
                                        {"constraints", std::move(Constraints)},
                                        {"indexes", std::move(Indexes)}});
  }
  return llvm::json::Object{{"tables", std::move(Tables)}};
}

void printSchemaSql(const Schema &S, llvm::raw_ostream &OS) {
  // Foreign keys come last, so tables can reference each other in any order.
  std::vector<std::pair<const Table *, const Constraint *>> ForeignKeys;
  for (const Table *TP : S.tables()) {
    const Table &T = *TP;
    const std::string &Name = T.Name;
    OS << "CREATE TABLE " << quoteIdent(Name) << " (";
    bool First = true;
    for (const Column &C : T.Columns) {
      OS << (First ? "\n  " : ",\n  ") << quoteIdent(C.Name) << " "
         << postgresType(C.Ty);
      First = false;
      if (C.Identity)
        OS << " GENERATED BY DEFAULT AS IDENTITY";
      if (!C.Nullable)
        OS << " NOT NULL";
      if (C.Default)
        OS << " DEFAULT " << exprText(C.Default, true);
    }
    for (const Constraint &C : T.Constraints) {
      if (C.Kind == ConstraintKind::ForeignKey) {
        ForeignKeys.push_back({&T, &C});
        continue;
      }
      OS << (First ? "\n  " : ",\n  ") << "CONSTRAINT " << quoteIdent(C.Name)
         << " " << constraintBody(C, true);
      First = false;
    }
    OS << "\n);\n";
    for (const Index *I : S.indexesOn(Name)) {
      OS << "CREATE " << (I->Unique ? "UNIQUE " : "") << "INDEX "
         << quoteIdent(I->Name) << " ON " << quoteIdent(Name) << " ("
         << keyList(I->Keys, true) << ")";
      if (I->Where)
        OS << " WHERE (" << exprText(I->Where, true) << ")";
      OS << ";\n";
    }
  }
  for (auto [T, C] : ForeignKeys)
    OS << "ALTER TABLE " << quoteIdent(T->Name) << " ADD CONSTRAINT "
       << quoteIdent(C->Name) << " " << constraintBody(*C, true)
       << (C->NotValid ? " NOT VALID" : "") << ";\n";
}

} // namespace migc::ir
