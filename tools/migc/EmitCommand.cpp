//===- EmitCommand.cpp - migc emit -----------------------------------------===//

#include "tools/migc/Driver.h"

#include "backends/Postgres.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

namespace {
enum class Target { Postgres };

cl::list<std::string> Paths(cl::Positional, cl::sub(EmitCommand),
                            cl::desc("[PATH...]"));
cl::opt<Target> TargetOpt(
    "target", cl::sub(EmitCommand), cl::Required,
    cl::desc("The database to emit for"),
    cl::values(clEnumValN(Target::Postgres, "postgres", "PostgreSQL DDL")));
cl::opt<bool> Down("down", cl::sub(EmitCommand),
                   cl::desc("Emit the down scripts, in reverse order"));
} // namespace

int runEmit() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  if (std::optional<int> Status =
          startSession(S, Paths, DiagFormat::Text, {}))
    return *Status;
  // A project with errors has no schema to emit: nothing is printed.
  int Status = S.finish();
  if (Status != Success)
    return Status;
  const Compilation &C = S.C;
  std::vector<unsigned> Order = C.Order.Order;
  if (Down)
    std::reverse(Order.begin(), Order.end());
  for (unsigned I : Order) {
    const ir::Migration &M = C.Migrations[I];
    if (!Down) {
      backends::emitPostgresScript(M, M.Up, "up", llvm::outs());
      continue;
    }
    if (!M.Down) {
      llvm::outs() << "-- migration " << M.Name
                   << " (down): none, the migration is irreversible\n\n";
      continue;
    }
    backends::emitPostgresScript(M, *M.Down, "down", llvm::outs());
  }
  return Success;
}

} // namespace migc::driver
