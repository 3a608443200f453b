//===- GraphCommand.cpp - migc graph
//---------------------------------------===//

#include "tools/migc/Driver.h"

#include "passes/DependencyGraph.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

namespace {
enum class GraphFormat { Dot };

cl::list<std::string> Paths(cl::Positional, cl::sub(GraphCommand),
                            cl::desc("[PATH...]"));
cl::opt<GraphFormat>
    Format("format", cl::sub(GraphCommand), cl::init(GraphFormat::Dot),
           cl::desc("How to print the graph"),
           cl::values(clEnumValN(GraphFormat::Dot, "dot", "Graphviz DOT")));
} // namespace

int runGraph() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  if (std::optional<int> Status = startSession(S, Paths, DiagFormat::Text, {}))
    return *Status;
  int Status = S.finish();
  // The graph is printed even when the project has errors: a cycle is
  // easiest to understand drawn.
  passes::printGraphDot(llvm::outs(), S.C.Migrations, S.C.Order, S.C.Graph);
  return Status;
}

} // namespace migc::driver
