//===- RedundantIndex.cpp - Indexes another index already serves ----------===//
//
// Issue 12 (advice): an index whose columns are a leading prefix of another
// index or key of the same table, with the same `where` (or none), serves
// no lookup the longer one does not, and every write to the table pays for
// both. A B-tree is read in either direction, so (a desc) is a prefix of
// (a, b), and (a, b) of (a desc, b desc), but (a, b desc) is not one of
// (a, b). A unique index or key enforces something: it is redundant only
// beside a unique one over the same columns. A primary key is never the one
// reported.
//
// The rule judges at the end of `up` the indexes and keys `up` created: one
// that another serves is reported, and so is one that makes an older index
// redundant. Of two new ones that serve each other, the later is reported.
//
//===----------------------------------------------------------------------===//

#include "passes/Keys.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringSet.h"

namespace migc::passes {

namespace {

bool sameWhere(const KeyIndex &A, const KeyIndex &B) {
  if (!A.Where || !B.Where)
    return !A.Where && !B.Where;
  return ir::print(*A.Where) == ir::print(*B.Where);
}

/// Whether A's keys are a leading prefix of B's, all in the same direction
/// or all in the opposite one.
bool isPrefix(const KeyIndex &A, const KeyIndex &B) {
  if (A.Columns.size() > B.Columns.size())
    return false;
  bool Same = true, Reversed = true;
  for (size_t I = 0; I < A.Columns.size(); ++I) {
    if (A.Columns[I].Column != B.Columns[I].Column)
      return false;
    Same &= A.Columns[I].Desc == B.Columns[I].Desc;
    Reversed &= A.Columns[I].Desc != B.Columns[I].Desc;
  }
  return Same || Reversed;
}

/// Whether B makes A redundant.
bool servedBy(const KeyIndex &A, const KeyIndex &B) {
  if (A.isPrimaryKey() || !sameWhere(A, B) || !isPrefix(A, B))
    return false;
  return !A.Unique || (B.Unique && B.Columns.size() == A.Columns.size());
}

class RedundantIndexPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    NewObjectsPass::beginMigration(M, S);
    Pending.clear();
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (O.Block != ir::BlockKind::Up || !Applied)
      return;
    const ir::Op &Op = O.IR;
    New.record(Op);
    auto AddKeys = [&](llvm::StringRef Table, const auto &Constraints,
                       llvm::SMRange At) {
      for (const ir::Constraint &C : Constraints)
        if (C.hasIndex())
          Pending.push_back(
              {Table.str(), C.Name, C.Range.isValid() ? C.Range : At});
    };
    if (Op.Kind == ir::OpKind::CreateTable)
      AddKeys(Op.NewTable.Name, Op.NewTable.Constraints, Op.Range);
    else if (Op.Kind == ir::OpKind::AddColumn)
      AddKeys(Op.TableName, Op.Constraints, Op.Range);
    else if (Op.Kind == ir::OpKind::AddConstraint &&
             Op.Constraints.front().UsingIndex.empty())
      // A key `using index` is an index judged when it was created.
      AddKeys(Op.TableName, Op.Constraints, Op.Range);
    else if (Op.Kind == ir::OpKind::CreateIndex)
      Pending.push_back({Op.NewIndex.Table, Op.NewIndex.Name, Op.Range});
    else if (Op.Kind == ir::OpKind::RenameTable)
      for (Candidate &C : Pending)
        if (C.Table == Op.TableName)
          C.Table = Op.Name;
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (B != ir::BlockKind::Up)
      return;
    llvm::StringSet<> Reported;
    for (size_t I = 0; I < Pending.size(); ++I) {
      const ir::Table *T = After.findTable(Pending[I].Table);
      if (!T)
        continue;
      std::vector<KeyIndex> Keys = keyIndexesOf(After, *T);
      const KeyIndex *X = find(Keys, Pending[I].Key);
      if (!X || Reported.contains(X->Name))
        continue;
      if (const KeyIndex *Y = servingOne(Keys, *X, I)) {
        Reported.insert(X->Name);
        reportServed(M, *T, *X, *Y, Pending[I].At);
        continue;
      }
      for (const KeyIndex &Y : Keys)
        if (&Y != X && !isPending(Y.Name) && !Reported.contains(Y.Name) &&
            servedBy(Y, *X) && !servedByOld(Keys, Y, *X)) {
          Reported.insert(Y.Name);
          reportMakes(M, *T, *X, Y, Pending[I].At);
        }
    }
  }

private:
  struct Candidate {
    std::string Table, Key;
    llvm::SMRange At;
  };

