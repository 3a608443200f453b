//===- KeyLocksTable.cpp - Keys whose index is built under a lock ---------===//
//
// Spec section 8.6 (issue 12): on PostgreSQL, adding a primary key or a
// unique constraint to a table with rows (`add constraint`, or `add column`
// with `primary key` / `unique`) takes an ACCESS EXCLUSIVE lock on the table
// and builds the key's index under it, reading every row: reads and writes
// wait until the migration commits. A primary key over nullable columns
// also scans the table for NULLs before the build. `create unique index
// concurrently` builds the same index while reads and writes go on, and
// `add constraint ... using index` then attaches it without a build or a
// scan (silent), except that a primary key over nullable columns scans for
// NULLs under the ACCESS EXCLUSIVE lock (reported). test/integration/
// postgres.py checks the locks in pg_locks, the scans in
// pg_stat_user_tables.seq_scan and the index's relfilenode on PostgreSQL 15.
//
// `create unique index` is index-without-concurrently's; this rule speaks
// only of keys, so one statement gets one of the two. A table the migration
// created is exempt; a column added to an older table is not (the table
// has rows).
//
//===----------------------------------------------------------------------===//

#include "ir/Names.h"
#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

std::string kindOf(const ir::Constraint &C) {
  return C.Kind == ir::ConstraintKind::PrimaryKey ? "primary key"
                                                  : "unique constraint";
}

std::string columnList(const std::vector<std::string> &Cols) {
  std::string S;
  for (size_t I = 0; I < Cols.size(); ++I)
    S += (I ? ", " : "") + ir::printName(Cols[I]);
  return S;
}

/// `a`, `a` and `b`, `a`, `b` and `c`
std::string quoteAll(const std::vector<std::string> &Names) {
  std::string S;
  for (size_t I = 0; I < Names.size(); ++I)
    S += std::string(I == 0                  ? ""
                     : I + 1 == Names.size() ? " and "
                                             : ", ") +
         quote(Names[I]);
  return S;
}

class KeyLocksTablePass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // Which columns of a new primary key were nullable is known only
    // before the key makes them not null.
    Nullable.clear();
    const ir::Op &Op = O.IR;
    if (Op.Kind != ir::OpKind::AddConstraint)
      return;
    const ir::Table *T = Before.findTable(Op.TableName);
    const ir::Constraint &K = Op.Constraints.front();
    if (!T || K.Kind != ir::ConstraintKind::PrimaryKey)
      return;
    for (const std::string &Col : K.Columns)
      if (const ir::Column *C = T->findColumn(Col); C && C->Nullable)
        Nullable.push_back(Col);
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's; an operation that
    // failed was reported by the replay and changed nothing, and one with
    // an error is not what will run.
    if (!Ctx.Targets.Postgres || O.Synthesized || !Applied)
      return;
    const ir::Op &Op = O.IR;
    bool Old = !New.isNewTable(Op.TableName) && !hasErrorIn(O);
    bool Using = Op.Kind == ir::OpKind::AddConstraint &&
                 !Op.Constraints.front().UsingIndex.empty();
    if (Old && Using && !Nullable.empty())
      reportUsingIndex(O, Op.Constraints.front());
    else if (Old && !Using && Op.Kind == ir::OpKind::AddConstraint &&
             Op.Constraints.front().hasIndex())
      report(O, Op.Constraints.front(), Nullable, After);
    else if (Old && Op.Kind == ir::OpKind::AddColumn)
      for (const ir::Constraint &C : Op.Constraints)
        if (C.hasIndex()) {
          // One diagnostic for the column: its first key (a column is
          // rarely both).
          report(O, C, {}, After);
          break;
        }
    New.record(Op);
  }

