//===- TypeChangeLocksTable.cpp - Type changes that rewrite or scan -------===//
//
// Spec section 8.6 (issue 12): `alter column t.c type X` locks t against
// reads and writes (ACCESS EXCLUSIVE) until the migration commits. What
// matters is what it does under that lock, which depends on the two types
// (PostgreSQL 15, tablecmds.c: ATColumnChangeRequiresRewrite on the
// conversion once the planner has folded the length coercions that cannot
// fail, varchar_support and numeric_support):
//
//  * a conversion that is not a relabelling rewrites the table and rebuilds
//    every index of it (int -> bigint, text -> varchar(n), char(n) -> text,
//    decimal(10,2) -> decimal(10,3), any `using` other than the column under
//    such casts); timestamp <-> timestamptz rewrites unless the session's
//    TimeZone is UTC;
//  * a relabelling (varchar(n) -> varchar(m >= n), varchar -> text,
//    decimal(p,s) -> decimal(p' >= p, s), decimal(p,s) -> decimal) keeps the
//    rows and reuses the indexes' storage, but the checks that use the
//    column are added again and so checked against every row, and an index
//    with a `where` that depends on the column cannot be reused: it is built
//    again. Either is a scan of the table under the lock;
//  * otherwise only the catalog changes, which is quick: no warning.
//
// test/integration/postgres.py checks every pair of types migc accepts on
// a real PostgreSQL 15: relfilenode of the table and of its indexes, the
// table's seq_scan, and the lock in pg_locks. A table the migration created
// is exempt (passes/NewObjects.h): nobody uses it yet. A column added to an
// older table is not: the table has rows, and the change rewrites all of
// them.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

using ir::Type;
using ir::TypeKind;

/// What a conversion does to the stored values, cheapest first.
enum class Cost { Relabel, RewriteUnlessUtc, Rewrite };

Cost stringCost(Type From, Type To) {
  // char(n) to anything else goes through rtrim (or pads to another
  // length): a function, so a rewrite.
  if (From.Kind == TypeKind::Char)
    return Cost::Rewrite;
  // text and varchar are binary coercible to every string type; char(m)
  // then needs its length coercion, which has no support function.
  if (To.Kind == TypeKind::Char)
    return Cost::Rewrite;
  if (To.Kind == TypeKind::Text || To.Length == 0)
    return Cost::Relabel;
  // varchar(m): varchar_support drops the coercion when no value can be
  // longer than m already.
  return From.Kind == TypeKind::Varchar && From.Length &&
                 From.Length <= To.Length
             ? Cost::Relabel
             : Cost::Rewrite;
}

/// A cast of a value of type From to To (assignment or explicit: both take
/// the same coercion functions).
Cost castCost(Type From, Type To) {
  if (From == To)
    return Cost::Relabel;
  if (From.isString() && To.isString())
    return stringCost(From, To);
  if (From.Kind == TypeKind::Decimal && To.Kind == TypeKind::Decimal) {
    // numeric_support: to an unconstrained numeric, or to a precision at
    // least as large with the same scale, no value changes.
    if (!To.Length)
      return Cost::Relabel;
    return From.Length && From.Scale == To.Scale && To.Length >= From.Length
               ? Cost::Relabel
               : Cost::Rewrite;
  }
  // PostgreSQL 12 and later skip the rewrite when the session's time zone
  // is UTC (TimestampTimestampTzRequiresRewrite).
  if ((From.Kind == TypeKind::Timestamp && To.Kind == TypeKind::Timestamptz) ||
      (From.Kind == TypeKind::Timestamptz && To.Kind == TypeKind::Timestamp))
    return Cost::RewriteUnlessUtc;
  return Cost::Rewrite;
}

/// The type of U if it is the column Col under casts only, with the cost of
/// those casts added to C; nullopt if U computes something else.
std::optional<Type> castsOfColumn(const ir::Expr &U, llvm::StringRef Col,
                                  Type From, Cost &C) {
  if (U.Kind == ir::ExprKind::Column && U.Column == Col)
    return From;
  if (U.Kind != ir::ExprKind::Cast)
    return std::nullopt;
  std::optional<Type> Inner = castsOfColumn(*U.Args[0], Col, From, C);
  if (Inner)
    C = std::max(C, castCost(*Inner, U.CastType));
  return Inner ? std::optional(U.CastType) : std::nullopt;
}

