//===- SchemaCommand.cpp - migc schema
//-------------------------------------===//

#include "tools/migc/Driver.h"

#include "backends/Postgres.h"
#include "ir/SchemaPrinter.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

namespace {
enum class SchemaFormat { Text, Json, Sql };

cl::list<std::string> Paths(cl::Positional, cl::sub(SchemaCommand),
                            cl::desc("[PATH...]"));
cl::opt<std::string> At("at", cl::sub(SchemaCommand),
                        cl::value_desc("MIGRATION"),
                        cl::desc("The schema after this migration and those "
                                 "it requires"));
cl::opt<SchemaFormat> Format(
    "format", cl::sub(SchemaCommand), cl::init(SchemaFormat::Text),
    cl::desc("How to print the schema"),
    cl::values(clEnumValN(SchemaFormat::Text, "text", "one line per entity"),
               clEnumValN(SchemaFormat::Json, "json", "JSON for other tools"),
               clEnumValN(SchemaFormat::Sql, "sql", "PostgreSQL DDL")));
} // namespace

int runSchema() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  CompileOptions Opts;
  if (At.getNumOccurrences())
    Opts.At = At;
  if (std::optional<int> Status =
          startSession(S, Paths, DiagFormat::Text, Opts))
    return *Status;
  int Status = S.finishWhole();
  // A schema replayed through errors (in any file) is not the schema:
  // print nothing.
  if (Status != Success)
    return Status;
  switch (Format) {
  case SchemaFormat::Text:
    ir::printSchemaText(S.C.Final, llvm::outs());
    break;
  case SchemaFormat::Json:
    llvm::outs() << llvm::formatv("{0:2}", ir::schemaToJson(S.C.Final)) << "\n";
    break;
  case SchemaFormat::Sql:
    backends::emitPostgresSchema(S.C.Final, llvm::outs());
    break;
  }
  return Success;
}

} // namespace migc::driver
