//===- ConstraintWithoutNotValid.cpp - Checks that scan under a lock ------===//
//
// Spec section 8.6 (issue 12): on PostgreSQL, adding a check or a foreign
// key to a table with rows scans every row to validate it, under a lock
// held until the migration commits: ACCESS EXCLUSIVE for a check (reads
// and writes wait), SHARE ROW EXCLUSIVE on both tables for a foreign key
// (writes wait). `not valid` skips the scan; `validate constraint`, in a
// later migration, scans under SHARE UPDATE EXCLUSIVE (and ROW SHARE on the
// referenced table), which lets reads and writes go on. Validating in the
// migration that adds the constraint scans under the lock the add took.
// test/integration/postgres.py checks each lock and scan on PostgreSQL 15.
//
// Only tables that existed before the migration matter; a column added in
// the same migration is not exempt (its table has rows).
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

bool scans(const ir::Constraint &C) {
  return C.Kind == ir::ConstraintKind::Check ||
         C.Kind == ir::ConstraintKind::ForeignKey;
}

std::string kindOf(const ir::Constraint &C) {
  return C.Kind == ir::ConstraintKind::Check ? "check" : "foreign key";
}

/// `add constraint k on t check (...) not valid`
std::string notValidForm(llvm::StringRef Table, const ir::Constraint &C) {
  return "add constraint " + ir::printName(C.Name) + " on " +
         ir::printName(Table) + " " + ir::printConstraintBody(C) + " not valid";
}

std::string validateForm(llvm::StringRef Table, const ir::Constraint &C) {
  return "validate constraint " + ir::printName(C.Name) + " on " +
         ir::printName(Table);
}

/// What `validate constraint` locks, as the notes say it.
std::string validateLocks(llvm::StringRef Table, const ir::Constraint &C) {
  std::string S = "a SHARE UPDATE EXCLUSIVE lock on " + quote(Table);
  if (C.Kind == ir::ConstraintKind::ForeignKey && C.RefTable != Table)
    S += " and a ROW SHARE lock on " + quote(C.RefTable);
  return S + " (reads and writes go on)";
}

/// `a SHARE ROW EXCLUSIVE lock on `t` and on `p``, and what waits.
std::pair<std::string, std::string> foreignKeyLocks(llvm::StringRef Table,
                                                    const ir::Constraint &C) {
  if (C.RefTable == Table)
    return {"a SHARE ROW EXCLUSIVE lock on " + quote(Table),
            "writes to " + quote(Table) + " wait"};
  return {"a SHARE ROW EXCLUSIVE lock on " + quote(Table) + " and on " +
              quote(C.RefTable),
          "writes to both wait"};
}

constexpr const char *UntilCommit = " until the migration commits";

class ConstraintWithoutNotValidPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // Validating a valid constraint does nothing: only a `not valid` one
    // is scanned.
    WasNotValid = false;
    if (O.IR.Kind == ir::OpKind::ValidateConstraint)
      if (const ir::Table *T = Before.findTable(O.IR.TableName))
        if (const ir::Constraint *C = T->findConstraint(O.IR.Name))
          WasNotValid = C->NotValid;
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
    if (Op.Kind == ir::OpKind::AddConstraint && Old) {
      const ir::Constraint &C = Op.Constraints.front();
      if (scans(C) && !C.NotValid)
        reportAdd(O, C);
    } else if (Op.Kind == ir::OpKind::AddColumn && Old) {
      reportAddColumn(O);
    } else if (Op.Kind == ir::OpKind::ValidateConstraint && Old &&
               WasNotValid && New.isNewConstraint(Op.TableName, Op.Name)) {
      if (const ir::Table *T = After.findTable(Op.TableName))
        if (const ir::Constraint *C = T->findConstraint(Op.Name))
          reportValidate(O, *C);
    }
    New.record(Op);
  }

