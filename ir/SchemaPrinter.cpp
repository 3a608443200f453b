//===- SchemaPrinter.cpp - The schema as text, JSON and SQL ---------------===//

#include "ir/SchemaPrinter.h"

#include "ir/OpPrinter.h"

namespace migc::ir {

std::string quoteDoubling(llvm::StringRef Text, char Quote) {
  std::string Out(1, Quote);
  for (char C : Text) {
    Out.push_back(C);
    if (C == Quote)
      Out.push_back(Quote);
  }
  return Out + Quote;
}

std::string quoteIdent(llvm::StringRef Name) {
  return quoteDoubling(Name, '"');
}

std::string quoteLiteral(llvm::StringRef Text) {
  return quoteDoubling(Text, '\'');
}

std::string postgresType(Type T) {
  switch (T.Kind) {
  case TypeKind::Int:
    return "integer";
  case TypeKind::Decimal:
    return T.Length ? "numeric(" + std::to_string(T.Length) + "," +
                          std::to_string(T.Scale) + ")"
                    : "numeric";
  case TypeKind::Double:
    return "double precision";
  case TypeKind::Bool:
    return "boolean";
  case TypeKind::Bytes:
    return "bytea";
  case TypeKind::Json:
    return "jsonb";
  default:
    return T.str();
  }
}

namespace {

std::string keyList(const std::vector<IndexKey> &Keys) {
  std::string Out;
  for (const IndexKey &K : Keys)
    Out += (Out.empty() ? "" : ", ") + K.Column + (K.Desc ? " desc" : "");
  return Out;
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
        OS << " default " << print(*C.Default);
      OS << "\n";
    }
    for (const Constraint &C : T.Constraints)
      OS << "  constraint " << C.Name << " " << printConstraintBody(C)
         << (C.NotValid ? " not valid" : "") << "\n";
    for (const Index *I : S.indexesOn(Name)) {
      OS << "  " << (I->Unique ? "unique index " : "index ") << I->Name << " ("
         << keyList(I->Keys) << ")";
      if (I->Where)
        OS << " where (" << print(*I->Where) << ")";
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
          {"default", C.Default ? llvm::json::Value(print(*C.Default))
                                : llvm::json::Value(nullptr)},
          {"identity", C.Identity}});
    for (const Constraint &C : T.Constraints) {
      llvm::json::Object O{{"name", C.Name},
                           {"kind", constraintKindName(C.Kind).str()}};
      if (C.Kind == ConstraintKind::Check)
        O["expression"] = print(*C.Check);
      else
        O["columns"] = llvm::json::Array(C.Columns);
      if (C.Kind == ConstraintKind::ForeignKey) {
        O["references"] =
            llvm::json::Object{{"table", C.RefTable},
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
          {"where", I->Where ? llvm::json::Value(print(*I->Where))
                             : llvm::json::Value(nullptr)}});
    }
    Tables.push_back(llvm::json::Object{{"name", Name},
                                        {"columns", std::move(Columns)},
                                        {"constraints", std::move(Constraints)},
                                        {"indexes", std::move(Indexes)}});
  }
  return llvm::json::Object{{"tables", std::move(Tables)}};
}

} // namespace migc::ir