private:
  void report(const ir::OpStep &O, const ir::Constraint &K,
              const std::vector<std::string> &NullCols,
              const ir::Schema &After) {
    const std::string &T = O.IR.TableName;
    std::string Msg = "adding " + kindOf(K) + " " + quote(K.Name) + " to " +
                      quote(T) + " takes an ACCESS EXCLUSIVE lock on " +
                      quote(T) + " and builds its index under it, reading " +
                      "every row";
    if (!NullCols.empty())
      Msg += ", after a scan of every row for a NULL in " + quoteAll(NullCols);
    Msg += "; reads and writes of " + quote(T) +
           " wait until the migration commits";
    O.M.Diags.emplace_back(Rule::KeyLocksTable, O.IR.Range, Msg)
        .note(O.IR.Range, safeForm(O, K, NullCols, After));
  }

  /// `primary key using index` builds nothing, but over nullable columns
  /// PostgreSQL sets them not null, scanning every row under the lock.
  void reportUsingIndex(const ir::OpStep &O, const ir::Constraint &K) {
    const std::string &T = O.IR.TableName;
    std::string Sets;
    for (size_t I = 0; I < Nullable.size(); ++I)
      Sets += std::string(I ? ", " : "") + "`alter column " + ir::printName(T) +
              "." + ir::printName(Nullable[I]) + " set not null`";
    O.M.Diags
        .emplace_back(Rule::KeyLocksTable, O.IR.Range,
                      "adding primary key " + quote(K.Name) + " to " +
                          quote(T) + " using index " + quote(K.UsingIndex) +
                          " takes an ACCESS EXCLUSIVE lock on " + quote(T) +
                          " and scans every row under it for a NULL in " +
                          quoteAll(Nullable) + "; reads and writes of " +
                          quote(T) + " wait until the migration commits")
        .note(O.IR.Range,
              "make " + quoteAll(Nullable) +
                  " not null first, in an earlier migration (" + Sets +
                  "; set-not-null-scan tells how without a scan under the "
                  "lock); then the key only attaches the index");
  }

  /// The note: build the index concurrently first.
  std::string safeForm(const ir::OpStep &O, const ir::Constraint &K,
                       const std::vector<std::string> &NullCols,
                       const ir::Schema &After) {
    const std::string &T = O.IR.TableName;
    std::string Index = ir::chooseName(
        T, ir::joinColumns(K.Columns), "idx",
        [&](llvm::StringRef N) { return After.relationUsing(N).has_value(); });
    std::string Build = "create unique index concurrently " +
                        ir::printName(Index) + " on " + ir::printName(T) +
                        " (" + columnList(K.Columns) + ")";
    bool Primary = K.Kind == ir::ConstraintKind::PrimaryKey;
    std::string Attach = "`add constraint " + ir::printName(K.Name) + " on " +
                         ir::printName(T) + " " +
                         (Primary ? "primary key" : "unique") +
                         " using index " + ir::printName(Index) + "`";
    if (O.IR.Kind == ir::OpKind::AddColumn)
      return "add the column without `" +
             std::string(Primary ? "primary key" : "unique") +
             "`, then in a migration of its own `" + Build +
             "`, which builds the index while reads and writes go on, and "
             "in a later one " +
             Attach + ", which makes it the key without a build";
    std::string Note = "build the index first, in a migration of its own, "
                       "with `" +
                       Build +
                       "`, which lets reads and writes go on; then, in a "
                       "later migration, " +
                       Attach + " makes it the " +
                       (Primary ? "primary key" : "constraint") +
                       " without a build";
    if (Primary && !NullCols.empty())
      Note += " (after " + quoteAll(NullCols) +
              " are made not null: set-not-null-scan tells how without a "
              "scan under the lock)";
    return Note;
  }

  /// The columns of the current `add constraint ... primary key` that were
  /// nullable before it.
  std::vector<std::string> Nullable;
};
} // namespace

std::unique_ptr<Pass> createKeyLocksTablePass(PassContext &Ctx) {
  return std::make_unique<KeyLocksTablePass>(Ctx);
}

} // namespace migc::passes
