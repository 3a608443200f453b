//===- SchemaPrinter.h - The schema as text, JSON and SQL -----*- C++ -*-===//
#ifndef MIGC_IR_SCHEMAPRINTER_H
#define MIGC_IR_SCHEMAPRINTER_H

#include "ir/Schema.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::ir {

/// One line per entity (`table`, `column`, `constraint`, `index`), indented
/// under its table, so grep and FileCheck can read it.
void printSchemaText(const Schema &S, llvm::raw_ostream &OS);

/// {"tables":[{"name","columns":[...],"constraints":[...],"indexes":[...]}]}
llvm::json::Value schemaToJson(const Schema &S);

/// PostgreSQL's spelling of a type, and a quoted identifier.
std::string postgresType(Type T);
/// Text between two Quote characters, each Quote inside doubled (SQL's
/// rule for identifiers, literals and MySQL's backticks).
std::string quoteDoubling(llvm::StringRef Text, char Quote);
std::string quoteIdent(llvm::StringRef Name);
std::string quoteLiteral(llvm::StringRef Text);

} // namespace migc::ir

#endif
