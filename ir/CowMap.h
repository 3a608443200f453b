//===- CowMap.h - A map whose copies share storage until written -*- C++ -*-===//
//
// Schema snapshots are taken once per migration (before `up`, to check and
// replay `down`); a plain std::map copy would make replaying a long history
// quadratic. A CowMap is split into shards, each shared by every copy until
// one of them writes it: a copy costs NumShards pointer copies, a write the
// copy of one shard at most.
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
  static constexpr unsigned NumShards = 64;
  using Shard = std::map<std::string, V, std::less<>>;

public:
  const V *find(llvm::StringRef K) const {
    const std::shared_ptr<Shard> &S = Shards[shardOf(K)];
    if (!S)
      return nullptr;
    auto It = S->find(K);
    return It == S->end() ? nullptr : &It->second;
  }

  /// The value for K, writable (its shard is unshared first), or null.
  V *edit(llvm::StringRef K) {
    if (!find(K))
      return nullptr;
    return &writable(shardOf(K)).find(K)->second;
  }

  /// Inserts unless K is present; returns whether it inserted.
  bool insert(llvm::StringRef K, V Value) {
    if (find(K))
      return false;
    writable(shardOf(K)).emplace(K.str(), std::move(Value));
    ++Count;
    return true;
  }

  bool erase(llvm::StringRef K) {
    if (!find(K))
      return false;
    Shard &S = writable(shardOf(K));
    S.erase(S.find(K));
    --Count;
    return true;
  }

  size_t size() const { return Count; }

  /// Calls F(key, value) for every entry, in no particular order.
  template <typename F> void forEach(F &&Fn) const {
    for (const std::shared_ptr<Shard> &S : Shards)
      if (S)
        for (const auto &[K, Val] : *S)
          Fn(K, Val);
  }

  /// The entries sorted by key, for deterministic output.
  std::vector<std::pair<const std::string *, const V *>> sorted() const {
    std::vector<std::pair<const std::string *, const V *>> Out;
    Out.reserve(Count);
    forEach([&](const std::string &K, const V &Val) { Out.push_back({&K, &Val}); });
    std::sort(Out.begin(), Out.end(),
              [](const auto &A, const auto &B) { return *A.first < *B.first; });
    return Out;
  }

private:
  static unsigned shardOf(llvm::StringRef K) {
    return unsigned(llvm::xxHash64(K) % NumShards);
  }

  Shard &writable(unsigned I) {
    std::shared_ptr<Shard> &S = Shards[I];
    if (!S)
      S = std::make_shared<Shard>();
    else if (S.use_count() > 1)
      S = std::make_shared<Shard>(*S);
    return *S;
  }

  std::array<std::shared_ptr<Shard>, NumShards> Shards;
  size_t Count = 0;
};

} // namespace migc::ir

#endif