private:
  void reportAdd(const ir::OpStep &O, const ir::Constraint &C) {
    const std::string &T = O.IR.TableName;
    std::string Msg = "adding " + kindOf(C) + " " + quote(C.Name) + " to " +
                      quote(T) + " without `not valid` takes ";
    if (C.Kind == ir::ConstraintKind::Check) {
      Msg += "an ACCESS EXCLUSIVE lock on " + quote(T) +
             " and scans every row under it; reads and writes of " + quote(T) +
             " wait" + UntilCommit;
    } else {
      auto [Locks, Waits] = foreignKeyLocks(T, C);
      Msg += Locks + " and scans every row of " + quote(T) + " under it; " +
             Waits + UntilCommit;
    }
    O.M.Diags.emplace_back(Rule::ConstraintWithoutNotValid, O.IR.Range, Msg)
        .note(O.IR.Range, "add it with `" + notValidForm(T, C) +
                              "`, which does not scan, then in a later "
                              "migration `" +
                              validateForm(T, C) + "`, which scans under " +
                              validateLocks(T, C));
  }

  void reportAddColumn(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    const std::string &T = Op.TableName;
    std::vector<const ir::Constraint *> Scanned;
    for (const ir::Constraint &C : Op.Constraints)
      if (scans(C))
        Scanned.push_back(&C);
    if (Scanned.empty())
      return;
    std::string With, Refs, Safe, Validate;
    for (size_t I = 0; I < Scanned.size(); ++I) {
      const ir::Constraint &C = *Scanned[I];
      const char *Sep = I == 0 ? "" : I + 1 == Scanned.size() ? " and " : ", ";
      With += Sep + kindOf(C) + " " + quote(C.Name);
      Safe += std::string(I ? ", " : "") + "`" + notValidForm(T, C) + "`";
      Validate += std::string(I ? ", " : "") + "`" + validateForm(T, C) + "`";
      if (C.Kind == ir::ConstraintKind::ForeignKey && C.RefTable != T &&
          Refs.find(quote(C.RefTable)) == std::string::npos)
        Refs += (Refs.empty() ? "" : " and ") + quote(C.RefTable);
    }
    std::string Msg = "adding column " + quote(T + "." + Op.NewColumn.Name) +
                      " with " + With + " takes an ACCESS EXCLUSIVE lock on " +
                      quote(T);
    if (Refs.empty())
      Msg += " and scans every row under it; reads and writes of " + quote(T) +
             " wait" + UntilCommit;
    else
      Msg += " and a SHARE ROW EXCLUSIVE lock on " + Refs +
             " and scans every row of " + quote(T) + "; reads and writes of " +
             quote(T) + ", and writes to " + Refs + ", wait" + UntilCommit;
    bool One = Scanned.size() == 1;
    O.M.Diags.emplace_back(Rule::ConstraintWithoutNotValid, Op.Range, Msg)
        .note(Op.Range, std::string("add the column without ") +
                            (One ? "it" : "them") + ", then " + Safe +
                            ", which " + (One ? "does" : "do") +
                            " not scan, then in a later migration " + Validate);
  }

  void reportValidate(const ir::OpStep &O, const ir::Constraint &C) {
    const std::string &T = O.IR.TableName;
    std::string Msg = "validating " + kindOf(C) + " " + quote(C.Name) +
                      " in the migration that adds it scans every row of " +
                      quote(T) + " under ";
    if (C.Kind == ir::ConstraintKind::Check) {
      Msg += "the ACCESS EXCLUSIVE lock on " + quote(T) +
             " that adding it took; reads and writes of " + quote(T) + " wait" +
             UntilCommit;
    } else {
      auto [Locks, Waits] = foreignKeyLocks(T, C);
      // `a SHARE ROW ...` -> `the SHARE ROW ...`
      Msg += "the" + Locks.substr(1) + " that adding it took; " + Waits +
             UntilCommit;
    }
    O.M.Diags.emplace_back(Rule::ConstraintWithoutNotValid, O.IR.Range, Msg)
        .note(O.IR.Range, "move `" + validateForm(T, C) +
                              "` to a later migration, where it scans under " +
                              validateLocks(T, C));
  }

  /// The constraint of the current `validate constraint` was `not valid`.
  bool WasNotValid = false;
};
} // namespace

std::unique_ptr<Pass> createConstraintWithoutNotValidPass(PassContext &Ctx) {
  return std::make_unique<ConstraintWithoutNotValidPass>(Ctx);
}

} // namespace migc::passes
