//===- DependencyGraph.cpp - Heads and unordered conflicts ----------------===//
//
// Unordered conflicts without comparing all pairs of migrations: touches are
// grouped by object, and only migrations touching the same object, one of
// them writing it, are compared. Whether two migrations are ordered is a
// bit test in the transitive closure of `requires`, built once in replay
// order (one bit vector of ancestors per migration).
//
//===----------------------------------------------------------------------===//

#include "passes/DependencyGraph.h"
#include "passes/Pass.h"

#include "ir/OpPrinter.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <map>

namespace migc::passes {

namespace {

/// Ancestors[m] holds every migration m requires, directly or not.
std::vector<llvm::BitVector> ancestors(const ir::MigrationOrder &O, size_t N) {
  std::vector<llvm::BitVector> A(N, llvm::BitVector(unsigned(N)));
  // Over the components of `requires`, dependencies first: the members of a
  // cycle all reach each other and whatever any of them requires.
  unsigned Count = 0;
  for (unsigned C : O.Component)
    if (C != ~0u)
      Count = std::max(Count, C + 1);
  std::vector<std::vector<unsigned>> Members(Count);
  for (unsigned M = 0; M < N; ++M)
    if (O.Component[M] != ~0u)
      Members[O.Component[M]].push_back(M);
  for (const std::vector<unsigned> &Group : Members) {
    llvm::BitVector Reach(static_cast<unsigned>(N));
    bool Cyclic = Group.size() > 1;
    for (unsigned M : Group)
      for (unsigned R : O.Requires[M]) {
        Cyclic |= R == M;
        if (O.Component[R] == O.Component[M])
          continue;
        Reach.set(R);
        Reach |= A[R];
      }
    if (Cyclic)
      for (unsigned M : Group)
        Reach.set(M);
    for (unsigned M : Group)
      A[M] = Reach;
  }
  return A;
}

void reportHeads(const std::vector<ir::Migration> &Ms,
                 const ir::MigrationOrder &O, GraphFacts &F, DiagList &Diags) {
  std::vector<bool> Required(Ms.size());
  for (unsigned M : O.Order)
    for (unsigned R : O.Requires[M])
      Required[R] = true;
  for (unsigned M : O.Order)
    if (!Required[M])
      F.Heads.push_back(M);
  llvm::sort(F.Heads,
             [&](unsigned A, unsigned B) { return Ms[A].Name < Ms[B].Name; });
  if (F.Heads.size() < 2)
    return;
  std::string List;
  for (size_t I = 0; I < F.Heads.size() && I < 5; ++I)
    List += (I ? ", " : "") + quote(Ms[F.Heads[I]].Name);
  if (F.Heads.size() > 5)
    List += ", ...";
  Diagnostic &D =
      Diags.emplace_back(Rule::MultipleHeads, Ms[F.Heads.front()].NameRange,
                         "the project has " + std::to_string(F.Heads.size()) +
                             " heads (migrations nothing requires): " + List +
                             "; they may run in either order");
  for (size_t I = 1; I < F.Heads.size() && I < 5; ++I)
    D.note(Ms[F.Heads[I]].NameRange, "another head");
  D.note(Ms[F.Heads.front()].NameRange,
         "add a migration that requires every head to join them");
}

} // namespace

GraphFacts analyzeGraph(const std::vector<ir::Migration> &Ms,
                        const ir::MigrationOrder &O,
                        const std::vector<std::vector<ir::Touch>> &Touches,
                        DiagList &Diags) {
  GraphFacts F;
  reportHeads(Ms, O, F, Diags);
  std::vector<llvm::BitVector> Anc = ancestors(O, Ms.size());

  // Who touches each object, in replay order.
  struct Toucher {
    unsigned Mig;
    const ir::Touch *T;
  };
  llvm::StringMap<std::vector<Toucher>> ByKey;
  for (unsigned M : O.Order)
    for (const ir::Touch &T : Touches[M]) {
      std::vector<Toucher> &L = ByKey[T.Key];
      // One entry per migration and object; a write wins over a read.
      if (!L.empty() && L.back().Mig == M) {
        if (T.Write && !L.back().T->Write)
          L.back().T = &T;
        continue;
      }
      L.push_back({M, &T});
    }

  std::vector<unsigned> Position(Ms.size());
  for (size_t I = 0; I < O.Order.size(); ++I)
    Position[O.Order[I]] = unsigned(I);
  // One report per pair, on the object that says most: a write/write clash
  // before a write/read one, then the smallest key (a stable choice).
  struct Pick {
    std::string Key;
    Toucher First, Second;
    bool BothWrite;
  };
  std::map<std::pair<unsigned, unsigned>, Pick> Picked;
  for (auto &Entry : ByKey) {
    const std::vector<Toucher> &L = Entry.getValue();
    for (size_t I = 0; I < L.size(); ++I) {
      if (!L[I].T->Write)
        continue;
      for (size_t J = 0; J < L.size(); ++J) {
        if (I == J || (J < I && L[J].T->Write))
          continue; // each writer pair once
        ++F.PairsCompared;
        unsigned A = L[I].Mig, B = L[J].Mig;
        if (Anc[A].test(B) || Anc[B].test(A))
          continue;
        Toucher First = L[I], Second = L[J];
        if (Position[A] > Position[B])
          std::swap(First, Second);
        Pick P{Entry.getKey().str(), First, Second,
               First.T->Write && Second.T->Write};
        auto [It, New] = Picked.try_emplace({First.Mig, Second.Mig}, P);
        if (!New && std::make_pair(!P.BothWrite, P.Key) <
                        std::make_pair(!It->second.BothWrite, It->second.Key))
          It->second = P;
      }
    }
  }
  // Deterministic output: by position of the later migration.
  std::vector<Pick> Found;
  for (auto &[Pair, P] : Picked)
    Found.push_back(P);
  llvm::sort(Found, [&](const Pick &X, const Pick &Y) {
    return std::make_pair(Position[X.Second.Mig], Position[X.First.Mig]) <
           std::make_pair(Position[Y.Second.Mig], Position[Y.First.Mig]);
  });
  for (const Pick &P : Found) {
    const std::string &Key = P.Key;
    const Toucher &First = P.First, &Second = P.Second;
    const ir::Migration &A = Ms[First.Mig], &B = Ms[Second.Mig];
    F.Conflicts.push_back({First.Mig, Second.Mig, Key});
    auto Verb = [](const ir::Touch *T) {
      return T->Write ? "changes" : "uses";
    };
    Diags
        .emplace_back(Rule::UnorderedConflict, Second.T->At,
                      "migrations " + quote(A.Name) + " and " + quote(B.Name) +
                          " both touch " + ir::describeTouchKey(Key) +
                          ", but neither requires the other: the result "
                          "depends on which runs first")
        .note(First.T->At, quote(A.Name) + " " + Verb(First.T) + " it here")
        .note(B.NameRange, "add `requires " + ir::printName(A.Name) + ";` to " +
                               quote(B.Name) + " to run them in this order");
  }
  return F;
}

namespace {
class DependencyGraphPass : public Pass {
public:
  using Pass::Pass;

  void finishProject(DiagList &Out) override {
    // Only the whole history has heads and conflicts (not `schema --at`).
    if (!Ctx.WholeProject)
      return;
    Ctx.Touches.resize(Ctx.Migrations.size());
    Ctx.Graph = analyzeGraph(Ctx.Migrations, Ctx.Order, Ctx.Touches, Out);
  }
};
} // namespace

std::unique_ptr<Pass> createDependencyGraphPass(PassContext &Ctx) {
  return std::make_unique<DependencyGraphPass>(Ctx);
}

} // namespace migc::passes
