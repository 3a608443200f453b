//===- CowVector.h - A vector whose copies share storage -------*- C++ -*-===//
//
// A table's columns and constraints. The walk gives its listeners the schema
// before and after every operation, and a deferred pass keeps those
// snapshots until a proof thread takes them; with a plain std::vector every
// edit of a snapshotted table would copy all of its columns, so one
// migration of 5,000 `add column`s would keep 5,000 copies of a table that
// grows to 5,000 columns. A CowVector keeps its elements in chunks of 32
// shared by every copy: a copy costs a pointer per chunk, an edit copies one
// chunk at most.
//
// It reads like a std::vector. Writing goes through push_back, insert,
// erase, erase_if, clear and the non-const element accessors (which unshare
// the element's chunk). There are deliberately no mutable iterators: a
// range-for over a non-const vector would unshare every chunk it reads.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_COWVECTOR_H
#define MIGC_IR_COWVECTOR_H

#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

namespace migc::ir {

template <typename T> class CowVector {
  static constexpr size_t ChunkSize = 32;
  using Chunk = std::vector<T>;

public:
  using value_type = T;
  using size_type = size_t;

  class const_iterator {
  public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T *;
    using reference = const T &;

    const_iterator() = default;
    const_iterator(const CowVector *V, size_t I) : V(V), I(I) {}
    reference operator*() const { return (*V)[I]; }
    pointer operator->() const { return &(*V)[I]; }
    reference operator[](difference_type N) const { return (*V)[I + N]; }
    const_iterator &operator++() { return ++I, *this; }
    const_iterator operator++(int) { return {V, I++}; }
    const_iterator &operator--() { return --I, *this; }
    const_iterator operator--(int) { return {V, I--}; }
    const_iterator &operator+=(difference_type N) { return I += N, *this; }
    const_iterator &operator-=(difference_type N) { return I -= N, *this; }
    friend const_iterator operator+(const_iterator A, difference_type N) {
      return A += N;
    }
    friend const_iterator operator+(difference_type N, const_iterator A) {
      return A += N;
    }
    friend const_iterator operator-(const_iterator A, difference_type N) {
      return A -= N;
    }
    friend difference_type operator-(const_iterator A, const_iterator B) {
      return difference_type(A.I) - difference_type(B.I);
    }
    friend bool operator==(const_iterator A, const_iterator B) {
      return A.I == B.I;
    }
    friend auto operator<=>(const_iterator A, const_iterator B) {
      return A.I <=> B.I;
    }
    /// The element's position.
    size_t index() const { return I; }

  private:
    const CowVector *V = nullptr;
    size_t I = 0;
  };
  using iterator = const_iterator;

  CowVector() = default;
  CowVector(std::initializer_list<T> L) {
    for (const T &X : L)
      push_back(X);
  }
  template <typename It> CowVector(It First, It Last) {
    for (; First != Last; ++First)
      push_back(*First);
  }
  CowVector(const std::vector<T> &V) : CowVector(V.begin(), V.end()) {}

  size_t size() const { return Count; }
  bool empty() const { return Count == 0; }

  const T &operator[](size_t I) const {
    assert(I < Count);
    return (*Chunks[I / ChunkSize])[I % ChunkSize];
  }
  /// Unshares the element's chunk.
  T &operator[](size_t I) {
    assert(I < Count);
    return writable(I / ChunkSize)[I % ChunkSize];
  }
  const T &front() const { return (*this)[0]; }
  const T &back() const { return (*this)[Count - 1]; }
  T &front() { return (*this)[0]; }
  T &back() { return (*this)[Count - 1]; }

  /// The position of X, an element of this vector.
  size_t indexOf(const T &X) const {
    for (size_t C = 0; C < Chunks.size(); ++C) {
      const Chunk &K = *Chunks[C];
      if (&X >= K.data() && &X < K.data() + K.size())
        return C * ChunkSize + size_t(&X - K.data());
    }
    assert(false && "not an element");
    return Count;
  }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, Count}; }
  std::reverse_iterator<const_iterator> rbegin() const {
    return std::reverse_iterator<const_iterator>(end());
  }
  std::reverse_iterator<const_iterator> rend() const {
    return std::reverse_iterator<const_iterator>(begin());
  }

  /// Every element, writable: `for (T &X : V.edit())`. Unshares the chunks
  /// as it reaches them, so use it to change elements, not to read them.
  class EditRange {
  public:
    class iterator {
    public:
      iterator(CowVector *V, size_t I) : V(V), I(I) {}
      T &operator*() const { return (*V)[I]; }
      iterator &operator++() { return ++I, *this; }
      bool operator!=(const iterator &O) const { return I != O.I; }

    private:
      CowVector *V;
      size_t I;
    };
    explicit EditRange(CowVector &V) : V(V) {}
    iterator begin() const { return {&V, 0}; }
    iterator end() const { return {&V, V.size()}; }

  private:
    CowVector &V;
  };
  EditRange edit() { return EditRange(*this); }

  void reserve(size_t) {}

  void push_back(T X) {
    // Chunks grow as vectors do: most tables have a few columns.
    if (Count % ChunkSize == 0)
      Chunks.push_back(std::make_shared<Chunk>());
    writable(Chunks.size() - 1).push_back(std::move(X));
    ++Count;
  }
  template <typename... Args> T &emplace_back(Args &&...A) {
    push_back(T(std::forward<Args>(A)...));
    return back();
  }

  /// Inserts X before position At; the chunks after it are rewritten.
  const_iterator insert(const_iterator At, T X) {
    size_t I = At.index();
    std::vector<T> Tail = take(I);
    push_back(std::move(X));
    for (T &Y : Tail)
      push_back(std::move(Y));
    return {this, I};
  }
  /// Removes [First, Last); the chunks after it are rewritten.
  const_iterator erase(const_iterator First, const_iterator Last) {
    size_t I = First.index(), N = Last.index() - I;
    std::vector<T> Tail = take(I);
    for (size_t K = N; K < Tail.size(); ++K)
      push_back(std::move(Tail[K]));
    return {this, I};
  }
  const_iterator erase(const_iterator At) { return erase(At, At + 1); }
  /// Removes every element for which P holds; returns how many.
  template <typename Pred> size_t erase_if(Pred P) {
    size_t First = 0;
    while (First < Count && !P((*this)[First]))
      ++First;
    if (First == Count)
      return 0;
    std::vector<T> Tail = take(First);
    size_t Removed = 0;
    for (T &Y : Tail) {
      if (P(static_cast<const T &>(Y)))
        ++Removed;
      else
        push_back(std::move(Y));
    }
    return Removed;
  }
  void clear() {
    Chunks.clear();
    Count = 0;
  }
  void pop_back() { erase(end() - 1); }

  friend bool operator==(const CowVector &A, const CowVector &B) {
    if (A.Count != B.Count)
      return false;
    for (size_t I = 0; I < A.Count; ++I)
      if (!(A[I] == B[I]))
        return false;
    return true;
  }

private:
  std::vector<std::shared_ptr<Chunk>> Chunks; // all full but the last
  size_t Count = 0;

  Chunk &writable(size_t C) {
    std::shared_ptr<Chunk> &P = Chunks[C];
    if (P.use_count() > 1)
      P = std::make_shared<Chunk>(*P);
    return *P;
  }

  /// Cuts the vector to its first I elements; returns the rest.
  std::vector<T> take(size_t I) {
    std::vector<T> Tail;
    Tail.reserve(Count - I);
    for (size_t K = I; K < Count; ++K)
      Tail.push_back((*this)[K]);
    size_t Keep = I / ChunkSize;
    if (I % ChunkSize) {
      writable(Keep).resize(I % ChunkSize);
      ++Keep;
    }
    Chunks.resize(Keep);
    Count = I;
    return Tail;
  }
};

} // namespace migc::ir

#endif
