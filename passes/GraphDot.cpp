//===- GraphDot.cpp - The dependency graph as Graphviz DOT ----------------===//
//
// Nodes are migrations in replay order; an edge runs from a migration to
// each migration that requires it (the order they run in). Cycles are red,
// heads are doubled boxes, and unordered conflicts are dashed orange edges
// labelled with the object both touch.
//
//===----------------------------------------------------------------------===//

#include "passes/DependencyGraph.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::passes {

namespace {
std::string dotString(llvm::StringRef S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    if (C == '\n') {
      Out += "\\n";
      continue;
    }
    Out += C;
  }
  return Out + "\"";
}
} // namespace

void printGraphDot(llvm::raw_ostream &OS, const std::vector<ir::Migration> &Ms,
                   const ir::MigrationOrder &O, const GraphFacts &F) {
  llvm::DenseSet<unsigned> InCycle, Heads(F.Heads.begin(), F.Heads.end());
  llvm::DenseSet<std::pair<unsigned, unsigned>> CycleEdges;
  for (const std::vector<unsigned> &C : O.Cycles)
    for (size_t I = 0; I < C.size(); ++I) {
      InCycle.insert(C[I]);
      // C[I] requires C[I+1] (and the last requires the first).
      CycleEdges.insert({C[(I + 1) % C.size()], C[I]});
    }
  OS << "digraph migrations {\n"
     << "  rankdir=LR;\n"
     << "  node [shape=box, fontname=\"Helvetica\"];\n"
     << "  edge [fontname=\"Helvetica\"];\n";
  for (unsigned M : O.Order) {
    OS << "  " << dotString(Ms[M].Name);
    std::vector<std::string> Attrs;
    if (InCycle.contains(M))
      Attrs.push_back("color=red, fontcolor=red");
    if (Heads.contains(M))
      Attrs.push_back("peripheries=2");
    if (!Attrs.empty()) {
      OS << " [";
      for (size_t I = 0; I < Attrs.size(); ++I)
        OS << (I ? ", " : "") << Attrs[I];
      OS << "]";
    }
    OS << ";\n";
  }
  for (unsigned M : O.Order)
    for (unsigned R : O.Requires[M]) {
      OS << "  " << dotString(Ms[R].Name) << " -> " << dotString(Ms[M].Name);
      if (CycleEdges.contains({R, M}))
        OS << " [color=red]";
      OS << ";\n";
    }
  for (const GraphFacts::Conflict &C : F.Conflicts)
    OS << "  " << dotString(Ms[C.First].Name) << " -> "
       << dotString(Ms[C.Second].Name)
       << " [style=dashed, color=orange, dir=none, constraint=false, label="
       << dotString(ir::describeTouchKey(C.Key)) << "];\n";
  OS << "}\n";
}

} // namespace migc::passes