  static const KeyIndex *find(const std::vector<KeyIndex> &Keys,
                              llvm::StringRef Name) {
    for (const KeyIndex &K : Keys)
      if (K.Name == Name)
        return &K;
    return nullptr;
  }

  /// Where the candidate named Name is in Pending, or Pending.size().
  size_t pendingIndex(llvm::StringRef Name) const {
    for (size_t I = 0; I < Pending.size(); ++I)
      if (Pending[I].Key == Name)
        return I;
    return Pending.size();
  }
  bool isPending(llvm::StringRef Name) const {
    return pendingIndex(Name) < Pending.size();
  }

  /// The longest index or key that makes X (candidate At) redundant; of two
  /// new ones that serve each other, the later is the redundant one.
  const KeyIndex *servingOne(const std::vector<KeyIndex> &Keys,
                             const KeyIndex &X, size_t At) const {
    const KeyIndex *Best = nullptr;
    for (const KeyIndex &Y : Keys) {
      if (&Y == &X || !servedBy(X, Y))
        continue;
      if (servedBy(Y, X) && pendingIndex(Y.Name) > At &&
          pendingIndex(Y.Name) < Pending.size())
        continue;
      if (!Best || Y.Columns.size() > Best->Columns.size())
        Best = &Y;
    }
    return Best;
  }

  /// Whether an older index or key other than X already made Y redundant
  /// (reported then).
  bool servedByOld(const std::vector<KeyIndex> &Keys, const KeyIndex &Y,
                   const KeyIndex &X) const {
    return llvm::any_of(Keys, [&](const KeyIndex &Z) {
      return &Z != &X && &Z != &Y && !isPending(Z.Name) && servedBy(Y, Z);
    });
  }

  std::string dropOf(const ir::Table &T, const KeyIndex &K) const {
    if (K.Key)
      return "drop constraint " + ir::printName(K.Name) + " on " +
             ir::printName(T.Name);
    return std::string("drop index ") +
           (New.isNewTable(T.Name) ? "" : "concurrently ") +
           ir::printName(K.Name);
  }

  void reportServed(const ir::MigrationStep &M, const ir::Table &T,
                    const KeyIndex &X, const KeyIndex &Y, llvm::SMRange At) {
    M.Diags
        .emplace_back(Rule::RedundantIndex, At,
                      X.what() + " " + X.columns() + " of " + quote(T.Name) +
                          " is redundant: " + Y.what() + " " + Y.columns() +
                          " starts with its columns and serves the same "
                          "lookups, and every write to " +
                          quote(T.Name) + " updates both")
        .note(Y.Range.isValid() ? Y.Range : At,
              Y.what() + " is here; leave " + quote(X.Name) +
                  " out, or drop it with `" + dropOf(T, X) + "`");
  }

  void reportMakes(const ir::MigrationStep &M, const ir::Table &T,
                   const KeyIndex &X, const KeyIndex &Y, llvm::SMRange At) {
    M.Diags
        .emplace_back(Rule::RedundantIndex, At,
                      X.what() + " " + X.columns() + " of " + quote(T.Name) +
                          " makes " + Y.what() + " " + Y.columns() +
                          " redundant: it starts with its columns and serves "
                          "the same lookups, and every write to " +
                          quote(T.Name) + " updates both")
        .note(Y.Range.isValid() ? Y.Range : At,
              Y.what() + " is here; drop it with `" + dropOf(T, Y) + "`");
  }

  /// Indexes and keys `up` created, in order.
  std::vector<Candidate> Pending;
};
} // namespace

std::unique_ptr<Pass> createRedundantIndexPass(PassContext &Ctx) {
  return std::make_unique<RedundantIndexPass>(Ctx);
}

} // namespace migc::passes
