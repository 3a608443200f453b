//===- SetNotNullScan.cpp - `set not null` scans under ACCESS EXCLUSIVE ---===//
//
// Spec section 8.6 (issue 12): on PostgreSQL, `alter column ... set not
// null` takes an ACCESS EXCLUSIVE lock on the table (reads and writes wait)
// and scans every row for a NULL, holding the lock until the migration
// commits. This is so even when the proofs show that no row has a NULL:
// the rule is about how the statement runs, not whether it succeeds.
//
// From PostgreSQL 12, a valid check that proves the column not null (one
// whose conjuncts include `c is not null`) lets it skip the scan; so does a
// column already not null. The safe form builds that check `not valid`,
// validates it in a later migration (SHARE UPDATE EXCLUSIVE: reads and
// writes go on), then sets not null. test/integration/postgres.py checks
// the lock and both scans on PostgreSQL 15.
//
// A table the migration created is exempt; a column added to an older
// table in the same migration is not (the table has rows).
//
//===----------------------------------------------------------------------===//

#include "ir/Names.h"
#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

/// Whether E is true only where Column is not NULL, from its conjuncts:
/// `c is not null`, or an `and` with such a side. PostgreSQL's prover
/// knows more, but this is the form the safe steps write.
bool provesNotNull(const ir::Expr &E, llvm::StringRef Column) {
  if (E.Kind == ir::ExprKind::IsNull && E.Negated && E.Args.size() == 1)
    return E.Args[0]->Kind == ir::ExprKind::Column &&
           E.Args[0]->Column == Column;
  if (E.Kind == ir::ExprKind::Binary && E.Op == ir::OpCode::And)
    return llvm::any_of(E.Args, [&](const ir::ExprPtr &A) {
      return provesNotNull(*A, Column);
    });
  return false;
}

/// The check of T that proves Column not null, valid ones first.
const ir::Constraint *provingCheck(const ir::Table &T, llvm::StringRef Column,
                                   bool Valid) {
  for (const ir::Constraint &C : T.Constraints)
    if (C.Kind == ir::ConstraintKind::Check && C.NotValid != Valid && C.Check &&
        provesNotNull(*C.Check, Column))
      return &C;
  return nullptr;
}

class SetNotNullScanPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Scans = false;
    Pending.reset();
    SafeName.clear();
    const ir::Op &Op = O.IR;
    if (Op.Kind != ir::OpKind::SetNotNull)
      return;
    const ir::Table *T = Before.findTable(Op.TableName);
    const ir::Column *C = T ? T->findColumn(Op.ColumnName) : nullptr;
    if (!C || !C->Nullable || provingCheck(*T, C->Name, /*Valid=*/true))
      return;
    Scans = true;
    if (const ir::Constraint *K = provingCheck(*T, C->Name, false))
      Pending = K->Name;
    SafeName =
        ir::chooseName(T->Name, C->Name, "not_null", [&](llvm::StringRef N) {
          return Before.constraintNameUsed(N);
        });
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's; an operation that
    // failed was reported by the replay and changed nothing, and one with
    // an error is not what will run.
    if (Ctx.Targets.Postgres && !O.Synthesized && Applied && Scans &&
        !New.isNewTable(O.IR.TableName) && !hasErrorIn(O))
      report(O);
    if (!O.Synthesized && Applied)
      New.record(O.IR);
  }

private:
  void report(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    std::string T = ir::printName(Op.TableName);
    std::string Col = ir::printName(Op.ColumnName);
    std::string Validate = " on " + T +
                           "`, which scans under a SHARE UPDATE "
                           "EXCLUSIVE lock on " +
                           quote(Op.TableName) + " (reads and writes go on)";
    std::string Then = "; then `alter column " + T + "." + Col +
                       " set not null` skips the scan (PostgreSQL 12 and "
                       "later)";
    std::string Note;
    if (Pending) {
      Note = "check " + quote(*Pending) +
             " proves it but is `not valid`: first, in an earlier migration, "
             "`validate constraint " +
             ir::printName(*Pending) + Validate + Then;
    } else {
      std::string K = ir::printName(SafeName);
      Note = "first `add constraint " + K + " on " + T + " check (" + Col +
             " is not null) not valid`, then in a later migration `validate "
             "constraint " +
             K + Validate + Then + ", and `drop constraint " + K + " on " + T +
             "` drops the check";
    }
    O.M.Diags
        .emplace_back(
            Rule::SetNotNullScan, Op.Range,
            "setting " + quote(Op.TableName + "." + Op.ColumnName) +
                " not null takes an ACCESS EXCLUSIVE lock on " +
                quote(Op.TableName) +
                " and scans every row under it; reads and writes of " +
                quote(Op.TableName) + " wait until the migration commits")
        .note(Op.Range, Note);
  }

  /// The current `set not null` scans (no valid check proves it, and the
  /// column was nullable).
  bool Scans = false;
  /// A `not valid` check that would prove it once validated.
  std::optional<std::string> Pending;
  /// The name the note suggests for the check.
  std::string SafeName;
};
} // namespace

std::unique_ptr<Pass> createSetNotNullScanPass(PassContext &Ctx) {
  return std::make_unique<SetNotNullScanPass>(Ctx);
}

} // namespace migc::passes
