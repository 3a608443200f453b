//===- Order.cpp - Topological order of migrations, and cycles ------------===//

#include "ir/Order.h"
#include "ir/TypeCheck.h"

#include "llvm/ADT/GraphTraits.h"
#include "llvm/ADT/SCCIterator.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <queue>

namespace migc::ir {
namespace {
/// The `requires` graph for LLVM's SCC iterator: an edge from a migration to
/// each migration it requires, and a root with an edge to every node.
struct DepNode {
  unsigned Id;
  std::vector<DepNode *> Succ;
};
struct DepGraph {
  std::vector<DepNode> Nodes; // the last one is the root
};
} // namespace
} // namespace migc::ir

template <> struct llvm::GraphTraits<migc::ir::DepGraph *> {
  using NodeRef = migc::ir::DepNode *;
  using ChildIteratorType = std::vector<NodeRef>::iterator;
  static NodeRef getEntryNode(migc::ir::DepGraph *G) {
    return &G->Nodes.back();
  }
  static ChildIteratorType child_begin(NodeRef N) { return N->Succ.begin(); }
  static ChildIteratorType child_end(NodeRef N) { return N->Succ.end(); }
};

namespace migc::ir {

namespace {

/// Reports each cycle among the migrations left over by the topological
/// sort, naming every migration in it in `requires` order.
/// Returns, for each migration left over, the strongly connected component
/// it belongs to.
std::vector<unsigned> reportCycles(const std::vector<Migration> &Ms,
                                   MigrationOrder &O,
                                   const std::vector<bool> &Left,
                                   DiagList &Diags) {
  std::vector<unsigned> SccOf(Ms.size(), ~0u);
  unsigned SccCount = 0;
  DepGraph G;
  G.Nodes.resize(Ms.size() + 1);
  for (unsigned I = 0; I <= Ms.size(); ++I)
    G.Nodes[I].Id = I;
  for (unsigned I = 0; I < Ms.size(); ++I) {
    if (!Left[I])
      continue;
    G.Nodes.back().Succ.push_back(&G.Nodes[I]);
    for (unsigned R : O.Requires[I])
      if (Left[R])
        G.Nodes[I].Succ.push_back(&G.Nodes[R]);
  }
  for (auto It = llvm::scc_begin(&G); !It.isAtEnd(); ++It) {
    const std::vector<DepNode *> &SCC = *It;
    for (DepNode *N : SCC)
      if (N->Id < Ms.size())
        SccOf[N->Id] = SccCount;
    ++SccCount;
    if (SCC.size() == 1 && (SCC[0]->Id == Ms.size() || !It.hasCycle()))
      continue;
    std::vector<unsigned> Ids;
    for (DepNode *N : SCC)
      Ids.push_back(N->Id);
    unsigned Start =
        *std::min_element(Ids.begin(), Ids.end(), [&](auto A, auto B) {
          return Ms[A].Name < Ms[B].Name;
        });
    // The shortest cycle through Start: breadth-first along `requires`
    // edges inside the SCC, back to Start. Via[N] is how N was reached.
    struct Step {
      unsigned From;
      llvm::SMRange Clause;
    };
    std::map<unsigned, Step> Via;
    std::vector<unsigned> Queue{Start};
    llvm::SMRange Closing;
    unsigned Last = ~0u;
    for (size_t Head = 0; Head < Queue.size() && Last == ~0u; ++Head) {
      unsigned Cur = Queue[Head];
      for (size_t K = 0; K < Ms[Cur].Requires.size() && Last == ~0u; ++K)
        for (unsigned R : O.Requires[Cur]) {
          if (Ms[R].Name != Ms[Cur].Requires[K] || !llvm::is_contained(Ids, R))
            continue;
          if (R == Start) {
            Last = Cur;
            Closing = Ms[Cur].RequiresRanges[K];
          } else if (!Via.count(R)) {
            Via[R] = {Cur, Ms[Cur].RequiresRanges[K]};
            Queue.push_back(R);
          }
          break;
        }
    }
    std::vector<unsigned> Path;
    for (unsigned N = Last; N != Start && N != ~0u; N = Via[N].From)
      Path.push_back(N);
    Path.push_back(Start);
    std::reverse(Path.begin(), Path.end());
    std::string Text;
    for (size_t K = 0; K < Path.size(); ++K) {
      // A very long cycle is shown by its ends.
      if (Path.size() > 12 && K == 5) {
        Text +=
            "... (" + std::to_string(Path.size() - 8) + " more) ... requires ";
        K = Path.size() - 3;
      }
      Text += quote(Ms[Path[K]].Name) + " requires ";
    }
    Text += quote(Ms[Start].Name);
    Diagnostic &D = Diags.emplace_back(
        Rule::DependencyCycle, Closing,
        Path.size() == 1
            ? "migration " + quote(Ms[Start].Name) + " requires itself"
            : "dependency cycle: " + Text + "; no order can satisfy them");
    D.note(Ms[Start].NameRange, "remove one `requires` of the cycle");
    O.Cycles.push_back(Path);
  }
  return SccOf;
}

/// Numbers the strongly connected components of all valid migrations,
/// dependencies first (Tarjan's order, as LLVM's scc_iterator gives it).
void numberComponents(MigrationOrder &O) {
  size_t N = O.Requires.size();
  DepGraph G;
  G.Nodes.resize(N + 1);
  for (unsigned I = 0; I <= N; ++I)
    G.Nodes[I].Id = I;
  for (unsigned I = 0; I < N; ++I) {
    if (!O.Valid[I])
      continue;
    G.Nodes.back().Succ.push_back(&G.Nodes[I]);
    for (unsigned R : O.Requires[I])
      G.Nodes[I].Succ.push_back(&G.Nodes[R]);
  }
  O.Component.assign(N, ~0u);
  unsigned Next = 0;
  for (auto It = llvm::scc_begin(&G); !It.isAtEnd(); ++It) {
    for (DepNode *Node : *It)
      if (Node->Id < N)
        O.Component[Node->Id] = Next;
    ++Next;
  }
}

} // namespace

MigrationOrder orderMigrations(const std::vector<Migration> &Ms,
                               DiagList &Diags) {
  MigrationOrder O;
  O.Requires.resize(Ms.size());
  O.Valid.assign(Ms.size(), true);
  llvm::StringMap<unsigned> ByName;
  for (unsigned I = 0; I < Ms.size(); ++I) {
    auto [It, New] = ByName.try_emplace(Ms[I].Name, I);
    if (New)
      continue;
    O.Valid[I] = false;
    Diags
        .emplace_back(Rule::DuplicateMigration, Ms[I].NameRange,
                      "migration " + quote(Ms[I].Name) +
                          " is defined twice; names must be unique in the "
                          "project")
        .note(Ms[It->second].NameRange,
              "the first definition is here; the second is not checked until "
              "it has a name of its own");
  }
  std::vector<llvm::StringRef> Names;
  for (const auto &E : ByName)
    Names.push_back(E.getKey());
  std::vector<unsigned> Pending(Ms.size());
  std::vector<std::vector<unsigned>> Dependents(Ms.size());
  for (unsigned I = 0; I < Ms.size(); ++I) {
    if (!O.Valid[I])
      continue;
    for (size_t K = 0; K < Ms[I].Requires.size(); ++K) {
      const std::string &R = Ms[I].Requires[K];
      auto It = ByName.find(R);
      if (It == ByName.end()) {
        std::vector<llvm::StringRef> Others;
        for (llvm::StringRef N : Names)
          if (N != Ms[I].Name)
            Others.push_back(N);
        Diags.emplace_back(Rule::UnknownMigration, Ms[I].RequiresRanges[K],
                           "migration " + quote(Ms[I].Name) + " requires " +
                               quote(R) + ", which does not exist" +
                               didYouMean(R, Others));
        continue;
      }
      if (llvm::is_contained(O.Requires[I], It->second))
        continue;
      O.Requires[I].push_back(It->second);
      Dependents[It->second].push_back(I);
      ++Pending[I];
    }
  }
  numberComponents(O);
  auto Later = [&](unsigned A, unsigned B) { return Ms[A].Name > Ms[B].Name; };
  std::priority_queue<unsigned, std::vector<unsigned>, decltype(Later)> Ready(
      Later);
  for (unsigned I = 0; I < Ms.size(); ++I)
    if (O.Valid[I] && !Pending[I])
      Ready.push(I);
  std::vector<bool> Left = O.Valid;
  while (!Ready.empty()) {
    unsigned I = Ready.top();
    Ready.pop();
    O.Order.push_back(I);
    Left[I] = false;
    for (unsigned D : Dependents[I])
      if (--Pending[D] == 0)
        Ready.push(D);
  }
  if (O.Order.size() == size_t(llvm::count(O.Valid, true)))
    return O;
  std::vector<unsigned> SccOf = reportCycles(Ms, O, Left, Diags);
  // What is left is ordered along the `requires` between components; inside
  // a cycle, in the order the migrations were written (file, then position),
  // most likely the order their author meant.
  std::vector<unsigned> Waiting(Ms.size());
  std::vector<std::vector<unsigned>> After(Ms.size());
  for (unsigned I = 0; I < Ms.size(); ++I)
    if (Left[I])
      for (unsigned R : O.Requires[I])
        if (Left[R] && SccOf[R] != SccOf[I]) {
          ++Waiting[I];
          After[R].push_back(I);
        }
  std::priority_queue<unsigned, std::vector<unsigned>, std::greater<>> Next;
  for (unsigned I = 0; I < Ms.size(); ++I)
    if (Left[I] && !Waiting[I])
      Next.push(I);
  while (!Next.empty()) {
    unsigned I = Next.top();
    Next.pop();
    O.Order.push_back(I);
    for (unsigned D : After[I])
      if (--Waiting[D] == 0)
        Next.push(D);
  }
  return O;
}

std::vector<bool> ancestorsOf(const MigrationOrder &O, unsigned M) {
  std::vector<bool> Seen(O.Requires.size());
  std::vector<unsigned> Work{M};
  Seen[M] = true;
  while (!Work.empty()) {
    unsigned I = Work.back();
    Work.pop_back();
    for (unsigned R : O.Requires[I])
      if (!Seen[R]) {
        Seen[R] = true;
        Work.push_back(R);
      }
  }
  return Seen;
}

} // namespace migc::ir
