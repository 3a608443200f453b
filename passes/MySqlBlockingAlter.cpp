//===- MySqlBlockingAlter.cpp - ALTERs MariaDB runs as a table copy -------===//
//
// Spec section 8.6 (issue 12): MariaDB runs most of the ALTER TABLEs migc
// emits online (INSTANT, NOCOPY, or INPLACE with LOCK=NONE), but some only
// as ALGORITHM=COPY, which rebuilds the table under LOCK=SHARED: every
// insert, update and delete on it waits until the copy ends.
// backends/MySQLOnlineDDL.h says which, for MariaDB 10.11 and later, as
// observed on MariaDB 10.11 (test/integration/mariadb.py, part
// `onlineddl`). MySQL 8.0 and older MariaDB versions are not modelled, so
// the rule is silent for them (docs/decisions.md).
//
// Only tables that existed before the migration matter (passes/NewObjects.h);
// a synthesized down is migc's, and an operation that failed changed
// nothing.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQLOnlineDDL.h"
#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

using backends::OnlineAlgorithm;

class MySqlBlockingAlterPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Verdict.reset();
    Table.clear();
    if (!applies() || O.Synthesized)
      return;
    Verdict = backends::mariadbOnlineDDL(O.IR, Before);
    // The table of a dropped index is known only before the drop.
    if (O.IR.Kind == ir::OpKind::DropIndex) {
      if (const ir::Index *I = Before.findIndex(O.IR.Name))
        Table = I->Table;
    } else if (O.IR.Kind == ir::OpKind::CreateIndex) {
      Table = O.IR.NewIndex.Table;
    } else {
      Table = O.IR.TableName;
    }
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (Applied && !O.Synthesized && Verdict &&
        Verdict->Algorithm == OnlineAlgorithm::Copy && !Table.empty() &&
        !New.isNewTable(Table) && !hasErrorIn(O))
      report(O);
    if (Applied)
      New.record(O.IR);
  }

private:
  bool applies() const {
    return Ctx.Targets.MySql && Ctx.Targets.MariaDb &&
           backends::mariadbOnlineDDLKnown(Ctx.Targets.MySqlVersion);
  }

  void report(const ir::OpStep &O) {
    O.M.Diags
        .emplace_back(Rule::MySqlBlockingAlter, O.IR.Range,
                      "on MariaDB " + Ctx.Targets.MySqlVersion + ", " +
                          Verdict->What +
                          " needs ALGORITHM=COPY: the `ALTER TABLE` copies " +
                          quote(Table) +
                          " under LOCK=SHARED, which blocks every insert, "
                          "update and delete on it until the copy ends")
        .note(O.IR.Range, safeForm(O.IR));
  }

  /// The note: the online form, or why there is none.
  std::string safeForm(const ir::Op &Op) const {
    std::string T = ir::printName(Op.TableName);
    if (Op.Kind == ir::OpKind::AlterColumnType) {
      std::string C = ir::printName(Op.ColumnName);
      std::string NewC = ir::printName(Op.ColumnName + "_new");
      return "MariaDB changes only a `varchar` that grows in place; instead "
             "add a new "
             "column and fill it (`add column " +
             T + "." + NewC + " " + Op.NewType->str() + ";` then `update " + T +
             " set " + NewC + " = " + C +
             ";`), and drop the old one once the application uses the new "
             "one";
    }
    if (Op.Kind == ir::OpKind::AddColumn &&
        Op.Constraints.empty()) // a volatile default
      return "add the column without a default (`add column " + T + "." +
             ir::printName(Op.NewColumn.Name) + " " + Op.NewColumn.Ty.str() +
             ";`, INSTANT), fill it with an `update`, then `set default`";
    if (Op.Kind == ir::OpKind::DropConstraint)
      return "MariaDB has no online way to drop a primary key";
    bool Fk = llvm::any_of(Op.Constraints, [](const ir::Constraint &K) {
      return K.Kind == ir::ConstraintKind::ForeignKey;
    });
    if (Fk)
      return "MariaDB adds a foreign key in place only with "
             "foreign_key_checks=0, which leaves the existing rows unchecked; "
             "a migration has no such form, so run it while " +
             quote(Op.TableName) + " is small or traffic is stopped";
    return "MariaDB has no `not valid` and no online way to add a check; "
           "run it while " +
           quote(Op.TableName) + " is small or traffic is stopped";
  }

  std::optional<backends::OnlineDDL> Verdict;
  /// The table the current operation alters.
  std::string Table;
};

} // namespace

std::unique_ptr<Pass> createMySqlBlockingAlterPass(PassContext &Ctx) {
  return std::make_unique<MySqlBlockingAlterPass>(Ctx);
}

} // namespace migc::passes
