//===- NullableUniqueKey.cpp - Unique keys that NULLs slip through --------===//
//
// Spec section 8.4 (issue 12): SQL counts NULLs as distinct, so a unique key
// or unique index over (username, domain) accepts ('alice', NULL) twice
// (test/integration/postgres.py inserts the rows migc describes). Over one
// nullable column that is the idiom of an optional value unique when given,
// and is not reported; over several, one of them nullable, it is the
// classic bug, and is. A partial index whose `where` keeps the NULLs out
// (`where (domain is not null)`) says that rows without the value need not
// be unique, and is not reported either.
//
// The rule is about data, so a table the migration created is not exempt.
// It judges at the end of `up` the keys `up` created and those whose column
// `up` made nullable, so a `set not null` later in the migration counts,
// and reports each at the last of those operations. A
// written `down` gives back keys that existed before; they were judged when
// they were made.
//
//===----------------------------------------------------------------------===//

#include "passes/Keys.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringMap.h"

namespace migc::passes {

namespace {

/// Whether `where` W has the conjunct `Column is null`.
bool requiresNull(const ir::Expr &W, llvm::StringRef Column) {
  if (W.Kind == ir::ExprKind::Binary && W.Op == ir::OpCode::And)
    return requiresNull(*W.Args[0], Column) || requiresNull(*W.Args[1], Column);
  return W.Kind == ir::ExprKind::IsNull && !W.Negated &&
         W.Args[0]->Kind == ir::ExprKind::Column && W.Args[0]->Column == Column;
}

/// Whether `where` W implies that Column is not null: one of its conjuncts
/// is `Column is not null`, or a comparison, `in` or `like` of Column,
/// which NULL never satisfies.
bool excludesNull(const ir::Expr &W, llvm::StringRef Column) {
  if (W.Kind == ir::ExprKind::Binary && W.Op == ir::OpCode::And)
    return excludesNull(*W.Args[0], Column) || excludesNull(*W.Args[1], Column);
  auto IsColumn = [&](const ir::ExprPtr &E) {
    return E->Kind == ir::ExprKind::Column && E->Column == Column;
  };
  switch (W.Kind) {
  case ir::ExprKind::IsNull:
    return W.Negated && IsColumn(W.Args[0]);
  case ir::ExprKind::In:
  case ir::ExprKind::Between:
  case ir::ExprKind::Like:
    return IsColumn(W.Args[0]);
  case ir::ExprKind::Binary:
    switch (W.Op) {
    case ir::OpCode::Eq:
    case ir::OpCode::Ne:
    case ir::OpCode::Lt:
    case ir::OpCode::Le:
    case ir::OpCode::Gt:
    case ir::OpCode::Ge:
      return IsColumn(W.Args[0]) || IsColumn(W.Args[1]);
    default:
      return false;
    }
  default:
    return false;
  }
}

class NullableUniqueKeyPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    Pending.clear();
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (O.Block != ir::BlockKind::Up || !Applied)
      return;
    const ir::Op &Op = O.IR;
    // Not a switch: only these operations make a key or a nullable column.
    if (Op.Kind == ir::OpKind::CreateTable) {
      for (const ir::Constraint &C : Op.NewTable.Constraints)
        if (C.Kind == ir::ConstraintKind::Unique)
          Pending.push_back({Op.NewTable.Name, C.Name,
                             C.Range.isValid() ? C.Range : Op.Range});
    } else if (Op.Kind == ir::OpKind::AddConstraint) {
      // A key `using index` is an index judged when it was created.
      const ir::Constraint &C = Op.Constraints.front();
      if (C.Kind == ir::ConstraintKind::Unique && C.UsingIndex.empty())
        Pending.push_back({Op.TableName, C.Name, Op.Range});
    } else if (Op.Kind == ir::OpKind::CreateIndex) {
      if (Op.NewIndex.Unique)
        Pending.push_back({Op.NewIndex.Table, Op.NewIndex.Name, Op.Range});
    } else if (Op.Kind == ir::OpKind::DropNotNull) {
      if (const ir::Table *T = After.findTable(Op.TableName))
        for (const KeyIndex &K : keyIndexesOf(After, *T))
          if (K.Unique && llvm::any_of(K.Columns, [&](const ir::IndexKey &C) {
                return C.Column == Op.ColumnName;
              }))
            Pending.push_back({T->Name, K.Name, Op.Range});
    } else if (Op.Kind == ir::OpKind::RenameTable) {
      for (Candidate &C : Pending)
        if (C.Table == Op.TableName)
          C.Table = Op.Name;
    }
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (B != ir::BlockKind::Up)
      return;
    // A key is judged once, at the last operation that made it or made one
    // of its columns nullable: the one that left it as it ends.
    llvm::StringMap<size_t> Last;
    for (size_t I = 0; I < Pending.size(); ++I)
      Last[Pending[I].Key] = I;
    for (size_t I = 0; I < Pending.size(); ++I) {
      const Candidate &C = Pending[I];
      const ir::Table *T = After.findTable(C.Table);
      if (!T || Last[C.Key] != I)
        continue;
      for (const KeyIndex &K : keyIndexesOf(After, *T))
        if (K.Name == C.Key && K.Unique) {
          report(M, After, *T, K, C.At);
          break;
        }
    }
  }

private:
  struct Candidate {
    std::string Table, Key;
    llvm::SMRange At;
  };