/// What changing column Col from From to To (with `using` U, if any) does.
Cost changeCost(llvm::StringRef Col, Type From, Type To, const ir::Expr *U) {
  Cost C = Cost::Relabel;
  std::optional<Type> T = From;
  if (U)
    T = castsOfColumn(*U, Col, From, C);
  if (!T)
    return Cost::Rewrite;
  return std::max(C, castCost(*T, To));
}

/// `a`, `b` and `c`.
std::string quotedList(const std::vector<std::string> &Names) {
  std::string Out;
  for (size_t I = 0; I < Names.size(); ++I)
    Out += (I == 0                  ? ""
            : I + 1 == Names.size() ? " and "
                                    : ", ") +
           quote(Names[I]);
  return Out;
}

/// What the change does besides the conversion, from the schema before it.
struct Found {
  std::string Table, Column;
  Type From;
  Cost How = Cost::Relabel;
  bool HasIndexes = false;
  /// Valid checks that use the column (added again, so checked).
  std::vector<std::string> Checks;
  /// Indexes with a `where` that depend on the column (built again).
  std::vector<std::string> Rebuilt;
  /// Indexes that have the column as a key (rebuilt under UTC).
  std::vector<std::string> OnColumn;
};

class TypeChangeLocksTablePass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Pending.reset();
    const ir::Op &Op = O.IR;
    // An ill-typed `using` is reported by the replay; that is what to fix.
    if (!Ctx.Targets.Postgres || O.Synthesized ||
        Op.Kind != ir::OpKind::AlterColumnType || !Op.NewType ||
        New.isNewTable(Op.TableName) || (Op.Value && Op.Value->Ty.isError()))
      return;
    const ir::Table *T = Before.findTable(Op.TableName);
    const ir::Column *C = T ? T->findColumn(Op.ColumnName) : nullptr;
    if (C)
      Pending = find(Before, *T, *C, *Op.NewType, Op.Value.get());
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's (decisions.md); an
    // operation that failed was reported by the replay and changed nothing.
    if (Applied && Pending)
      report(O, *Pending);
    Pending.reset();
    if (!O.Synthesized && Applied)
      New.record(O.IR);
  }

