//===- CowMap.h - A map whose copies share storage until written -*- C++
//-*-===//
//
// Schema snapshots are taken once per migration (before `up`, to check and
// replay `down`); a plain std::map copy would make replaying a long history
// quadratic. A CowMap is a two-level hash trie whose nodes are shared by
// every copy until one of them writes: a copy costs 64 pointer copies, a
// write the copy of one node and one small leaf at most.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_COWMAP_H
#define MIGC_IR_COWMAP_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace migc::ir {

template <typename V> class CowMap {
  // Two levels of 64: a copy shares the 64 top nodes, a write unshares one
  // top node (64 pointers) and one leaf (a few entries even for 100,000).
  static constexpr unsigned Fanout = 64;
  using Leaf = std::map<std::string, V, std::less<>>;
  using Node = std::array<std::shared_ptr<Leaf>, Fanout>;

public:
  const V *find(llvm::StringRef K) const {
    auto [Top, Low] = slot(K);
    const std::shared_ptr<Node> &N = Nodes[Top];
    if (!N || !(*N)[Low])
      return nullptr;
    const Leaf &L = *(*N)[Low];
    auto It = L.find(K);
    return It == L.end() ? nullptr : &It->second;
  }

  /// The value for K, writable (its leaf is unshared first), or null.
  V *edit(llvm::StringRef K) {
    if (!find(K))
      return nullptr;
    return &writable(K).find(K)->second;
  }

  /// Inserts unless K is present; returns whether it inserted.
  bool insert(llvm::StringRef K, V Value) {
    if (find(K))
      return false;
    writable(K).emplace(K.str(), std::move(Value));
    ++Count;
    return true;
  }

  bool erase(llvm::StringRef K) {
    if (!find(K))
      return false;
    Leaf &L = writable(K);
    L.erase(L.find(K));
    --Count;
    return true;
  }

  size_t size() const { return Count; }

  /// Calls F(key, value) for every entry, in no particular order.
  template <typename F> void forEach(F &&Fn) const {
    for (const std::shared_ptr<Node> &N : Nodes)
      if (N)
        for (const std::shared_ptr<Leaf> &L : *N)
          if (L)
            for (const auto &[K, Val] : *L)
              Fn(K, Val);
  }

  /// Calls F(key, mine, theirs) for every key whose entry may differ
  /// between this map and Other (null where absent). Storage the two share
  /// (snapshots of one history) is skipped without looking inside.
  template <typename F>
  void forEachDifference(const CowMap &Other, F &&Fn) const {
    for (unsigned T = 0; T < Fanout; ++T) {
      const std::shared_ptr<Node> &A = Nodes[T], &B = Other.Nodes[T];
      if (A == B)
        continue;
      for (unsigned L = 0; L < Fanout; ++L) {
        const Leaf *LA = A ? (*A)[L].get() : nullptr;
        const Leaf *LB = B ? (*B)[L].get() : nullptr;
        if (LA == LB)
          continue;
        static const Leaf Empty;
        const Leaf &X = LA ? *LA : Empty, &Y = LB ? *LB : Empty;
        auto I = X.begin(), J = Y.begin();
        while (I != X.end() || J != Y.end()) {
          if (J == Y.end() || (I != X.end() && I->first < J->first)) {
            Fn(I->first, &I->second, nullptr);
            ++I;
          } else if (I == X.end() || J->first < I->first) {
            Fn(J->first, nullptr, &J->second);
            ++J;
          } else {
            Fn(I->first, &I->second, &J->second);
            ++I;
            ++J;
          }
        }
      }
    }
  }

  /// The entries sorted by key, for deterministic output.
  std::vector<std::pair<const std::string *, const V *>> sorted() const {
    std::vector<std::pair<const std::string *, const V *>> Out;
    Out.reserve(Count);
    forEach([&](const std::string &K, const V &Val) {
      Out.push_back({&K, &Val});
    });
    std::sort(Out.begin(), Out.end(),
              [](const auto &A, const auto &B) { return *A.first < *B.first; });
    return Out;
  }

private:
  static std::pair<unsigned, unsigned> slot(llvm::StringRef K) {
    uint64_t H = llvm::xxHash64(K);
    return {unsigned(H % Fanout), unsigned((H / Fanout) % Fanout)};
  }

  template <typename T> static T &unshare(std::shared_ptr<T> &P) {
    if (!P)
      P = std::make_shared<T>();
    else if (P.use_count() > 1)
      P = std::make_shared<T>(*P);
    return *P;
  }

  Leaf &writable(llvm::StringRef K) {
    auto [Top, Low] = slot(K);
    return unshare(unshare(Nodes[Top])[Low]);
  }

  std::array<std::shared_ptr<Node>, Fanout> Nodes;
  size_t Count = 0;
};

} // namespace migc::ir

#endif