  /// Whether another unique index or key of T catches the rows K lets
  /// repeat with a NULL N: one over some of Same, for every row or for
  /// those where N is null (the fix the note gives).
  static bool caughtElsewhere(const ir::Schema &S, const ir::Table &T,
                              const KeyIndex &K, llvm::StringRef N,
                              const std::vector<std::string> &Same) {
    return llvm::any_of(keyIndexesOf(S, T), [&](const KeyIndex &O) {
      if (O.Name == K.Name || !O.Unique ||
          (O.Where && !requiresNull(*O.Where, N)))
        return false;
      return llvm::all_of(O.Columns, [&](const ir::IndexKey &C) {
        return llvm::is_contained(Same, C.Column);
      });
    });
  }

  /// Reports K if NULLs slip through it; whether it did.
  bool report(const ir::MigrationStep &M, const ir::Schema &S,
              const ir::Table &T, const KeyIndex &K, llvm::SMRange At) {
    if (K.Columns.size() < 2)
      return false;
    std::vector<std::string> Nullable, Others;
    for (const ir::IndexKey &Col : K.Columns) {
      const ir::Column *C = T.findColumn(Col.Column);
      if (C && C->Nullable && !(K.Where && excludesNull(*K.Where, C->Name)))
        Nullable.push_back(C->Name);
      else
        Others.push_back(Col.Column);
    }
    if (Nullable.empty())
      return false;
    // The rows: the same values in every column but the first nullable one,
    // NULL in that one.
    const std::string &N = Nullable.front();
    std::vector<std::string> Same;
    for (const ir::IndexKey &Col : K.Columns)
      if (Col.Column != N)
        Same.push_back(Col.Column);
    if (Nullable.size() == 1 && caughtElsewhere(S, T, K, N, Same))
      return false;
    std::string Names;
    for (size_t I = 0; I < Nullable.size(); ++I)
      Names += (I ? (I + 1 == Nullable.size() ? " or " : ", ") : "") +
               quote(Nullable[I]);
    std::string SameText =
        Same.size() == 1 ? quote(Same.front()) : columnList(Same);
    Diagnostic &D = M.Diags.emplace_back(
        Rule::NullableUniqueKey, At,
        K.what() + " " + K.columns() + " of " + quote(T.Name) +
            " lets rows repeat when " + Names +
            " is NULL: NULLs are never equal, so two rows with the same " +
            SameText + " and a NULL " + quote(N) + " are both accepted");
    D.note(At, safeForm(T, K, Same, Nullable));
    return true;
  }

  static std::string safeForm(const ir::Table &T, const KeyIndex &K,
                              const std::vector<std::string> &Same,
                              const std::vector<std::string> &Nullable) {
    const std::string &N = Nullable.front();
    std::string Fix, NotNull;
    for (const std::string &C : Nullable)
      NotNull +=
          (NotNull.empty() ? "" : " and ") + ir::printName(C) + " is not null";
    if (Nullable.size() == 1) {
      std::string Name = (K.Name + "_null").substr(0, 63);
      std::string Where = "(" + ir::printName(N) + " is null";
      if (K.Where)
        Where += " and (" + ir::print(*K.Where) + ")";
      Fix = "to make rows with a NULL " + quote(N) +
            " unique too, add `create unique index " + ir::printName(Name) +
            " on " + ir::printName(T.Name) + " " + columnList(Same) +
            " where " + Where + ");`, or make " + quote(N) +
            " `not null` with a default";
    } else {
      Fix = "to make rows with NULLs unique too, make the nullable columns "
            "`not null` with a default";
    }
    return Fix +
           "; if they need not be unique, say so with a partial "
           "unique index `where (" +
           NotNull + ")`";
  }

  /// Keys made or made nullable by `up`, by table, in order.
  std::vector<Candidate> Pending;
};
} // namespace

std::unique_ptr<Pass> createNullableUniqueKeyPass(PassContext &Ctx) {
  return std::make_unique<NullableUniqueKeyPass>(Ctx);
}

} // namespace migc::passes