private:
  static std::optional<Found> find(const ir::Schema &S, const ir::Table &T,
                                   const ir::Column &C, Type To,
                                   const ir::Expr *U) {
    Found F;
    F.Table = T.Name;
    F.Column = C.Name;
    F.From = C.Ty;
    F.How = changeCost(C.Name, C.Ty, To, U);
    for (const ir::Constraint &K : T.Constraints) {
      F.HasIndexes |= K.hasIndex();
      if (K.Kind == ir::ConstraintKind::Check && !K.NotValid && K.Check &&
          ir::usesColumn(*K.Check, C.Name))
        F.Checks.push_back(K.Name);
    }
    for (const ir::Index *I : S.indexesOn(T.Name)) {
      F.HasIndexes = true;
      bool Key = llvm::any_of(
          I->Keys, [&](const ir::IndexKey &K) { return K.Column == C.Name; });
      if (Key)
        F.OnColumn.push_back(I->Name);
      // PostgreSQL does not reuse an index with a predicate (indpred) when
      // it adds it again (CheckIndexCompatible).
      if (I->Where && (Key || ir::usesColumn(*I->Where, C.Name)))
        F.Rebuilt.push_back(I->Name);
    }
    for (const ir::Constraint &K : T.Constraints)
      if (K.hasIndex() && llvm::is_contained(K.Columns, C.Name))
        F.OnColumn.push_back(K.Name);
    if (F.How == Cost::Relabel && F.Checks.empty() && F.Rebuilt.empty())
      return std::nullopt;
    return F;
  }

  void report(const ir::OpStep &O, const Found &F) {
    const ir::Op &Op = O.IR;
    std::string What = "changing " + quote(F.Table + "." + F.Column) +
                       " from " + F.From.str() + " to " + Op.NewType->str();
    std::string Lock = "locks it against reads and writes (ACCESS EXCLUSIVE "
                       "lock) until the migration commits";
    std::string Msg;
    if (F.How != Cost::Relabel) {
      Msg = What + " rewrites " + quote(F.Table) +
            (F.HasIndexes ? " and rebuilds its indexes, and " : " and ") + Lock;
    } else {
      std::vector<std::string> Why;
      if (!F.Checks.empty())
        Why.push_back("to check " + quotedList(F.Checks));
      if (!F.Rebuilt.empty())
        Why.push_back(std::string("to rebuild index") +
                      (F.Rebuilt.size() > 1 ? "es " : " ") +
                      quotedList(F.Rebuilt));
      Msg = What + " does not rewrite " + quote(F.Table) + ", but scans it " +
            Why[0] + (Why.size() > 1 ? " and " + Why[1] : "") + ", and " + Lock;
    }
    Diagnostic &D = O.M.Diags.emplace_back(Rule::TypeChangeLocksTable, Op.Range,
                                           std::move(Msg));
    if (F.How == Cost::RewriteUnlessUtc)
      D.note(Op.Range, utcNote(F));
    D.note(Op.Range, safeForm(Op, F));
  }

  static std::string utcNote(const Found &F) {
    std::string S = "when the session's TimeZone is UTC, PostgreSQL keeps "
                    "the rows as they are";
    // The indexes on the column change operator class, so they cannot be
    // reused; partial ones never are.
    std::vector<std::string> Built = F.OnColumn;
    for (const std::string &R : F.Rebuilt)
      if (!llvm::is_contained(Built, R))
        Built.push_back(R);
    if (Built.empty() && F.Checks.empty())
      return S;
    S += ", but still scans the table";
    if (!F.Checks.empty())
      S += " to check " + quotedList(F.Checks);
    if (!Built.empty())
      S += std::string(F.Checks.empty() ? "" : " and") + " to rebuild index" +
           (Built.size() > 1 ? "es " : " ") + quotedList(Built);
    return S;
  }

  /// Expand and contract, in .mig syntax.
  static std::string safeForm(const ir::Op &Op, const Found &F) {
    std::string NewName = F.Column + "_new";
    ir::Op Add;
    Add.Kind = ir::OpKind::AddColumn;
    Add.TableName = F.Table;
    Add.NewColumn.Name = NewName;
    Add.NewColumn.Ty = *Op.NewType;
    ir::Op Fill;
    Fill.Kind = ir::OpKind::Update;
    Fill.TableName = F.Table;
    ir::Expr Col;
    Col.Kind = ir::ExprKind::Column;
    Col.Column = F.Column;
    Fill.Assignments.push_back(
        {NewName, Op.Value ? Op.Value : std::make_shared<ir::Expr>(Col)});
    std::string Update = ir::printOp(Fill);
    Update.pop_back(); // the `;`: a `where` goes there
    ir::Op Drop;
    Drop.Kind = ir::OpKind::DropColumn;
    Drop.TableName = F.Table;
    Drop.ColumnName = F.Column;
    ir::Op Rename;
    Rename.Kind = ir::OpKind::RenameColumn;
    Rename.TableName = F.Table;
    Rename.ColumnName = NewName;
    Rename.Name = F.Column;
    return "to keep " + quote(F.Table) + " available, expand and contract: `" +
           ir::printOp(Add) + "`, fill it in batches of rows (`" + Update +
           " where ...;`) while the application writes both columns, then `" +
           ir::printOp(Drop) + "` and `" + ir::printOp(Rename) + "`";
  }

  /// The change the current operation makes, found before it runs.
  std::optional<Found> Pending;
};
} // namespace

std::unique_ptr<Pass> createTypeChangeLocksTablePass(PassContext &Ctx) {
  return std::make_unique<TypeChangeLocksTablePass>(Ctx);
}

} // namespace migc::passes
