//===- DependencyGraph.h - Heads and unordered conflicts ------*- C++ -*-===//
//
// Spec section 8.2. Cycles, unknown and duplicate migrations are found while
// ordering (ir/Order.h); this pass finds the rest on the ordered graph:
// several heads, and unordered migrations that touch the same object.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_DEPENDENCYGRAPH_H
#define MIGC_PASSES_DEPENDENCYGRAPH_H

#include "diag/Diagnostic.h"
#include "ir/Order.h"
#include "ir/Touches.h"

namespace migc::passes {

struct GraphFacts {
  /// Migrations nothing requires, by name.
  std::vector<unsigned> Heads;
  struct Conflict {
    unsigned First, Second; // in replay order
    std::string Key;        // one object they both touch (deterministic)
  };
  std::vector<Conflict> Conflicts;
  /// Statistics: pairs of touches compared.
  uint64_t PairsCompared = 0;
};

/// Finds several heads and unordered conflicts. Touches[i] is what
/// migration i's `up` touches.
GraphFacts analyzeGraph(const std::vector<ir::Migration> &Ms,
                        const ir::MigrationOrder &Order,
                        const std::vector<std::vector<ir::Touch>> &Touches,
                        DiagList &Diags);

/// The dependency graph as Graphviz DOT, cycles and conflicts highlighted.
void printGraphDot(llvm::raw_ostream &OS, const std::vector<ir::Migration> &Ms,
                   const ir::MigrationOrder &Order, const GraphFacts &F);

} // namespace migc::passes

#endif
